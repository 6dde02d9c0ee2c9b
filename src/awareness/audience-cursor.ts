import { Long } from "bson";
import type { mongo } from "mongoose";
import { AudienceBatch } from "./audience-entry";

const INT32 = 0x10;
const INT64 = 0x12;
const ARRAY = 0x04;
const DOCUMENT = 0x03;
const STRING = 0x02;
/** Sizes of the fixed-size BSON types: double, objectId, bool, date, null, timestamp, decimal. */
const FIXED_SIZE: Partial<Record<number, number>> = {
  0x01: 8,
  0x07: 12,
  0x08: 1,
  0x09: 8,
  0x0a: 0,
  0x11: 8,
  0x13: 16,
};

/** The audience find: what `find` takes, with the batch size each round trip returns. */
export interface AudienceQuery {
  filter: mongo.Document;
  projection: mongo.Document;
  sort: mongo.Document;
  /** Documents per round trip. */
  batchSize: number;
  /** Documents in the first reply (default `batchSize`): a smaller one arrives sooner. */
  firstBatchSize?: number;
}

/**
 * A find over the audience whose batches arrive as bytes: the `find` and `getMore` commands are run
 * with `raw: true`, so each reply is one buffer and its documents are read in place (AudienceBatch).
 * The driver's cursor with `raw: true` still parses every document of a batch and makes a buffer
 * view of each, which at 100,000 members a second was a tenth of the delivering process's CPU.
 * The next batch is requested as soon as the caller has started on one, so the database prepares
 * it while this one is sent. The commands share one session, as a cursor's commands must.
 */
export class AudienceCursor {
  private readonly session: mongo.ClientSession;
  private cursorId: Long | undefined;
  private pending: Promise<AudienceBatch | undefined> | undefined;
  private started = false;
  private closed = false;

  constructor(
    client: mongo.MongoClient,
    private readonly db: mongo.Db,
    private readonly collection: string,
    private readonly query: AudienceQuery,
  ) {
    this.session = client.startSession();
  }

  /**
   * Sends the first `find` now, without waiting for its answer, so the database works on it while
   * the caller does something else; `next` then returns it. A failure is reported by `next`.
   */
  prefetch(): void {
    if (this.started || this.closed) return;
    this.started = true;
    this.pending = this.first();
    this.pending.catch(() => undefined);
  }

  /** The next batch of documents, or undefined after the last. */
  async next(): Promise<AudienceBatch | undefined> {
    this.prefetch();
    const pending = this.pending;
    this.pending = undefined;
    if (!pending || this.closed) return undefined;
    const batch = await pending;
    const id = this.cursorId;
    if (id !== undefined && !this.closed) {
      // Requested once the caller has started on this batch (a macrotask later): the writes it
      // issues at once (a batch's record, which its multicast waits for) reach the database before
      // the read-ahead, and a single-threaded store then answers them first instead of after
      // preparing thousands of documents. A cursor closed meanwhile sends nothing more.
      this.pending = new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
        this.closed ? undefined : this.more(id),
      );
      // A read that fails while this batch is being sent is reported by the next call, not left unhandled.
      this.pending.catch(() => undefined);
    }
    return batch;
  }

  /** Lets a read still on its way land, then ends the cursor on the server (when it has more). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pending?.catch(() => undefined);
    const id = this.cursorId;
    this.cursorId = undefined;
    // A cursor left open (the database unreachable) times out on the server: a failure here must not
    // hide whatever stopped the delivery.
    if (id !== undefined)
      await this.db
        .command({ killCursors: this.collection, cursors: [id] }, { session: this.session })
        .catch(() => undefined);
    await this.session.endSession().catch(() => undefined);
  }

  private first(): Promise<AudienceBatch | undefined> {
    const { filter, projection, sort, batchSize, firstBatchSize } = this.query;
    return this.run({
      find: this.collection,
      filter,
      projection,
      sort,
      batchSize: firstBatchSize ?? batchSize,
    });
  }

  private more(id: Long): Promise<AudienceBatch | undefined> {
    return this.run({ getMore: id, collection: this.collection, batchSize: this.query.batchSize });
  }

  private async run(command: mongo.Document): Promise<AudienceBatch | undefined> {
    // raw: the reply's top-level `cursor` document comes back as its bytes.
    const reply = await this.db.command(command, { raw: true, session: this.session });
    const raw: unknown = reply.cursor;
    if (!(raw instanceof Uint8Array)) throw new Error("the cursor reply has no cursor document");
    const bytes = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    const { id, batch } = readCursorDocument(bytes);
    this.cursorId = id;
    return batch;
  }
}

/** `{id, ns, firstBatch | nextBatch}`: the cursor id (undefined once exhausted) and the batch. */
function readCursorDocument(bytes: Buffer): { id: Long | undefined; batch: AudienceBatch | undefined } {
  let id: Long | undefined;
  let batch: AudienceBatch | undefined;
  let at = 4;
  while (at < bytes.length - 1) {
    const type = bytes[at]!;
    const nameEnd = bytes.indexOf(0, at + 1);
    const name = bytes.toString("latin1", at + 1, nameEnd);
    const value = nameEnd + 1;
    let next: number;
    if (type === INT64) {
      if (name === "id") id = Long.fromBigInt(bytes.readBigInt64LE(value));
      next = value + 8;
    } else if (type === INT32) {
      if (name === "id") id = Long.fromInt(bytes.readInt32LE(value));
      next = value + 4;
    } else if (type === ARRAY || type === DOCUMENT || type === STRING) {
      // Arrays, documents and strings all start with their length (a string's excludes the length itself).
      const length = bytes.readInt32LE(value);
      next = value + (type === STRING ? 4 + length : length);
      if (type === ARRAY && (name === "firstBatch" || name === "nextBatch"))
        batch = new AudienceBatch(bytes, value, next);
    } else if (FIXED_SIZE[type] !== undefined) {
      next = value + FIXED_SIZE[type]; // fields a server may add (partialResultsReturned, …): skipped
    } else {
      throw new Error(`unexpected BSON type ${type} in a cursor reply`);
    }
    at = next;
  }
  return { id: id && !id.isZero() ? id : undefined, batch };
}
