import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { BSON } from "bson";
import type { Catalog } from "./catalog";
import { type Doc, isPlainObject } from "./documents";
import type { Logger } from "./engine";
import type { IndexSpec } from "./indexes";

const FORMAT = "integrity-tipline/embedded-store";
const VERSION = 1;

/*
 * File format: BSON documents back to back (so ObjectId, Date, Binary, Long… round-trip exactly
 * and a large store is never one giant string):
 *   { format, version, savedAt }
 *   then per collection: { collection: { db, name, options, indexes } }, followed by
 *   one { document: <doc> } record per document, in natural order.
 */

export function encodeSnapshot(catalog: Catalog): Buffer {
  const records: Uint8Array[] = [BSON.serialize({ format: FORMAT, version: VERSION, savedAt: new Date() })];
  for (const collection of catalog.allCollections()) {
    const { db, name, options } = collection;
    records.push(BSON.serialize({ collection: { db, name, options, indexes: collection.indexSpecs() } }));
    for (const doc of collection.all())
      records.push(BSON.serialize({ document: doc }, { ignoreUndefined: true }));
  }
  return Buffer.concat(records);
}

/** Loads a snapshot into an empty catalogue. Throws on anything unexpected rather than starting half-empty. */
export function restoreSnapshot(catalog: Catalog, data: Buffer): { collections: number; documents: number } {
  const records = decodeRecords(data);
  const header = records.next();
  if (header.done || header.value.format !== FORMAT || header.value.version !== VERSION) {
    throw new Error("not an embedded store snapshot (or an unsupported version)");
  }
  let collections = 0;
  let documents = 0;
  let current: ReturnType<Catalog["create"]> | undefined;
  for (const record of records) {
    if (isPlainObject(record.collection)) {
      const { db, name, options, indexes } = record.collection;
      if (typeof db !== "string" || typeof name !== "string" || !Array.isArray(indexes)) {
        throw new Error("snapshot has a malformed collection record");
      }
      current = catalog.create(db, name, isPlainObject(options) ? options : {}, indexes as IndexSpec[]);
      collections++;
    } else if (isPlainObject(record.document) && current) {
      current.insert(record.document);
      documents++;
    } else {
      throw new Error("snapshot has a record outside any collection");
    }
  }
  return { collections, documents };
}

function* decodeRecords(data: Buffer): Generator<Doc> {
  let offset = 0;
  while (offset < data.length) {
    if (offset + 4 > data.length) throw new Error("snapshot is truncated");
    const size = data.readInt32LE(offset);
    if (size < 5 || offset + size > data.length) throw new Error("snapshot is truncated");
    yield BSON.deserialize(data.subarray(offset, offset + size)) as Doc;
    offset += size;
  }
}

/**
 * Writes a file so that a crash leaves either the old or the new version, never a torn one:
 * temp file in the same directory, fsync, rename over the target, fsync the directory.
 */
export async function writeFileAtomically(path: string, data: Buffer): Promise<void> {
  const directory = dirname(path);
  await mkdir(directory, { recursive: true });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  // Owner-only: demo data may still be personal data.
  const file = await open(temp, "w", 0o600);
  try {
    await file.writeFile(data);
    await file.sync();
  } finally {
    await file.close();
  }
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(directory);
}

async function syncDirectory(directory: string): Promise<void> {
  let handle;
  try {
    handle = await open(directory, "r");
    await handle.sync();
  } catch {
    // Some platforms (Windows) cannot fsync a directory; the rename is then as durable as the OS makes it.
  } finally {
    await handle?.close();
  }
}

/** Periodic and on-demand snapshots of one catalogue to one file; writes never overlap. */
export class Snapshotter {
  private savedRevision = -1;
  private writing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly catalog: Catalog,
    private readonly path: string,
    private readonly log: Logger,
  ) {}

  /** Restores from the file if there is one; a missing file is a first run. */
  async restore(): Promise<void> {
    let data: Buffer;
    try {
      data = await readFile(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
      throw error;
    }
    const restored = restoreSnapshot(this.catalog, data);
    this.savedRevision = this.catalog.revision;
    this.log("embedded store restored a snapshot", { path: this.path, ...restored });
  }

  startTimer(intervalMs: number): void {
    this.timer = setInterval(() => {
      if (this.catalog.revision === this.savedRevision) return;
      this.snapshot().catch((error: unknown) => {
        this.log("embedded store snapshot failed", { path: this.path, error: (error as Error).message });
      });
    }, intervalMs);
    this.timer.unref();
  }

  /** Captures the state now (synchronously, so it is consistent) and writes it after any write in progress. */
  snapshot(): Promise<void> {
    const revision = this.catalog.revision;
    const started = Date.now();
    const data = encodeSnapshot(this.catalog);
    const write = this.writing.then(async () => {
      await writeFileAtomically(this.path, data);
      this.savedRevision = revision;
      this.log("embedded store saved a snapshot", {
        path: this.path,
        bytes: data.length,
        ms: Date.now() - started,
      });
    });
    this.writing = write.catch(() => undefined);
    return write;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.snapshot();
  }
}
