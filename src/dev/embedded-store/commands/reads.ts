import type { Doc } from "../documents";
import { CommandError } from "../errors";
import { distinctValues, runPipeline, shapeResults } from "../query";
import { collectionName, docArrayField, docField, numberField, stringField } from "./args";
import type { CommandContext, CommandHandler } from "./context";

function find(context: CommandContext): Doc {
  const { body } = context;
  const name = collectionName(body);
  const filter = docField(body, "filter") ?? {};
  const limit = numberField(body, "limit") ?? 0;
  const collection = context.data.collection(context.db, name);
  const docs = collection
    ? shapeResults(collection.match(filter), filter, {
        sort: docField(body, "sort"),
        skip: numberField(body, "skip"),
        limit,
        projection: docField(body, "projection"),
      })
    : [];
  // A negative limit is the legacy spelling of "one batch of at most |limit| documents".
  const singleBatch = body.singleBatch === true || limit < 0;
  const batchSize = limit < 0 ? -limit : numberField(body, "batchSize");
  const page = context.engine.cursors.open(`${context.db}.${name}`, docs, { batchSize, singleBatch });
  return { cursor: { firstBatch: page.batch, id: page.id, ns: page.ns }, ok: 1 };
}

function getMore(context: CommandContext): Doc {
  const page = context.engine.cursors.next(context.body.getMore, numberField(context.body, "batchSize"));
  return { cursor: { nextBatch: page.batch, id: page.id, ns: page.ns }, ok: 1 };
}

function killCursors(context: CommandContext): Doc {
  const ids = context.body.cursors;
  if (!Array.isArray(ids)) throw new CommandError("TypeMismatch", "'cursors' must be an array");
  const { killed, notFound } = context.engine.cursors.kill(ids);
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
}

function count(context: CommandContext): Doc {
  const collection = context.data.collection(context.db, collectionName(context.body));
  const matched = collection?.match(docField(context.body, "query") ?? {}).length ?? 0;
  const skip = numberField(context.body, "skip") ?? 0;
  const limit = Math.abs(numberField(context.body, "limit") ?? 0);
  const n = Math.max(0, matched - skip);
  return { n: limit > 0 ? Math.min(n, limit) : n, ok: 1 };
}

function distinct(context: CommandContext): Doc {
  const collection = context.data.collection(context.db, collectionName(context.body));
  const matches = collection?.match(docField(context.body, "query") ?? {}) ?? [];
  return { values: distinctValues(matches, stringField(context.body, "key")), ok: 1 };
}

function aggregate(context: CommandContext): Doc {
  const { body, db } = context;
  const cursorOptions = docField(body, "cursor");
  if (body.explain === true)
    throw new CommandError("CommandNotSupported", "explain is not supported by the embedded store");
  if (!cursorOptions) {
    throw new CommandError(
      "FailedToParse",
      "The 'cursor' option is required, except for aggregate with the explain argument",
    );
  }
  let pipeline = docArrayField(body, "pipeline");
  let source: Doc[] = [];
  let ns = `${db}.$cmd.aggregate`;
  if (body.aggregate !== 1) {
    const name = collectionName(body);
    ns = `${db}.${name}`;
    const collection = context.data.collection(db, name);
    // A leading $match runs on the stored documents so only the matches are copied for the pipeline.
    const first = pipeline[0]?.$match;
    if (first && typeof first === "object") {
      source = collection?.match(first as Doc) ?? [];
      pipeline = pipeline.slice(1);
    } else {
      source = collection?.all() ?? [];
    }
  }
  const results = runPipeline(
    source,
    pipeline,
    (foreign) => context.data.collection(db, foreign)?.all() ?? [],
  );
  const page = context.engine.cursors.open(ns, results, {
    batchSize: numberField(cursorOptions, "batchSize"),
  });
  return { cursor: { firstBatch: page.batch, id: page.id, ns: page.ns }, ok: 1 };
}

export const readCommands: Record<string, CommandHandler> = {
  find,
  getMore,
  killCursors,
  count,
  distinct,
  aggregate,
};
