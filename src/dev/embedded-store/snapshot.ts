import { BSON, UUID } from "bson";
import type { Catalog } from "./catalog";
import type { Collection } from "./collection";
import { type Doc, isPlainObject } from "./documents";
import { writeFileAtomically } from "./files";
import { encodeFrame, readFrames, startsWithFrame } from "./frames";
import type { IndexSpec } from "./indexes";

const FORMAT = "integrity-tipline/embedded-store";
const VERSION = 2;
/** Snapshot writes go out in pieces of about this size; the event loop serves clients in between. */
const CHUNK_BYTES = 1024 * 1024;

/*
 * Version 2 (written): checksummed frames (see frames.ts), in this order:
 *   { format, version: 2, savedAt, journalGeneration }
 *   per collection: { collection: { db, name, options, uuid, indexes } }, then one { document } per
 *   document in natural order
 *   { end: { collections, documents } }: a snapshot without it is incomplete.
 * `journalGeneration` is the first journal file not folded into the snapshot.
 * Version 1 (read only, written by earlier local mode): the same records as bare BSON, without
 * checksums, uuid, journal generation or end record.
 */

/**
 * A consistent picture of the catalogue, taken synchronously in O(collections): each collection's
 * documents are a frozen copy of its tree, read lazily while the snapshot is written.
 */
export interface CatalogImage {
  collections: Array<{
    db: string;
    name: string;
    options: Doc;
    uuid: UUID;
    indexes: IndexSpec[];
    frozen: Collection;
  }>;
}

/** Must run in one synchronous step with the journal's rotation, so the image and the new generation meet exactly. */
export function captureImage(catalog: Catalog): CatalogImage {
  return {
    collections: catalog.allCollections().map((collection) => ({
      db: collection.db,
      name: collection.name,
      options: collection.options,
      uuid: collection.uuid,
      indexes: collection.indexSpecs(),
      frozen: collection.snapshot(),
    })),
  };
}

/** Writes `image` to `path` atomically, in chunks so the store keeps answering meanwhile. */
export async function writeSnapshot(
  path: string,
  image: CatalogImage,
  journalGeneration: number,
): Promise<{ bytes: number; documents: number }> {
  let bytes = 0;
  let documents = 0;
  await writeFileAtomically(path, async (file) => {
    let chunk: Buffer[] = [];
    let chunkBytes = 0;
    const add = async (record: Doc): Promise<void> => {
      const frame = encodeFrame(record);
      chunk.push(frame);
      chunkBytes += frame.length;
      if (chunkBytes >= CHUNK_BYTES) await flush();
    };
    const flush = async (): Promise<void> => {
      const data = Buffer.concat(chunk, chunkBytes);
      chunk = [];
      chunkBytes = 0;
      await file.write(data);
      bytes += data.length;
    };
    await add({ format: FORMAT, version: VERSION, savedAt: new Date(), journalGeneration });
    for (const { db, name, options, uuid, indexes, frozen } of image.collections) {
      await add({ collection: { db, name, options, uuid, indexes } });
      for (const [, document] of frozen.entries()) {
        await add({ document });
        documents++;
      }
    }
    await add({ end: { collections: image.collections.length, documents } });
    await flush();
  });
  return { bytes, documents };
}

export interface RestoredSnapshot {
  collections: number;
  documents: number;
  /** The first journal generation to replay on top. */
  journalGeneration: number;
  version: number;
}

/** Loads a snapshot into an empty catalogue. Throws on anything unexpected rather than starting half-empty. */
export function restoreSnapshot(catalog: Catalog, data: Buffer): RestoredSnapshot {
  return startsWithFrame(data) ? restoreVersion2(catalog, data) : restoreVersion1(catalog, data);
}

function restoreVersion2(catalog: Catalog, data: Buffer): RestoredSnapshot {
  const frames = readFrames(data);
  const header = frames.next();
  if (header.done || header.value.record.format !== FORMAT || header.value.record.version !== VERSION) {
    throw new Error("not an embedded store snapshot (or an unsupported version)");
  }
  const journalGeneration = header.value.record.journalGeneration;
  if (
    typeof journalGeneration !== "number" ||
    !Number.isInteger(journalGeneration) ||
    journalGeneration < 1
  ) {
    throw new Error("snapshot header has no journal generation");
  }
  const counts = { collections: 0, documents: 0 };
  const loader = new Loader(catalog, counts);
  let next = frames.next();
  for (; !next.done; next = frames.next()) {
    const { record } = next.value;
    if (isPlainObject(record.end)) {
      const end = record.end;
      if (end.collections !== counts.collections || end.documents !== counts.documents) {
        throw new Error("snapshot end record does not match its contents");
      }
      if (!frames.next().done) throw new Error("snapshot has records after its end");
      return { ...counts, journalGeneration, version: VERSION };
    }
    loader.load(record);
  }
  throw new Error(
    next.value.status === "clean"
      ? "snapshot is incomplete (no end record)"
      : "snapshot is damaged (bad checksum)",
  );
}

function restoreVersion1(catalog: Catalog, data: Buffer): RestoredSnapshot {
  const records = bareRecords(data);
  const header = records.next();
  if (header.done || header.value.format !== FORMAT || header.value.version !== 1) {
    throw new Error("not an embedded store snapshot (or an unsupported version)");
  }
  const counts = { collections: 0, documents: 0 };
  const loader = new Loader(catalog, counts);
  for (const record of records) loader.load(record);
  // Version 1 came before the journal: every journal generation, from the first, comes after it.
  return { ...counts, journalGeneration: 1, version: 1 };
}

/** Applies collection and document records in file order. */
class Loader {
  private current: ReturnType<Catalog["create"]> | undefined;

  constructor(
    private readonly catalog: Catalog,
    private readonly counts: { collections: number; documents: number },
  ) {}

  load(record: Doc): void {
    if (isPlainObject(record.collection)) {
      const { db, name, options, indexes, uuid } = record.collection;
      if (typeof db !== "string" || typeof name !== "string" || !Array.isArray(indexes)) {
        throw new Error("snapshot has a malformed collection record");
      }
      this.current = this.catalog.create(
        db,
        name,
        isPlainObject(options) ? options : {},
        indexes as IndexSpec[],
        uuid instanceof UUID ? uuid : undefined,
      );
      this.counts.collections++;
    } else if (isPlainObject(record.document) && this.current) {
      this.current.insert(record.document);
      this.counts.documents++;
    } else {
      throw new Error("snapshot has a record outside any collection");
    }
  }
}

function* bareRecords(data: Buffer): Generator<Doc> {
  let offset = 0;
  while (offset < data.length) {
    if (offset + 4 > data.length) throw new Error("snapshot is truncated");
    const size = data.readInt32LE(offset);
    if (size < 5 || offset + size > data.length) throw new Error("snapshot is truncated");
    yield BSON.deserialize(data.subarray(offset, offset + size)) as Doc;
    offset += size;
  }
}
