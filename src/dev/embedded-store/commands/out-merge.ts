import { LockWait } from "../catalog";
import { Collection } from "../collection";
import type { Collation } from "../collation";
import { equalValues } from "../compare";
import { cloneDoc, type Doc, isPlainObject, valuesAtPath, withLeadingId } from "../documents";
import { CommandError, unknownField } from "../errors";
import { evaluateVariables, runPipeline } from "../query";
import type { CommandContext } from "./context";
import { retryWhileLocked } from "./waits";

interface Target {
  db: string;
  coll: string;
}

/**
 * The final `$out` or `$merge` stage of an aggregation: writes the results and leaves the cursor
 * empty, as MongoDB does.
 *
 * `$out` replaces the target with the results in one step, keeping the target's indexes; if the
 * results break one of them (or lack nothing MongoDB needs) the target is left as it was.
 * `$merge` folds each result into the target by its `on` fields (default `_id`, otherwise a unique
 * index must cover exactly them) with the chosen `whenMatched`/`whenNotMatched` actions. Like
 * MongoDB's, a `$merge` that fails half-way keeps the writes made before the failure.
 */
export async function writeStage(
  context: CommandContext,
  stage: Doc,
  results: Doc[],
  env: { collation: Collation | undefined; variables: Doc | undefined },
): Promise<void> {
  if ("$out" in stage) return out(context, stage.$out, results);
  return merge(context, stage.$merge, results, env);
}

function parseTarget(raw: unknown, stage: string, db: string): Target {
  if (typeof raw === "string" && raw.length > 0) return { db, coll: raw };
  if (isPlainObject(raw)) {
    for (const key of Object.keys(raw))
      if (key !== "db" && key !== "coll") throw unknownField(`${stage}.${key}`);
    if (typeof raw.coll !== "string" || raw.coll.length === 0) {
      throw new CommandError("FailedToParse", `${stage} needs a 'coll' string`);
    }
    return { db: typeof raw.db === "string" ? raw.db : db, coll: raw.coll };
  }
  throw new CommandError("FailedToParse", `${stage} needs a collection name or { db, coll }`);
}

async function out(context: CommandContext, spec: unknown, results: Doc[]): Promise<void> {
  const target = parseTarget(spec, "$out", context.db);
  const { catalog } = context.engine;
  const existing = catalog.collection(target.db, target.coll);
  if (existing?.view) {
    throw new CommandError(
      "CommandNotSupportedOnView",
      `Namespace ${target.db}.${target.coll} is a view, not a collection`,
    );
  }
  // Built aside and swapped in whole: readers see the old contents or the new, never a mix.
  const replacement = new Collection(target.db, target.coll, existing?.options ?? {}, BUILD_OBSERVER);
  for (const spec of existing?.indexSpecs() ?? []) if (spec.name !== "_id_") replacement.createIndex(spec);
  for (const doc of results) replacement.insert(withLeadingId(cloneDoc(doc)));
  await retryWhileLocked(context, () => {
    // An open transaction that wrote to the target would commit into the replaced collection: wait for it.
    const owner = catalog.locks.ownerIn(`${target.db}.${target.coll}`);
    if (owner) throw new LockWait(owner);
    catalog.replace(target.db, target.coll, replacement);
  });
}

const BUILD_OBSERVER = { beforeWrite: () => undefined, indexesChanged: () => undefined };

const MERGE_FIELDS = new Set(["into", "on", "let", "whenMatched", "whenNotMatched"]);

async function merge(
  context: CommandContext,
  spec: unknown,
  results: Doc[],
  env: { collation: Collation | undefined; variables: Doc | undefined },
): Promise<void> {
  const options: Doc = isPlainObject(spec) ? spec : { into: spec };
  for (const key of Object.keys(options)) if (!MERGE_FIELDS.has(key)) throw unknownField(`$merge.${key}`);
  const target = parseTarget(options.into, "$merge.into", context.db);
  const on = options.on === undefined ? ["_id"] : Array.isArray(options.on) ? options.on : [options.on];
  if (on.length === 0 || !on.every((field) => typeof field === "string")) {
    throw new CommandError("FailedToParse", "$merge 'on' must be a field name or an array of them");
  }
  const whenMatched = options.whenMatched ?? "merge";
  const whenNotMatched = options.whenNotMatched ?? "insert";
  if (
    !Array.isArray(whenMatched) &&
    !["replace", "keepExisting", "merge", "fail"].includes(whenMatched as string)
  ) {
    throw new CommandError(
      "BadValue",
      `Enumeration value '${String(whenMatched)}' for field 'whenMatched' is not a valid value.`,
    );
  }
  if (!["insert", "discard", "fail"].includes(whenNotMatched as string)) {
    throw new CommandError(
      "BadValue",
      `Enumeration value '${String(whenNotMatched)}' for field 'whenNotMatched' is not a valid value.`,
    );
  }
  const { catalog } = context.engine;
  const existing = catalog.collection(target.db, target.coll);
  if (existing?.view) {
    throw new CommandError(
      "CommandNotSupportedOnView",
      `Namespace ${target.db}.${target.coll} is a view, not a collection`,
    );
  }
  const onIsId = on.length === 1 && on[0] === "_id";
  if (!onIsId) {
    const fields = new Set(on as string[]);
    const covered = existing
      ?.indexList()
      .some(
        (index) =>
          index.spec.unique &&
          !index.spec.partialFilterExpression &&
          index.fields.length === fields.size &&
          index.fields.every((field) => fields.has(field)),
      );
    if (!covered) {
      throw new CommandError("Location51183", "Cannot find index to verify that join fields will be unique");
    }
  }
  const collection = catalog.collectionForWrite(target.db, target.coll);
  for (const result of results) {
    const values = (on as string[]).map((field) => valuesAtPath(result, field));
    if (values.some((found) => found.length !== 1 || Array.isArray(found[0]) || found[0] === undefined)) {
      throw new CommandError(
        "Location51132",
        "$merge write error: 'on' field cannot be missing, null, undefined or an array",
      );
    }
    const key = values.map((found) => found[0]);
    await retryWhileLocked(context, () => {
      const match = findByFields(collection, on as string[], key, env.collation);
      if (!match) {
        if (whenNotMatched === "insert") collection.insert(withLeadingId(cloneDoc(result)));
        else if (whenNotMatched === "fail") {
          throw new CommandError(
            "Location13113",
            "$merge could not find a matching document in the target collection for at least one document in the source collection",
          );
        }
        return;
      }
      if (whenMatched === "keepExisting") return;
      if (whenMatched === "fail") {
        throw new CommandError(
          "DuplicateKey",
          `E11000 duplicate key error collection: ${collection.ns} $merge whenMatched: "fail"`,
          {
            keyValue: Object.fromEntries((on as string[]).map((field, i) => [field, key[i]])),
          },
        );
      }
      let next: Doc;
      if (whenMatched === "replace") next = { ...cloneDoc(result), _id: match.doc._id };
      else if (whenMatched === "merge") next = { ...match.doc, ...cloneDoc(result), _id: match.doc._id };
      else {
        // `$$new` is the result being merged unless `let` says otherwise; `let` is evaluated against it.
        const own = isPlainObject(options.let) ? evaluateVariables(options.let, result) : { new: result };
        const variables = { ...env.variables, ...own };
        next = runPipeline([match.doc], whenMatched as Doc[], { variables, resolve: () => [] })[0] ?? {};
        if (next._id === undefined) next = { _id: match.doc._id, ...next };
      }
      if (!equalValues(next._id, match.doc._id)) {
        throw new CommandError(
          "ImmutableField",
          "$merge failed to update the matching document, did you attempt to modify the _id or the shard key?",
        );
      }
      collection.replace(match.rid, next);
    });
  }
}

function findByFields(
  collection: Collection,
  fields: string[],
  values: unknown[],
  collation: Collation | undefined,
) {
  if (fields.length === 1 && fields[0] === "_id") return collection.findById(values[0]);
  for (const [rid, doc] of collection.entries()) {
    if (
      fields.every((field, i) => {
        const found = valuesAtPath(doc, field);
        return found.length === 1 && equalValues(found[0], values[i], collation);
      })
    ) {
      return { rid, doc };
    }
  }
  return undefined;
}
