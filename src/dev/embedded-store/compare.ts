import type { Binary, Decimal128, Long, ObjectId, Timestamp } from "bson";
import type { Collation } from "./collation";
import { isPlainObject } from "./documents";

/**
 * MongoDB's comparison and sort order for BSON values: first by canonical type (numbers of every
 * kind compare with each other, as do strings and symbols), then by value. Queries, sorts, index
 * keys and `distinct` all use it, so one order holds everywhere. Strings compare by code point (the
 * UTF-8 byte order MongoDB uses) unless a collation says otherwise.
 */
export function compareValues(a: unknown, b: unknown, collation?: Collation): number {
  // The common cases first: index keys are mostly strings and numbers.
  if (typeof a === "string" && typeof b === "string") {
    if (a === b) return 0;
    return collation ? collation.compare(a, b) : compareCodePoints(a, b);
  }
  if (typeof a === "number" && typeof b === "number" && a === a && b === b) return a < b ? -1 : a > b ? 1 : 0;
  const rankA = typeRank(a);
  const rankB = typeRank(b);
  if (rankA === EDGE_RANK || rankB === EDGE_RANK) return compareEdge(a, b, rankA, rankB);
  if (rankA !== rankB) return rankA < rankB ? -1 : 1;
  switch (rankA) {
    case Rank.MinKey:
    case Rank.Null:
    case Rank.MaxKey:
      return 0;
    case Rank.Number:
      return compareNumbers(a, b);
    case Rank.String:
      return collation
        ? collation.compare(stringOf(a), stringOf(b))
        : compareCodePoints(stringOf(a), stringOf(b));
    case Rank.Object:
      return compareObjects(a as Record<string, unknown>, b as Record<string, unknown>, collation);
    case Rank.Array:
      return compareArrays(a as unknown[], b as unknown[], collation);
    case Rank.Binary:
      return compareBinaries(a as Binary, b as Binary);
    case Rank.ObjectId:
      return Buffer.compare((a as ObjectId).id, (b as ObjectId).id);
    case Rank.Boolean:
      return a === b ? 0 : a ? 1 : -1;
    case Rank.Date:
      return sign((a as Date).getTime() - (b as Date).getTime());
    case Rank.Timestamp:
      return (a as Timestamp).compare(b as Timestamp);
    case Rank.RegExp:
      return compareRegExps(a, b);
    default:
      return compareCodePoints(String(a), String(b));
  }
}

/** Equality in MongoDB's sense: same canonical type and same value (so 1, 1.0 and Long 1 are equal). */
export function equalValues(a: unknown, b: unknown, collation?: Collation): boolean {
  if (a === b) return true;
  return compareValues(a, b, collation) === 0;
}

/** Canonical type ranks (MongoDB's `canonicalizeBSONType`), spaced as the server spaces them. */
export const Rank = {
  MinKey: -1,
  Null: 5,
  Number: 10,
  String: 15,
  Object: 20,
  Array: 25,
  Binary: 30,
  ObjectId: 35,
  Boolean: 40,
  Date: 45,
  Timestamp: 47,
  RegExp: 50,
  DBRef: 55,
  Code: 60,
  MaxKey: 127,
} as const;

const EDGE_RANK = 1000;

/**
 * A bound just below (side -1) or just above (side +1) every value of one canonical type, for index
 * scans bracketed by type: `{ $gt: 5 }` reads numbers above 5 and stops before the first string.
 */
export class TypeEdge {
  constructor(
    readonly rank: number,
    readonly side: -1 | 1,
  ) {}
}

/** Below every value / above every value: the ends of an unbounded index field. */
export const MIN_EDGE = new TypeEdge(-1000, -1);
export const MAX_EDGE = new TypeEdge(1000, 1);

function compareEdge(a: unknown, b: unknown, rankA: number, rankB: number): number {
  const posA = a instanceof TypeEdge ? a.rank * 4 + a.side : rankA * 4;
  const posB = b instanceof TypeEdge ? b.rank * 4 + b.side : rankB * 4;
  return sign(posA - posB);
}

export function typeRank(value: unknown): number {
  if (value === null || value === undefined) return Rank.Null;
  switch (typeof value) {
    case "number":
    case "bigint":
      return Rank.Number;
    case "string":
      return Rank.String;
    case "boolean":
      return Rank.Boolean;
    case "object":
      break;
    default:
      return Rank.Code;
  }
  if (Array.isArray(value)) return Rank.Array;
  if (value instanceof Date) return Rank.Date;
  if (value instanceof RegExp) return Rank.RegExp;
  if (value instanceof TypeEdge) return EDGE_RANK;
  switch ((value as { _bsontype?: string })._bsontype) {
    case undefined:
      return Rank.Object;
    case "ObjectId":
      return Rank.ObjectId;
    case "Binary":
      return Rank.Binary;
    case "Long":
    case "Int32":
    case "Double":
    case "Decimal128":
      return Rank.Number;
    case "Timestamp":
      return Rank.Timestamp;
    case "BSONSymbol":
      return Rank.String;
    case "BSONRegExp":
      return Rank.RegExp;
    case "MinKey":
      return Rank.MinKey;
    case "MaxKey":
      return Rank.MaxKey;
    case "DBRef":
      return Rank.DBRef;
    case "Code":
      return Rank.Code;
    default:
      return Rank.Object;
  }
}

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

function stringOf(value: unknown): string {
  return typeof value === "string" ? value : String((value as { value: string }).value ?? value);
}

/** Any UTF-16 unit at or above the surrogates, where UTF-16 order and code point order can part. */
const HIGH_UNITS = /[\ud800-\uffff]/;

/** Code point order, which is UTF-8 byte order; UTF-16 order differs only around surrogates. */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  if (!HIGH_UNITS.test(a) || !HIGH_UNITS.test(b)) return a < b ? -1 : 1;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x < 0xd800 && y < 0xd800) return x < y ? -1 : 1;
    return sign((a.codePointAt(i) ?? 0) - (b.codePointAt(i) ?? 0)) || (x < y ? -1 : 1);
  }
  return sign(a.length - b.length);
}

/** A number of any BSON kind as something comparable: a JS number, or a BigInt beyond 2^53. */
function numeric(value: unknown): number | bigint {
  if (typeof value === "number" || typeof value === "bigint") return value;
  const tagged = value as { _bsontype?: string };
  if (tagged._bsontype === "Long") {
    const long = value as Long;
    const asNumber = long.toNumber();
    return Number.isSafeInteger(asNumber) ? asNumber : long.toBigInt();
  }
  if (tagged._bsontype === "Decimal128") return Number.parseFloat((value as Decimal128).toString());
  return Number((value as { value: number }).value);
}

function compareNumbers(a: unknown, b: unknown): number {
  const x = numeric(a);
  const y = numeric(b);
  if (typeof x === "number" && typeof y === "number") {
    // NaN sorts below every other number and equals itself, as in MongoDB.
    if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : -1;
    if (Number.isNaN(y)) return 1;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof x === "number" && !Number.isFinite(x)) return Number.isNaN(x) ? -1 : x > 0 ? 1 : -1;
  if (typeof y === "number" && !Number.isFinite(y)) return Number.isNaN(y) ? 1 : y > 0 ? -1 : 1;
  const bigX = typeof x === "bigint" ? x : BigInt(Math.trunc(x));
  const bigY = typeof y === "bigint" ? y : BigInt(Math.trunc(y));
  if (bigX !== bigY) return bigX < bigY ? -1 : 1;
  // Same integer part: a fractional JS number decides.
  const fracX = typeof x === "number" ? x - Math.trunc(x) : 0;
  const fracY = typeof y === "number" ? y - Math.trunc(y) : 0;
  return sign(fracX - fracY);
}

function compareObjects(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
  collation: Collation | undefined,
): number {
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  const length = Math.min(keysA.length, keysB.length);
  for (let i = 0; i < length; i++) {
    const keyA = keysA[i] as string;
    const keyB = keysB[i] as string;
    const valueA = a[keyA];
    const valueB = b[keyB];
    const byType = typeRank(valueA) - typeRank(valueB);
    if (byType !== 0) return sign(byType);
    const byName = compareCodePoints(keyA, keyB);
    if (byName !== 0) return byName;
    const byValue = compareValues(valueA, valueB, collation);
    if (byValue !== 0) return byValue;
  }
  return sign(keysA.length - keysB.length);
}

function compareArrays(a: unknown[], b: unknown[], collation: Collation | undefined): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const byType = typeRank(a[i]) - typeRank(b[i]);
    if (byType !== 0) return sign(byType);
    const byValue = compareValues(a[i], b[i], collation);
    if (byValue !== 0) return byValue;
  }
  return sign(a.length - b.length);
}

function compareBinaries(a: Binary, b: Binary): number {
  const bytesA = a.value();
  const bytesB = b.value();
  if (bytesA.length !== bytesB.length) return sign(bytesA.length - bytesB.length);
  if (a.sub_type !== b.sub_type) return sign(a.sub_type - b.sub_type);
  return Buffer.compare(Buffer.from(bytesA), Buffer.from(bytesB));
}

function compareRegExps(a: unknown, b: unknown): number {
  const [patternA, flagsA] = regExpParts(a);
  const [patternB, flagsB] = regExpParts(b);
  return compareCodePoints(patternA, patternB) || compareCodePoints(flagsA, flagsB);
}

function regExpParts(value: unknown): [string, string] {
  if (value instanceof RegExp) return [value.source, value.flags];
  const bson = value as { pattern: string; options: string };
  return [bson.pattern, bson.options];
}

/**
 * The value a sort uses for one document: for an array (or a path through arrays) the smallest
 * element when ascending and the largest when descending, as MongoDB sorts; missing is null.
 */
export function sortKeyOf(values: unknown[], direction: 1 | -1, collation?: Collation): unknown {
  let best: unknown;
  let found = false;
  const consider = (value: unknown) => {
    if (!found || compareValues(value, best, collation) * direction < 0) {
      best = value;
      found = true;
    }
  };
  for (const value of values) {
    if (Array.isArray(value)) {
      // An empty array sorts before null, as MongoDB places it.
      if (value.length === 0) consider(EMPTY_ARRAY_KEY);
      else value.forEach(consider);
    } else consider(value);
  }
  return found ? best : null;
}

/** How an empty array sorts: below null (MongoDB indexes it as `undefined`). */
export const EMPTY_ARRAY_KEY = new TypeEdge(Rank.Null, -1);

/** Whether a value is a plain embedded document (not an array or a BSON class). */
export function isDocument(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value);
}
