import { Query } from "mingo";
import { Aggregator } from "mingo/aggregator";
import { Context, evalExpr } from "mingo/core";
import { Lazy } from "mingo/lazy";
import type { Iterator as LazyIterator } from "mingo/lazy";
import * as accumulatorOperators from "mingo/operators/accumulator";
import * as expressionOperators from "mingo/operators/expression";
import * as pipelineOperators from "mingo/operators/pipeline";
import * as projectionOperators from "mingo/operators/projection";
import * as queryOperators from "mingo/operators/query";
import * as windowOperators from "mingo/operators/window";
import type { Options } from "mingo/types";
import { BatchEncoder, type EncodedBatch, type FieldFilter } from "./batches";
import { BTree } from "./btree";
import type { Collation } from "./collation";
import type { Collection } from "./collection";
import { compareValues, sortKeyOf } from "./compare";
import { cloneDoc, type Doc, isObjectId, isPlainObject, valueKey, valuesAtPath } from "./documents";
import { CommandError, unsupported } from "./errors";
import { compileMatcher, type Matcher } from "./match";
import type { Index } from "./indexes";
import { CandidateSource, parseSort, type Plan, planQuery, readsOneKey, type SortSpec } from "./planner";

/** The mingo settings shared by projections, pipelines and updates. */
export const mingoOptions: Partial<Options> = { idKey: "_id", useStrictMode: true };

/** Yields to the event loop when a command has held it this long, so other clients get their turn. */
const SLICE_MS = 8;

/**
 * Cooperative yielding for long reads: `await slice.check()` every so often returns at once, or,
 * once `SLICE_MS` have passed, after other connections have been served. Results never depend on
 * timing: reads walk frozen snapshots, so interleaved writes cannot change what they see.
 */
export class TimeSlice {
  private started = performance.now();

  async check(): Promise<void> {
    if (this.due()) await this.pause();
  }

  /** Whether this slice is used up: the caller should `pause()` before going on. */
  due(): boolean {
    return performance.now() - this.started >= SLICE_MS;
  }

  /** Lets other connections in, then starts a new slice. */
  async pause(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.started = performance.now();
  }
}

/** `nextStreamed`'s answer when its slice is used up: pause, then ask again. */
const YIELD = Symbol("yield");

export interface FindShape {
  filter: Doc;
  sort?: SortSpec;
  skip?: number;
  /** 0 or undefined: no limit. */
  limit?: number;
  projection?: Doc;
  hint?: unknown;
  collation?: Collation;
  variables?: Doc;
}

/** MongoDB's reply size limit, less room for the envelope around a batch. */
export const MAX_BATCH_BYTES = 16 * 1024 * 1024 - 64 * 1024;

/**
 * A find, run lazily. When the plan's order is the requested sort (an index serves it, or there is
 * no sort), candidates are read from a frozen copy of the collection only as far as each batch
 * needs, so the first batch leaves at once and memory does not grow with the collection. Otherwise
 * the matches are gathered and sorted on the first batch (a blocking sort, as in MongoDB).
 */
export class QueryRunner {
  private readonly source: CandidateSource;
  private readonly matcher: Matcher;
  private readonly project: (docs: Doc[]) => Doc[];
  /** A plain projection's fields, picked while each document is encoded (no projected copy). */
  private readonly fields: FieldFilter | undefined;
  private sorted: Doc[] | undefined;
  private sortedPosition = 0;
  private toSkip: number;
  private remaining: number;
  private pending: Doc[] = [];
  /** One result read ahead, so the batch that ends the results says so (cursor id 0), as MongoDB's does. */
  private lookahead: Doc | undefined;
  private done = false;
  private readonly needsSort: boolean;

  constructor(
    collection: Collection,
    private readonly shape: FindShape,
    /** Where documents are fetched from as the cursor reaches them (see `CandidateSource`). */
    live?: Collection,
    plan: Plan = planQuery(collection, {
      filter: shape.filter,
      sort: shape.sort,
      hint: shape.hint,
      collation: shape.collation,
    }),
  ) {
    this.source = new CandidateSource(collection, plan, live);
    this.matcher = compileMatcher(shape.filter, { collation: shape.collation, variables: shape.variables });
    const empty = !shape.projection || Object.keys(shape.projection).length === 0;
    this.fields = empty ? undefined : projectionFields(shape.projection!);
    this.project = this.fields ? (docs) => docs : projector(shape.projection, shape.filter, shape.variables);
    this.toSkip = shape.skip ?? 0;
    this.remaining = shape.limit && shape.limit > 0 ? shape.limit : Infinity;
    this.needsSort = !plan.sorted;
  }

  get exhausted(): boolean {
    return this.done && this.pending.length === 0 && this.lookahead === undefined;
  }

  /**
   * The next result. A streamed one is found synchronously (an `await` per document cost a promise
   * and a microtask per streamed document); it only awaits when the time slice is used up.
   */
  private async nextResult(slice: TimeSlice): Promise<Doc | undefined> {
    if (this.lookahead) {
      const doc = this.lookahead;
      this.lookahead = undefined;
      return doc;
    }
    if (this.needsSort) return this.nextSorted(slice);
    let doc = this.nextStreamed(slice);
    while (doc === YIELD) {
      await slice.pause();
      doc = this.nextStreamed(slice);
    }
    return doc;
  }

  /** The next streamed result without awaiting, or YIELD when the slice is used up. */
  private nextStreamedNow(slice: TimeSlice): Doc | undefined | typeof YIELD {
    if (this.lookahead || this.needsSort) return YIELD;
    return this.nextStreamed(slice);
  }

  /** Up to `maxDocs` results (fewer only at the end or at the size limit), encoded. */
  async nextBatch(maxDocs: number, maxBytes = MAX_BATCH_BYTES): Promise<EncodedBatch> {
    const slice = new TimeSlice();
    const wanted: Doc[] = [];
    while (wanted.length + this.pending.length < maxDocs && !this.done) {
      const now = this.nextStreamedNow(slice);
      const doc = now === YIELD ? await this.nextResult(slice) : now;
      if (!doc) {
        this.done = true;
        break;
      }
      wanted.push(doc);
    }
    if (!this.done && maxDocs > 0 && this.lookahead === undefined) {
      this.lookahead = await this.nextResult(slice);
      if (!this.lookahead) this.done = true;
    }
    const batch = this.pending.length > 0 ? [...this.pending, ...this.project(wanted)] : this.project(wanted);
    this.pending = [];
    const encoder = new BatchEncoder(maxBytes);
    for (let i = 0; i < batch.length; i++) {
      if (!encoder.add(batch[i] as Doc, this.fields)) {
        this.pending = batch.slice(i);
        break;
      }
    }
    return encoder.finish();
  }

  private nextStreamed(slice: TimeSlice): Doc | undefined | typeof YIELD {
    if (this.remaining <= 0) return undefined;
    for (;;) {
      // Every 256 candidates, before taking the next: asked again after the pause, it goes on.
      if ((this.source.examined & 255) === 255 && slice.due()) return YIELD;
      const doc = this.source.next();
      if (!doc) return undefined;
      if (!this.source.lastMatches && !this.matcher.test(doc)) continue;
      if (this.toSkip > 0) {
        this.toSkip--;
        continue;
      }
      this.remaining--;
      return doc;
    }
  }

  private async nextSorted(slice: TimeSlice): Promise<Doc | undefined> {
    if (!this.sorted) {
      const matches: Doc[] = [];
      for (let doc = this.source.next(); doc; doc = this.source.next()) {
        if ((this.source.examined & 255) === 0) await slice.check();
        if (this.matcher.test(doc)) matches.push(doc);
      }
      const sorted = await sortDocsAsync(matches, this.shape.sort ?? [], this.shape.collation, slice);
      const end = this.remaining === Infinity ? undefined : this.toSkip + this.remaining;
      this.sorted = sorted.slice(this.toSkip, end);
    }
    return this.sorted[this.sortedPosition++];
  }
}

export interface TargetRequest {
  filter: Doc;
  sort?: SortSpec;
  hint?: unknown;
  collation?: Collation;
  variables?: Doc;
}

/**
 * The documents a write statement applies to, read from a frozen copy (the read may yield):
 * every match, or with `first` only the first (by `sort` when given), with their record ids. The
 * writer re-reads each by record id before changing it.
 */
export async function matchingRecords(
  collection: Collection,
  request: TargetRequest,
  first: boolean,
): Promise<Array<{ rid: number; doc: Doc }>> {
  let plan = planQuery(collection, request);
  // One key at most (an `_id` lookup, mostly): read at once from the collection itself, which nothing
  // can change meanwhile. Otherwise from a frozen copy (the read may yield), whose trees are the same
  // now, with the plan's index swapped for the copy's.
  const oneKey = plan.kind === "ixscan" && readsOneKey(plan);
  let source = collection;
  if (!oneKey) {
    source = collection.snapshot();
    if (plan.kind === "ixscan") {
      const position = collection.indexList().indexOf(plan.index);
      plan = { ...plan, index: source.indexList()[position] as Index };
    }
  }
  const candidates = new CandidateSource(source, plan);
  const matcher = compileMatcher(request.filter, {
    collation: request.collation,
    variables: request.variables,
  });
  const slice = new TimeSlice();
  const found: Array<{ rid: number; doc: Doc }> = [];
  for (let doc = candidates.next(); doc; doc = candidates.next()) {
    if (!oneKey && (candidates.examined & 255) === 0) await slice.check();
    if (!matcher.test(doc)) continue;
    found.push({ rid: candidates.lastRecordId, doc });
    if (first && plan.sorted) break;
  }
  if (!first || found.length <= 1) return found;
  const byDoc = new Map(found.map((entry) => [entry.doc, entry]));
  const winner = sortDocs(
    found.map((entry) => entry.doc),
    request.sort ?? [],
    request.collation,
  )[0] as Doc;
  return [byDoc.get(winner) as { rid: number; doc: Doc }];
}

/** Sort keys for one document, as MongoDB sorts (array fields by their least/greatest element). */
function sortKeys(doc: Doc, sort: SortSpec, collation: Collation | undefined): unknown[] {
  return sort.map(([field, direction]) => sortKeyOf(valuesAtPath(doc, field), direction, collation));
}

function keyComparator(sort: SortSpec, collation: Collation | undefined) {
  return (a: unknown[], b: unknown[]) => {
    for (let i = 0; i < sort.length; i++) {
      const c = compareValues(a[i], b[i], collation) * (sort[i]![1] as number);
      if (c !== 0) return c;
    }
    return 0;
  };
}

/** A stable sort of documents by a sort spec. */
export function sortDocs(docs: Doc[], sort: SortSpec, collation: Collation | undefined): Doc[] {
  const fields = sort.filter(([field]) => field !== "$natural");
  if (fields.length === 0 || docs.length < 2) return docs;
  const keyed = docs.map((doc) => ({ doc, key: sortKeys(doc, fields, collation) }));
  const compare = keyComparator(fields, collation);
  keyed.sort((a, b) => compare(a.key, b.key));
  return keyed.map((entry) => entry.doc);
}

/** The same sort in slices (sorted runs, then merges) so a large blocking sort lets other clients in. */
async function sortDocsAsync(
  docs: Doc[],
  sort: SortSpec,
  collation: Collation | undefined,
  slice: TimeSlice,
): Promise<Doc[]> {
  const fields = sort.filter(([field]) => field !== "$natural");
  if (fields.length === 0 || docs.length < 2) return docs;
  const compare = keyComparator(fields, collation);
  const RUN = 4096;
  let runs: Array<Array<{ doc: Doc; key: unknown[] }>> = [];
  for (let start = 0; start < docs.length; start += RUN) {
    const run = docs.slice(start, start + RUN).map((doc) => ({ doc, key: sortKeys(doc, fields, collation) }));
    run.sort((a, b) => compare(a.key, b.key));
    runs.push(run);
    await slice.check();
  }
  while (runs.length > 1) {
    const merged: typeof runs = [];
    for (let i = 0; i < runs.length; i += 2) {
      const left = runs[i]!;
      const right = runs[i + 1];
      if (!right) {
        merged.push(left);
        continue;
      }
      const out = new Array<{ doc: Doc; key: unknown[] }>(left.length + right.length);
      let l = 0;
      let r = 0;
      let o = 0;
      // Left first on ties keeps the sort stable.
      while (l < left.length && r < right.length) {
        out[o++] = compare(left[l]!.key, right[r]!.key) <= 0 ? left[l++]! : right[r++]!;
        if ((o & 4095) === 0) await slice.check();
      }
      while (l < left.length) out[o++] = left[l++]!;
      while (r < right.length) out[o++] = right[r++]!;
      merged.push(out);
    }
    runs = merged;
  }
  return (runs[0] ?? []).map((entry) => entry.doc);
}

/**
 * How results are projected. Plain inclusions and exclusions of top-level fields (what the
 * application sends) are picked directly; anything else (dotted paths, `$slice`, `$elemMatch`,
 * positional `$`, expressions) is mingo's, on copies, since mingo writes into its input.
 */
export function projector(projection: Doc | undefined, filter: Doc, variables?: Doc): (docs: Doc[]) => Doc[] {
  if (!projection || Object.keys(projection).length === 0) return (docs) => docs;
  const simple = simpleProjection(projection);
  if (simple) return (docs) => docs.map(simple);
  const positional = Object.keys(projection).some((field) => field.endsWith(".$"));
  const query = new Query(positional ? filter : {}, { ...mingoOptions, variables: variables ?? {} });
  return (docs) => (docs.length === 0 ? docs : query.find<Doc>(docs.map(cloneDoc), projection).all());
}

function simpleProjection(projection: Doc): ((doc: Doc) => Doc) | undefined {
  const keep = projectionFields(projection);
  if (!keep) return undefined;
  return (doc) => {
    const out: Doc = {};
    for (const key of Object.keys(doc)) if (keep(key)) out[key] = doc[key];
    return out;
  };
}

/**
 * The top-level fields a plain projection (inclusions or exclusions of top-level fields, `_id`
 * either way) keeps, as a test on field names; undefined for anything else, which is mingo's.
 */
function projectionFields(projection: Doc): FieldFilter | undefined {
  let includeId = true;
  const fields = new Set<string>();
  let mode: "include" | "exclude" | undefined;
  for (const [field, value] of Object.entries(projection)) {
    if (field.includes(".") || field.startsWith("$")) return undefined;
    const include = value === 1 || value === true ? true : value === 0 || value === false ? false : undefined;
    if (include === undefined) return undefined;
    if (field === "_id") {
      includeId = include;
      continue;
    }
    const fieldMode = include ? "include" : "exclude";
    if (mode && mode !== fieldMode) return undefined; // mixed: mingo reports MongoDB's error
    mode = fieldMode;
    fields.add(field);
  }
  if (mode === "exclude" || mode === undefined) {
    return (key) => !fields.has(key) && (key !== "_id" || includeId);
  }
  return (key) => fields.has(key) || (key === "_id" && includeId);
}

export interface PipelineEnvironment {
  collation?: Collation;
  variables?: Doc;
  /** Documents of another collection of the same database, for `$lookup`, `$unionWith`, `$graphLookup`. */
  resolve(name: string): Doc[];
}

/** Stages that never compare strings, or whose comparisons this store makes follow a collation. */
const COLLATION_SAFE_STAGES = new Set(["$match", "$sort", "$limit", "$skip", "$count", "$unset"]);
/** Stages that are safe under a collation when their expressions compare nothing. */
const EXPRESSION_STAGES = new Set(["$project", "$addFields", "$set", "$replaceRoot", "$replaceWith"]);
/** Expression operators and accumulators that compare or deduplicate values. */
const COMPARING = new Set([
  "$eq",
  "$ne",
  "$gt",
  "$gte",
  "$lt",
  "$lte",
  "$cmp",
  "$in",
  "$indexOfArray",
  "$setEquals",
  "$setIntersection",
  "$setUnion",
  "$setDifference",
  "$setIsSubset",
  "$max",
  "$min",
  "$maxN",
  "$minN",
  "$addToSet",
  "$sortArray",
  "$top",
  "$topN",
  "$bottom",
  "$bottomN",
  "$strcasecmp",
]);

function comparesValues(expression: unknown): boolean {
  if (Array.isArray(expression)) return expression.some(comparesValues);
  if (!isPlainObject(expression)) return false;
  return Object.entries(expression).some(([key, value]) => COMPARING.has(key) || comparesValues(value));
}

function refersToFields(expression: unknown): boolean {
  if (typeof expression === "string") return expression.startsWith("$");
  if (Array.isArray(expression)) return expression.some(refersToFields);
  if (isPlainObject(expression)) return Object.values(expression).some(refersToFields);
  return false;
}

/**
 * Whether a stage gives the same answer with and without a collation, or follows it here: with a
 * non-simple collation anything else is refused, since mingo compares strings binarily.
 */
function collationSafe(name: string, spec: unknown): boolean {
  if (COLLATION_SAFE_STAGES.has(name)) return true;
  if (EXPRESSION_STAGES.has(name)) return !comparesValues(spec);
  if (name === "$group" && isPlainObject(spec)) {
    // Grouping by a constant (countDocuments does) compares no keys.
    return !refersToFields(spec._id) && !comparesValues(spec);
  }
  return false;
}

/**
 * Runs a pipeline over copies of `docs` with mingo, except `$match` and `$sort`, which use this
 * store's matcher and order (MongoDB's type order, collation, `let` variables), so a pipeline
 * agrees with `find`. `$out` and `$merge` are handled by the aggregate command, not here. The copies
 * are only as big as the pipeline's start allows (`pipelineSource`).
 */
export function runPipeline(docs: Doc[], pipeline: Doc[], env: PipelineEnvironment): Doc[] {
  for (const stage of pipeline) {
    const name = Object.keys(stage)[0] ?? "";
    if (name === "$out" || name === "$merge") {
      throw new CommandError("BadValue", `${name} can only be the final stage in the pipeline`);
    }
    if (env.collation && !collationSafe(name, stage[name])) {
      throw unsupported(`the ${name} stage with a non-simple collation`);
    }
  }
  const { source, stages } = pipelineSource(docs, pipeline, env);
  const aggregator = new Aggregator(stages, {
    ...mingoOptions,
    context: pipelineContext(env.collation),
    variables: env.variables ?? {},
    collectionResolver: (name: string) => env.resolve(name).map(cloneDoc),
  } as Options);
  return aggregator.run(source) as Doc[];
}

/**
 * The copies a pipeline runs on (mingo writes into its input), made no bigger than its start needs:
 * leading `$match` stages filter the stored documents before anything is copied (this store's
 * matcher never writes), and a leading plain inclusion `$project` of top-level fields copies only
 * the fields it keeps, in document order as MongoDB keeps them. Counting 10,000 small fields of
 * large documents (the console's queue) then copies those fields, not the documents. Without such a
 * start every document is copied whole, and the stages consumed here are not run again.
 */
function pipelineSource(
  docs: Doc[],
  pipeline: Doc[],
  env: PipelineEnvironment,
): { source: Doc[]; stages: Doc[] } {
  let candidates = docs;
  let next = 0;
  for (; next < pipeline.length; next++) {
    const stage = pipeline[next]!;
    const filter = stage.$match;
    if (Object.keys(stage).length !== 1 || !isPlainObject(filter)) break;
    const matcher = compileMatcher(filter, { collation: env.collation, variables: env.variables ?? {} });
    candidates = candidates.filter((doc) => matcher.test(doc));
  }
  const only = (stage: Doc | undefined, name: string) =>
    stage && Object.keys(stage).length === 1 ? stage[name] : undefined;
  const pick = inclusionPicker(only(pipeline[next], "$project"));
  if (pick) {
    candidates = candidates.map(pick); // shares values with stored documents: copied below
    next += 1;
  }
  const grouped = countGroups(candidates, only(pipeline[next], "$group"));
  if (grouped) return { source: grouped.map(cloneDoc), stages: pipeline.slice(next + 1) };
  return { source: candidates.map(cloneDoc), stages: pipeline.slice(next) };
}

/** A value a counting `$group` keys on directly: one whose equality `valueKey` decides as MongoDB does. */
function groupableKey(value: unknown): string | undefined {
  if (value === undefined || value === null) return "null";
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean")
    return valueKey(value);
  if (value instanceof Date || isObjectId(value)) return valueKey(value);
  return undefined; // arrays, documents, Long, Decimal128…: mingo's grouping
}

/**
 * `$group` done here when it only counts: `_id` a constant, one top-level field (`"$status"`) or a
 * document of them, every accumulator a `$sum` of a number. That is what counting per category
 * (and `countDocuments`) sends; mingo evaluates such a stage document by document as a general
 * expression, many times slower. The result is mingo's: groups in order of first appearance, a
 * missing field `null` as a lone key and left out of a document key. Anything else, including a
 * key value of another type, returns undefined and the stage is mingo's.
 */
function countGroups(docs: Doc[], spec: unknown): Doc[] | undefined {
  if (!isPlainObject(spec) || !("_id" in spec)) return undefined;
  const sums: Array<[string, number]> = [];
  for (const [name, accumulator] of Object.entries(spec)) {
    if (name === "_id") continue;
    if (name.includes(".") || name.startsWith("$") || !isPlainObject(accumulator)) return undefined;
    const keys = Object.keys(accumulator);
    const step = accumulator.$sum;
    if (keys.length !== 1 || typeof step !== "number") return undefined;
    sums.push([name, step]);
  }
  const fieldOf = (expression: unknown) =>
    typeof expression === "string" && /^\$[^$.]+$/.test(expression) ? expression.slice(1) : undefined;
  const id = spec._id;
  let keyOf: (doc: Doc) => { key: string; id: unknown } | undefined;
  if (typeof id === "string" && id.startsWith("$")) {
    const field = fieldOf(id);
    if (!field) return undefined;
    keyOf = (doc) => {
      const key = groupableKey(doc[field]);
      return key === undefined ? undefined : { key, id: doc[field] ?? null };
    };
  } else if (isPlainObject(id)) {
    const parts = Object.entries(id).map(([name, expression]) => [name, fieldOf(expression)] as const);
    if (
      parts.length === 0 ||
      parts.some(([name, field]) => !field || name.startsWith("$") || name.includes("."))
    )
      return undefined;
    keyOf = (doc) => {
      let key = "";
      const out: Doc = {};
      for (const [name, field] of parts) {
        const value = doc[field!];
        if (value === undefined) {
          key += "|m";
          continue;
        }
        const part = groupableKey(value);
        if (part === undefined) return undefined;
        key += `|${part}`;
        out[name] = value;
      }
      return { key, id: out };
    };
  } else if (id === null || typeof id === "number" || typeof id === "boolean") {
    keyOf = () => ({ key: "", id });
  } else return undefined;
  const groups = new Map<string, { id: unknown; count: number }>();
  for (const doc of docs) {
    const found = keyOf(doc);
    if (!found) return undefined;
    const group = groups.get(found.key);
    if (group) group.count += 1;
    else groups.set(found.key, { id: found.id, count: 1 });
  }
  return [...groups.values()].map(({ id: groupId, count }) => {
    const out: Doc = { _id: groupId };
    for (const [name, step] of sums) out[name] = step * count;
    return out;
  });
}

/** `{ a: 1, b: true, _id: 0 }`: top-level fields kept, nothing computed, renamed or excluded besides `_id`. */
function inclusionPicker(projection: unknown): ((doc: Doc) => Doc) | undefined {
  if (!isPlainObject(projection)) return undefined;
  const fields = Object.entries(projection).filter(([field]) => field !== "_id");
  if (fields.length === 0 || fields.some(([, value]) => value !== 1 && value !== true)) return undefined;
  const id = projection._id;
  if (id !== undefined && id !== 0 && id !== 1 && id !== true && id !== false) return undefined;
  return simpleProjection(projection);
}

/**
 * Contexts by collation key ("" for simple). Building one copies every mingo operator module (a
 * getter per operator): that was a fifth of the store's CPU when the bot counted messages with a
 * pipeline upsert per event. A context holds no per-run state (mingo's `$fill` and
 * `$setWindowFields` add operators it already has, which leaves it as it was), so one per
 * collation serves every pipeline. Collations come from clients: the map is bounded.
 */
const contexts = new Map<string, Context>();
const MAX_CACHED_CONTEXTS = 64;

/** mingo's operators, with `$match` and `$sort` replaced by this store's (see `runPipeline`). */
function pipelineContext(collation: Collation | undefined): Context {
  const key = collation?.key ?? "";
  let context = contexts.get(key);
  if (!context) {
    if (contexts.size >= MAX_CACHED_CONTEXTS) contexts.clear();
    context = buildPipelineContext(collation);
    contexts.set(key, context);
  }
  return context;
}

function buildPipelineContext(collation: Collation | undefined): Context {
  const $match = (
    collection: LazyIterator,
    expr: unknown,
    options: { variables?: Doc; local?: { variables?: Doc } },
  ) => {
    if (!isPlainObject(expr))
      throw new CommandError("BadValue", "the match filter must be an expression in an object");
    const variables = { ...options.variables, ...options.local?.variables };
    const matcher = compileMatcher(expr, { collation, variables });
    return collection.filter((doc) => matcher.test(doc as Doc));
  };
  const $sort = (collection: LazyIterator, expr: unknown) => {
    const sort = parseSort(expr);
    if (!sort) throw new CommandError("BadValue", "$sort stage must have at least one sort key");
    return collection.transform((docs) => Lazy(sortDocs(docs as Doc[], sort, collation)));
  };
  return Context.init({
    accumulator: accumulatorOperators as never,
    expression: expressionOperators as never,
    pipeline: Object.assign({}, pipelineOperators, { $match, $sort }) as never,
    projection: projectionOperators as never,
    query: queryOperators as never,
    window: windowOperators as never,
  });
}

/**
 * `let` variables: each value is an expression evaluated once (`{ $add: [1, 2] }` is 3). Names
 * follow MongoDB's rule for user variables.
 */
export function parseLet(raw: unknown): Doc | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isPlainObject(raw))
    throw new CommandError("TypeMismatch", "BSON field 'let' is the wrong type, expected type 'object'");
  const variables: Doc = {};
  const context = pipelineContext(undefined);
  for (const [name, expression] of Object.entries(raw)) {
    if (!/^[a-z\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*$/.test(name)) {
      throw new CommandError(
        "FailedToParse",
        `'${name}' starts with an invalid character for a user variable name`,
      );
    }
    variables[name] = evalExpr({}, expression, { ...mingoOptions, context, variables } as Options);
  }
  return variables;
}

/** Variables whose values are expressions over one document (`$merge`'s `let`, evaluated per result). */
export function evaluateVariables(raw: Doc, doc: Doc): Doc {
  const context = pipelineContext(undefined);
  return Object.fromEntries(
    Object.entries(raw).map(([name, expression]) => [
      name,
      evalExpr(doc, expression, { ...mingoOptions, context } as Options),
    ]),
  );
}

/** `distinct`: array values contribute their elements; duplicates (under the collation) collapse. */
export function distinctValues(
  docs: Iterable<Doc>,
  path: string,
  collation: Collation | undefined,
): unknown[] {
  const seen = new BTree<unknown, true>((a, b) => compareValues(a, b, collation));
  const values: unknown[] = [];
  for (const doc of docs) {
    for (const value of valuesAtPath(doc, path)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (seen.set(item, true)) values.push(item);
      }
    }
  }
  return values;
}
