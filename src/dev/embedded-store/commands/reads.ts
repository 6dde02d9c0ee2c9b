import type { DataView } from "../catalog";
import type { Collation } from "../collation";
import type { Collection } from "../collection";
import { DEFAULT_FIRST_BATCH } from "../cursors";
import { cloneDoc, type Doc, isPlainObject } from "../documents";
import { CommandError } from "../errors";
import { compileMatcher } from "../match";
import { CandidateSource, parseSort, planQuery, resolveHint } from "../planner";
import { distinctValues, parseLet, QueryRunner, runPipeline, TimeSlice } from "../query";
import { resolveNamespace, viewCollation } from "../views";
import {
  checkCommandFields,
  collectionName,
  countField,
  docArrayField,
  docField,
  effectiveCollation,
  filterField,
  numberField,
  refuseUnsupported,
} from "./args";
import type { CommandContext, CommandHandler } from "./context";
import { writeStage } from "./out-merge";

const FIND_FIELDS = new Set([
  "filter",
  "projection",
  "sort",
  "hint",
  "collation",
  "skip",
  "limit",
  "batchSize",
  "ntoreturn",
  "singleBatch",
  "allowDiskUse",
  "min",
  "max",
  "returnKey",
  "showRecordId",
  "tailable",
  "oplogReplay",
  "noCursorTimeout",
  "awaitData",
  "allowPartialResults",
  "let",
  "options",
  "term",
  "readOnce",
  "allowSpeculativeMajorityRead",
  "$_requestResumeToken",
  "$_resumeAfter",
  "runtimeConstants",
  "collectionUUID",
  "includeQueryStatsMetrics",
]);
/** Known find options with behaviour this store lacks (capped/tailable cursors, index bounds, resume tokens). */
const FIND_UNSUPPORTED = [
  "min",
  "max",
  "returnKey",
  "showRecordId",
  "tailable",
  "awaitData",
  "oplogReplay",
  "$_requestResumeToken",
  "$_resumeAfter",
  "runtimeConstants",
  "collectionUUID",
];

async function find(context: CommandContext): Promise<Doc> {
  const { body, db } = context;
  checkCommandFields(body, "find", FIND_FIELDS);
  refuseUnsupported(body, "find", FIND_UNSUPPORTED);
  const name = collectionName(body);
  const ns = `${db}.${name}`;
  const filter = filterField(body, "filter");
  const projection = docField(body, "projection");
  const sort = parseSort(body.sort);
  const skip = countField(body, "skip", "find");
  const limit = countField(body, "limit", "find");
  const batchSize = countField(body, "batchSize", "find") ?? countField(body, "ntoreturn", "find");
  const variables = parseLet(body.let);
  const resolved = resolveNamespace(context.data, db, name);
  const owner = context.transaction;
  const open = (source: QueryRunner | Doc[]) =>
    Array.isArray(source)
      ? context.engine.cursors.openArray(ns, source, {
          batchSize: batchSize ?? DEFAULT_FIRST_BATCH,
          singleBatch: body.singleBatch === true,
          owner,
        })
      : context.engine.cursors.open(ns, source, {
          batchSize: batchSize ?? DEFAULT_FIRST_BATCH,
          singleBatch: body.singleBatch === true,
          owner,
        });

  let page;
  if (resolved.view) {
    const collation = viewCollation(resolved.view, body.collation);
    const pipeline: Doc[] = [...resolved.pipeline, { $match: filter }];
    if (body.sort !== undefined && isPlainObject(body.sort) && Object.keys(body.sort).length > 0)
      pipeline.push({ $sort: body.sort });
    if (skip) pipeline.push({ $skip: skip });
    if (limit) pipeline.push({ $limit: limit });
    if (projection && Object.keys(projection).length > 0) pipeline.push({ $project: projection });
    page = await open(
      await readThroughPipeline(context, resolved.collection, pipeline, collation, variables),
    );
  } else {
    const collection = resolved.collection;
    const collation = effectiveCollation(body.collation, collection);
    if (!collection) {
      page = await open([]);
    } else {
      const runner = new QueryRunner(
        collection.snapshot(),
        {
          filter,
          sort,
          skip,
          limit,
          projection,
          hint: body.hint,
          collation,
          variables,
        },
        collection,
      );
      page = await open(runner);
    }
  }
  return { cursor: { firstBatch: page.batch, id: page.id, ns: page.ns }, ok: 1 };
}

const GET_MORE_FIELDS = new Set([
  "collection",
  "batchSize",
  "term",
  "lastKnownCommittedOpTime",
  "includeQueryStatsMetrics",
]);

async function getMore(context: CommandContext): Promise<Doc> {
  checkCommandFields(context.body, "getMore", GET_MORE_FIELDS);
  const batchSize = countField(context.body, "batchSize", "getMore");
  const page = await context.engine.cursors.next(context.body.getMore, batchSize, context.transaction);
  return { cursor: { nextBatch: page.batch, id: page.id, ns: page.ns }, ok: 1 };
}

function killCursors(context: CommandContext): Doc {
  checkCommandFields(context.body, "killCursors", new Set(["cursors"]));
  const ids = context.body.cursors;
  if (!Array.isArray(ids)) throw new CommandError("TypeMismatch", "'cursors' must be an array");
  const { killed, notFound } = context.engine.cursors.kill(ids);
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
}

const COUNT_FIELDS = new Set([
  "query",
  "limit",
  "skip",
  "hint",
  "collation",
  "fields",
  "encryptionInformation",
  "mirrored",
  "sampleId",
]);

async function count(context: CommandContext): Promise<Doc> {
  const { body, db } = context;
  checkCommandFields(body, "count", COUNT_FIELDS);
  refuseUnsupported(body, "count", ["encryptionInformation"]);
  const name = collectionName(body);
  const filter = filterField(body, "query");
  const skip = countField(body, "skip", "count") ?? 0;
  const limit = Math.abs(numberField(body, "limit") ?? 0);
  const resolved = resolveNamespace(context.data, db, name);
  let matched: number;
  if (resolved.view) {
    const collation = viewCollation(resolved.view, body.collation);
    matched = (
      await readThroughPipeline(
        context,
        resolved.collection,
        [...resolved.pipeline, { $match: filter }],
        collation,
        undefined,
      )
    ).length;
  } else if (!resolved.collection) {
    matched = 0;
  } else {
    const collection = resolved.collection;
    const collation = effectiveCollation(body.collation, collection);
    if (Object.keys(filter).length === 0 && body.hint === undefined) {
      matched = collection.count;
    } else {
      matched = await countMatches(collection.snapshot(), filter, collation, body.hint);
    }
  }
  const n = Math.max(0, matched - skip);
  return { n: limit > 0 ? Math.min(n, limit) : n, ok: 1 };
}

async function countMatches(
  collection: Collection,
  filter: Doc,
  collation: Collation | undefined,
  hint: unknown,
): Promise<number> {
  const plan = planQuery(collection, { filter, hint, collation });
  const source = new CandidateSource(collection, plan);
  const matcher = compileMatcher(filter, { collation });
  const slice = new TimeSlice();
  let n = 0;
  for (let doc = source.next(); doc; doc = source.next()) {
    if ((source.examined & 255) === 0) await slice.check();
    if (matcher.test(doc)) n++;
  }
  return n;
}

const DISTINCT_FIELDS = new Set([
  "key",
  "query",
  "collation",
  "hint",
  "mirrored",
  "sampleId",
  "encryptionInformation",
]);

async function distinct(context: CommandContext): Promise<Doc> {
  const { body, db } = context;
  checkCommandFields(body, "distinct", DISTINCT_FIELDS);
  const name = collectionName(body);
  const key = body.key;
  if (typeof key !== "string")
    throw new CommandError(
      "TypeMismatch",
      "BSON field 'distinct.key' is the wrong type, expected type 'string'",
    );
  const filter = filterField(body, "query");
  const resolved = resolveNamespace(context.data, db, name);
  if (resolved.view) {
    const collation = viewCollation(resolved.view, body.collation);
    const docs = await readThroughPipeline(
      context,
      resolved.collection,
      [...resolved.pipeline, { $match: filter }],
      collation,
      undefined,
    );
    return { values: distinctValues(docs, key, collation), ok: 1 };
  }
  const collection = resolved.collection;
  if (!collection) return { values: [], ok: 1 };
  const collation = effectiveCollation(body.collation, collection);
  const snapshot = collection.snapshot();
  const plan = planQuery(snapshot, { filter, hint: body.hint, collation });
  const source = new CandidateSource(snapshot, plan);
  const matcher = compileMatcher(filter, { collation });
  const slice = new TimeSlice();
  const matches: Doc[] = [];
  for (let doc = source.next(); doc; doc = source.next()) {
    if ((source.examined & 255) === 0) await slice.check();
    if (matcher.test(doc)) matches.push(doc);
  }
  return { values: distinctValues(matches, key, collation), ok: 1 };
}

const AGGREGATE_FIELDS = new Set([
  "pipeline",
  "explain",
  "allowDiskUse",
  "cursor",
  "bypassDocumentValidation",
  "collation",
  "hint",
  "let",
  "needsMerge",
  "fromMongos",
  "$_requestReshardingResumeToken",
  "exchange",
  "runtimeConstants",
  "isMapReduceCommand",
  "collectionUUID",
  "$_passthroughToShard",
  "encryptionInformation",
  "$_externalDataSources",
  "sampleId",
  "$_isClusterQueryWithoutShardKeyCmd",
  "$_requestResumeToken",
  "$_resumeAfter",
  "includeQueryStatsMetrics",
]);

async function aggregate(context: CommandContext): Promise<Doc> {
  const { body, db } = context;
  checkCommandFields(body, "aggregate", AGGREGATE_FIELDS);
  refuseUnsupported(body, "aggregate", [
    "exchange",
    "needsMerge",
    "fromMongos",
    "$_passthroughToShard",
    "$_externalDataSources",
    "collectionUUID",
    "runtimeConstants",
    "$_resumeAfter",
    "$_requestResumeToken",
    "$_requestReshardingResumeToken",
    "encryptionInformation",
  ]);
  const cursorOptions = docField(body, "cursor");
  if (body.explain !== undefined && body.explain !== false) {
    throw new CommandError("CommandNotSupported", "explain is not supported by the embedded store");
  }
  if (!cursorOptions) {
    throw new CommandError(
      "FailedToParse",
      "The 'cursor' option is required, except for aggregate with the explain argument",
    );
  }
  const batchSize = countField(cursorOptions, "batchSize", "aggregate.cursor");
  let pipeline = docArrayField(body, "pipeline");
  const variables = parseLet(body.let);
  const last = pipeline[pipeline.length - 1];
  const writer = last && ("$out" in last || "$merge" in last) ? last : undefined;
  if (writer) {
    if (context.transaction) {
      throw new CommandError(
        "OperationNotSupportedInTransaction",
        `${Object.keys(writer)[0]} cannot be used in a transaction`,
      );
    }
    pipeline = pipeline.slice(0, -1);
  }

  let ns = `${db}.$cmd.aggregate`;
  let results: Doc[];
  let collation: Collation | undefined;
  if (body.aggregate === 1) {
    collation = effectiveCollation(body.collation, undefined);
    results = runPipeline([], pipeline, {
      collation,
      variables,
      resolve: (foreign) => resolveDocs(context.data, db, foreign),
    });
  } else {
    const name = collectionName(body);
    ns = `${db}.${name}`;
    const resolved = resolveNamespace(context.data, db, name);
    if (resolved.view) {
      collation = viewCollation(resolved.view, body.collation);
      results = await readThroughPipeline(
        context,
        resolved.collection,
        [...resolved.pipeline, ...pipeline],
        collation,
        variables,
      );
    } else {
      collation = effectiveCollation(body.collation, resolved.collection);
      if (resolved.collection) resolveHint(resolved.collection, body.hint);
      results = await readThroughPipeline(
        context,
        resolved.collection,
        pipeline,
        collation,
        variables,
        body.hint,
      );
    }
  }
  if (writer) {
    await writeStage(context, writer, results, { collation, variables });
    results = [];
  }
  const page = await context.engine.cursors.openArray(ns, results, {
    batchSize: batchSize ?? DEFAULT_FIRST_BATCH,
    owner: context.transaction,
  });
  return { cursor: { firstBatch: page.batch, id: page.id, ns: page.ns }, ok: 1 };
}

/**
 * Runs a pipeline over a collection: a leading `$match` reads only its candidates (an index when
 * one applies) from a frozen copy, yielding between slices; the rest runs in mingo.
 */
async function readThroughPipeline(
  context: CommandContext,
  collection: Collection | undefined,
  pipeline: Doc[],
  collation: Collation | undefined,
  variables: Doc | undefined,
  hint?: unknown,
): Promise<Doc[]> {
  let stages = pipeline;
  const source: Doc[] = [];
  if (collection) {
    const snapshot = collection.snapshot();
    const first = stages[0]?.$match;
    const filter = isPlainObject(first) ? first : {};
    if (isPlainObject(first)) stages = stages.slice(1);
    const plan = planQuery(snapshot, { filter, hint, collation });
    const candidates = new CandidateSource(snapshot, plan);
    const matcher = compileMatcher(filter, { collation, variables });
    const slice = new TimeSlice();
    for (let doc = candidates.next(); doc; doc = candidates.next()) {
      if ((candidates.examined & 255) === 0) await slice.check();
      if (matcher.test(doc)) source.push(doc);
    }
  }
  if (stages.length === 0) return source.map(cloneDoc);
  return runPipeline(source, stages, {
    collation,
    variables,
    resolve: (foreign) => resolveDocs(context.data, context.db, foreign),
  });
}

/** A foreign collection's documents for `$lookup`/`$unionWith`/`$graphLookup`; a view is read through its pipeline. */
function resolveDocs(data: DataView, db: string, name: string): Doc[] {
  const resolved = resolveNamespace(data, db, name);
  const docs = resolved.collection?.all() ?? [];
  if (!resolved.view || resolved.pipeline.length === 0) return docs;
  return runPipeline(docs, resolved.pipeline, {
    collation: resolved.view.collation,
    resolve: (foreign) => resolveDocs(data, db, foreign),
  });
}

export const readCommands: Record<string, CommandHandler> = {
  find,
  getMore,
  killCursors,
  count,
  distinct,
  aggregate,
};
