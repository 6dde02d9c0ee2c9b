import { Query } from "mingo";
import type { Collation } from "./collation";
import { compareValues, equalValues, Rank, typeRank } from "./compare";
import { type Doc, isPlainObject } from "./documents";
import { CommandError, unsupported } from "./errors";

/** A compiled query filter. */
export interface Matcher {
  test(doc: Doc): boolean;
}

export interface MatchOptions {
  /** String comparisons follow it; undefined is MongoDB's simple (binary) collation. */
  collation?: Collation;
  /** `let` variables, visible to `$expr` as `$$name`. */
  variables?: Doc;
}

/**
 * Compiles a query filter with MongoDB's matching rules: dotted paths descend into arrays of
 * documents, a condition on an array holds if the array or any element satisfies it, null matches
 * missing fields, comparisons are bracketed by type and follow the collation. `$expr` is
 * evaluated by mingo (with `let` variables); `$where`, `$text`, `$jsonSchema` and geo operators
 * are refused rather than answered wrongly.
 */
export function compileMatcher(filter: Doc, options: MatchOptions): Matcher {
  const test = compileFilter(filter, options);
  return { test };
}

type DocPredicate = (doc: Doc) => boolean;
/** Tests the values a path reaches in one document (see `collectPath`). */
type LeavesPredicate = (leaves: unknown[]) => boolean;

/** Stands for "the path ends at a field that is not there". */
const MISSING = Symbol("missing");

const MINGO_OPTIONS = { idKey: "_id", useStrictMode: true } as const;

function compileFilter(filter: Doc, options: MatchOptions): DocPredicate {
  const parts: DocPredicate[] = [];
  for (const [key, condition] of Object.entries(filter)) {
    if (key.startsWith("$")) parts.push(compileTopLevel(key, condition, options));
    else parts.push(compileField(key, condition, options));
  }
  if (parts.length === 0) return () => true;
  if (parts.length === 1) return parts[0] as DocPredicate;
  return (doc) => {
    for (const part of parts) if (!part(doc)) return false;
    return true;
  };
}

function compileTopLevel(operator: string, operand: unknown, options: MatchOptions): DocPredicate {
  switch (operator) {
    case "$and":
    case "$or":
    case "$nor": {
      if (!Array.isArray(operand) || operand.length === 0) {
        throw new CommandError("BadValue", `${operator} must be a nonempty array`);
      }
      const clauses = operand.map((clause) => {
        if (!isPlainObject(clause))
          throw new CommandError("BadValue", `${operator} argument's entries must be objects`);
        return compileFilter(clause, options);
      });
      if (operator === "$and") return (doc) => clauses.every((clause) => clause(doc));
      if (operator === "$or") return (doc) => clauses.some((clause) => clause(doc));
      return (doc) => !clauses.some((clause) => clause(doc));
    }
    case "$expr": {
      if (options.collation) throw unsupported("$expr with a non-simple collation");
      const query = new Query({ $expr: operand }, { ...MINGO_OPTIONS, variables: options.variables ?? {} });
      return (doc) => query.test(doc);
    }
    case "$comment":
      return () => true;
    case "$where":
      throw unsupported("$where");
    case "$text":
      throw unsupported("$text");
    case "$jsonSchema":
      throw unsupported("$jsonSchema");
    case "$alwaysTrue":
      return () => true;
    case "$alwaysFalse":
      return () => false;
    default:
      throw new CommandError("BadValue", `unknown top level operator: ${operator}`);
  }
}

function compileField(path: string, condition: unknown, options: MatchOptions): DocPredicate {
  const test = compileCondition(condition, options);
  if (!path.includes(".")) {
    return (doc) => test([Object.prototype.hasOwnProperty.call(doc, path) ? doc[path] : MISSING]);
  }
  const parts = path.split(".");
  return (doc) => {
    const leaves: unknown[] = [];
    collectField(doc, parts, 0, leaves);
    return test(leaves);
  };
}

/** The values a dotted path reaches, descending into arrays of documents; absent fields give MISSING. */
function collectPath(value: unknown, parts: string[], depth: number, out: unknown[]): void {
  if (depth === parts.length) {
    out.push(value);
    return;
  }
  if (Array.isArray(value)) {
    const part = parts[depth] as string;
    if (/^\d+$/.test(part)) {
      const index = Number(part);
      if (index < value.length) collectPath(value[index], parts, depth + 1, out);
      else out.push(MISSING);
      return;
    }
    for (const element of value) if (isPlainObject(element)) collectField(element, parts, depth, out);
    return;
  }
  if (isPlainObject(value)) collectField(value, parts, depth, out);
}

function collectField(doc: Doc, parts: string[], depth: number, out: unknown[]): void {
  const part = parts[depth] as string;
  if (Object.prototype.hasOwnProperty.call(doc, part)) collectPath(doc[part], parts, depth + 1, out);
  else out.push(MISSING);
}

/** A condition on a field: an operator document, a regular expression or a value to equal. */
function compileCondition(condition: unknown, options: MatchOptions): LeavesPredicate {
  if (isRegExp(condition)) return regexPredicate(toRegExp(condition));
  if (isPlainObject(condition)) {
    const keys = Object.keys(condition);
    if (keys.length > 0 && (keys[0] as string).startsWith("$")) return compileOperators(condition, options);
  }
  return equalityPredicate(condition, options.collation);
}

function compileOperators(operators: Doc, options: MatchOptions): LeavesPredicate {
  const tests: LeavesPredicate[] = [];
  const keys = Object.keys(operators);
  for (const operator of keys) {
    const operand = operators[operator];
    if (operator === "$options") {
      if (!keys.includes("$regex")) throw new CommandError("BadValue", "$options needs a $regex");
      continue;
    }
    if (operator === "$regex") {
      tests.push(regexPredicate(regexFrom(operand, operators.$options)));
      continue;
    }
    tests.push(compileOperator(operator, operand, options));
  }
  if (tests.length === 1) return tests[0] as LeavesPredicate;
  return (leaves) => tests.every((test) => test(leaves));
}

function compileOperator(operator: string, operand: unknown, options: MatchOptions): LeavesPredicate {
  const { collation } = options;
  switch (operator) {
    case "$eq":
      return isRegExp(operand) ? regexValuePredicate(operand) : equalityPredicate(operand, collation);
    case "$ne": {
      const eq = isRegExp(operand) ? regexValuePredicate(operand) : equalityPredicate(operand, collation);
      return (leaves) => !eq(leaves);
    }
    case "$gt":
    case "$gte":
    case "$lt":
    case "$lte":
      return rangePredicate(operator, operand, collation);
    case "$in":
      return inPredicate(operand, collation, "$in");
    case "$nin": {
      const inTest = inPredicate(operand, collation, "$nin");
      return (leaves) => !inTest(leaves);
    }
    case "$exists": {
      const wanted = Boolean(operand);
      return (leaves) => leaves.some((leaf) => leaf !== MISSING) === wanted;
    }
    case "$type":
      return typePredicate(operand);
    case "$size": {
      if (typeof operand !== "number" || !Number.isInteger(operand) || operand < 0) {
        throw new CommandError("BadValue", "$size needs a non-negative integer");
      }
      return (leaves) => leaves.some((leaf) => Array.isArray(leaf) && leaf.length === operand);
    }
    case "$all":
      return allPredicate(operand, options);
    case "$elemMatch":
      return elemMatchPredicate(operand, options);
    case "$not":
      return notPredicate(operand, options);
    case "$mod":
      return modPredicate(operand);
    case "$bitsAllSet":
    case "$bitsAnySet":
    case "$bitsAllClear":
    case "$bitsAnyClear":
      return bitsPredicate(operator, operand);
    case "$comment":
      return () => true;
    case "$near":
    case "$nearSphere":
    case "$geoWithin":
    case "$geoIntersects":
    case "$within":
      throw unsupported(operator);
    default:
      throw new CommandError("BadValue", `unknown operator: ${operator}`);
  }
}

/** Whether `test` holds for a leaf value or, when it is an array, for any of its elements. */
function anyValue(leaf: unknown, test: (value: unknown) => boolean): boolean {
  if (test(leaf)) return true;
  if (Array.isArray(leaf)) {
    for (const element of leaf) if (test(element)) return true;
  }
  return false;
}

function equalityPredicate(expected: unknown, collation: Collation | undefined): LeavesPredicate {
  if (expected === null || expected === undefined) {
    return (leaves) =>
      leaves.some(
        (leaf) =>
          leaf === MISSING ||
          leaf === null ||
          leaf === undefined ||
          (Array.isArray(leaf) && leaf.some((element) => element === null || element === undefined)),
      );
  }
  if (typeof expected === "string" && !collation) {
    return (leaves) => leaves.some((leaf) => anyValue(leaf, (value) => value === expected));
  }
  const rank = typeRank(expected);
  const equal = (value: unknown) => typeRank(value) === rank && equalValues(value, expected, collation);
  return (leaves) => leaves.some((leaf) => leaf !== MISSING && anyValue(leaf, equal));
}

function rangePredicate(operator: string, bound: unknown, collation: Collation | undefined): LeavesPredicate {
  if (isRegExp(bound))
    throw new CommandError("BadValue", `Can't have RegEx as arg to predicate over field: ${operator}`);
  if (bound === null || bound === undefined) {
    // null is the only value of its type: ≤ and ≥ are equality, < and > match nothing.
    if (operator === "$gte" || operator === "$lte") return equalityPredicate(null, collation);
    return () => false;
  }
  const rank = typeRank(bound);
  const crossType = rank === Rank.MinKey || rank === Rank.MaxKey;
  const holds =
    operator === "$gt"
      ? (c: number) => c > 0
      : operator === "$gte"
        ? (c: number) => c >= 0
        : operator === "$lt"
          ? (c: number) => c < 0
          : (c: number) => c <= 0;
  const test = (value: unknown) =>
    (crossType || typeRank(value) === rank) && holds(compareValues(value, bound, collation));
  return (leaves) => leaves.some((leaf) => leaf !== MISSING && anyValue(leaf, test));
}

function inPredicate(operand: unknown, collation: Collation | undefined, operator: string): LeavesPredicate {
  if (!Array.isArray(operand)) throw new CommandError("BadValue", `${operator} needs an array`);
  const patterns: RegExp[] = [];
  const values: unknown[] = [];
  for (const option of operand) {
    if (isRegExp(option)) patterns.push(toRegExp(option));
    else if (isPlainObject(option) && Object.keys(option)[0]?.startsWith("$")) {
      throw new CommandError("BadValue", `cannot nest $ under ${operator}`);
    } else values.push(option);
  }
  const matchesNull = values.some((value) => value === null || value === undefined);
  const strings =
    !collation && values.every((value) => typeof value === "string") ? new Set(values) : undefined;
  const test = (value: unknown) => {
    if (strings) {
      if (typeof value === "string" && strings.has(value)) return true;
    } else {
      for (const option of values) {
        if (option !== null && typeRank(value) === typeRank(option) && equalValues(value, option, collation))
          return true;
      }
    }
    if (matchesNull && (value === null || value === undefined)) return true;
    return (
      patterns.length > 0 && typeof value === "string" && patterns.some((pattern) => pattern.test(value))
    );
  };
  return (leaves) => leaves.some((leaf) => (leaf === MISSING ? matchesNull : anyValue(leaf, test)));
}

const TYPE_ALIASES: Record<string, number> = {
  double: 1,
  string: 2,
  object: 3,
  array: 4,
  binData: 5,
  undefined: 6,
  objectId: 7,
  bool: 8,
  date: 9,
  null: 10,
  regex: 11,
  dbPointer: 12,
  javascript: 13,
  symbol: 14,
  javascriptWithScope: 15,
  int: 16,
  timestamp: 17,
  long: 18,
  decimal: 19,
  minKey: -1,
  maxKey: 127,
};

/**
 * The BSON type number of a stored value. Int32, Int64 within 2^53 and Double all decode to JS
 * numbers, so a number is "int" when integral and within 32 bits, "long" when integral beyond, and
 * "double" otherwise (a stored 5.0 therefore reads as int: a documented gap).
 */
export function bsonTypeOf(value: unknown): number {
  if (value === null || value === undefined) return 10;
  switch (typeof value) {
    case "string":
      return 2;
    case "boolean":
      return 8;
    case "number":
      if (!Number.isInteger(value)) return 1;
      return Math.abs(value) < 2 ** 31 ? 16 : 18;
    case "object":
      break;
    default:
      return 13;
  }
  if (Array.isArray(value)) return 4;
  if (value instanceof Date) return 9;
  if (value instanceof RegExp) return 11;
  switch ((value as { _bsontype?: string })._bsontype) {
    case undefined:
      return 3;
    case "ObjectId":
      return 7;
    case "Binary":
      return 5;
    case "Long":
      return 18;
    case "Int32":
      return 16;
    case "Double":
      return 1;
    case "Decimal128":
      return 19;
    case "Timestamp":
      return 17;
    case "BSONSymbol":
      return 14;
    case "BSONRegExp":
      return 11;
    case "MinKey":
      return -1;
    case "MaxKey":
      return 127;
    case "Code":
      return (value as { scope?: unknown }).scope ? 15 : 13;
    case "DBRef":
      return 3;
    default:
      return 3;
  }
}

function typePredicate(operand: unknown): LeavesPredicate {
  const requested = Array.isArray(operand) ? operand : [operand];
  if (requested.length === 0) throw new CommandError("FailedToParse", "$type must match at least one type");
  const numbers = new Set<number>();
  let anyNumber = false;
  for (const type of requested) {
    if (type === "number") anyNumber = true;
    else if (typeof type === "string" && type in TYPE_ALIASES) numbers.add(TYPE_ALIASES[type] as number);
    else if (typeof type === "number" && Object.values(TYPE_ALIASES).includes(type)) numbers.add(type);
    else throw new CommandError("BadValue", `Unknown type name alias: ${String(type)}`);
  }
  const matches = (value: unknown) => {
    const type = bsonTypeOf(value);
    return numbers.has(type) || (anyNumber && [1, 16, 18, 19].includes(type));
  };
  return (leaves) => leaves.some((leaf) => leaf !== MISSING && anyValue(leaf, matches));
}

function allPredicate(operand: unknown, options: MatchOptions): LeavesPredicate {
  if (!Array.isArray(operand)) throw new CommandError("BadValue", "$all needs an array");
  if (operand.length === 0) return () => false;
  const tests = operand.map((item) => {
    if (isPlainObject(item) && Object.keys(item)[0] === "$elemMatch")
      return elemMatchPredicate(item.$elemMatch, options);
    if (isPlainObject(item) && Object.keys(item)[0]?.startsWith("$")) {
      throw new CommandError("BadValue", "no $ expressions in $all");
    }
    return isRegExp(item) ? regexPredicate(toRegExp(item)) : equalityPredicate(item, options.collation);
  });
  return (leaves) => tests.every((test) => test(leaves));
}

function elemMatchPredicate(operand: unknown, options: MatchOptions): LeavesPredicate {
  if (!isPlainObject(operand)) throw new CommandError("BadValue", "$elemMatch needs an Object");
  const keys = Object.keys(operand);
  const onValues =
    keys.length > 0 &&
    keys.every((key) => key.startsWith("$") && !["$and", "$or", "$nor", "$expr"].includes(key));
  let element: (value: unknown) => boolean;
  if (onValues) {
    const test = compileOperators(operand, options);
    element = (value) => test([value]);
  } else {
    const test = compileFilter(operand, options);
    element = (value) => isPlainObject(value) && test(value);
  }
  return (leaves) => leaves.some((leaf) => Array.isArray(leaf) && leaf.some(element));
}

function notPredicate(operand: unknown, options: MatchOptions): LeavesPredicate {
  let inner: LeavesPredicate;
  if (isRegExp(operand)) inner = regexPredicate(toRegExp(operand));
  else if (isPlainObject(operand)) {
    if (Object.keys(operand).length === 0) throw new CommandError("BadValue", "$not cannot be empty");
    if (!Object.keys(operand).every((key) => key.startsWith("$"))) {
      throw new CommandError("BadValue", "$not needs a regex or a document of operators");
    }
    inner = compileOperators(operand, options);
  } else throw new CommandError("BadValue", "$not needs a regex or a document");
  return (leaves) => !inner(leaves);
}

function modPredicate(operand: unknown): LeavesPredicate {
  if (!Array.isArray(operand) || operand.length !== 2) {
    throw new CommandError("BadValue", "malformed mod, needs to be an array of two numbers");
  }
  const [divisor, remainder] = operand.map(Number) as [number, number];
  if (!Number.isFinite(divisor) || !Number.isFinite(remainder)) {
    throw new CommandError("BadValue", "malformed mod, divisor and remainder must be numbers");
  }
  if (Math.trunc(divisor) === 0) throw new CommandError("BadValue", "divisor cannot be 0");
  const d = Math.trunc(divisor);
  const r = Math.trunc(remainder);
  const test = (value: unknown) =>
    typeRank(value) === Rank.Number && Number.isFinite(Number(value)) && Math.trunc(Number(value)) % d === r;
  return (leaves) => leaves.some((leaf) => leaf !== MISSING && anyValue(leaf, test));
}

function bitsPredicate(operator: string, operand: unknown): LeavesPredicate {
  let positions: number[];
  if (typeof operand === "number") {
    if (!Number.isInteger(operand) || operand < 0)
      throw new CommandError("BadValue", `${operator} needs a non-negative integer mask`);
    positions = [];
    for (let bit = 0; bit < 53; bit++) if (Math.floor(operand / 2 ** bit) % 2 === 1) positions.push(bit);
  } else if (Array.isArray(operand) && operand.every((p) => Number.isInteger(p) && p >= 0)) {
    positions = operand as number[];
  } else {
    throw unsupported(`${operator} with this mask`);
  }
  const bitSet = (value: number, bit: number) => {
    if (bit >= 63) return value < 0;
    return BigInt.asUintN(64, BigInt(value)) & (1n << BigInt(bit)) ? true : false;
  };
  const test = (value: unknown) => {
    if (typeof value !== "number" || !Number.isInteger(value)) return false;
    const set = positions.map((bit) => bitSet(value, bit));
    switch (operator) {
      case "$bitsAllSet":
        return set.every(Boolean);
      case "$bitsAnySet":
        return set.some(Boolean);
      case "$bitsAllClear":
        return set.every((s) => !s);
      default:
        return set.some((s) => !s);
    }
  };
  return (leaves) => leaves.some((leaf) => leaf !== MISSING && anyValue(leaf, test));
}

function isRegExp(value: unknown): boolean {
  return value instanceof RegExp || (value as { _bsontype?: string } | null)?._bsontype === "BSONRegExp";
}

/** A RegExp without the stateful flags (`g`, `y`), so `test` does not depend on earlier calls. */
function toRegExp(value: unknown): RegExp {
  if (value instanceof RegExp) return new RegExp(value.source, value.flags.replace(/[gy]/g, ""));
  const bson = value as { pattern: string; options: string };
  return regexFrom(bson.pattern, bson.options);
}

function regexFrom(pattern: unknown, options: unknown): RegExp {
  if (options !== undefined && typeof options !== "string")
    throw new CommandError("BadValue", "$options has to be a string");
  let source: string;
  let flags = "";
  if (pattern instanceof RegExp) {
    source = pattern.source;
    flags = pattern.flags.replace(/[gy]/g, "");
  } else if (typeof pattern === "string") {
    source = pattern;
  } else if ((pattern as { _bsontype?: string } | null)?._bsontype === "BSONRegExp") {
    const bson = pattern as { pattern: string; options: string };
    source = bson.pattern;
    flags = bson.options;
  } else {
    throw new CommandError("BadValue", "$regex has to be a string");
  }
  for (const flag of (options as string | undefined) ?? "") {
    if (!"imsux".includes(flag)) throw new CommandError("BadValue", `invalid flag in regex options: ${flag}`);
    if (!flags.includes(flag)) flags += flag;
  }
  if (flags.includes("x")) throw unsupported("the regex x (extended) option");
  // PCRE treats `u` as UTF-8 matching, which JS strings already are; `u` in JS changes syntax rules.
  flags = flags.replace("u", "");
  try {
    return new RegExp(source, flags);
  } catch (error) {
    throw new CommandError("BadValue", `Regular expression is invalid: ${(error as Error).message}`);
  }
}

function regexPredicate(pattern: RegExp): LeavesPredicate {
  const test = (value: unknown) =>
    (typeof value === "string" && pattern.test(value)) ||
    (value instanceof RegExp && value.source === pattern.source && value.flags === pattern.flags);
  return (leaves) => leaves.some((leaf) => leaf !== MISSING && anyValue(leaf, test));
}

/** Explicit `$eq: /re/` matches only stored regular expressions equal to it, as in MongoDB. */
function regexValuePredicate(operand: unknown): LeavesPredicate {
  const expected = toRegExp(operand);
  const test = (value: unknown) => isRegExp(value) && compareValues(toRegExp(value), expected) === 0;
  return (leaves) => leaves.some((leaf) => leaf !== MISSING && anyValue(leaf, test));
}
