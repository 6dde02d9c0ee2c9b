import { BSON, EJSON, ObjectId } from "bson";
import { cloneDeep } from "mingo/util";
import { CommandError } from "./errors";

/**
 * A stored or wire document. Values are JS primitives, arrays, plain objects, `Date`, `RegExp` and
 * `bson` classes (ObjectId, Binary, Long, Decimal128…) as `BSON.deserialize` produces them.
 */
export type Doc = Record<string, unknown>;

/**
 * Stored documents are never mutated: every write builds a new object and swaps it in. Cursors,
 * transactions and snapshots can therefore share references safely. mingo mutates what it is
 * given (projection and several pipeline stages write into their input), so anything handed to
 * it for reshaping goes through this copy first. It copies plain objects, arrays and dates and
 * shares `bson` class instances, which nothing mutates.
 */
export function cloneDoc<T>(value: T): T {
  return cloneDeep(value);
}

export function isPlainObject(value: unknown): value is Doc {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** `{ $gt: 1 }`-style objects, as opposed to embedded documents used as literal values. */
export function isOperatorObject(value: unknown): value is Doc {
  if (!isPlainObject(value)) return false;
  const first = Object.keys(value)[0];
  return first !== undefined && first.startsWith("$");
}

/** Checked by tag rather than `instanceof`, so an ObjectId from another copy of `bson` still counts. */
export function isObjectId(value: unknown): value is ObjectId {
  return (
    typeof value === "object" && value !== null && (value as { _bsontype?: string })._bsontype === "ObjectId"
  );
}

/**
 * A string that is equal for two values exactly when MongoDB would put them under the same index
 * key (numbers compare by value, so 1 and 1.0 collide, as they do in MongoDB). Used for `_id`
 * lookups, unique indexes and `distinct`.
 */
export function valueKey(value: unknown): string {
  if (value === undefined || value === null) return "null";
  switch (typeof value) {
    case "string":
      return `s:${value}`;
    case "number":
      return `n:${value}`;
    case "boolean":
      return `b:${value}`;
    case "object":
      if (value instanceof Date) return `d:${value.getTime()}`;
      if (isObjectId(value)) return `o:${value.toHexString()}`;
      return `e:${EJSON.stringify(value, { relaxed: true })}`;
    default:
      return `x:${String(value)}`;
  }
}

/**
 * Every value a dotted path reaches, descending into arrays the way MongoDB's index keys and
 * `distinct` do: `tags.name` visits each element of `tags`; a numeric part indexes an array.
 */
export function valuesAtPath(doc: unknown, path: string): unknown[] {
  return valuesAtParts(doc, path.includes(".") ? path.split(".") : [path]);
}

/** `valuesAtPath` with the path already split (index keys are extracted for every write). */
export function valuesAtParts(doc: unknown, parts: readonly string[]): unknown[] {
  if (parts.length === 1 && isPlainObject(doc)) {
    const part = parts[0] as string;
    if (!Object.prototype.hasOwnProperty.call(doc, part)) return [];
    const value = doc[part];
    return Array.isArray(value) ? collectArray(value, parts) : [value];
  }
  const out: unknown[] = [];
  collect(doc, parts, 0, out);
  return out;
}

function collectArray(value: unknown[], parts: readonly string[]): unknown[] {
  const out: unknown[] = [];
  collect(value, parts, 1, out);
  return out;
}

function collect(value: unknown, parts: readonly string[], depth: number, out: unknown[]): void {
  const part = parts[depth];
  if (part === undefined) {
    out.push(value);
    return;
  }
  if (Array.isArray(value)) {
    if (/^\d+$/.test(part) && Number(part) < value.length) {
      collect(value[Number(part)], parts, depth + 1, out);
      return;
    }
    for (const element of value) {
      if (isPlainObject(element)) collect(element, parts, depth, out);
    }
    return;
  }
  if (isPlainObject(value) && Object.prototype.hasOwnProperty.call(value, part)) {
    collect(value[part], parts, depth + 1, out);
  }
}

/**
 * Whether two stored values encode to the same BSON bytes (as `BSON.serialize({ v })` encodes
 * them), which is what MongoDB's "modified" means, without encoding them: an update shares every
 * value it did not touch with the old version, so the walk mostly stops at identical references.
 * The encoding's rules, followed here: numbers are the same bytes when `Object.is` (1 and 1.0 are
 * one JS number; -0 encodes as a double, 0 as an int32); a field holding `undefined` is left out,
 * an array element holding it encodes as null; an invalid Date encodes as time 0; anything that is
 * not a plain object, array, string, number, boolean, null or Date (ObjectId, Binary, Long,
 * RegExp…) is compared by its encoding.
 */
export function sameBson(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return a === b; // a field left out
  return sameElement(a, b);
}

function sameElement(a: unknown, b: unknown): boolean {
  if (a === b) return typeof a !== "number" || Object.is(a, b);
  if (a === undefined || a === null) return b === undefined || b === null;
  const type = typeof a;
  if (type !== typeof b) return false;
  switch (type) {
    case "number":
      return Object.is(a, b); // NaN
    case "string":
      // Different strings can still encode alike (each lone surrogate becomes U+FFFD).
      return Buffer.from(a as string, "utf8").equals(Buffer.from(b as string, "utf8"));
    case "object":
      break;
    default:
      return false; // booleans and bigints differ when not ===
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameElement(a[i], b[i])) return false;
    return true;
  }
  if (isPlainObject(a) && isPlainObject(b)) return sameFields(a, b);
  if (a instanceof Date && b instanceof Date) return encodedTime(a) === encodedTime(b);
  return Buffer.compare(BSON.serialize({ v: a }), BSON.serialize({ v: b })) === 0;
}

/** The same encoded fields in the same order; fields holding `undefined` are not encoded. */
function sameFields(a: Doc, b: Doc): boolean {
  const left = Object.keys(a);
  const right = Object.keys(b);
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < left.length && a[left[i] as string] === undefined) i++;
    while (j < right.length && b[right[j] as string] === undefined) j++;
    if (i === left.length || j === right.length) return i === left.length && j === right.length;
    const key = left[i] as string;
    if (key !== right[j] || !sameElement(a[key], b[key])) return false;
    i++;
    j++;
  }
}

function encodedTime(date: Date): number {
  const time = date.getTime();
  return Number.isNaN(time) ? 0 : time;
}

/** Checks `_id` and returns the document with `_id` first, generating an ObjectId like the server does. */
export function withLeadingId(doc: Doc): Doc {
  if (doc._id === undefined) return { _id: new ObjectId(), ...doc };
  if (Array.isArray(doc._id)) throw new CommandError("BadValue", "can't use an array for _id");
  if (doc._id instanceof RegExp) throw new CommandError("BadValue", "can't use a regex for _id");
  const dollar = isPlainObject(doc._id) ? dollarPrefixedField(doc._id) : undefined;
  if (dollar !== undefined) {
    throw new CommandError(
      "DollarPrefixedFieldName",
      `_id fields may not contain '$'-prefixed fields: ${dollar} is not valid for storage.`,
    );
  }
  if (Object.keys(doc)[0] === "_id") return doc;
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}

/** The first `$`-prefixed field name inside an embedded document (at any depth), if any. */
function dollarPrefixedField(doc: Doc): string | undefined {
  for (const [key, value] of Object.entries(doc)) {
    if (key.startsWith("$")) return key;
    const nested = isPlainObject(value) ? dollarPrefixedField(value) : undefined;
    if (nested !== undefined) return nested;
  }
  return undefined;
}

/** MongoDB's shell-like rendering of a key, used in E11000 messages. */
export function formatKeyValue(keyValue: Doc): string {
  const parts = Object.entries(keyValue).map(([field, value]) => `${field}: ${formatValue(value)}`);
  return parts.length === 0 ? "{}" : `{ ${parts.join(", ")} }`;
}

function formatValue(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  if (isObjectId(value)) return `ObjectId('${value.toHexString()}')`;
  return EJSON.stringify(value, { relaxed: true });
}
