import type { Bound } from "./btree";
import { type Collation, sameCollation } from "./collation";
import type { Collection } from "./collection";
import { compareValues, MAX_EDGE, MIN_EDGE, TypeEdge, typeRank } from "./compare";
import { type Doc, isObjectId, isPlainObject, valueKey } from "./documents";
import { CommandError } from "./errors";
import type { Index, IndexKey } from "./indexes";

/** A sort as `[field, direction]` pairs; `$natural` is kept as a field of that name. */
export type SortSpec = Array<[string, 1 | -1]>;

/** Parses a `sort` document with MongoDB's rules (1 or -1, `$natural`; `$meta` needs `$text`, refused). */
export function parseSort(sort: unknown): SortSpec | undefined {
  if (sort === undefined || sort === null) return undefined;
  if (!isPlainObject(sort)) throw new CommandError("TypeMismatch", "sort must be an object");
  const spec: SortSpec = [];
  for (const [field, direction] of Object.entries(sort)) {
    if (isPlainObject(direction)) {
      throw new CommandError(
        "CommandNotSupported",
        "$meta sorts need $text, which the embedded store does not support",
      );
    }
    if (direction !== 1 && direction !== -1) {
      throw new CommandError(
        "BadValue",
        "$sort key ordering must be 1 (for ascending) or -1 (for descending)",
      );
    }
    spec.push([field, direction]);
  }
  return spec.length > 0 ? spec : undefined;
}

/** Where candidate documents come from, in the order the plan produces them. */
export type Plan =
  | { kind: "collscan"; direction: 1 | -1; sorted: boolean }
  | {
      kind: "ixscan";
      index: Index;
      intervals: Interval[];
      direction: 1 | -1;
      /** Whether the scan's order is the requested sort. */
      sorted: boolean;
      /**
       * Whether every key in the intervals satisfies the whole filter, so a document whose index
       * keys are those of this scan needs no matcher (see `exactlyBounded`).
       */
      exact: boolean;
    };

/** Part of an index, in its key order: every key k with low ≤ k ≤ high. */
export interface Interval {
  low: IndexKey;
  high: IndexKey;
}

export interface PlanRequest {
  filter: Doc;
  sort?: SortSpec;
  hint?: unknown;
  collation?: Collation;
}

/**
 * Chooses how to read a query's candidates: the index whose bounds (from equality, `$in` and range
 * conditions on a prefix of its fields) hold the fewest keys, preferring one whose order is the
 * requested sort (which then streams), or a collection scan. Counting keys in a range is O(log n)
 * (the trees count their subtrees), so the estimate is exact for the bounded prefix. A hint forces
 * the index (a sparse or partial one then returns only what it holds, as in MongoDB).
 */
export function planQuery(collection: Collection, request: PlanRequest): Plan {
  const sort = request.sort;
  const conditions = fieldConditions(request.filter);
  const natural = naturalDirection(sort);
  const hinted = resolveHint(collection, request.hint);
  if (hinted === "natural")
    return { kind: "collscan", direction: hintedNaturalDirection(request.hint), sorted: !sort };
  if (hinted)
    return (
      indexPlan(hinted, conditions, sort, request.collation, request.filter) ??
      fullIndexPlan(hinted, sort, request.collation)
    );
  if (natural) return { kind: "collscan", direction: natural, sorted: true };

  let best: { plan: Plan; cost: number } = {
    plan: { kind: "collscan", direction: 1, sorted: !sort },
    cost: collection.count * (sort ? 3 : 1.2),
  };
  for (const index of collection.indexList()) {
    if (!index.complete) continue;
    const plan = indexPlan(index, conditions, sort, request.collation, request.filter);
    if (!plan) continue;
    // At most one key (an `_id` lookup, mostly): nothing can be cheaper, so no other index is counted.
    if (readsOneKey(plan)) return plan;
    const keys = plan.intervals.reduce(
      (total, interval) =>
        total +
        index.countBetween({ key: interval.low, inclusive: true }, { key: interval.high, inclusive: true }),
      0,
    );
    const cost = (plan.sorted ? keys : keys * 3) + plan.intervals.length;
    if (cost < best.cost) best = { plan, cost };
  }
  return best.plan;
}

/**
 * Whether the plan reads at most one key: one interval of a unique index whose every field is pinned
 * to one value (`buildIntervals` puts the same point in both ends; ranges and unbounded fields put
 * different ones).
 */
export function readsOneKey(plan: Extract<Plan, { kind: "ixscan" }>): boolean {
  if (!plan.index.unique || plan.intervals.length !== 1) return false;
  const { low, high } = plan.intervals[0] as Interval;
  for (let i = 0; i < plan.index.fields.length; i++) if (low[i] !== high[i]) return false;
  return true;
}

function naturalDirection(sort: SortSpec | undefined): 1 | -1 | undefined {
  if (!sort || sort.length !== 1 || sort[0]![0] !== "$natural") return undefined;
  return sort[0]![1];
}

function hintedNaturalDirection(hint: unknown): 1 | -1 {
  return isPlainObject(hint) && Number(hint.$natural) < 0 ? -1 : 1;
}

/** The hinted index, "natural", or undefined when there is no hint. Unknown indexes are BadValue, as in MongoDB. */
export function resolveHint(
  collection: Collection | undefined,
  hint: unknown,
): Index | "natural" | undefined {
  if (hint === undefined || hint === null || hint === "") return undefined;
  if (isPlainObject(hint) && Object.keys(hint).length === 0) return undefined;
  if (isPlainObject(hint) && "$natural" in hint) return "natural";
  if (!collection) return undefined;
  let index: Index | undefined;
  if (typeof hint === "string") index = collection.findIndexByName(hint);
  else if (isPlainObject(hint)) index = collection.findIndexByKey(hint);
  else throw new CommandError("FailedToParse", "hint must be a string or an object");
  if (!index || index.spec.hidden) {
    throw new CommandError("BadValue", "hint provided does not correspond to an existing index");
  }
  return index;
}

/** Conditions that can bound an index field: what a top-level (or `$and`ed) condition pins. */
interface FieldBounds {
  /** Equality values (`x`, `$eq`, `$in`), in value order, deduplicated. */
  points?: unknown[];
  low?: { value: unknown; inclusive: boolean };
  high?: { value: unknown; inclusive: boolean };
}

/** Top-level field conditions, `$and` flattened; `$or`/`$nor`/`$expr` bound nothing. */
function fieldConditions(filter: Doc): Map<string, unknown[]> {
  const byField = new Map<string, unknown[]>();
  const visit = (clause: Doc) => {
    for (const [key, condition] of Object.entries(clause)) {
      if (key === "$and" && Array.isArray(condition)) {
        for (const inner of condition) if (isPlainObject(inner)) visit(inner);
      } else if (!key.startsWith("$")) {
        const list = byField.get(key) ?? [];
        list.push(condition);
        byField.set(key, list);
      }
    }
  };
  visit(filter);
  return byField;
}

/** Values an index lookup can pin exactly; null, arrays, documents and regexes are left to the filter. */
function isBoundable(value: unknown): boolean {
  return (
    typeof value === "string" ||
    typeof value === "boolean" ||
    (typeof value === "number" && !Number.isNaN(value)) ||
    (value instanceof Date && !Number.isNaN(value.getTime())) ||
    isObjectId(value)
  );
}

/**
 * The bounds one field's conditions give, or undefined. Strings only bound an index whose
 * collation is the query's (otherwise "a" and "A" may or may not be one key). On a multikey field
 * two range conditions may be met by different elements, so only one side is used.
 */
function boundsFor(
  conditions: unknown[],
  multikey: boolean,
  stringsAllowed: boolean,
): FieldBounds | undefined {
  const bounds: FieldBounds = {};
  const usable = (value: unknown) => isBoundable(value) && (stringsAllowed || typeof value !== "string");
  let bounded = false;
  for (const condition of conditions) {
    const operators =
      isPlainObject(condition) && Object.keys(condition)[0]?.startsWith("$") ? condition : { $eq: condition };
    for (const [operator, operand] of Object.entries(operators)) {
      if (operator === "$eq" && usable(operand)) {
        bounds.points = intersectPoints(bounds.points, [operand]);
        bounded = true;
      } else if (
        operator === "$in" &&
        Array.isArray(operand) &&
        operand.length > 0 &&
        operand.every(usable)
      ) {
        bounds.points = intersectPoints(bounds.points, operand);
        bounded = true;
      } else if ((operator === "$gt" || operator === "$gte") && usable(operand)) {
        if (multikey && (bounds.low || bounds.high || bounds.points)) continue;
        const inclusive = operator === "$gte";
        if (!bounds.low || compareValues(operand, bounds.low.value) > 0)
          bounds.low = { value: operand, inclusive };
        bounded = true;
      } else if ((operator === "$lt" || operator === "$lte") && usable(operand)) {
        if (multikey && (bounds.low || bounds.high || bounds.points)) continue;
        const inclusive = operator === "$lte";
        if (!bounds.high || compareValues(operand, bounds.high.value) < 0)
          bounds.high = { value: operand, inclusive };
        bounded = true;
      }
    }
  }
  if (!bounded) return undefined;
  if (bounds.points && (bounds.low || bounds.high) && !multikey) {
    bounds.points = bounds.points.filter((point) => withinRange(point, bounds));
    delete bounds.low;
    delete bounds.high;
  } else if (bounds.points) {
    delete bounds.low;
    delete bounds.high;
  }
  // A range is bracketed by the type of its bound: `$gt: 5` stops before the first string.
  if (bounds.low && !bounds.high)
    bounds.high = { value: new TypeEdge(typeRank(bounds.low.value), 1), inclusive: true };
  if (bounds.high && !bounds.low)
    bounds.low = { value: new TypeEdge(typeRank(bounds.high.value), -1), inclusive: true };
  return bounds;
}

function intersectPoints(current: unknown[] | undefined, next: unknown[]): unknown[] {
  const unique = new Map(next.map((value) => [valueKey(value), value]));
  const values = [...unique.values()].sort((a, b) => compareValues(a, b));
  if (!current) return values;
  const keep = new Set(values.map(valueKey));
  return current.filter((value) => keep.has(valueKey(value)));
}

function withinRange(value: unknown, bounds: FieldBounds): boolean {
  if (bounds.low) {
    if (typeRank(value) !== typeRank(bounds.low.value)) return false;
    const c = compareValues(value, bounds.low.value);
    if (c < 0 || (c === 0 && !bounds.low.inclusive)) return false;
  }
  if (bounds.high) {
    if (typeRank(value) !== typeRank(bounds.high.value)) return false;
    const c = compareValues(value, bounds.high.value);
    if (c > 0 || (c === 0 && !bounds.high.inclusive)) return false;
  }
  return true;
}

/** More point combinations than this and the remaining fields are scanned instead. */
const MAX_INTERVALS = 512;

function indexPlan(
  index: Index,
  conditions: Map<string, unknown[]>,
  sort: SortSpec | undefined,
  collation: Collation | undefined,
  filter: Doc,
): Extract<Plan, { kind: "ixscan" }> | undefined {
  const stringsAllowed = sameCollation(index.collation, collation);
  const perField: Array<FieldBounds | undefined> = [];
  for (const field of index.fields) {
    const list = conditions.get(field);
    const bounds = list ? boundsFor(list, index.multikey, stringsAllowed) : undefined;
    perField.push(bounds);
    if (!bounds?.points) break; // after a range (or nothing), later fields are not bounded
  }
  const boundedAny = perField.some((bounds) => bounds !== undefined);
  const order = sortOrder(index, perField, conditions, sort, stringsAllowed);
  if (!boundedAny && order === undefined) return undefined;
  const intervals = buildIntervals(index, perField);
  if (!intervals) return undefined;
  const exact = exactlyBounded(index, perField, conditions, filter, stringsAllowed);
  return {
    kind: "ixscan",
    index,
    intervals,
    direction: order ?? 1,
    sorted: !sort || order !== undefined,
    exact,
  };
}

const BOUNDING_OPERATORS = new Set(["$eq", "$in", "$gt", "$gte", "$lt", "$lte"]);

/**
 * Whether the intervals of this index say everything the filter says, so that a key inside them
 * is a match: the filter is only conditions on top-level fields of the index's bounded prefix,
 * each an equality, `$in` or range over values an index pins exactly (`boundsFor` then uses all of
 * them), on an index that is not multikey (one key per document, and no array for the matcher to
 * look into). A streamed campaign audience (`status` pinned, `_id` after a position) is such a
 * filter: the matcher was about a tenth of the store's CPU per streamed document.
 */
function exactlyBounded(
  index: Index,
  perField: Array<FieldBounds | undefined>,
  conditions: Map<string, unknown[]>,
  filter: Doc,
  stringsAllowed: boolean,
): boolean {
  if (index.multikey) return false;
  const usable = (value: unknown) => isBoundable(value) && (stringsAllowed || typeof value !== "string");
  let combinations = 1;
  const bounded = new Set<string>();
  for (let depth = 0; depth < index.fields.length; depth++) {
    const bounds = perField[depth];
    if (!bounds) break;
    bounded.add(index.fields[depth] as string);
    if (!bounds.points) break;
    combinations *= bounds.points.length;
  }
  // Beyond this many point combinations `buildIntervals` leaves later fields unbounded.
  if (combinations > MAX_INTERVALS) return false;
  for (const field of Object.keys(filter)) {
    if (field.startsWith("$") || field.includes(".") || !bounded.has(field)) return false;
    for (const condition of conditions.get(field) ?? []) {
      if (!isPlainObject(condition)) {
        if (!usable(condition)) return false;
        continue;
      }
      for (const [operator, operand] of Object.entries(condition)) {
        if (!BOUNDING_OPERATORS.has(operator)) return false;
        const ok =
          operator === "$in"
            ? Array.isArray(operand) && operand.length > 0 && operand.every(usable)
            : usable(operand);
        if (!ok) return false;
      }
    }
  }
  return true;
}

/** Scans a hinted index from end to end when the filter does not bound it. */
function fullIndexPlan(index: Index, sort: SortSpec | undefined, collation: Collation | undefined): Plan {
  const order = sortOrder(index, [], new Map(), sort, sameCollation(index.collation, collation));
  const intervals = buildIntervals(index, []) as Interval[];
  return {
    kind: "ixscan",
    index,
    intervals,
    direction: order ?? 1,
    sorted: !sort || order !== undefined,
    exact: false,
  };
}

/**
 * 1 or -1 if walking the index (forwards or backwards) over the bounded intervals yields the
 * requested sort, else undefined. Fields pinned to one value by the filter do not affect order.
 */
function sortOrder(
  index: Index,
  perField: Array<FieldBounds | undefined>,
  conditions: Map<string, unknown[]>,
  sort: SortSpec | undefined,
  sameOrderForStrings: boolean,
): 1 | -1 | undefined {
  if (!sort || index.multikey || !sameOrderForStrings) return undefined;
  const pinned = (field: string, position: number) =>
    (perField[position]?.points?.length ?? 0) === 1 ||
    (conditions.get(field) ?? []).some((condition) => isBoundable(condition));
  const wanted = sort.filter(
    ([field]) => !index.fields.includes(field) || !pinned(field, index.fields.indexOf(field)),
  );
  if (wanted.length === 0) return 1;
  let position = 0;
  let direction: 1 | -1 | undefined;
  for (const [field, sortDirection] of wanted) {
    while (position < index.fields.length && pinned(index.fields[position] as string, position)) position++;
    if (position >= index.fields.length || index.fields[position] !== field) return undefined;
    const relative = (sortDirection * (index.directions[position] as number)) as 1 | -1;
    if (direction !== undefined && relative !== direction) return undefined;
    direction = relative;
    position++;
  }
  return direction;
}

/** The key ranges of a bounded prefix: one interval per combination of point values. */
function buildIntervals(index: Index, perField: Array<FieldBounds | undefined>): Interval[] | undefined {
  let prefixes: Array<{ low: unknown[]; high: unknown[]; lowOpen: boolean; highOpen: boolean }> = [
    { low: [], high: [], lowOpen: false, highOpen: false },
  ];
  let depth = 0;
  for (; depth < index.fields.length; depth++) {
    const bounds = perField[depth];
    if (!bounds) break;
    const direction = index.directions[depth] as 1 | -1;
    if (bounds.points) {
      if (bounds.points.length === 0) return [];
      if (prefixes.length * bounds.points.length > MAX_INTERVALS) break;
      const points = orderForField(bounds.points, direction, index.collation);
      prefixes = prefixes.flatMap((prefix) =>
        points.map((point) => ({ ...prefix, low: [...prefix.low, point], high: [...prefix.high, point] })),
      );
      continue;
    }
    const low = bounds.low as { value: unknown; inclusive: boolean };
    const high = bounds.high as { value: unknown; inclusive: boolean };
    // In key order a descending field runs from the high value to the low one.
    const [start, end] = direction === 1 ? [low, high] : [high, low];
    prefixes = prefixes.map((prefix) => ({
      low: [...prefix.low, start.value],
      high: [...prefix.high, end.value],
      lowOpen: !start.inclusive,
      highOpen: !end.inclusive,
    }));
    depth++;
    break;
  }
  return prefixes.map((prefix) => ({
    low: padKey(index, prefix.low, prefix.lowOpen ? "after" : "before"),
    high: padKey(index, prefix.high, prefix.highOpen ? "before" : "after"),
  }));
}

/** Sorts point values in the index's order for that field. */
function orderForField(points: unknown[], direction: 1 | -1, collation: Collation | undefined): unknown[] {
  return points.slice().sort((a, b) => compareValues(a, b, collation) * direction);
}

/**
 * Completes a key prefix to a full key just before ("before") or just after ("after") every key
 * that starts with it, so intervals can be walked with inclusive tree bounds.
 */
function padKey(index: Index, prefix: unknown[], side: "before" | "after"): IndexKey {
  const key = prefix.slice();
  for (let i = prefix.length; i < index.fields.length; i++) {
    const direction = index.directions[i] as 1 | -1;
    const smallest = direction === 1 ? MIN_EDGE : MAX_EDGE;
    const largest = direction === 1 ? MAX_EDGE : MIN_EDGE;
    key.push(side === "before" ? smallest : largest);
  }
  key.push(side === "before" ? -Infinity : Infinity);
  return key;
}

/**
 * Walks a plan's candidates lazily over a (frozen) collection: record ids through the index
 * intervals in order, each document once, or the records in natural order. With `live`, each
 * document is fetched from there as it is now (skipped if deleted), as a MongoDB cursor fetches
 * each document when it reaches it: a subscriber who left while a campaign streams is not sent to.
 */
export class CandidateSource {
  private readonly seen: Set<number> | undefined;
  private intervalIndex = 0;
  private scan: { next(): [IndexKey, number] | undefined } | undefined;
  private readonly records: { next(): [number, Doc] | undefined } | undefined;
  /** How many keys or records were read: the work done, for yielding. */
  examined = 0;
  /** The record id of the document `next` returned last. */
  lastRecordId = 0;
  /**
   * The document `next` returned last is known to match the filter without the matcher: the plan
   * is exact and the document is the version the scanned index keys were made from.
   */
  lastMatches = false;

  constructor(
    private readonly collection: Collection,
    private readonly plan: Plan,
    private readonly live?: Collection,
  ) {
    if (plan.kind === "collscan") this.records = collection.scanRecords(plan.direction);
    else this.seen = plan.index.multikey ? new Set() : undefined;
  }

  next(): Doc | undefined {
    if (this.records) {
      for (;;) {
        const entry = this.records.next();
        if (!entry) return undefined;
        this.examined++;
        this.lastRecordId = entry[0];
        const doc = this.live ? this.live.byRecordId(entry[0]) : entry[1];
        if (doc) return doc;
      }
    }
    const plan = this.plan as Extract<Plan, { kind: "ixscan" }>;
    for (;;) {
      if (!this.scan) {
        if (this.intervalIndex >= plan.intervals.length) return undefined;
        const position =
          plan.direction === 1 ? this.intervalIndex : plan.intervals.length - 1 - this.intervalIndex;
        const interval = plan.intervals[position] as Interval;
        this.scan = this.intervalScan(plan.index, interval, plan.direction);
      }
      const entry = this.scan.next();
      if (!entry) {
        this.scan = undefined;
        this.intervalIndex++;
        continue;
      }
      this.examined++;
      const rid = entry[1];
      if (this.seen) {
        if (this.seen.has(rid)) continue;
        this.seen.add(rid);
      }
      const doc = (this.live ?? this.collection).byRecordId(rid);
      if (doc) {
        this.lastRecordId = rid;
        this.lastMatches = plan.exact && this.keyedVersion(rid, doc);
        return doc;
      }
    }
  }

  /** Whether `doc`, fetched for `rid`, is the version the frozen copy's index keyed (nobody replaced it since). */
  private keyedVersion(rid: number, doc: Doc): boolean {
    if (!this.live || this.live.sameRecordsAs(this.collection)) return true;
    return this.collection.byRecordId(rid) === doc;
  }

  private intervalScan(index: Index, interval: Interval, direction: 1 | -1) {
    const start: Bound<IndexKey> = { key: direction === 1 ? interval.low : interval.high, inclusive: true };
    const end = direction === 1 ? interval.high : interval.low;
    const cursor = index.scan(start, direction);
    return {
      next: (): [IndexKey, number] | undefined => {
        const entry = cursor.next();
        if (!entry) return undefined;
        const past = index.compareKeys(entry[0], end);
        return (direction === 1 ? past > 0 : past < 0) ? undefined : entry;
      },
    };
  }
}
