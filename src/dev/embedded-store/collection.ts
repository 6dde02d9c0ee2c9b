import { UUID } from "bson";
import { type Doc, formatKeyValue, isObjectId, isPlainObject, valueKey } from "./documents";
import { CommandError } from "./errors";
import {
  ID_INDEX_NAME,
  ID_INDEX_SPEC,
  Index,
  type IndexSpec,
  sameIndexOptions,
  sameKeyPattern,
} from "./indexes";
import { compileFilter } from "./query";

/**
 * Told about every change before it happens. The catalogue uses it to know a snapshot is due; a
 * transaction uses `beforeWrite` to remember each document's pre-image for its commit check.
 */
export interface WriteObserver {
  /** `before` is undefined for an insert. */
  beforeWrite(docKey: string, before: Doc | undefined): void;
  indexesChanged(): void;
}

export interface CollectionState {
  uuid: UUID;
  docs: Map<string, Doc>;
  indexes: Index[];
  /** Each document's place in natural order, so index lookups can return results in that order. */
  positions: Map<string, number>;
}

/**
 * One collection: documents in insertion (natural) order keyed by `_id`, and its indexes. All
 * writes go through `insert`, `replace` and `remove`, which enforce unique indexes before
 * touching anything, so a failed write leaves the collection as it was.
 */
export class Collection {
  private readonly docs: Map<string, Doc>;
  private readonly indexes: Index[];
  private readonly positions: Map<string, number>;
  private lastPosition = 0;
  readonly uuid: UUID;

  constructor(
    readonly db: string,
    readonly name: string,
    readonly options: Doc,
    private readonly observe: WriteObserver,
    state?: CollectionState,
  ) {
    this.uuid = state?.uuid ?? new UUID();
    this.docs = state?.docs ?? new Map();
    this.indexes = state?.indexes ?? [new Index(ID_INDEX_SPEC)];
    this.positions = state?.positions ?? new Map();
    for (const position of this.positions.values()) this.lastPosition = Math.max(this.lastPosition, position);
  }

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  get count(): number {
    return this.docs.size;
  }

  /** A copy sharing the (immutable) documents, for a transaction's private view. */
  fork(observe: WriteObserver): Collection {
    return new Collection(this.db, this.name, this.options, observe, {
      uuid: this.uuid,
      docs: new Map(this.docs),
      indexes: this.indexes.map((index) => index.clone()),
      positions: new Map(this.positions),
    });
  }

  get(docKey: string): Doc | undefined {
    return this.docs.get(docKey);
  }

  all(): Doc[] {
    return [...this.docs.values()];
  }

  entries(): IterableIterator<[string, Doc]> {
    return this.docs.entries();
  }

  /**
   * Documents matching a query filter, in natural order. An equality on `_id` or on the leading
   * field of an index narrows the candidates first; everything else scans the collection.
   */
  match(filter: Doc): Doc[] {
    const keys = Object.keys(filter);
    if (keys.length === 0) return this.all();
    const candidates = this.candidates(filter);
    if (keys.length === 1 && keys[0] === "_id" && candidates) return candidates;
    const query = compileFilter(filter);
    return (candidates ?? this.all()).filter((doc) => query.test(doc));
  }

  /** A superset of the documents `filter` matches, in natural order, or undefined when only a scan will do. */
  private candidates(filter: Doc): Doc[] | undefined {
    const id = equalityValue(filter._id);
    if (id !== undefined) {
      const doc = this.docs.get(valueKey(id));
      return doc ? [doc] : [];
    }
    let fewest: ReadonlySet<string> | undefined;
    for (const index of this.indexes) {
      const field = index.leadingField;
      const value = field === undefined ? undefined : equalityValue(filter[field]);
      const docKeys = value === undefined ? undefined : index.documentsWith(value);
      if (docKeys && (!fewest || docKeys.size < fewest.size)) fewest = docKeys;
    }
    // Sorting a large share of the collection back into natural order costs more than a scan.
    if (!fewest || fewest.size > this.docs.size / 2) return undefined;
    return [...fewest]
      .sort((a, b) => (this.positions.get(a) ?? 0) - (this.positions.get(b) ?? 0))
      .map((docKey) => this.docs.get(docKey) as Doc);
  }

  /** Stores a new document; `doc._id` must be set. Throws a duplicate-key error instead of storing. */
  insert(doc: Doc): void {
    const docKey = valueKey(doc._id);
    if (this.docs.has(docKey)) throw this.duplicateKey(ID_INDEX_SPEC, { _id: doc._id });
    this.assertUnique(doc, docKey);
    this.observe.beforeWrite(docKey, undefined);
    for (const index of this.indexes) index.add(doc, docKey);
    this.docs.set(docKey, doc);
    this.positions.set(docKey, ++this.lastPosition);
  }

  /** Swaps in a new version of an existing document (same `_id`), keeping its natural position. */
  replace(docKey: string, doc: Doc): void {
    const before = this.docs.get(docKey);
    if (!before) throw new Error(`replace of a missing document in ${this.ns}`);
    this.assertUnique(doc, docKey);
    this.observe.beforeWrite(docKey, before);
    for (const index of this.indexes) index.remove(before, docKey);
    for (const index of this.indexes) index.add(doc, docKey);
    this.docs.set(docKey, doc);
  }

  remove(docKey: string): boolean {
    const before = this.docs.get(docKey);
    if (!before) return false;
    this.observe.beforeWrite(docKey, before);
    for (const index of this.indexes) index.remove(before, docKey);
    this.docs.delete(docKey);
    this.positions.delete(docKey);
    return true;
  }

  indexSpecs(): IndexSpec[] {
    return this.indexes.map((index) => index.spec);
  }

  ttlIndexes(): Index[] {
    return this.indexes.filter((index) => index.ttlSeconds !== undefined);
  }

  /**
   * Adds an index, or does nothing if an identical one exists. Conflicting definitions fail with
   * MongoDB's codes; a unique index over existing duplicates fails with E11000 and is not added.
   */
  createIndex(spec: IndexSpec): "created" | "exists" {
    for (const existing of this.indexes) {
      const sameKey = sameKeyPattern(existing.spec, spec);
      if (existing.name === spec.name) {
        if (sameKey && sameIndexOptions(existing.spec, spec)) return "exists";
        throw new CommandError(
          "IndexKeySpecsConflict",
          `An existing index has the same name as the requested index but different options. Requested index: ${spec.name}`,
        );
      }
      if (
        sameKey &&
        valueKey(existing.spec.partialFilterExpression) === valueKey(spec.partialFilterExpression)
      ) {
        throw new CommandError(
          "IndexOptionsConflict",
          `Index already exists with a different name: ${existing.name}`,
        );
      }
    }
    const index = new Index(spec);
    for (const [docKey, doc] of this.docs) {
      const conflict = index.findConflict(doc, docKey);
      if (conflict) throw this.duplicateKey(spec, conflict);
      index.add(doc, docKey);
    }
    this.observe.indexesChanged();
    this.indexes.push(index);
    return "created";
  }

  dropIndex(name: string): void {
    if (name === ID_INDEX_NAME) throw new CommandError("InvalidOptions", "cannot drop _id index");
    const position = this.indexes.findIndex((index) => index.name === name);
    if (position < 0) throw new CommandError("IndexNotFound", `index not found with name [${name}]`);
    this.observe.indexesChanged();
    this.indexes.splice(position, 1);
  }

  findIndexByKey(key: Doc): Index | undefined {
    return this.indexes.find((index) => valueKey(index.spec.key) === valueKey(key));
  }

  private assertUnique(doc: Doc, docKey: string): void {
    for (const index of this.indexes) {
      const conflict = index.findConflict(doc, docKey);
      if (conflict) throw this.duplicateKey(index.spec, conflict);
    }
  }

  private duplicateKey(spec: IndexSpec, keyValue: Doc): CommandError {
    return new CommandError(
      "DuplicateKey",
      `E11000 duplicate key error collection: ${this.ns} index: ${spec.name} dup key: ${formatKeyValue(keyValue)}`,
      { keyPattern: spec.key, keyValue },
    );
  }
}

/**
 * The value an equality condition pins (`value` or `{ $eq: value }`), if it is one an index lookup
 * can answer exactly: a string, number, boolean, Date or ObjectId. null (which also matches missing
 * fields), arrays and embedded documents have subtler equality and are left to a scan.
 */
function equalityValue(condition: unknown): unknown {
  const value = isPlainObject(condition) && Object.keys(condition).length === 1 ? condition.$eq : condition;
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isNaN(value) ? undefined : value;
  if (value instanceof Date || isObjectId(value)) return value;
  return undefined;
}
