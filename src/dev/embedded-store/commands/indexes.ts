import { type Doc, isPlainObject } from "../documents";
import { CommandError } from "../errors";
import { type IndexSpec, parseIndexSpec } from "../indexes";
import {
  checkCommandFields,
  collectionName,
  docArrayField,
  docField,
  numberField,
  refuseUnsupported,
} from "./args";
import type { CommandContext, CommandHandler } from "./context";

const CREATE_INDEXES_FIELDS = new Set([
  "indexes",
  "commitQuorum",
  "ignoreUnknownIndexOptions",
  "isTimeseriesNamespace",
  "returnOnStart",
]);

/** All requested indexes are built or none: a failure (e.g. E11000 on existing data) removes the ones just added. */
function createIndexes(context: CommandContext): Doc {
  checkCommandFields(context.body, "createIndexes", CREATE_INDEXES_FIELDS);
  refuseUnsupported(context.body, "createIndexes", [
    "ignoreUnknownIndexOptions",
    "isTimeseriesNamespace",
    "returnOnStart",
  ]);
  const name = collectionName(context.body);
  const existing = context.data.collection(context.db, name);
  if (existing?.view) {
    throw new CommandError(
      "CommandNotSupportedOnView",
      `Namespace ${existing.ns} is a view, not a collection`,
    );
  }
  if (context.transaction && existing && !context.transaction.createdHere(existing)) {
    throw new CommandError(
      "OperationNotSupportedInTransaction",
      `Cannot create new indexes on existing collection ${existing.ns} in a multi-document transaction.`,
    );
  }
  // One journal entry: a crash leaves all the requested indexes or none.
  return context.engine.catalog.atomically(() => {
    const collection = existing ?? context.data.collectionForWrite(context.db, name);
    const specs: IndexSpec[] = docArrayField(context.body, "indexes").map((raw) =>
      parseIndexSpec(raw, collection.collation),
    );
    const numIndexesBefore = collection.indexSpecs().length;
    const created: string[] = [];
    try {
      for (const spec of specs) {
        if (collection.createIndex(spec) === "created") created.push(spec.name);
      }
    } catch (error) {
      for (const indexName of created) collection.dropIndex(indexName);
      if (!existing && !context.transaction) context.engine.catalog.drop(context.db, name);
      throw error;
    }
    return {
      createdCollectionAutomatically: !existing,
      numIndexesBefore,
      numIndexesAfter: collection.indexSpecs().length,
      ...(created.length === 0 ? { note: "all indexes already exist" } : {}),
      ok: 1,
    };
  });
}

async function listIndexes(context: CommandContext): Promise<Doc> {
  checkCommandFields(
    context.body,
    "listIndexes",
    new Set(["cursor", "includeBuildUUIDs", "includeIndexBuildInfo", "collectionUUID"]),
  );
  const name = collectionName(context.body);
  const collection = context.engine.catalog.collection(context.db, name);
  // mongoose relies on this code to tell "no collection yet" from a real failure.
  if (!collection) throw new CommandError("NamespaceNotFound", `ns does not exist: ${context.db}.${name}`);
  if (collection.view)
    throw new CommandError(
      "CommandNotSupportedOnView",
      `Namespace ${collection.ns} is a view, not a collection`,
    );
  const batchSize = numberField(docField(context.body, "cursor") ?? {}, "batchSize");
  const page = await context.engine.cursors.openArray(collection.ns, collection.indexSpecs(), { batchSize });
  return { cursor: { id: page.id, ns: page.ns, firstBatch: page.batch }, ok: 1 };
}

function dropIndexes(context: CommandContext): Doc {
  const command = Object.keys(context.body)[0] ?? "dropIndexes";
  checkCommandFields(context.body, command, new Set(["index", "collectionUUID"]));
  const name = collectionName(context.body);
  const collection = context.engine.catalog.collection(context.db, name);
  if (!collection) throw new CommandError("NamespaceNotFound", `ns not found ${context.db}.${name}`);
  if (collection.view)
    throw new CommandError(
      "CommandNotSupportedOnView",
      `Namespace ${collection.ns} is a view, not a collection`,
    );
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
