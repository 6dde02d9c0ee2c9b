import { Aggregator, Query } from "mingo";
import type { Options } from "mingo/types";
import { cloneDoc, type Doc, isPlainObject, valueKey, valuesAtPath } from "./documents";
import { CommandError } from "./errors";

/** The mingo settings shared by queries, projections, pipelines and updates. */
export const mingoOptions: Partial<Options> = { idKey: "_id", useStrictMode: true };

/** A compiled query filter. */
export interface Matcher {
  test(doc: Doc): boolean;
}

/**
 * Compiles a filter. mingo's set-up costs far more than its test, so the shapes the application
 * sends on every request are matched directly, with MongoDB's meaning (see `directPredicate`);
 * everything else is mingo's.
 */
export function compileFilter(filter: Doc): Matcher {
  const test = directPredicate(filter);
  return test ? { test } : new Query(filter, mingoOptions);
}

type Predicate = (doc: Doc) => boolean;
type Scalar = string | number | boolean | Date;

/**
 * Top-level fields compared with a string, number, boolean or Date (`$eq`, `$ne`, `$in`, and
 * `$gt`/`$gte`/`$lt`/`$lte` for numbers and Dates), combined with `$and`/`$or`. As in MongoDB, a
 * condition on an array field holds if any element satisfies it (each operator on its own), `$ne`
 * holds for a missing field, and a range never matches a value of another type. Undefined for any
 * other shape.
 */
function directPredicate(filter: Doc): Predicate | undefined {
  const parts: Predicate[] = [];
  for (const [key, condition] of Object.entries(filter)) {
    let part: Predicate | undefined;
    if (key === "$and" || key === "$or") {
      const clauses = Array.isArray(condition) && condition.length > 0 ? condition.map(clausePredicate) : [];
      if (clauses.length === 0 || !clauses.every((clause) => clause !== undefined)) return undefined;
      const tests = clauses as Predicate[];
      part = key === "$or" ? (doc) => tests.some((t) => t(doc)) : (doc) => tests.every((t) => t(doc));
    } else if (!key.startsWith("$") && !key.includes(".")) {
      part = fieldPredicate(key, condition);
    }
    if (!part) return undefined;
    parts.push(part);
  }
  return (doc) => parts.every((part) => part(doc));
}

function clausePredicate(clause: unknown): Predicate | undefined {
  return isPlainObject(clause) ? directPredicate(clause) : undefined;
}

function fieldPredicate(field: string, condition: unknown): Predicate | undefined {
  const value = (doc: Doc) => (Object.prototype.hasOwnProperty.call(doc, field) ? doc[field] : undefined);
  if (isScalar(condition)) return (doc) => some(value(doc), (v) => equal(v, condition));
  if (!isPlainObject(condition) || Object.keys(condition).length === 0) return undefined;
  const tests: Predicate[] = [];
  for (const [operator, operand] of Object.entries(condition)) {
    if ((operator === "$eq" || operator === "$ne") && isScalar(operand)) {
      const eq = (doc: Doc) => some(value(doc), (v) => equal(v, operand));
      tests.push(operator === "$eq" ? eq : (doc) => !eq(doc));
    } else if (operator === "$in" && Array.isArray(operand) && operand.every(isScalar)) {
      tests.push((doc) => some(value(doc), (v) => operand.some((option) => equal(v, option))));
    } else if (operator in ranges && (typeof operand === "number" || operand instanceof Date)) {
      const holds = ranges[operator as keyof typeof ranges];
      const bound = typeof operand === "number" ? operand : operand.getTime();
      const comparable = (v: unknown) =>
        typeof operand === "number" ? typeof v === "number" : v instanceof Date;
      tests.push((doc) => some(value(doc), (v) => comparable(v) && holds(Number(v), bound)));
    } else {
      return undefined;
    }
  }
  return (doc) => tests.every((test) => test(doc));
}

const ranges = {
  $gt: (a: number, b: number) => a > b,
  $gte: (a: number, b: number) => a >= b,
  $lt: (a: number, b: number) => a < b,
  $lte: (a: number, b: number) => a <= b,
};

function isScalar(value: unknown): value is Scalar {
  if (typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return !Number.isNaN(value);
  return value instanceof Date && !Number.isNaN(value.getTime());
}

function equal(actual: unknown, expected: Scalar): boolean {
  return expected instanceof Date
    ? actual instanceof Date && actual.getTime() === expected.getTime()
    : actual === expected;
}

/** The value itself or, for an array, any of its elements (not nested arrays), as MongoDB matches fields. */
function some(value: unknown, test: (v: unknown) => boolean): boolean {
  return test(value) || (Array.isArray(value) && value.some(test));
}

export interface FindShape {
  sort?: Doc;
  skip?: number;
  limit?: number;
  projection?: Doc;
}

/**
 * Sorts, pages and projects documents that already matched `filter`. Projection runs last and on
 * copies (mingo's projection writes into its input); the filter is passed again because positional
 * projections (`"items.$": 1`) need it.
 */
export function shapeResults(matches: Doc[], filter: Doc, shape: FindShape): Doc[] {
  let docs = matches;
  const sort = sortSpec(shape.sort);
  if (sort && docs.length > 1) docs = new Query({}, mingoOptions).find<Doc>(docs).sort(sort).all();
  const skip = shape.skip ?? 0;
  const limit = Math.abs(shape.limit ?? 0);
  if (skip > 0 || limit > 0) docs = docs.slice(skip, limit > 0 ? skip + limit : undefined);
  if (!shape.projection || Object.keys(shape.projection).length === 0) return docs;
  return new Query(filter, mingoOptions).find<Doc>(docs.map(cloneDoc), shape.projection).all();
}

/** Keeps real sort keys; `$natural` is the natural order anyway and `$meta` needs `$text`, which is a known gap. */
function sortSpec(sort: Doc | undefined): Record<string, 1 | -1> | undefined {
  if (!sort) return undefined;
  const spec: Record<string, 1 | -1> = {};
  for (const [field, direction] of Object.entries(sort)) {
    if (field === "$natural" || typeof direction === "object") continue;
    if (direction !== 1 && direction !== -1) {
      throw new CommandError(
        "BadValue",
        "$sort key ordering must be 1 (for ascending) or -1 (for descending)",
      );
    }
    spec[field] = direction;
  }
  return Object.keys(spec).length > 0 ? spec : undefined;
}

/** Runs a pipeline over copies of `docs`; `resolve` supplies (copied) foreign collections for `$lookup`. */
export function runPipeline(docs: Doc[], pipeline: Doc[], resolve: (name: string) => Doc[]): Doc[] {
  for (const stage of pipeline) {
    const name = Object.keys(stage)[0];
    if (name === "$out" || name === "$merge") {
      throw new CommandError("CommandNotSupported", `${name} is not supported by the embedded store`);
    }
  }
  const aggregator = new Aggregator(pipeline, {
    ...mingoOptions,
    collectionResolver: (name) => resolve(name).map(cloneDoc),
  });
  return aggregator.run(docs.map(cloneDoc)) as Doc[];
}

/** `distinct`: array values contribute their elements, duplicates (by index-key equality) collapse. */
export function distinctValues(docs: Doc[], path: string): unknown[] {
  const seen = new Map<string, unknown>();
  for (const doc of docs) {
    for (const value of valuesAtPath(doc, path)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        const key = valueKey(item);
        if (!seen.has(key)) seen.set(key, item);
      }
    }
  }
  return [...seen.values()];
}
