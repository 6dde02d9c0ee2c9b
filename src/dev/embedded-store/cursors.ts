import { Long } from "bson";
import { BatchEncoder, type EncodedBatch } from "./batches";
import type { Doc } from "./documents";
import { CommandError } from "./errors";
import { MAX_BATCH_BYTES } from "./query";

/** MongoDB's default first batch. Later batches are bounded by size only, as in MongoDB. */
export const DEFAULT_FIRST_BATCH = 101;
/** MongoDB's `cursorTimeoutMillis` default: idle cursors are dropped so abandoned reads do not hold memory. */
const IDLE_TIMEOUT_MS = 10 * 60 * 1000;

/** Where a cursor's documents come from: computed lazily, batch by batch, each batch encoded as it is cut. */
export interface BatchSource {
  nextBatch(maxDocs: number, maxBytes?: number): Promise<EncodedBatch>;
  readonly exhausted: boolean;
}

/** A source over results already in memory (aggregations, catalogue listings). */
export class ArraySource implements BatchSource {
  private position = 0;

  constructor(private readonly docs: Doc[]) {}

  get exhausted(): boolean {
    return this.position >= this.docs.length;
  }

  async nextBatch(maxDocs: number, maxBytes = MAX_BATCH_BYTES): Promise<EncodedBatch> {
    const encoder = new BatchEncoder(maxBytes);
    while (this.position < this.docs.length && encoder.count < maxDocs) {
      if (!encoder.add(this.docs[this.position] as Doc)) break;
      this.position++;
    }
    return encoder.finish();
  }
}

interface OpenCursor {
  ns: string;
  source: BatchSource;
  lastUsed: number;
  /** The transaction it was opened in: getMore must come from the same one, as in MongoDB. */
  owner: unknown;
  /** A getMore is running: a second one at the same time is refused. */
  busy: boolean;
}

export interface CursorPage {
  /** Always an Int64: the driver rejects other types. 0 means exhausted. */
  id: Long;
  ns: string;
  /** Framed into the reply as it is (see `encodeReply`). */
  batch: EncodedBatch;
}

export interface OpenOptions {
  batchSize?: number;
  singleBatch?: boolean;
  owner?: unknown;
}

/** Open cursors, each answering getMore from its source. */
export class CursorRegistry {
  private readonly cursors = new Map<string, OpenCursor>();
  private lastId = Math.floor(Math.random() * 2 ** 31);

  get openCount(): number {
    return this.cursors.size;
  }

  /** Computes the first batch and keeps the cursor if more may follow. */
  async open(ns: string, source: BatchSource, options: OpenOptions = {}): Promise<CursorPage> {
    const batch = await source.nextBatch(options.batchSize ?? DEFAULT_FIRST_BATCH);
    if (options.singleBatch || source.exhausted) return { id: Long.ZERO, ns, batch };
    const id = Long.fromNumber(++this.lastId);
    this.cursors.set(id.toString(), { ns, source, lastUsed: Date.now(), owner: options.owner, busy: false });
    return { id, ns, batch };
  }

  /** Convenience for results already in memory. */
  openArray(ns: string, docs: Doc[], options: OpenOptions = {}): Promise<CursorPage> {
    return this.open(ns, new ArraySource(docs), options);
  }

  async next(rawId: unknown, batchSize: number | undefined, owner: unknown): Promise<CursorPage> {
    const id = toLong(rawId);
    const key = id.toString();
    const cursor = this.cursors.get(key);
    if (!cursor) throw new CommandError("CursorNotFound", `cursor id ${key} not found`);
    if (cursor.owner !== owner) {
      throw new CommandError(
        "OperationNotSupportedInTransaction",
        `Cannot run getMore on cursor ${key}, which was created in a different transaction (or outside one)`,
      );
    }
    if (cursor.busy) throw new CommandError("CursorInUse", `cursor id ${key} is already in use`);
    cursor.busy = true;
    try {
      const batch = await cursor.source.nextBatch(
        batchSize && batchSize > 0 ? batchSize : Number.MAX_SAFE_INTEGER,
      );
      cursor.lastUsed = Date.now();
      if (!cursor.source.exhausted && this.cursors.has(key)) return { id, ns: cursor.ns, batch };
      this.cursors.delete(key);
      return { id: Long.ZERO, ns: cursor.ns, batch };
    } finally {
      cursor.busy = false;
    }
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
      if (!cursor.busy && now - cursor.lastUsed > IDLE_TIMEOUT_MS) this.cursors.delete(id);
    }
  }

  /** Cursors of a transaction end with it. */
  dropOwnedBy(owner: unknown): void {
    for (const [id, cursor] of this.cursors) if (cursor.owner === owner) this.cursors.delete(id);
  }

  clear(): void {
    this.cursors.clear();
  }
}

/** Incoming ids arrive as numbers (BSON Int64 promoted by the decoder) or as Long when beyond 2^53. */
function toLong(raw: unknown): Long {
  if (typeof raw === "number" && Number.isInteger(raw)) return Long.fromNumber(raw);
  if (Long.isLong(raw)) return raw;
  throw new CommandError("TypeMismatch", "cursor id must be an Int64");
}
