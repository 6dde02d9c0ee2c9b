import { BTree, type Bound } from "./btree";
import { type Collation, parseCollation } from "./collation";
import { compareValues, EMPTY_ARRAY_KEY } from "./compare";
import { type Doc, isPlainObject, valueKey, valuesAtParts } from "./documents";
import { CommandError } from "./errors";
import { compileMatcher, type Matcher } from "./match";

/** An index as `listIndexes` reports it; options other than the ones below are kept but not enforced. */
export interface IndexSpec extends Doc {
  v: number;
  key: Record<string, unknown>;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  hidden?: boolean;
  partialFilterExpression?: Doc;
  expireAfterSeconds?: number;
  collation?: Doc;
}

export const ID_INDEX_NAME = "_id_";
export const ID_INDEX_SPEC: IndexSpec = { v: 2, key: { _id: 1 }, name: ID_INDEX_NAME };

/** Options whose difference makes two specs with the same name conflict (MongoDB error 86). */
const SIGNIFICANT_OPTIONS = [
  "unique",
  "sparse",
  "partialFilterExpression",
  "expireAfterSeconds",
  "collation",
] as const;

/** Every index option MongoDB accepts; anything else is error 197, as in MongoDB. */
const KNOWN_OPTIONS = new Set([
  "key",
  "name",
  "v",
  "unique",
  "sparse",
  "hidden",
  "partialFilterExpression",
  "expireAfterSeconds",
  "collation",
  "background",
  "ns",
  "storageEngine",
  "weights",
  "default_language",
  "language_override",
  "textIndexVersion",
  "2dsphereIndexVersion",
  "bits",
  "min",
  "max",
  "bucketSize",
  "wildcardProjection",
  "prepareUnique",
  "clustered",
  "coarsestIndexedLevel",
  "finestIndexedLevel",
]);

/**
 * Validates a `createIndexes` entry and normalises it to what `listIndexes` returns. Key types
 * other than ascending/descending (text, 2dsphere, hashed, wildcard) are refused: a silently
 * ordinary index would answer their queries wrongly.
 */
export function parseIndexSpec(raw: unknown, defaultCollation: Collation | undefined): IndexSpec {
  if (!isPlainObject(raw) || !isPlainObject(raw.key) || Object.keys(raw.key).length === 0) {
    throw new CommandError("FailedToParse", "index specification must have a non-empty 'key' document");
  }
  if (typeof raw.name !== "string" || raw.name.length === 0) {
    throw new CommandError("FailedToParse", "index specification must have a 'name' string");
  }
  for (const option of Object.keys(raw)) {
    if (!KNOWN_OPTIONS.has(option)) {
      throw new CommandError(
        "InvalidIndexSpecificationOption",
        `The field '${option}' is not valid for an index specification. Specification: ${JSON.stringify(raw)}`,
      );
    }
  }
  for (const [field, direction] of Object.entries(raw.key)) {
    if (typeof direction === "string") {
      throw new CommandError(
        "CommandNotSupported",
        `${direction} indexes are not supported by the embedded store`,
      );
    }
    if (typeof direction !== "number" || direction === 0 || Number.isNaN(direction)) {
      throw new CommandError(
        "CannotCreateIndex",
        `Values in the index key pattern can't be 0 (field ${field})`,
      );
    }
    if (field.includes("$**")) {
      throw new CommandError(
        "CommandNotSupported",
        "wildcard indexes are not supported by the embedded store",
      );
    }
  }
  // `v`, `background` and `ns` are build details; `unique: false`/`sparse: false` mean the same as absent.
  const { v: _version, background: _background, ns: _ns, ...options } = raw;
  if (options.unique === false) delete options.unique;
  if (options.sparse === false) delete options.sparse;
  if (options.hidden === false) delete options.hidden;
  const spec: IndexSpec = { ...options, v: 2, key: raw.key, name: raw.name };
  if (spec.partialFilterExpression !== undefined && !isPlainObject(spec.partialFilterExpression)) {
    throw new CommandError("TypeMismatch", "partialFilterExpression must be an object");
  }
  if (spec.expireAfterSeconds !== undefined && typeof spec.expireAfterSeconds !== "number") {
    throw new CommandError("TypeMismatch", "expireAfterSeconds must be a number");
  }
  // An index without its own collation takes the collection's default, as in MongoDB.
  const collation = spec.collation === undefined ? defaultCollation : parseCollation(spec.collation);
  if (collation) spec.collation = collation.spec;
  else delete spec.collation;
  return spec;
}

export function sameIndexOptions(a: IndexSpec, b: IndexSpec): boolean {
  return SIGNIFICANT_OPTIONS.every((option) => valueKey(a[option]) === valueKey(b[option]));
}

export function sameKeyPattern(a: IndexSpec, b: IndexSpec): boolean {
  return valueKey(a.key) === valueKey(b.key);
}

/**
 * An index key: one value per indexed field, then the record id of the document. Keys are ordered
 * by MongoDB's value order (with the index's collation for strings) field by field, honouring each
 * field's direction, and then by record id, so equal values keep insertion order.
 */
export type IndexKey = unknown[];

/** One key a document occupies, with its values (for E11000's `keyValue`). */
interface IndexEntry {
  key: IndexKey;
  values: unknown[];
}

/**
 * A secondary index (or `_id`'s): an ordered tree of keys → record ids. Unique indexes are enforced
 * by looking up the key's values; equality, `$in` and range conditions on a prefix of its fields
 * read only the matching part of the tree, and a sort on its fields walks it in order.
 */
/** What every version of one index shares: the spec, compiled once. */
interface IndexDefinition {
  spec: IndexSpec;
  fields: string[];
  /** Each field's path, split once. */
  paths: string[][];
  directions: Array<1 | -1>;
  collation: Collation | undefined;
  partialFilter: Matcher | undefined;
  /**
   * The top-level fields its keys (and its partial filter) read, or undefined when that cannot be
   * told: a new version of a document that shares these values with the old one has the same keys.
   */
  readsFields: string[] | undefined;
  compare: (a: IndexKey, b: IndexKey) => number;
}

function isDefinition(value: IndexSpec | IndexDefinition): value is IndexDefinition {
  return typeof (value as IndexDefinition).compare === "function";
}

function defineIndex(spec: IndexSpec): IndexDefinition {
  const directions = Object.values(spec.key).map((direction) => ((direction as number) < 0 ? -1 : 1));
  const collation = spec.collation ? parseCollation(spec.collation) : undefined;
  const fields = Object.keys(spec.key);
  const width = fields.length;
  return {
    spec,
    fields,
    paths: fields.map((field) => field.split(".")),
    directions,
    collation,
    partialFilter: spec.partialFilterExpression
      ? compileMatcher(spec.partialFilterExpression, {})
      : undefined,
    readsFields: fieldsRead(fields, spec.partialFilterExpression),
    compare: (a, b) => {
      for (let i = 0; i < width; i++) {
        const x = a[i];
        const y = b[i];
        // Equal strings (a shared leading field such as `status`) are the usual case.
        if (x === y && typeof x === "string") continue;
        const c = compareValues(x, y, collation);
        if (c !== 0) return directions[i] === 1 ? c : -c;
      }
      const ridA = a[width] as number;
      const ridB = b[width] as number;
      return ridA < ridB ? -1 : ridA > ridB ? 1 : 0;
    },
  };
}

/**
 * A secondary index (or `_id`'s): an ordered tree of keys → record ids. Unique indexes are enforced
 * by looking up the key's values; equality, `$in` and range conditions on a prefix of its fields
 * read only the matching part of the tree, and a sort on its fields walks it in order.
 */
export class Index {
  private readonly definition: IndexDefinition;
  private readonly tree: BTree<IndexKey, number>;

  constructor(
    spec: IndexSpec | IndexDefinition,
    tree?: BTree<IndexKey, number>,
    /** Whether some document put more than one key (an array) into it; sticky, as in MongoDB. */
    private isMultikey = false,
  ) {
    this.definition = isDefinition(spec) ? spec : defineIndex(spec);
    this.tree = tree ?? new BTree(this.definition.compare);
  }

  get spec(): IndexSpec {
    return this.definition.spec;
  }

  get fields(): string[] {
    return this.definition.fields;
  }

  get directions(): Array<1 | -1> {
    return this.definition.directions;
  }

  get collation(): Collation | undefined {
    return this.definition.collation;
  }

  private get partialFilter(): Matcher | undefined {
    return this.definition.partialFilter;
  }

  get name(): string {
    return this.spec.name;
  }

  get size(): number {
    return this.tree.size;
  }

  get multikey(): boolean {
    return this.isMultikey;
  }

  /** `_id`'s index is unique without saying so in its spec, as in MongoDB's listIndexes. */
  get unique(): boolean {
    return this.spec.unique === true || this.spec.name === ID_INDEX_NAME;
  }

  get ttlSeconds(): number | undefined {
    return this.fields.length === 1 ? this.spec.expireAfterSeconds : undefined;
  }

  /** Whether the planner may choose it without a hint: sparse and partial ones leave documents out. */
  get complete(): boolean {
    return !this.spec.sparse && !this.spec.partialFilterExpression && !this.spec.hidden;
  }

  /** A frozen copy for a transaction or a cursor; writes to either leave the other unchanged. */
  snapshot(): Index {
    return new Index(this.definition, this.tree.snapshot(), this.isMultikey);
  }

  /** The same keys under a changed spec (collMod: TTL or visibility; never the key pattern). */
  withSpec(spec: IndexSpec): Index {
    return new Index({ ...this.definition, spec }, this.tree, this.isMultikey);
  }

  /** Whether `doc` falls under this index at all (sparse and partial indexes skip some documents). */
  covers(doc: Doc): boolean {
    if (this.partialFilter && !this.partialFilter.test(doc)) return false;
    if (this.spec.sparse && this.definition.paths.every((path) => valuesAtParts(doc, path).length === 0))
      return false;
    return true;
  }

  /** The duplicate a unique index would get from `doc`, or undefined. `rid` is the document's own record id. */
  findConflict(doc: Doc, rid: number): Doc | undefined {
    if (!this.unique) return undefined;
    const width = this.fields.length;
    for (const entry of this.entriesFor(doc, rid)) {
      // Keys end with their record id: the first key with these values tells whose it is.
      let found = this.tree.firstKeyFrom([...entry.values, -Infinity]);
      if (found && found[width] === rid && this.compareValuesOnly(found, entry.key) === 0) {
        found = this.tree.firstKeyFrom(found, false);
      }
      if (found && this.compareValuesOnly(found, entry.key) === 0) return this.keyValue(entry);
    }
    return undefined;
  }

  add(doc: Doc, rid: number): void {
    const entries = this.entriesFor(doc, rid);
    if (entries.length > 1) this.isMultikey = true;
    for (const entry of entries) this.tree.set(entry.key, rid);
  }

  remove(doc: Doc, rid: number): void {
    for (const entry of this.entriesFor(doc, rid)) this.tree.delete(entry.key);
  }

  /**
   * Whether `after` (a new version of `before`) certainly has the same keys here: every field the
   * index reads is the same value (by reference: stored documents are never mutated, and an update
   * shares what it did not touch) or absent from both.
   */
  sameKeysFor(before: Doc, after: Doc): boolean {
    const fields = this.definition.readsFields;
    if (!fields) return false;
    for (const field of fields) {
      if (before[field] !== after[field]) return false;
      if (before[field] === undefined && Object.hasOwn(before, field) !== Object.hasOwn(after, field))
        return false;
    }
    return true;
  }

  /** Moves a document's keys from its old to its new version; nothing to do when they are the same. */
  update(before: Doc, after: Doc, rid: number): void {
    if (this.sameKeysFor(before, after)) return;
    const old = this.entriesFor(before, rid);
    const next = this.entriesFor(after, rid);
    if (old.length === next.length && old.every((entry, i) => this.sameKey(entry.key, next[i]!.key))) return;
    for (const entry of old) this.tree.delete(entry.key);
    if (next.length > 1) this.isMultikey = true;
    for (const entry of next) this.tree.set(entry.key, rid);
  }

  /** Walks keys from `from` in tree order (direction 1) or backwards. */
  scan(from: Bound<IndexKey> | undefined, direction: 1 | -1) {
    return this.tree.cursor(from, direction);
  }

  countBetween(low: Bound<IndexKey>, high: Bound<IndexKey>): number {
    return this.tree.countBetween(low, high);
  }

  /** Orders two keys the way the tree does (values, then record id). */
  compareKeys(a: IndexKey, b: IndexKey): number {
    return this.tree.compare(a, b);
  }

  private compareValuesOnly(a: IndexKey, b: IndexKey): number {
    for (let i = 0; i < this.fields.length; i++) {
      const c = compareValues(a[i], b[i], this.collation);
      if (c !== 0) return c;
    }
    return 0;
  }

  private sameKey(a: IndexKey, b: IndexKey): boolean {
    // Exact values, not collation-equal ones: "A" → "a" must move the key under a case-insensitive index.
    return a.length === b.length && a.every((value, i) => valueKey(value) === valueKey(b[i]));
  }

  private keyValue(entry: IndexEntry): Doc {
    return Object.fromEntries(this.fields.map((field, i) => [field, entry.values[i] ?? null]));
  }

  /**
   * The keys of a document: missing fields index as null (so two documents without the field
   * collide in a non-sparse unique index, as in MongoDB), array fields index each element and an
   * empty array indexes as `undefined`. Arrays in two fields of one compound key are refused.
   */
  entriesFor(doc: Doc, rid: number): IndexEntry[] {
    if (!this.covers(doc)) return [];
    const paths = this.definition.paths;
    if (paths.length === 1) {
      const values = keyValuesOf(doc, paths[0] as string[]);
      if (values.length === 1) return [{ key: [values[0], rid], values }];
      return values.map((value) => ({ key: [value, rid], values: [value] }));
    }
    const perField = paths.map((path) => keyValuesOf(doc, path));
    if (perField.every((values) => values.length === 1)) {
      const values = perField.map((found) => found[0]);
      return [{ key: [...values, rid], values }];
    }
    if (perField.filter((values) => values.length > 1).length > 1) {
      throw new CommandError(
        "CannotIndexParallelArrays",
        `cannot index parallel arrays in index ${this.name}`,
      );
    }
    let combinations: unknown[][] = [[]];
    for (const values of perField) {
      combinations = combinations.flatMap((prefix) => values.map((value) => [...prefix, value]));
    }
    return combinations.map((values) => ({ key: [...values, rid], values }));
  }
}

/**
 * The top-level fields an index reads: the first part of each key path and every field its partial
 * filter names (through `$and`, `$or` and `$nor`); undefined if the filter has anything else at the
 * top (such as `$expr`), which could read any field.
 */
function fieldsRead(keyFields: string[], partialFilter: Doc | undefined): string[] | undefined {
  const fields = new Set(keyFields.map((field) => field.split(".")[0] as string));
  const visit = (filter: Doc): boolean => {
    for (const [key, condition] of Object.entries(filter)) {
      if (key === "$and" || key === "$or" || key === "$nor") {
        if (!Array.isArray(condition)) return false;
        for (const clause of condition) if (!isPlainObject(clause) || !visit(clause)) return false;
      } else if (key.startsWith("$")) {
        return false;
      } else {
        fields.add(key.split(".")[0] as string);
      }
    }
    return true;
  };
  if (partialFilter && !visit(partialFilter)) return undefined;
  return [...fields];
}

/** Distinct values a document indexes under one field (array elements, deduplicated). */
function keyValuesOf(doc: Doc, path: readonly string[]): unknown[] {
  const found = valuesAtParts(doc, path);
  if (found.length === 0) return [null];
  if (found.length === 1 && !Array.isArray(found[0])) return found;
  const values: unknown[] = [];
  const seen = new Set<string>();
  for (const value of found) {
    for (const item of Array.isArray(value) ? (value.length > 0 ? value : [EMPTY_ARRAY_KEY]) : [value]) {
      const key = valueKey(item);
      if (!seen.has(key)) {
        seen.add(key);
        values.push(item);
      }
    }
  }
  return values;
}
