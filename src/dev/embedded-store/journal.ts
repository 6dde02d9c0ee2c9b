import { UUID } from "bson";
import type { Catalog, Change, ChangeSink } from "./catalog";
import type { Collection, IndexModification } from "./collection";
import { type Doc, isPlainObject } from "./documents";
import { encodeFrame, readFrames, type ScanEnd } from "./frames";
import type { IndexSpec } from "./indexes";
import { JOURNAL_FORMAT, type JournalWriter } from "./journal-writer";

/*
 * Journal records, one frame each, after the file's header frame:
 *   a change:        { op: "put", db, coll, doc }          a document's new version (insert or replace by _id)
 *                    { op: "remove", db, coll, id }
 *                    { op: "createIndex", db, coll, spec }, { op: "dropIndex", db, coll, name },
 *                    { op: "modifyIndex", db, coll, name, changes }
 *                    { op: "createCollection", db, coll, options, uuid, indexes }
 *                    { op: "dropCollection", db, coll }, { op: "redefineView", db, coll, options },
 *                    { op: "renameCollection", db, coll, toDb, toColl, dropTarget }, { op: "dropDatabase", db }
 *   an atomic entry: { group: "begin", changes: n }, n changes, { group: "commit" }
 * Documents are stored whole (an update records the new version), so replay needs no query or
 * update logic and gives exactly the state that was acknowledged.
 */

/**
 * Journals the catalogue's changes through a writer, each as it happens, so the journal's order is
 * the order memory changed in. `atomically` makes what one synchronous step changes (a transaction
 * commit, an `$out` swap) one entry that replay applies whole or not at all.
 */
export class ChangeJournal implements ChangeSink {
  private group: Buffer[] | undefined;

  constructor(private readonly writer: JournalWriter) {}

  /** True while an atomic entry is being collected (a rotation must not split it). */
  get inGroup(): boolean {
    return this.group !== undefined;
  }

  record(change: Change): void {
    const frame = encodeFrame(change);
    if (this.group) this.group.push(frame);
    else this.writer.append(frame);
  }

  atomically<T>(work: () => T, options: { undoneOnError?: boolean } = {}): T {
    const enclosing = this.group;
    // Nested: part of the enclosing entry (and, if it fails and was undone, cut back out of it).
    const mark = enclosing?.length ?? 0;
    const group = enclosing ?? [];
    this.group = group;
    let failed = false;
    try {
      const result = work();
      if (isPromiseLike(result)) {
        // Changes after its first await would miss the entry: a bug in the caller, never to ship.
        throw new Error("atomically() needs synchronous work");
      }
      return result;
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      if (failed && options.undoneOnError) group.length = mark;
      if (!enclosing) {
        this.group = undefined;
        this.appendEntry(group);
      }
    }
  }

  private appendEntry(frames: Buffer[]): void {
    if (frames.length === 0) return;
    if (frames.length === 1) {
      this.writer.append(frames[0] as Buffer);
      return;
    }
    this.writer.append(encodeFrame({ group: "begin", changes: frames.length }));
    for (const frame of frames) this.writer.append(frame);
    this.writer.append(encodeFrame({ group: "commit" }));
  }
}

function isPromiseLike(value: unknown): boolean {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

/** How replaying one journal file went. */
export interface ReplayResult {
  /** Changes applied. */
  changes: number;
  status: ScanEnd["status"];
  /**
   * The file's intact length. On a torn tail it excludes an atomic entry left unfinished, so
   * truncating the file here leaves only whole entries.
   */
  validLength: number;
  /** Set on damage: where, and why. */
  problem?: string;
}

/**
 * Applies one journal file's changes to the catalogue (which must not be journaling). Stops at a
 * torn tail or at damage and says which; an atomic entry is applied only if it is complete.
 */
export function replayJournal(catalog: Catalog, data: Buffer, generation: number): ReplayResult {
  const frames = readFrames(data);
  let changes = 0;
  let pending: { offset: number; changes: Doc[]; expected: number } | undefined;
  const damaged = (offset: number, problem: string): ReplayResult => ({
    changes,
    status: "damaged",
    validLength: offset,
    problem,
  });

  let next = frames.next();
  if (!next.done) {
    const header = next.value.record;
    if (header.format !== JOURNAL_FORMAT || header.version !== 1 || header.generation !== generation) {
      return damaged(0, "the first record is not this generation's journal header");
    }
    next = frames.next();
  }
  for (; !next.done; next = frames.next()) {
    const { record, offset } = next.value;
    try {
      if (record.group === "begin") {
        if (pending) return damaged(offset, "an atomic entry starts inside another");
        pending = { offset, changes: [], expected: Number(record.changes) };
      } else if (record.group === "commit") {
        if (!pending || pending.changes.length !== pending.expected) {
          return damaged(offset, "an atomic entry ends without its changes");
        }
        for (const change of pending.changes) applyChange(catalog, change);
        changes += pending.changes.length;
        pending = undefined;
      } else if (pending) {
        pending.changes.push(record);
      } else {
        applyChange(catalog, record);
        changes++;
      }
    } catch (error) {
      return damaged(offset, `a change cannot be replayed (${(error as Error).message})`);
    }
  }
  const end = next.value;
  if (end.status === "damaged") return damaged(end.validLength, "a record fails its checksum");
  if (pending) {
    // Frames written in one batch can only be cut at the end: an unfinished entry is the torn tail.
    return { changes, status: "torn", validLength: pending.offset };
  }
  return { changes, status: end.status, validLength: end.validLength };
}

/** Replays one change record. Throws on a record this version does not understand or cannot apply. */
export function applyChange(catalog: Catalog, record: Doc): void {
  const db = stringOf(record, "db");
  switch (record.op) {
    case "put": {
      const doc = docOf(record, "doc");
      const collection = collectionOf(catalog, record);
      const current = collection.findById(doc._id);
      if (current) collection.replace(current.rid, doc);
      else collection.insert(doc);
      return;
    }
    case "remove": {
      const collection = collectionOf(catalog, record);
      const current = collection.findById(record.id);
      if (!current) throw new Error("removes a missing document");
      collection.remove(current.rid);
      return;
    }
    case "createIndex":
      collectionOf(catalog, record).createIndex(docOf(record, "spec") as IndexSpec);
      return;
    case "dropIndex":
      collectionOf(catalog, record).dropIndex(stringOf(record, "name"));
      return;
    case "modifyIndex":
      collectionOf(catalog, record).modifyIndex(
        stringOf(record, "name"),
        docOf(record, "changes") as IndexModification,
      );
      return;
    case "createCollection": {
      if (!(record.uuid instanceof UUID)) throw new Error("collection without a uuid");
      if (!Array.isArray(record.indexes)) throw new Error("collection without its indexes");
      const indexes = record.indexes as IndexSpec[];
      catalog.create(db, stringOf(record, "coll"), docOf(record, "options"), indexes, record.uuid);
      return;
    }
    case "dropCollection":
      if (!catalog.drop(db, stringOf(record, "coll"))) throw new Error("drops a missing collection");
      return;
    case "redefineView":
      catalog.redefine(db, stringOf(record, "coll"), docOf(record, "options"));
      return;
    case "renameCollection":
      catalog.rename(
        db,
        stringOf(record, "coll"),
        stringOf(record, "toDb"),
        stringOf(record, "toColl"),
        record.dropTarget === true,
      );
      return;
    case "dropDatabase":
      catalog.dropDatabase(db);
      return;
    default:
      throw new Error(`unknown change ${JSON.stringify(record.op)}`);
  }
}

function collectionOf(catalog: Catalog, record: Doc): Collection {
  const collection = catalog.collection(stringOf(record, "db"), stringOf(record, "coll"));
  if (!collection) throw new Error("changes a missing collection");
  return collection;
}

function stringOf(record: Doc, field: string): string {
  const value = record[field];
  if (typeof value !== "string") throw new Error(`'${field}' is not a string`);
  return value;
}

function docOf(record: Doc, field: string): Doc {
  const value = record[field];
  if (!isPlainObject(value)) throw new Error(`'${field}' is not a document`);
  return value;
}
