import { type Doc, isPlainObject, valueKey, valuesAtPath } from "./documents";
import { CommandError } from "./errors";
import { compileFilter, type Matcher } from "./query";

/** An index as `listIndexes` reports it; options other than the ones below are kept but not enforced. */
export interface IndexSpec extends Doc {
  v: number;
  key: Record<string, unknown>;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Doc;
  expireAfterSeconds?: number;
}

export const ID_INDEX_NAME = "_id_";
export const ID_INDEX_SPEC: IndexSpec = { v: 2, key: { _id: 1 }, name: ID_INDEX_NAME };

/** Options whose difference makes two specs with the same name conflict (MongoDB error 86). */
const SIGNIFICANT_OPTIONS = ["unique", "sparse", "partialFilterExpression", "expireAfterSeconds"] as const;

/** Validates a `createIndexes` entry and normalises it to what `listIndexes` returns. */
export function parseIndexSpec(raw: unknown): IndexSpec {
  if (!isPlainObject(raw) || !isPlainObject(raw.key) || Object.keys(raw.key).length === 0) {
    throw new CommandError("FailedToParse", "index specification must have a non-empty 'key' document");
  }
  if (typeof raw.name !== "string" || raw.name.length === 0) {
    throw new CommandError("FailedToParse", "index specification must have a 'name' string");
  }
  // `v` and `background` are build details; `unique: false`/`sparse: false` mean the same as absent.
  const { v: _version, background: _background, ...options } = raw;
  if (options.unique === false) delete options.unique;
  if (options.sparse === false) delete options.sparse;
  const spec: IndexSpec = { ...options, v: 2, key: raw.key, name: raw.name };
  if (spec.partialFilterExpression !== undefined && !isPlainObject(spec.partialFilterExpression)) {
    throw new CommandError("TypeMismatch", "partialFilterExpression must be an object");
  }
  if (spec.expireAfterSeconds !== undefined && typeof spec.expireAfterSeconds !== "number") {
    throw new CommandError("TypeMismatch", "expireAfterSeconds must be a number");
  }
  return spec;
}

export function sameIndexOptions(a: IndexSpec, b: IndexSpec): boolean {
  return SIGNIFICANT_OPTIONS.every((option) => valueKey(a[option]) === valueKey(b[option]));
}

export function sameKeyPattern(a: IndexSpec, b: IndexSpec): boolean {
  return valueKey(a.key) === valueKey(b.key);
}

/** One index key a document occupies: the canonical string and the values, for error messages. */
interface IndexEntry {
  key: string;
  values: unknown[];
}

/**
 * A secondary index. Unique indexes keep a map from key to the owning document, which is how they
 * are enforced. Every index that covers all documents (not partial) also maps each value of its
 * leading field to the documents holding it, so an equality query on that field reads a few
 * documents instead of scanning the collection. Ranges and sorts still scan, and TTL indexes are
 * swept by scanning.
 */
export class Index {
  readonly fields: string[];
  private readonly partialFilter: Matcher | undefined;
  /** Unique indexes only: index key → key of the document holding it. */
  private readonly owners: Map<string, string> | undefined;
  /** Value of the leading field (an array contributes each element) → keys of the documents holding it. */
  private readonly byLeadingValue: Map<string, Set<string>> | undefined;

  constructor(
    readonly spec: IndexSpec,
    state?: { owners?: Map<string, string>; byLeadingValue?: Map<string, Set<string>> },
  ) {
    this.fields = Object.keys(spec.key);
    this.partialFilter = spec.partialFilterExpression
      ? compileFilter(spec.partialFilterExpression)
      : undefined;
    this.owners = spec.unique ? new Map(state?.owners) : undefined;
    this.byLeadingValue = this.canLookUp()
      ? new Map([...(state?.byLeadingValue ?? [])].map(([value, keys]) => [value, new Set(keys)]))
      : undefined;
  }

  get name(): string {
    return this.spec.name;
  }

  /** The field an equality lookup can use; `_id` is left to the collection's own map. */
  get leadingField(): string | undefined {
    return this.byLeadingValue ? this.fields[0] : undefined;
  }

  get ttlSeconds(): number | undefined {
    return this.fields.length === 1 ? this.spec.expireAfterSeconds : undefined;
  }

  clone(): Index {
    return new Index(this.spec, { owners: this.owners, byLeadingValue: this.byLeadingValue });
  }

  /** Whether `doc` falls under this index at all (sparse and partial indexes skip some documents). */
  covers(doc: Doc): boolean {
    if (this.partialFilter && !this.partialFilter.test(doc)) return false;
    if (this.spec.sparse && this.fields.every((field) => valuesAtPath(doc, field).length === 0)) return false;
    return true;
  }

  /** The duplicate a unique index would get from `doc`, or undefined. `ownKey` excludes the document's own entries. */
  findConflict(doc: Doc, ownKey: string): Doc | undefined {
    if (!this.owners) return undefined;
    for (const entry of this.entriesFor(doc)) {
      const owner = this.owners.get(entry.key);
      if (owner !== undefined && owner !== ownKey) return this.keyValue(entry);
    }
    return undefined;
  }

  /**
   * Keys of the documents whose leading field may equal `value` (a superset: the query still
   * tests each one), or undefined when this index cannot answer.
   */
  documentsWith(value: unknown): ReadonlySet<string> | undefined {
    return this.byLeadingValue?.get(valueKey(value)) ?? (this.byLeadingValue ? noDocuments : undefined);
  }

  add(doc: Doc, docKey: string): void {
    if (this.owners) for (const entry of this.entriesFor(doc)) this.owners.set(entry.key, docKey);
    if (this.byLeadingValue) {
      for (const value of this.leadingValues(doc)) {
        const keys = this.byLeadingValue.get(value);
        if (keys) keys.add(docKey);
        else this.byLeadingValue.set(value, new Set([docKey]));
      }
    }
  }

  remove(doc: Doc, docKey: string): void {
    if (this.owners) {
      for (const entry of this.entriesFor(doc)) {
        if (this.owners.get(entry.key) === docKey) this.owners.delete(entry.key);
      }
    }
    if (this.byLeadingValue) {
      for (const value of this.leadingValues(doc)) {
        const keys = this.byLeadingValue.get(value);
        keys?.delete(docKey);
        if (keys?.size === 0) this.byLeadingValue.delete(value);
      }
    }
  }

  /**
   * Partial indexes leave documents out and numeric path parts (`a.0`) address array positions
   * that the lookup would not follow, so neither answers lookups. `_id` has the collection's map.
   */
  private canLookUp(): boolean {
    const field = this.fields[0];
    return (
      field !== undefined &&
      field !== "_id" &&
      !this.spec.partialFilterExpression &&
      !field.split(".").some((part) => /^\d+$/.test(part) || part.startsWith("$"))
    );
  }

  /** Index keys of every value the leading field holds, arrays (also nested ones) flattened. */
  private leadingValues(doc: Doc): Set<string> {
    const keys = new Set<string>();
    const visit = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(visit);
      else keys.add(valueKey(value));
    };
    valuesAtPath(doc, this.fields[0] as string).forEach(visit);
    return keys;
  }

  private keyValue(entry: IndexEntry): Doc {
    return Object.fromEntries(this.fields.map((field, i) => [field, entry.values[i] ?? null]));
  }

  /**
   * The keys of a document: missing fields index as null (so two documents without the field
   * collide in a non-sparse unique index, as in MongoDB) and array fields index each element.
   */
  private entriesFor(doc: Doc): IndexEntry[] {
    if (!this.covers(doc)) return [];
    const perField = this.fields.map((field) => keyValuesOf(doc, field));
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
    return combinations.map((values) => ({ key: values.map(valueKey).join("\u0000"), values }));
  }
}

function keyValuesOf(doc: Doc, field: string): unknown[] {
  const values = valuesAtPath(doc, field).flatMap((value) =>
    Array.isArray(value) ? (value.length > 0 ? value : [null]) : [value],
  );
  return values.length > 0 ? values : [null];
}

const noDocuments: ReadonlySet<string> = new Set();
