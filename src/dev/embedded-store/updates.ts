import { update as applyModifier } from "mingo";
import type { Modifier } from "mingo/updater";
import { MingoError, setValue } from "mingo/util";
import { cloneDoc, type Doc, isOperatorObject, isPlainObject, valueKey, withLeadingId } from "./documents";
import { CommandError, type ErrorCodeName } from "./errors";
import { mingoOptions, runPipeline } from "./query";

/** The `u` of an update statement: operators (`{ $set: … }`), a replacement document, or a pipeline. */
export type UpdateSpec = Doc | Doc[];

export interface UpdateContext {
  /** The statement's query: mingo needs it to resolve the positional `$`. */
  filter: Doc;
  arrayFilters?: Doc[];
}

export function parseUpdateSpec(value: unknown): UpdateSpec {
  if (Array.isArray(value) && value.every(isPlainObject)) return value;
  if (isPlainObject(value)) return value;
  throw new CommandError("FailedToParse", "Update argument must be either an object or an array");
}

function isOperatorUpdate(update: Doc): boolean {
  const keys = Object.keys(update);
  const operators = keys.filter((key) => key.startsWith("$"));
  if (operators.length > 0 && operators.length < keys.length) {
    throw new CommandError("FailedToParse", "Update document mixes operators and plain fields");
  }
  return operators.length > 0;
}

export function isReplacement(update: UpdateSpec): boolean {
  return !Array.isArray(update) && !isOperatorUpdate(update);
}

/**
 * Applies an update to a copy of `current` and returns the new version, or undefined when nothing
 * changed (so `nModified` stays 0 and the stored object is not swapped). `current` is never
 * touched: mingo updates in place, and a later unique-index failure must leave data intact.
 */
export function updatedDocument(current: Doc, update: UpdateSpec, context: UpdateContext): Doc | undefined {
  if (!Array.isArray(update) && isOperatorUpdate(update)) {
    // $setOnInsert only applies when an upsert inserts; mingo does not know the operator at all.
    const { $setOnInsert: _onInsertOnly, ...modifier } = update;
    const next = cloneDoc(current);
    if (modify(next, modifier, context).length === 0) return undefined;
    assertSameId(current, next);
    return next;
  }
  let next: Doc;
  if (Array.isArray(update)) {
    next = runPipeline([current], update, () => [])[0] ?? {};
  } else {
    if (update._id !== undefined) assertSameId(current, update);
    next = { _id: current._id, ...cloneDoc(withoutId(update)) };
  }
  assertSameId(current, next);
  return valueKey(next) === valueKey(current) ? undefined : next;
}

/**
 * The document an upsert inserts: the filter's equality fields (including dotted paths and `$eq`,
 * which mingo does not seed), then the update with `$setOnInsert` applied as `$set`.
 */
export function upsertDocument(filter: Doc, update: UpdateSpec, context: UpdateContext): Doc {
  const seed: Doc = {};
  seedEqualityFields(filter, seed);
  if (Array.isArray(update)) return withLeadingId(runPipeline([seed], update, () => [])[0] ?? {});
  if (!isOperatorUpdate(update)) {
    // A replacement takes only `_id` from the filter, as in MongoDB.
    const replacement = cloneDoc(update);
    const _id = replacement._id ?? seed._id;
    return withLeadingId(_id === undefined ? replacement : { ...replacement, _id });
  }
  const { $setOnInsert, ...modifier } = update;
  if (isPlainObject($setOnInsert)) {
    modifier.$set = { ...(isPlainObject(modifier.$set) ? modifier.$set : {}), ...$setOnInsert };
  }
  modify(seed, modifier, { arrayFilters: context.arrayFilters, filter: {} });
  return withLeadingId(seed);
}

function seedEqualityFields(filter: Doc, seed: Doc): void {
  for (const [path, condition] of Object.entries(filter)) {
    if (path === "$and" && Array.isArray(condition)) {
      for (const clause of condition) if (isPlainObject(clause)) seedEqualityFields(clause, seed);
    } else if (path.startsWith("$") || condition instanceof RegExp) {
      continue; // $or/$nor/$expr… and patterns do not pin a value
    } else if (isOperatorObject(condition)) {
      if ("$eq" in condition) setValue(seed, path, cloneDoc(condition.$eq));
    } else {
      setValue(seed, path, cloneDoc(condition));
    }
  }
}

function modify(doc: Doc, modifier: Doc, context: UpdateContext): string[] {
  try {
    return applyModifier(doc, modifier as Modifier<Doc>, context.arrayFilters ?? [], context.filter, {
      queryOptions: mingoOptions,
    });
  } catch (error) {
    if (error instanceof MingoError) throw new CommandError(updateErrorCode(error.message), error.message);
    throw error;
  }
}

/** mingo reports these cases with plain messages; MongoDB has a code for each that clients may test. */
function updateErrorCode(message: string): ErrorCodeName {
  if (/unknown update operator/i.test(message)) return "FailedToParse";
  if (/immutable field/i.test(message)) return "ImmutableField";
  if (/would create a conflict/i.test(message)) return "ConflictingUpdateOperators";
  return "BadValue";
}

function withoutId(doc: Doc): Doc {
  const { _id: _ignored, ...rest } = doc;
  return rest;
}

function assertSameId(before: Doc, after: Doc): void {
  if (valueKey(before._id) !== valueKey(after._id)) {
    throw new CommandError(
      "ImmutableField",
      "Performing an update on the path '_id' would modify the immutable field '_id'",
    );
  }
}
