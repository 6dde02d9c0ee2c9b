import { BSON } from "bson";
import type { Collection } from "../collection";
import type { Doc } from "../documents";
import { CommandError } from "../errors";
import { ID_INDEX_SPEC } from "../indexes";
import { compileFilter } from "../query";
import { collectionName, commandOptions, docField, numberField } from "./args";
import type { CommandContext, CommandHandler } from "./context";

function dataSize(collection: Collection): number {
  return collection.all().reduce((total, doc) => total + BSON.calculateObjectSize(doc), 0);
}

function filterEntries(entries: Doc[], filter: Doc | undefined): Doc[] {
  if (!filter || Object.keys(filter).length === 0) return entries;
  const query = compileFilter(filter);
  return entries.filter((entry) => query.test(entry));
}

/** Catalogue listings come back as cursors, like MongoDB's; they always fit the first batch here. */
function cursorReply(context: CommandContext, ns: string, docs: Doc[]): Doc {
  const batchSize = numberField(docField(context.body, "cursor") ?? {}, "batchSize");
  const page = context.engine.cursors.open(ns, docs, { batchSize });
  return { cursor: { id: page.id, ns: page.ns, firstBatch: page.batch }, ok: 1 };
}

function listDatabases(context: CommandContext): Doc {
  const { catalog } = context.engine;
  const databases = catalog.databaseNames().map((name) => {
    const sizeOnDisk = catalog.collections(name).reduce((total, c) => total + dataSize(c), 0);
    return { name, sizeOnDisk, empty: false };
  });
  const listed = filterEntries(databases, docField(context.body, "filter"));
  if (context.body.nameOnly === true) return { databases: listed.map(({ name }) => ({ name })), ok: 1 };
  const totalSize = listed.reduce((total, db) => total + Number(db.sizeOnDisk), 0);
  return { databases: listed, totalSize, totalSizeMb: Math.floor(totalSize / 1024 / 1024), ok: 1 };
}

function listCollections(context: CommandContext): Doc {
  const nameOnly = context.body.nameOnly === true;
  const entries = context.engine.catalog.collections(context.db).map((collection) =>
    nameOnly
      ? { name: collection.name, type: "collection" }
      : {
          name: collection.name,
          type: "collection",
          options: collection.options,
          info: { readOnly: false, uuid: collection.uuid },
          idIndex: ID_INDEX_SPEC,
        },
  );
  const listed = filterEntries(entries, docField(context.body, "filter"));
  return cursorReply(context, `${context.db}.$cmd.listCollections`, listed);
}

function create(context: CommandContext): Doc {
  const name = collectionName(context.body);
  // Options such as validators and capped sizes are recorded for listCollections but not enforced.
  context.engine.catalog.create(context.db, name, commandOptions(context.body));
  return { ok: 1 };
}

function drop(context: CommandContext): Doc {
  const name = collectionName(context.body);
  const dropped = context.engine.catalog.drop(context.db, name);
  // Since MongoDB 7.0 dropping a missing collection succeeds.
  if (!dropped) return { ok: 1 };
  return { nIndexesWas: dropped.indexSpecs().length, ns: dropped.ns, ok: 1 };
}

function collStats(context: CommandContext): Doc {
  const name = collectionName(context.body);
  const collection = context.engine.catalog.collection(context.db, name);
  if (!collection)
    throw new CommandError("NamespaceNotFound", `Collection [${context.db}.${name}] not found.`);
  const size = dataSize(collection);
  const specs = collection.indexSpecs();
  return {
    ns: collection.ns,
    count: collection.count,
    size,
    avgObjSize: collection.count > 0 ? Math.floor(size / collection.count) : 0,
    storageSize: size,
    nindexes: specs.length,
    totalIndexSize: 0,
    indexSizes: Object.fromEntries(specs.map((spec) => [spec.name, 0])),
    ok: 1,
  };
}

function dbStats(context: CommandContext): Doc {
  const collections = context.engine.catalog.collections(context.db);
  const dataBytes = collections.reduce((total, c) => total + dataSize(c), 0);
  return {
    db: context.db,
    collections: collections.length,
    views: 0,
    objects: collections.reduce((total, c) => total + c.count, 0),
    dataSize: dataBytes,
    storageSize: dataBytes,
    indexes: collections.reduce((total, c) => total + c.indexSpecs().length, 0),
    ok: 1,
  };
}

export const catalogCommands: Record<string, CommandHandler> = {
  listDatabases,
  dropDatabase: (context) => {
    context.engine.catalog.dropDatabase(context.db);
    return { dropped: context.db, ok: 1 };
  },
  listCollections,
  create,
  drop,
  collStats,
  dbStats,
};
