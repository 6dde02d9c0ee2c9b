import { BSON } from "bson";
import type { Doc } from "./documents";

/** BSON element type of an embedded document. */
const EMBEDDED_DOCUMENT = 0x03;
/** The reply limit leaves room for a batch's envelope; an encoding buffer never grows past this. */
const MAX_BUFFER_BYTES = 48 * 1024 * 1024;
/** BSON.serialize's defaults as this store uses them everywhere (replies, journal). */
const SERIALIZE = { ignoreUndefined: true } as const;

/**
 * A cursor batch already encoded: the elements of a BSON array ("0", "1", … each an embedded
 * document), to be framed into the reply as its `firstBatch`/`nextBatch` (see `encodeReply`).
 * Each document is encoded once, as the batch is cut: cutting a batch at the reply size limit
 * used to compute every document's size and then serialize it again in the reply, and that was a
 * fifth of the store's CPU while a campaign streamed its audience.
 */
export class EncodedBatch {
  constructor(
    /** The array's elements, without the array's length prefix and terminating NUL. */
    readonly elements: Buffer,
    readonly count: number,
  ) {}

  /** The documents again (for in-process readers and tests). */
  documents(): Doc[] {
    if (this.count === 0) return [];
    const array = Buffer.allocUnsafe(this.elements.length + 5);
    array.writeInt32LE(array.length, 0);
    this.elements.copy(array, 4);
    array[array.length - 1] = 0;
    return Object.values(BSON.deserialize(array)) as Doc[];
  }
}

/**
 * Encodes documents one after another into one growing buffer as the elements of a batch, up to
 * `maxBytes` of documents (the first always goes in, as MongoDB sends one oversized document alone).
 */
export class BatchEncoder {
  private buffer: Buffer;
  private at = 0;
  private documentBytes = 0;
  count = 0;

  constructor(
    private readonly maxBytes: number,
    initialBytes = 16 * 1024,
  ) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  /** Adds `doc` as the next element; false (and nothing added) when it would pass `maxBytes`. */
  add(doc: Doc): boolean {
    const start = this.at;
    const key = String(this.count);
    // Type byte, the key (decimal digits: one byte each) and its NUL.
    const header = key.length + 2;
    for (;;) {
      if (start + header + 5 > this.buffer.length) this.grow(start + header + 5);
      const buffer = this.buffer;
      buffer[start] = EMBEDDED_DOCUMENT;
      buffer.write(key, start + 1, "latin1");
      buffer[start + header - 1] = 0;
      let last: number;
      try {
        last = BSON.serializeWithBufferAndIndex(doc, buffer, { ...SERIALIZE, index: start + header });
      } catch (error) {
        // The document did not fit in what is left of the buffer (TypedArray.set refuses): grow, encode
        // again. By name: under jest the store's RangeError may come from another realm.
        if ((error as Error)?.name !== "RangeError" || buffer.length >= MAX_BUFFER_BYTES) throw error;
        this.grow(buffer.length * 2);
        continue;
      }
      const size = last + 1 - (start + header);
      if (this.count > 0 && this.documentBytes + size > this.maxBytes) return false;
      this.documentBytes += size;
      this.at = last + 1;
      this.count++;
      return true;
    }
  }

  finish(): EncodedBatch {
    return new EncodedBatch(this.buffer.subarray(0, this.at), this.count);
  }

  private grow(atLeast: number): void {
    const grown = Buffer.allocUnsafe(Math.min(Math.max(atLeast, this.buffer.length * 2), MAX_BUFFER_BYTES));
    this.buffer.copy(grown, 0, 0, this.at);
    this.buffer = grown;
  }
}

/** Encodes `docs` as one batch, with no size limit (results already bounded elsewhere). */
export function encodeBatch(docs: Doc[]): EncodedBatch {
  const encoder = new BatchEncoder(Infinity);
  for (const doc of docs) encoder.add(doc);
  return encoder.finish();
}
