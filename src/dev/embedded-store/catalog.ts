import { Collection, type WriteObserver } from "./collection";
import type { Doc } from "./documents";
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
}

/** All committed data: databases → collections. `revision` moves on every change so snapshots can skip idle periods. */
export class Catalog implements DataView {
  private readonly databases = new Map<string, Map<string, Collection>>();
  private changes = 0;
  private readonly observer: WriteObserver = {
    beforeWrite: () => this.changes++,
    indexesChanged: () => this.changes++,
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

  /** Throws NamespaceExists (48) if present: mongoose relies on that code to ignore it. */
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
}

export function assertValidNamespace(db: string, name: string): void {
  if (db.length === 0 || /[/\\. "$\0]/.test(db)) {
    throw new CommandError("InvalidNamespace", `Invalid database name: '${db}'`);
  }
  if (name.length === 0 || name.includes("$") || name.includes("\0") || name.startsWith(".")) {
    throw new CommandError("InvalidNamespace", `Invalid collection name: '${name}'`);
  }
}
