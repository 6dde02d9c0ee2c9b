import type { UUID } from "bson";
import { Collection, type IndexChange, type WriteObserver } from "./collection";
import { type Doc, valueKey } from "./documents";
import { CommandError } from "./errors";
import type { IndexSpec } from "./indexes";

/**
 * Where a command finds its collections. Outside a transaction that is the catalogue itself; inside
 * one it is the transaction's private copy, so handlers need not know which.
 */
export interface DataView {
  collection(db: string, name: string): Collection | undefined;
  /** Like `collection`, but creates it, as MongoDB does on the first write. */
  collectionForWrite(db: string, name: string): Collection;
  collections(db: string): Collection[];
}

/** Something that holds document locks: an open transaction. */
export interface LockOwner {
  /** Settles when the owner commits or aborts, releasing its locks. */
  readonly ended: Promise<void>;
}

/**
 * Thrown (internally, never to a client) when a write outside any transaction reaches a document an
 * open transaction has written. MongoDB makes such a write wait until the transaction ends; the
 * write commands catch this, wait on `owner.ended` and carry on.
 */
export class LockWait extends Error {
  override readonly name = "LockWait";

  constructor(readonly owner: LockOwner) {
    super("document locked by an open transaction");
  }
}

/** Which open transaction has written which document (by namespace and `_id`). */
export class LockTable {
  private readonly owners = new Map<string, LockOwner>();

  static key(ns: string, id: unknown): string {
    return `${ns}\u0000${valueKey(id)}`;
  }

  /** Whether any document is held at all: writers skip the lookup when none is. */
  get empty(): boolean {
    return this.owners.size === 0;
  }

  holder(key: string): LockOwner | undefined {
    return this.owners.get(key);
  }

  acquire(key: string, owner: LockOwner): void {
    this.owners.set(key, owner);
  }

  /** Some owner holding a document of the namespace, if any. */
  ownerIn(ns: string): LockOwner | undefined {
    const prefix = `${ns}\u0000`;
    for (const [key, owner] of this.owners) if (key.startsWith(prefix)) return owner;
    return undefined;
  }

  release(keys: Iterable<string>, owner: LockOwner): void {
    for (const key of keys) if (this.owners.get(key) === owner) this.owners.delete(key);
  }
}

/** One document change a transaction made, as its commit applies it. */
export interface TransactionWrite {
  id: unknown;
  /** The committed version the transaction started from (undefined: it did not exist). */
  before: Doc | undefined;
  /** The transaction's final version (undefined: deleted). */
  after: Doc | undefined;
}

/** A collection a transaction wrote to, with its changes. */
export interface TransactionChanges {
  db: string;
  name: string;
  /** The collection's options and indexes, in case commit has to create it. */
  options: Doc;
  indexes: IndexSpec[];
  writes: TransactionWrite[];
}

/**
 * One change to committed data, as the journal records it: replaying it on the state it was made
 * on makes the same change. Documents are recorded whole (`put`: the new version, inserted or
 * replacing the one with its `_id`), so replay needs no query or update logic.
 */
export type Change =
  | { op: "put"; db: string; coll: string; doc: Doc }
  | { op: "remove"; db: string; coll: string; id: unknown }
  | (IndexChange & { db: string; coll: string })
  | { op: "createCollection"; db: string; coll: string; options: Doc; uuid: UUID; indexes: IndexSpec[] }
  | { op: "dropCollection"; db: string; coll: string }
  | { op: "redefineView"; db: string; coll: string; options: Doc }
  | { op: "renameCollection"; db: string; coll: string; toDb: string; toColl: string; dropTarget: boolean }
  | { op: "dropDatabase"; db: string };

/** Where committed changes go to be made durable (the journal). */
export interface ChangeSink {
  record(change: Change): void;
  /**
   * Runs `work`, which must be synchronous, and makes the changes it records one all-or-nothing
   * journal entry. If `work` throws, what it recorded is journaled all the same (memory keeps it),
   * unless `undoneOnError`: then `work` promises it put everything back, and nothing is journaled.
   */
  atomically<T>(work: () => T, options?: { undoneOnError?: boolean }): T;
}

/**
 * All committed data: databases → collections. Every change to it, whichever command or sweep
 * makes it, passes through here or through the observer of one of its collections, so this is
 * where it is journaled (see journal.ts).
 */
export class Catalog implements DataView {
  private readonly databases = new Map<string, Map<string, Collection>>();
  readonly locks = new LockTable();
  /** The transaction whose commit is being applied: its own locks do not stop it. */
  private committing: LockOwner | undefined;
  private sink: ChangeSink | undefined;
  private readonly observer: WriteObserver = {
    beforeWrite: (collection, id) => {
      if (!this.isCurrent(collection)) throw collectionGone(collection);
      if (!this.locks.empty) {
        const owner = this.locks.holder(LockTable.key(collection.ns, id));
        if (owner && owner !== this.committing) throw new LockWait(owner);
      }
    },
    afterWrite: (collection, id, after) => {
      const { db, name: coll } = collection;
      this.sink?.record(after ? { op: "put", db, coll, doc: after } : { op: "remove", db, coll, id });
    },
    indexesChanged: () => undefined,
    afterIndexChange: (collection, change) => {
      // A collection being built by `create` is recorded whole once it is in place.
      if (this.isCurrent(collection))
        this.sink?.record({ ...change, db: collection.db, coll: collection.name });
    },
  };

  /** From now on every change is passed to `sink`; recovery attaches the journal once it has replayed. */
  attach(sink: ChangeSink | undefined): void {
    this.sink = sink;
  }

  /** Runs synchronous `work` so that its changes reach the journal as one all-or-nothing entry. */
  atomically<T>(work: () => T, options?: { undoneOnError?: boolean }): T {
    return this.sink ? this.sink.atomically(work, options) : work();
  }

  collection(db: string, name: string): Collection | undefined {
    return this.databases.get(db)?.get(name);
  }

  collectionForWrite(db: string, name: string): Collection {
    return this.collection(db, name) ?? this.create(db, name, {});
  }

  /**
   * Throws NamespaceExists (48) if present: mongoose relies on that code to ignore it. An
   * `options.viewOn` makes a view. `uuid` is given when the journal or a snapshot re-creates it.
   */
  create(db: string, name: string, options: Doc, indexes: IndexSpec[] = [], uuid?: UUID): Collection {
    assertValidNamespace(db, name);
    if (this.collection(db, name)) {
      throw new CommandError("NamespaceExists", `Collection ${db}.${name} already exists.`);
    }
    const collection = new Collection(db, name, options, this.observer, undefined, uuid);
    for (const spec of indexes) {
      if (spec.name !== "_id_") collection.createIndex(spec);
    }
    this.put(collection);
    this.recordCreation(collection);
    return collection;
  }

  drop(db: string, name: string): Collection | undefined {
    const collections = this.databases.get(db);
    const collection = collections?.get(name);
    if (!collections || !collection) return undefined;
    collections.delete(name);
    if (collections.size === 0) this.databases.delete(db);
    this.sink?.record({ op: "dropCollection", db, coll: name });
    return collection;
  }

  /** Replaces a collection's definition and data at once: `$out` swapping in its result. */
  replace(db: string, name: string, collection: Collection): void {
    // One journal entry, as the swap is one step: a crash leaves the old contents or the new.
    this.atomically(() => {
      this.drop(db, name);
      const replacement = collection.fork(this.observer);
      this.put(replacement);
      this.recordCreation(replacement);
      for (const [, doc] of replacement.entries()) this.sink?.record({ op: "put", db, coll: name, doc });
    });
  }

  /** collMod on a view: the same name now reads through another pipeline. */
  redefine(db: string, name: string, options: Doc): void {
    const collections = this.databases.get(db);
    if (!collections?.has(name))
      throw new CommandError("NamespaceNotFound", `ns does not exist: ${db}.${name}`);
    collections.set(name, new Collection(db, name, options, this.observer));
    this.sink?.record({ op: "redefineView", db, coll: name, options });
  }

  /**
   * renameCollection: moves a collection (uuid, documents, indexes) to another name, possibly in
   * another database, with MongoDB's checks: the source must exist, and the target must not unless
   * `dropTarget`. Journaled as one change, so replay repeats the same drop and move.
   */
  rename(db: string, name: string, toDb: string, toName: string, dropTarget: boolean): void {
    assertValidNamespace(toDb, toName);
    const source = this.collection(db, name);
    if (!source)
      throw new CommandError("NamespaceNotFound", `Source collection ${db}.${name} does not exist`);
    if (db === toDb && name === toName) {
      throw new CommandError("IllegalOperation", "Can't rename a collection to itself");
    }
    const target = this.collection(toDb, toName);
    if (target && !dropTarget) {
      throw new CommandError("NamespaceExists", `Target namespace ${toDb}.${toName} exists`);
    }
    if (target?.view || source.view) {
      throw new CommandError(
        "CommandNotSupportedOnView",
        `cannot rename a view: ${source.view ? source.ns : target?.ns}`,
      );
    }
    const sink = this.sink;
    this.sink = undefined; // the parts below are this one change
    try {
      this.drop(toDb, toName);
      this.drop(db, name);
      this.put(source.renamed(toDb, toName));
    } finally {
      this.sink = sink;
    }
    sink?.record({ op: "renameCollection", db, coll: name, toDb, toColl: toName, dropTarget });
  }

  dropDatabase(db: string): void {
    if (!this.databases.delete(db)) return;
    this.sink?.record({ op: "dropDatabase", db });
  }

  databaseNames(): string[] {
    return [...this.databases.keys()];
  }

  collections(db: string): Collection[] {
    return [...(this.databases.get(db)?.values() ?? [])];
  }

  allCollections(): Collection[] {
    return [...this.databases.values()].flatMap((collections) => [...collections.values()]);
  }

  /** Private copies of every collection as it is now, for a transaction's snapshot; `observe` hears their writes. */
  forkAll(observe: WriteObserver): Map<string, Collection> {
    const copies = new Map<string, Collection>();
    for (const collection of this.allCollections()) copies.set(collection.ns, collection.fork(observe));
    return copies;
  }

  /**
   * Applies a committed transaction's changes all-or-nothing: every change lands, or (a unique key
   * another client took meanwhile) none does and the error is thrown. This is the one place a
   * transaction changes committed data, and it is one journal entry: a crash leaves all or none.
   * A collection the transaction created exists afterwards even if it wrote nothing to it.
   */
  applyTransaction(owner: LockOwner, changes: TransactionChanges[]): void {
    this.atomically(
      () => {
        const undo: Array<() => void> = [];
        this.committing = owner;
        try {
          for (const change of changes) this.applyChanges(change, undo);
        } catch (error) {
          for (const step of undo.reverse()) step();
          throw error;
        } finally {
          this.committing = undefined;
        }
      },
      { undoneOnError: true },
    );
  }

  private applyChanges(change: TransactionChanges, undo: Array<() => void>): void {
    let target = this.collection(change.db, change.name);
    if (!target) {
      target = this.create(change.db, change.name, change.options, change.indexes);
      undo.push(() => this.drop(change.db, change.name));
    }
    const collection = target;
    for (const { id, before, after } of change.writes) {
      if (after === before) continue;
      const current = collection.findById(id);
      if (!after) {
        if (!current) continue;
        collection.remove(current.rid);
        undo.push(() => collection.restore(current.rid, current.doc));
      } else if (!current) {
        const rid = collection.insert(after);
        undo.push(() => collection.remove(rid));
      } else {
        collection.replace(current.rid, after);
        undo.push(() => collection.replace(current.rid, current.doc));
      }
    }
  }

  /** Whether `collection` is the one the catalogue holds under its name (not dropped, renamed or replaced). */
  private isCurrent(collection: Collection): boolean {
    return this.databases.get(collection.db)?.get(collection.name) === collection;
  }

  private put(collection: Collection): void {
    let collections = this.databases.get(collection.db);
    if (!collections) {
      collections = new Map();
      this.databases.set(collection.db, collections);
    }
    collections.set(collection.name, collection);
  }

  private recordCreation(collection: Collection): void {
    this.sink?.record({
      op: "createCollection",
      db: collection.db,
      coll: collection.name,
      options: collection.options,
      uuid: collection.uuid,
      indexes: collection.indexSpecs().filter((spec) => spec.name !== "_id_"),
    });
  }
}

/**
 * A write reached a collection that was dropped, renamed or replaced while its command yielded.
 * Applying it would change nothing anyone can see, yet report success: MongoDB fails it instead,
 * its query plan killed.
 */
function collectionGone(collection: Collection): CommandError {
  return new CommandError(
    "QueryPlanKilled",
    `collection ${collection.ns} was dropped, renamed or replaced while the operation yielded`,
  );
}

export function assertValidNamespace(db: string, name: string): void {
  if (db.length === 0 || /[/\\. "$\0]/.test(db)) {
    throw new CommandError("InvalidNamespace", `Invalid database name: '${db}'`);
  }
  if (name.length === 0 || name.includes("$") || name.includes("\0") || name.startsWith(".")) {
    throw new CommandError("InvalidNamespace", `Invalid collection name: '${name}'`);
  }
}
