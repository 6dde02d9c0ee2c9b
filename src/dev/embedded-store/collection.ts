import { UUID } from "bson";
import { BTree, compareNumbers } from "./btree";
import { type Collation, parseCollation } from "./collation";
import { type Doc, formatKeyValue, valueKey } from "./documents";
import { CommandError } from "./errors";
import {
  ID_INDEX_NAME,
  ID_INDEX_SPEC,
  Index,
  type IndexSpec,
  sameIndexOptions,
  sameKeyPattern,
} from "./indexes";

/**
 * Told about every change to a collection before and after it happens. The catalogue uses it to
 * keep writers off documents an open transaction has written and to journal committed changes;
 * a transaction's private copy uses it to claim each document it writes.
 */
export interface WriteObserver {
  /** `before` is undefined for an insert. Throwing stops the write before anything changed. */
  beforeWrite(collection: Collection, id: unknown, before: Doc | undefined): void;
  /** `after` is undefined for a delete. */
  afterWrite?(collection: Collection, id: unknown, after: Doc | undefined): void;
  /** Before an index is added, dropped or modified. */
  indexesChanged(collection: Collection): void;
  /** After an index change, described so that repeating it on the same collection repeats the change. */
  afterIndexChange?(collection: Collection, change: IndexChange): void;
}

/** An index change as the journal records it. */
export type IndexChange =
  | { op: "createIndex"; spec: IndexSpec }
  | { op: "dropIndex"; name: string }
  | { op: "modifyIndex"; name: string; changes: IndexModification };

/** What collMod may change on an existing index. */
export type IndexModification = Pick<IndexSpec, "expireAfterSeconds" | "hidden">;

/** What a view stores instead of documents: it is read through its pipeline over `viewOn`. */
export interface ViewDefinition {
  viewOn: string;
  pipeline: Doc[];
}

/** Parsed once per collection and shared by all its copies (forks are made for every transaction). */
interface CollectionMeta {
  uuid: UUID;
  collation: Collation | undefined;
  view: ViewDefinition | undefined;
}

export interface CollectionState {
  meta: CollectionMeta;
  records: BTree<number, Doc>;
  indexes: Index[];
  nextRecordId: number;
}

/**
 * One collection: documents under record ids in insertion (natural) order, and its indexes (the
 * first is `_id`'s). All writes go through `insert`, `replace` and `remove`, which check every
 * unique index before touching anything, so a failed write leaves the collection as it was.
 */
export class Collection {
  readonly uuid: UUID;
  /** The collection's default collation (`create` with `collation`), used when an operation names none. */
  readonly collation: Collation | undefined;
  readonly view: ViewDefinition | undefined;
  private readonly meta: CollectionMeta;
  private readonly records: BTree<number, Doc>;
  private readonly indexes: Index[];
  private nextRecordId: number;

  constructor(
    readonly db: string,
    readonly name: string,
    readonly options: Doc,
    private readonly observe: WriteObserver,
    state?: CollectionState,
    /** Kept when a collection is re-created from the journal or a snapshot, as MongoDB keeps it. */
    uuid?: UUID,
  ) {
    this.meta = state?.meta ?? {
      uuid: uuid ?? new UUID(),
      collation: options.collation ? parseCollation(options.collation) : undefined,
      view:
        typeof options.viewOn === "string"
          ? { viewOn: options.viewOn, pipeline: (options.pipeline as Doc[] | undefined) ?? [] }
          : undefined,
    };
    this.uuid = this.meta.uuid;
    this.collation = this.meta.collation;
    this.view = this.meta.view;
    this.records = state?.records ?? new BTree<number, Doc>(compareNumbers);
    this.indexes = state?.indexes ?? (this.view ? [] : [new Index(this.idIndexSpec())]);
    this.nextRecordId = state?.nextRecordId ?? 1;
  }

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  get count(): number {
    return this.records.size;
  }

  /** A frozen copy sharing every document and tree node; `observe` hears about its writes. */
  fork(observe: WriteObserver): Collection {
    return new Collection(this.db, this.name, this.options, observe, {
      meta: this.meta,
      records: this.records.snapshot(),
      indexes: this.indexes.map((index) => index.snapshot()),
      nextRecordId: this.nextRecordId,
    });
  }

  /**
   * The same collection (uuid, documents, indexes) under another name, for renameCollection. It
   * starts from frozen copies, so a writer still holding this object cannot change the new one.
   */
  renamed(db: string, name: string): Collection {
    return new Collection(db, name, this.options, this.observe, {
      meta: this.meta,
      records: this.records.snapshot(),
      indexes: this.indexes.map((index) => index.snapshot()),
      nextRecordId: this.nextRecordId,
    });
  }

  /** A read-only frozen copy, for cursors that outlive a command or yield in between. */
  snapshot(): Collection {
    return this.fork(READ_ONLY);
  }

  get idIndex(): Index {
    return this.indexes[0] as Index;
  }

  /** The document with this `_id` (compared under the collection's collation), and its record id. */
  findById(id: unknown): { rid: number; doc: Doc } | undefined {
    const found = this.idIndex.scan({ key: [id, -Infinity], inclusive: true }, 1).next();
    if (!found) return undefined;
    const [key, rid] = found;
    if (this.idIndex.compareKeys([key[0], 0], [id, 0]) !== 0) return undefined;
    const doc = this.records.get(rid);
    return doc ? { rid, doc } : undefined;
  }

  /** Whether `other` holds exactly these documents under these record ids (a snapshot nobody wrote since). */
  sameRecordsAs(other: Collection): boolean {
    return this.records.sameVersionAs(other.records);
  }

  byRecordId(rid: number): Doc | undefined {
    return this.records.get(rid);
  }

  /** Record ids and documents in natural order (or reverse), from a record id on. */
  scanRecords(direction: 1 | -1, from?: number) {
    return this.records.cursor(from === undefined ? undefined : { key: from, inclusive: true }, direction);
  }

  all(): Doc[] {
    const docs: Doc[] = [];
    for (const [, doc] of this.records.entries()) docs.push(doc);
    return docs;
  }

  entries(): IterableIterator<[number, Doc]> {
    return this.records.entries();
  }

  /** Stores a new document (`_id` set). Throws a duplicate-key error instead of storing. Returns its record id. */
  insert(doc: Doc): number {
    this.assertWritable();
    const rid = this.nextRecordId;
    this.assertUnique(doc, rid);
    this.observe.beforeWrite(this, doc._id, undefined);
    this.nextRecordId++;
    for (const index of this.indexes) index.add(doc, rid);
    this.records.set(rid, doc);
    this.observe.afterWrite?.(this, doc._id, doc);
    return rid;
  }

  /** Puts a removed document back under its old record id (undo of a failed commit), unchecked. */
  restore(rid: number, doc: Doc): void {
    this.observe.beforeWrite(this, doc._id, undefined);
    for (const index of this.indexes) index.add(doc, rid);
    this.records.set(rid, doc);
    this.observe.afterWrite?.(this, doc._id, doc);
  }

  /** Swaps in a new version of an existing document (same `_id`), keeping its natural position. */
  replace(rid: number, doc: Doc): void {
    this.assertWritable();
    const before = this.records.get(rid);
    if (!before) throw new Error(`replace of a missing document in ${this.ns}`);
    this.assertUnique(doc, rid, before);
    this.observe.beforeWrite(this, before._id, before);
    for (const index of this.indexes) index.update(before, doc, rid);
    this.records.set(rid, doc);
    this.observe.afterWrite?.(this, doc._id, doc);
  }

  remove(rid: number): boolean {
    this.assertWritable();
    const before = this.records.get(rid);
    if (!before) return false;
    this.observe.beforeWrite(this, before._id, before);
    for (const index of this.indexes) index.remove(before, rid);
    this.records.delete(rid);
    this.observe.afterWrite?.(this, before._id, undefined);
    return true;
  }

  indexSpecs(): IndexSpec[] {
    return this.indexes.map((index) => index.spec);
  }

  indexList(): readonly Index[] {
    return this.indexes;
  }

  ttlIndexes(): Index[] {
    return this.indexes.filter((index) => index.ttlSeconds !== undefined);
  }

  findIndexByName(name: string): Index | undefined {
    return this.indexes.find((index) => index.name === name);
  }

  findIndexByKey(key: Doc): Index | undefined {
    return this.indexes.find((index) => valueKey(index.spec.key) === valueKey(key));
  }

  /**
   * Adds an index, or does nothing if an identical one exists. Conflicting definitions fail with
   * MongoDB's codes; a unique index over existing duplicates fails with E11000 and is not added.
   */
  createIndex(spec: IndexSpec): "created" | "exists" {
    this.assertWritable();
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
        valueKey(existing.spec.partialFilterExpression) === valueKey(spec.partialFilterExpression) &&
        valueKey(existing.spec.collation) === valueKey(spec.collation)
      ) {
        throw new CommandError(
          "IndexOptionsConflict",
          `Index already exists with a different name: ${existing.name}`,
        );
      }
    }
    const index = new Index(spec);
    for (const [rid, doc] of this.records.entries()) {
      const conflict = index.findConflict(doc, rid);
      if (conflict) throw this.duplicateKey(spec, conflict);
      index.add(doc, rid);
    }
    this.observe.indexesChanged(this);
    this.indexes.push(index);
    this.observe.afterIndexChange?.(this, { op: "createIndex", spec });
    return "created";
  }

  dropIndex(name: string): void {
    if (name === ID_INDEX_NAME) throw new CommandError("InvalidOptions", "cannot drop _id index");
    const position = this.indexes.findIndex((index) => index.name === name);
    if (position < 0) throw new CommandError("IndexNotFound", `index not found with name [${name}]`);
    this.observe.indexesChanged(this);
    this.indexes.splice(position, 1);
    this.observe.afterIndexChange?.(this, { op: "dropIndex", name });
  }

  /** collMod: changes an index's TTL or visibility in place (its keys stay the same). */
  modifyIndex(name: string, changes: IndexModification): IndexSpec {
    const position = this.indexes.findIndex((index) => index.name === name);
    if (position < 0) throw new CommandError("IndexNotFound", `cannot find index ${name} for ns ${this.ns}`);
    const index = this.indexes[position] as Index;
    const spec: IndexSpec = { ...index.spec };
    if (changes.expireAfterSeconds !== undefined) spec.expireAfterSeconds = changes.expireAfterSeconds;
    if (changes.hidden === true) spec.hidden = true;
    if (changes.hidden === false) delete spec.hidden;
    this.observe.indexesChanged(this);
    this.indexes[position] = index.withSpec(spec);
    this.observe.afterIndexChange?.(this, { op: "modifyIndex", name, changes });
    return spec;
  }

  private idIndexSpec(): IndexSpec {
    return this.collation ? { ...ID_INDEX_SPEC, collation: this.collation.spec } : ID_INDEX_SPEC;
  }

  private assertWritable(): void {
    if (this.view) {
      throw new CommandError("CommandNotSupportedOnView", `Namespace ${this.ns} is a view, not a collection`);
    }
  }

  /** With `before` (a replace), indexes whose keys stay the same are not looked up: the keys are already there. */
  private assertUnique(doc: Doc, rid: number, before?: Doc): void {
    for (const index of this.indexes) {
      if (before && index.sameKeysFor(before, doc)) continue;
      const conflict = index.findConflict(doc, rid);
      if (conflict) throw this.duplicateKey(index.spec, conflict);
    }
  }

  private duplicateKey(spec: IndexSpec, keyValue: Doc): CommandError {
    const collation = spec.collation ? ` collation: ${JSON.stringify(spec.collation)}` : "";
    return new CommandError(
      "DuplicateKey",
      `E11000 duplicate key error collection: ${this.ns} index: ${spec.name}${collation} dup key: ${formatKeyValue(keyValue)}`,
      { keyPattern: spec.key, keyValue },
    );
  }
}

const READ_ONLY: WriteObserver = {
  beforeWrite: () => {
    throw new Error("write to a read-only snapshot");
  },
  indexesChanged: () => {
    throw new Error("index change on a read-only snapshot");
  },
};
