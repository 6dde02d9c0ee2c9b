import { BSON } from "bson";
import { LockWait } from "../catalog";
import { parseCollation } from "../collation";
import type { Collection } from "../collection";
import { type Doc, isPlainObject } from "../documents";
import { CommandError, unsupported } from "../errors";
import { ID_INDEX_SPEC } from "../indexes";
import { compileMatcher } from "../match";
import { checkCommandFields, collectionName, docField, numberField, refuseUnsupported } from "./args";
import type { CommandContext, CommandHandler } from "./context";
import { retryWhileLocked } from "./waits";

function dataSize(collection: Collection): number {
  return collection.all().reduce((total, doc) => total + BSON.calculateObjectSize(doc), 0);
}

function filterEntries(entries: Doc[], filter: Doc | undefined): Doc[] {
  if (!filter || Object.keys(filter).length === 0) return entries;
  const query = compileMatcher(filter, {});
  return entries.filter((entry) => query.test(entry));
}

/** Catalogue listings come back as cursors, like MongoDB's. */
async function cursorReply(context: CommandContext, ns: string, docs: Doc[]): Promise<Doc> {
  const batchSize = numberField(docField(context.body, "cursor") ?? {}, "batchSize");
  const page = await context.engine.cursors.openArray(ns, docs, { batchSize });
  return { cursor: { id: page.id, ns: page.ns, firstBatch: page.batch }, ok: 1 };
}

function listDatabases(context: CommandContext): Doc {
  checkCommandFields(context.body, "listDatabases", new Set(["filter", "nameOnly", "authorizedDatabases"]));
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

const LIST_COLLECTIONS_FIELDS = new Set([
  "filter",
  "nameOnly",
  "authorizedCollections",
  "cursor",
  "includePendingDrops",
]);

/** Collections and views (`type: "view"`, read-only, with their definition), as MongoDB lists them. */
function listCollections(context: CommandContext): Promise<Doc> {
  checkCommandFields(context.body, "listCollections", LIST_COLLECTIONS_FIELDS);
  const nameOnly = context.body.nameOnly === true;
  const entries = context.engine.catalog.collections(context.db).map((collection) => {
    const type = collection.view ? "view" : "collection";
    if (nameOnly) return { name: collection.name, type };
    if (collection.view) {
      return { name: collection.name, type, options: collection.options, info: { readOnly: true } };
    }
    return {
      name: collection.name,
      type,
      options: collection.options,
      info: { readOnly: false, uuid: collection.uuid },
      idIndex: collection.indexSpecs()[0] ?? ID_INDEX_SPEC,
    };
  });
  const listed = filterEntries(entries, docField(context.body, "filter"));
  return cursorReply(context, `${context.db}.$cmd.listCollections`, listed);
}

const CREATE_FIELDS = new Set([
  "capped",
  "autoIndexId",
  "idIndex",
  "size",
  "max",
  "storageEngine",
  "validator",
  "validationLevel",
  "validationAction",
  "indexOptionDefaults",
  "viewOn",
  "pipeline",
  "collation",
  "changeStreamPreAndPostImages",
  "timeseries",
  "clusteredIndex",
  "recordIdsReplicated",
  "expireAfterSeconds",
  "encryptedFields",
  "temp",
  "flags",
]);
/** Collection kinds whose behaviour (size caps, buckets, encryption, validation…) the store does not have. */
const CREATE_UNSUPPORTED = [
  "capped",
  "timeseries",
  "clusteredIndex",
  "expireAfterSeconds",
  "encryptedFields",
  "changeStreamPreAndPostImages",
  "validator",
  "recordIdsReplicated",
];

/** The options `create` stores (and `listCollections` shows), validated; a view also needs its definition. */
export function parseCreateOptions(body: Doc): Doc {
  checkCommandFields(body, "create", CREATE_FIELDS);
  const options: Doc = {};
  for (const [key, value] of Object.entries(body).slice(1)) {
    if (CREATE_FIELDS.has(key)) options[key] = value;
  }
  // An empty validator (what some tools send) validates nothing: nothing to refuse.
  if (isPlainObject(options.validator) && Object.keys(options.validator).length === 0)
    delete options.validator;
  if (
    isPlainObject(options.changeStreamPreAndPostImages) &&
    options.changeStreamPreAndPostImages.enabled === false
  ) {
    delete options.changeStreamPreAndPostImages;
  }
  refuseUnsupported(options, "create", CREATE_UNSUPPORTED);
  if (options.collation !== undefined) {
    const collation = parseCollation(options.collation);
    if (collation) options.collation = collation.spec;
    else delete options.collation;
  }
  if (options.pipeline !== undefined && options.viewOn === undefined) {
    throw new CommandError("BadValue", "'pipeline' requires 'viewOn' to also be specified");
  }
  if (options.viewOn !== undefined) {
    if (typeof options.viewOn !== "string" || options.viewOn.length === 0) {
      throw new CommandError("TypeMismatch", "'viewOn' must be a non-empty string");
    }
    const pipeline = options.pipeline ?? [];
    if (!Array.isArray(pipeline) || !pipeline.every(isPlainObject)) {
      throw new CommandError("TypeMismatch", "'pipeline' must be an array of objects");
    }
    for (const stage of pipeline) {
      const name = Object.keys(stage)[0];
      if (name === "$out" || name === "$merge") {
        throw new CommandError("OptionNotSupportedOnView", `${name} cannot be used in a view definition`);
      }
    }
    for (const option of Object.keys(options)) {
      if (!["viewOn", "pipeline", "collation"].includes(option)) {
        throw new CommandError("InvalidOptions", `'${option}' option not supported on a view`);
      }
    }
    options.pipeline = pipeline;
  }
  return options;
}

function create(context: CommandContext): Doc {
  const name = collectionName(context.body);
  const options = parseCreateOptions(context.body);
  if (context.transaction) {
    if (options.viewOn !== undefined) {
      throw new CommandError(
        "OperationNotSupportedInTransaction",
        "Cannot create a view in a multi-document transaction.",
      );
    }
    context.transaction.createCollection(context.db, name, options);
  } else {
    context.engine.catalog.create(context.db, name, options);
  }
  return { ok: 1 };
}

function drop(context: CommandContext): Doc {
  checkCommandFields(context.body, "drop", new Set(["collectionUUID"]));
  const name = collectionName(context.body);
  const dropped = context.engine.catalog.drop(context.db, name);
  // Since MongoDB 7.0 dropping a missing collection succeeds.
  if (!dropped) return { ok: 1 };
  return { nIndexesWas: dropped.indexSpecs().length, ns: dropped.ns, ok: 1 };
}

/**
 * `{ renameCollection: "db.from", to: "db.to", dropTarget }`, which MongoDB accepts only on
 * `admin`. Like MongoDB's, it waits for open transactions that wrote to either collection.
 */
async function renameCollection(context: CommandContext): Promise<Doc> {
  const { body } = context;
  checkCommandFields(body, "renameCollection", new Set(["to", "dropTarget", "stayTemp"]));
  if (context.db !== "admin") {
    throw new CommandError("Unauthorized", "renameCollection may only be run against the admin database.");
  }
  if (body.dropTarget !== undefined && typeof body.dropTarget !== "boolean") {
    throw unsupported("renameCollection.dropTarget other than a boolean");
  }
  const [db, name] = splitNamespace(body.renameCollection, "renameCollection");
  const [toDb, toName] = splitNamespace(body.to, "to");
  const { catalog } = context.engine;
  await retryWhileLocked(context, () => {
    const owner = catalog.locks.ownerIn(`${db}.${name}`) ?? catalog.locks.ownerIn(`${toDb}.${toName}`);
    if (owner) throw new LockWait(owner);
    catalog.rename(db, name, toDb, toName, body.dropTarget === true);
  });
  return { ok: 1 };
}

function splitNamespace(value: unknown, field: string): [string, string] {
  const dot = typeof value === "string" ? value.indexOf(".") : -1;
  if (typeof value !== "string" || dot <= 0 || dot === value.length - 1) {
    throw new CommandError(
      "InvalidNamespace",
      `Invalid namespace specified for '${field}': '${String(value)}'`,
    );
  }
  return [value.slice(0, dot), value.slice(dot + 1)];
}

const COLL_MOD_FIELDS = new Set([
  "index",
  "validator",
  "validationLevel",
  "validationAction",
  "viewOn",
  "pipeline",
  "expireAfterSeconds",
  "changeStreamPreAndPostImages",
  "cappedSize",
  "cappedMax",
  "timeseries",
  "timeseriesBucketsMayHaveMixedSchemaData",
  "recordPreImages",
  "dryRun",
  "collectionUUID",
  "prepareUnique",
  "unique",
]);

/**
 * collMod: redefines a view (`viewOn` + `pipeline`), or changes an index's `expireAfterSeconds`
 * or `hidden`. Options whose behaviour the store lacks (validators, capped sizes…) are refused.
 */
function collMod(context: CommandContext): Doc {
  const { body, db } = context;
  checkCommandFields(body, "collMod", COLL_MOD_FIELDS);
  refuseUnsupported(body, "collMod", [
    "validator",
    "validationLevel",
    "validationAction",
    "expireAfterSeconds",
    "changeStreamPreAndPostImages",
    "cappedSize",
    "cappedMax",
    "timeseries",
    "timeseriesBucketsMayHaveMixedSchemaData",
    "recordPreImages",
    "dryRun",
    "collectionUUID",
    "prepareUnique",
    "unique",
  ]);
  const name = collectionName(body);
  const { catalog } = context.engine;
  const collection = catalog.collection(db, name);
  if (!collection) throw new CommandError("NamespaceNotFound", `ns does not exist: ${db}.${name}`);
  const reply: Doc = { ok: 1 };
  if (body.viewOn !== undefined || body.pipeline !== undefined) {
    if (!collection.view)
      throw new CommandError("InvalidOptions", `option viewOn and pipeline are only supported on views`);
    if (body.viewOn === undefined || body.pipeline === undefined) {
      throw new CommandError(
        "InvalidOptions",
        "Must specify both 'viewOn' and 'pipeline' when modifying a view",
      );
    }
    const options = parseCreateOptions({
      create: name,
      viewOn: body.viewOn,
      pipeline: body.pipeline,
      ...(collection.options.collation ? { collation: collection.options.collation } : {}),
    });
    catalog.redefine(db, name, options);
  }
  if (body.index !== undefined) {
    const index = docField(body, "index") ?? {};
    for (const key of Object.keys(index)) {
      if (!["keyPattern", "name", "expireAfterSeconds", "hidden"].includes(key)) {
        throw unsupported(`collMod.index.${key}`);
      }
    }
    const target =
      typeof index.name === "string"
        ? collection.findIndexByName(index.name)
        : isPlainObject(index.keyPattern)
          ? collection.findIndexByKey(index.keyPattern)
          : undefined;
    if (!target)
      throw new CommandError(
        "IndexNotFound",
        `cannot find index ${JSON.stringify(index.name ?? index.keyPattern)} for ns ${collection.ns}`,
      );
    if (index.expireAfterSeconds !== undefined && target.spec.expireAfterSeconds === undefined) {
      throw new CommandError("InvalidOptions", "no expireAfterSeconds field to update");
    }
    if (index.expireAfterSeconds !== undefined && typeof index.expireAfterSeconds !== "number") {
      throw new CommandError("InvalidOptions", "expireAfterSeconds must be a number");
    }
    if (index.hidden !== undefined && typeof index.hidden !== "boolean") {
      throw new CommandError("TypeMismatch", "hidden must be a boolean");
    }
    if (target.name === "_id_" && index.hidden !== undefined) {
      throw new CommandError("BadValue", "can't hide _id index");
    }
    const before = target.spec;
    const after = collection.modifyIndex(target.name, {
      expireAfterSeconds: index.expireAfterSeconds as number | undefined,
      hidden: index.hidden as boolean | undefined,
    });
    if (index.expireAfterSeconds !== undefined) {
      reply.expireAfterSeconds_old = before.expireAfterSeconds;
      reply.expireAfterSeconds_new = after.expireAfterSeconds;
    }
    if (index.hidden !== undefined) {
      reply.hidden_old = before.hidden === true;
      reply.hidden_new = after.hidden === true;
    }
  }
  return reply;
}

function collStats(context: CommandContext): Doc {
  const name = collectionName(context.body);
  const collection = context.engine.catalog.collection(context.db, name);
  if (!collection)
    throw new CommandError("NamespaceNotFound", `Collection [${context.db}.${name}] not found.`);
  if (collection.view)
    throw new CommandError(
      "CommandNotSupportedOnView",
      `Namespace ${collection.ns} is a view, not a collection`,
    );
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
  const all = context.engine.catalog.collections(context.db);
  const collections = all.filter((c) => !c.view);
  const dataBytes = collections.reduce((total, c) => total + dataSize(c), 0);
  return {
    db: context.db,
    collections: collections.length,
    views: all.length - collections.length,
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
  renameCollection,
  collMod,
  collStats,
  dbStats,
};
