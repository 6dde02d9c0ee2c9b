import { CommandError } from "../errors";
import { type IndexSpec, parseIndexSpec } from "../indexes";
import type { Doc } from "../documents";
import { isPlainObject } from "../documents";
import { collectionName, docArrayField, docField, numberField } from "./args";
import type { CommandContext, CommandHandler } from "./context";

/** All requested indexes are built or none: a failure (e.g. E11000 on existing data) removes the ones just added. */
function createIndexes(context: CommandContext): Doc {
  const { catalog } = context.engine;
  const name = collectionName(context.body);
  const specs: IndexSpec[] = docArrayField(context.body, "indexes").map(parseIndexSpec);
  const existed = catalog.collection(context.db, name) !== undefined;
  const collection = catalog.collectionForWrite(context.db, name);
  const numIndexesBefore = collection.indexSpecs().length;
  const created: string[] = [];
  try {
    for (const spec of specs) {
      if (collection.createIndex(spec) === "created") created.push(spec.name);
    }
  } catch (error) {
    for (const indexName of created) collection.dropIndex(indexName);
    if (!existed) catalog.drop(context.db, name);
    throw error;
  }
  return {
    createdCollectionAutomatically: !existed,
    numIndexesBefore,
    numIndexesAfter: collection.indexSpecs().length,
    ...(created.length === 0 ? { note: "all indexes already exist" } : {}),
    ok: 1,
  };
}

function listIndexes(context: CommandContext): Doc {
  const name = collectionName(context.body);
  const collection = context.engine.catalog.collection(context.db, name);
  // mongoose relies on this code to tell "no collection yet" from a real failure.
  if (!collection) throw new CommandError("NamespaceNotFound", `ns does not exist: ${context.db}.${name}`);
  const batchSize = numberField(docField(context.body, "cursor") ?? {}, "batchSize");
  const page = context.engine.cursors.open(collection.ns, collection.indexSpecs(), { batchSize });
  return { cursor: { id: page.id, ns: page.ns, firstBatch: page.batch }, ok: 1 };
}

function dropIndexes(context: CommandContext): Doc {
  const name = collectionName(context.body);
  const collection = context.engine.catalog.collection(context.db, name);
  if (!collection) throw new CommandError("NamespaceNotFound", `ns not found ${context.db}.${name}`);
  const nIndexesWas = collection.indexSpecs().length;
  const target = context.body.index;
  if (target === "*") {
    for (const spec of collection.indexSpecs()) if (spec.name !== "_id_") collection.dropIndex(spec.name);
  } else if (typeof target === "string") {
    collection.dropIndex(target);
  } else if (Array.isArray(target) && target.every((item) => typeof item === "string")) {
    for (const indexName of target) collection.dropIndex(indexName);
  } else if (isPlainObject(target)) {
    const index = collection.findIndexByKey(target);
    if (!index) throw new CommandError("IndexNotFound", "can't find index with key");
    collection.dropIndex(index.name);
  } else {
    throw new CommandError(
      "TypeMismatch",
      "'index' must be a name, a key pattern, an array of names or \"*\"",
    );
  }
  return { nIndexesWas, ok: 1 };
}

export const indexCommands: Record<string, CommandHandler> = {
  createIndexes,
  listIndexes,
  dropIndexes,
  deleteIndexes: dropIndexes,
};
