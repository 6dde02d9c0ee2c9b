import { Binary } from "bson";
import { update as applyModifier } from "mingo";
import type { Modifier } from "mingo/updater";
import { MingoError, setValue } from "mingo/util";
import {
  cloneDoc,
  type Doc,
  isOperatorObject,
  isPlainObject,
  sameBson,
  valueKey,
  withLeadingId,
} from "./documents";
import type { Collation } from "./collation";
import { CommandError, type ErrorCodeName, unsupported } from "./errors";
import { mingoOptions, runPipeline } from "./query";

/** The `u` of an update statement: operators (`{ $set: … }`), a replacement document, or a pipeline. */
export type UpdateSpec = Doc | Doc[];

export interface UpdateContext {
  /** The statement's query: mingo needs it to resolve the positional `$`. */
  filter: Doc;
  arrayFilters?: Doc[];
  /** `let` (and the statement's `c`) for pipeline updates. */
  variables?: Doc;
  collation?: Collation;
}

/** Stages MongoDB allows in an update pipeline. */
const UPDATE_STAGES = new Set(["$addFields", "$set", "$project", "$unset", "$replaceRoot", "$replaceWith"]);

/** Update operators that compare values, which mingo would do without the collation. */
const COMPARING_OPERATORS = ["$addToSet", "$pull", "$pullAll", "$min", "$max"];

export function parseUpdateSpec(value: unknown): UpdateSpec {
  if (Array.isArray(value) && value.every(isPlainObject)) {
    for (const stage of value) {
      const name = Object.keys(stage)[0] ?? "";
      if (Object.keys(stage).length !== 1 || !UPDATE_STAGES.has(name)) {
        throw new CommandError(
          "InvalidOptions",
          `${name || "An empty stage"} is not allowed to be used within an update`,
        );
      }
    }
    return value;
  }
  if (isPlainObject(value)) return value;
  throw new CommandError("FailedToParse", "Update argument must be either an object or an array");
}

/**
 * With a non-simple collation, refuses what this store would compare without it: operators such
 * as `$addToSet` and `$pull`, positional paths and array filters (mingo matches those binarily).
 */
export function assertCollationSafe(update: UpdateSpec, context: UpdateContext): void {
  if (!context.collation || Array.isArray(update) || !isOperatorUpdate(update)) return;
  for (const operator of COMPARING_OPERATORS) {
    if (operator in update) throw unsupported(`${operator} with a non-simple collation`);
  }
  const paths = Object.values(update).flatMap((fields) => (isPlainObject(fields) ? Object.keys(fields) : []));
  if (paths.some((path) => path.split(".").some((part) => part.startsWith("$")))) {
    throw unsupported("positional updates with a non-simple collation");
  }
  if (context.arrayFilters) throw unsupported("arrayFilters with a non-simple collation");
  const push = update.$push;
  if (isPlainObject(push) && Object.values(push).some((value) => isPlainObject(value) && "$sort" in value)) {
    throw unsupported("$push with $sort and a non-simple collation");
  }
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
 * "Changed" means the stored bytes differ, as in MongoDB (`sameBson`); mingo's own verdict is not
 * used because it compares Binary values as UTF-8 text, which makes different bytes look equal.
 */
export function updatedDocument(current: Doc, update: UpdateSpec, context: UpdateContext): Doc | undefined {
  let next: Doc;
  if (!Array.isArray(update) && isOperatorUpdate(update)) {
    // $setOnInsert only applies when an upsert inserts; mingo does not know the operator at all.
    const { $setOnInsert: _onInsertOnly, ...modifier } = update;
    next = simpleUpdate(current, modifier) ?? modifyExactly(current, modifier, context);
  } else if (Array.isArray(update)) {
    next = pipelineUpdate(current, update, context);
  } else {
    if (update._id !== undefined) assertSameId(current, update);
    next = { _id: current._id, ...cloneDoc(withoutId(update)) };
  }
  assertSameId(current, next);
  return sameBson(next, current) ? undefined : next;
}

/**
 * The common update — `$set`, `$unset` and `$inc` on top-level fields — applied directly; mingo
 * builds its whole operator context on every call, which dominates a small update. Returns
 * undefined for anything else (dotted or positional paths, other operators, a field named twice,
 * `$inc` on a non-number), which mingo then applies, with its error messages.
 */
function simpleUpdate(current: Doc, modifier: Doc): Doc | undefined {
  const fields = new Set<string>();
  for (const [operator, fieldValues] of Object.entries(modifier)) {
    if (!["$set", "$unset", "$inc"].includes(operator) || !isPlainObject(fieldValues)) return undefined;
    for (const [field, value] of Object.entries(fieldValues)) {
      if (field.includes(".") || field.startsWith("$") || field === "" || fields.has(field)) return undefined;
      if (operator === "$inc" && !(typeof value === "number" && isIncrementable(current[field])))
        return undefined;
      fields.add(field);
    }
  }
  if (fields.size === 0) return undefined;
  const next = { ...current };
  const { $set = {}, $unset = {}, $inc = {} } = modifier as Record<string, Doc>;
  for (const [field, value] of Object.entries($set)) next[field] = cloneDoc(value);
  for (const field of Object.keys($unset)) delete next[field];
  for (const [field, by] of Object.entries($inc))
    next[field] = ((next[field] as number | undefined) ?? 0) + (by as number);
  return next;
}

function isIncrementable(value: unknown): boolean {
  return value === undefined || typeof value === "number";
}

/**
 * mingo on a copy of `doc`, with Binary values that compare by their bytes. mingo decides whether
 * `$set`, `$addToSet` or `$pull` touch a value with an equality that reads a Binary as UTF-8 text,
 * so two byte strings that are not valid UTF-8 look equal and `$set` would keep the old bytes. The
 * result has plain Binary values again.
 */
function modifyExactly(doc: Doc, modifier: Doc, context: UpdateContext): Doc {
  const exact = <T>(value: T): T =>
    mapBinaries(value, (binary) => new ExactBinary(binary.value(), binary.sub_type)) as T;
  const copy = exact(doc);
  modify(copy, exact(modifier), {
    filter: exact(context.filter),
    arrayFilters: context.arrayFilters && exact(context.arrayFilters),
  });
  return mapBinaries(copy, (binary) =>
    binary instanceof ExactBinary ? new Binary(binary.value(), binary.sub_type) : binary,
  ) as Doc;
}

/** A Binary whose text form (what mingo compares) is its exact bytes. */
class ExactBinary extends Binary {
  override toString(encoding?: "hex" | "base64" | "utf8" | "utf-8"): string {
    return encoding ? super.toString(encoding) : `${this.sub_type}:${super.toString("base64")}`;
  }
}

/** Copies plain objects and arrays, replacing Binary values; everything else is shared. */
function mapBinaries(value: unknown, replace: (binary: Binary) => Binary): unknown {
  if (value instanceof Binary) return replace(value);
  if (Array.isArray(value)) return value.map((item) => mapBinaries(item, replace));
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapBinaries(item, replace)]));
  }
  return value instanceof Date ? new Date(value.getTime()) : value;
}

/**
 * The document an upsert inserts: the filter's equality fields (including dotted paths and `$eq`,
 * which mingo does not seed), then the update with `$setOnInsert` applied as `$set`.
 */
export function upsertDocument(filter: Doc, update: UpdateSpec, context: UpdateContext): Doc {
  const seed: Doc = {};
  seedEqualityFields(filter, seed);
  if (Array.isArray(update)) return withLeadingId(pipelineUpdate(seed, update, context));
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
  const simple = simpleUpdate(seed, modifier);
  if (simple) return withLeadingId(simple);
  modify(seed, modifier, { arrayFilters: context.arrayFilters, filter: {} });
  return withLeadingId(seed);
}

/**
 * A pipeline update's result. As in MongoDB, a result without `_id` (`$replaceWith` of a
 * sub-document, `$project` without it) keeps the document's `_id`; a different one is refused.
 */
function pipelineUpdate(current: Doc, pipeline: Doc[], context: UpdateContext): Doc {
  const result = runPipeline([current], pipeline, {
    collation: context.collation,
    variables: context.variables,
    resolve: () => [],
  })[0];
  if (!isPlainObject(result))
    throw new CommandError("BadValue", "an update pipeline must produce a document");
  if (result._id === undefined && current._id !== undefined) {
    const { _id: _missing, ...rest } = result;
    return { _id: current._id, ...rest };
  }
  return result;
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
