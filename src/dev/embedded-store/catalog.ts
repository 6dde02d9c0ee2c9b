import { Collection, type WriteObserver } from "./collection";
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

/** All committed data: databases → collections. `revision` moves on every change so snapshots can skip idle periods. */
export class Catalog implements DataView {
  private readonly databases = new Map<string, Map<string, Collection>>();
  private changes = 0;
  readonly locks = new LockTable();
  /** The transaction whose commit is being applied: its own locks do not stop it. */
  private committing: LockOwner | undefined;
  private readonly observer: WriteObserver = {
    beforeWrite: (collection, id) => {
      if (!this.locks.empty) {
        const owner = this.locks.holder(LockTable.key(collection.ns, id));
        if (owner && owner !== this.committing) throw new LockWait(owner);
      }
      this.changes++;
    },
    indexesChanged: () => {
      this.changes++;
    },
  };

  get revision(): number {
    return this.changes;
  }

  collection(db: string, name: string): Collection | undefined {
    return this.databases.get(db)?.get(name);
  }

  collectionForWrite(db: string, name: string): Collection {
    return this.collection(db, name) ?? this.create(db, name, {});
  }

  /** Throws NamespaceExists (48) if present: mongoose relies on that code to ignore it. An `options.viewOn` makes a view. */
  create(db: string, name: string, options: Doc, indexes: IndexSpec[] = []): Collection {
    assertValidNamespace(db, name);
    if (this.collection(db, name)) {
      throw new CommandError("NamespaceExists", `Collection ${db}.${name} already exists.`);
    }
    const collection = new Collection(db, name, options, this.observer);
    for (const spec of indexes) {
      if (spec.name !== "_id_") collection.createIndex(spec);
    }
    let collections = this.databases.get(db);
    if (!collections) {
      collections = new Map();
      this.databases.set(db, collections);
    }
    collections.set(name, collection);
    this.changes++;
    return collection;
  }

  drop(db: string, name: string): Collection | undefined {
    const collections = this.databases.get(db);
    const collection = collections?.get(name);
    if (!collections || !collection) return undefined;
    collections.delete(name);
    if (collections.size === 0) this.databases.delete(db);
    this.changes++;
    return collection;
  }

  /** Replaces a collection's definition and data at once: `$out` swapping in its result. */
  replace(db: string, name: string, collection: Collection): void {
    const collections = this.databases.get(db) ?? new Map<string, Collection>();
    this.databases.set(db, collections);
    collections.set(name, collection.fork(this.observer));
    this.changes++;
  }

  /** collMod on a view: the same name now reads through another pipeline. */
  redefine(db: string, name: string, options: Doc): void {
    const collections = this.databases.get(db);
    if (!collections?.has(name))
      throw new CommandError("NamespaceNotFound", `ns does not exist: ${db}.${name}`);
    collections.set(name, new Collection(db, name, options, this.observer));
    this.changes++;
  }

  dropDatabase(db: string): void {
    if (this.databases.delete(db)) this.changes++;
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
   * transaction changes committed data.
   */
  applyTransaction(owner: LockOwner, changes: TransactionChanges[]): void {
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
  }

  private applyChanges(change: TransactionChanges, undo: Array<() => void>): void {
    if (change.writes.length === 0) return;
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
}

export function assertValidNamespace(db: string, name: string): void {
  if (db.length === 0 || /[/\\. "$\0]/.test(db)) {
    throw new CommandError("InvalidNamespace", `Invalid database name: '${db}'`);
  }
  if (name.length === 0 || name.includes("$") || name.includes("\0") || name.startsWith(".")) {
    throw new CommandError("InvalidNamespace", `Invalid collection name: '${name}'`);
  }
}
