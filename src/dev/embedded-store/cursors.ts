import { BSON, Long } from "bson";
import type { Doc } from "./documents";
import { CommandError } from "./errors";

/** MongoDB's default first batch. Later batches are bounded by size only, as in MongoDB. */
const DEFAULT_FIRST_BATCH = 101;
/** A reply document may not exceed 16 MiB; leave room for the envelope around the batch. */
const MAX_BATCH_BYTES = 16 * 1024 * 1024 - 64 * 1024;
/** MongoDB's `cursorTimeoutMillis` default: idle cursors are dropped so abandoned reads do not hold memory. */
const IDLE_TIMEOUT_MS = 10 * 60 * 1000;

interface OpenCursor {
  ns: string;
  docs: Doc[];
  position: number;
  lastUsed: number;
}

export interface CursorPage {
  /** Always an Int64: the driver rejects other types. 0 means exhausted. */
  id: Long;
  ns: string;
  batch: Doc[];
}

/**
 * Open cursors. Results are computed in full when the cursor opens (documents are shared, not
 * copied, since stored documents are immutable); getMore hands them out batch by batch.
 */
export class CursorRegistry {
  private readonly cursors = new Map<string, OpenCursor>();
  private lastId = Math.floor(Math.random() * 2 ** 31);

  get openCount(): number {
    return this.cursors.size;
  }

  open(ns: string, docs: Doc[], options: { batchSize?: number; singleBatch?: boolean } = {}): CursorPage {
    const cursor: OpenCursor = { ns, docs, position: 0, lastUsed: Date.now() };
    const batch = takeBatch(cursor, options.batchSize ?? DEFAULT_FIRST_BATCH);
    if (options.singleBatch || cursor.position >= docs.length) return { id: Long.ZERO, ns, batch };
    const id = Long.fromNumber(++this.lastId);
    this.cursors.set(id.toString(), cursor);
    return { id, ns, batch };
  }

  next(rawId: unknown, batchSize: number | undefined): CursorPage {
    const id = toLong(rawId);
    const cursor = this.cursors.get(id.toString());
    if (!cursor) throw new CommandError("CursorNotFound", `cursor id ${id.toString()} not found`);
    cursor.lastUsed = Date.now();
    const batch = takeBatch(cursor, batchSize && batchSize > 0 ? batchSize : Number.MAX_SAFE_INTEGER);
    if (cursor.position < cursor.docs.length) return { id, ns: cursor.ns, batch };
    this.cursors.delete(id.toString());
    return { id: Long.ZERO, ns: cursor.ns, batch };
  }

  kill(rawIds: unknown[]): { killed: Long[]; notFound: Long[] } {
    const killed: Long[] = [];
    const notFound: Long[] = [];
    for (const rawId of rawIds) {
      const id = toLong(rawId);
      (this.cursors.delete(id.toString()) ? killed : notFound).push(id);
    }
    return { killed, notFound };
  }

  dropIdle(now: number): void {
    for (const [id, cursor] of this.cursors) {
      if (now - cursor.lastUsed > IDLE_TIMEOUT_MS) this.cursors.delete(id);
    }
  }

  clear(): void {
    this.cursors.clear();
  }
}

function takeBatch(cursor: OpenCursor, maxDocs: number): Doc[] {
  const batch: Doc[] = [];
  let bytes = 0;
  while (cursor.position < cursor.docs.length && batch.length < maxDocs) {
    const doc = cursor.docs[cursor.position] as Doc;
    const size = BSON.calculateObjectSize(doc, { ignoreUndefined: true });
    if (batch.length > 0 && bytes + size > MAX_BATCH_BYTES) break;
    batch.push(doc);
    bytes += size;
    cursor.position++;
  }
  return batch;
}

/** Incoming ids arrive as numbers (BSON Int64 promoted by the decoder) or as Long when beyond 2^53. */
function toLong(raw: unknown): Long {
  if (typeof raw === "number" && Number.isInteger(raw)) return Long.fromNumber(raw);
  if (Long.isLong(raw)) return raw;
  throw new CommandError("TypeMismatch", "cursor id must be an Int64");
}
