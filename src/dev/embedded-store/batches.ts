import { BSON, BSONError, Long } from "bson";
import type { Doc } from "./documents";

/** BSON element type of an embedded document. */
const EMBEDDED_DOCUMENT = 0x03;
/** BSON.serialize's defaults as this store uses them everywhere (replies, journal). */
const SERIALIZE = { ignoreUndefined: true } as const;

/**
 * A cursor batch already encoded: the elements of a BSON array ("0", "1", … each an embedded
 * document), to be framed into the reply as its `firstBatch`/`nextBatch` (see `encodeReply`).
 * Each document is encoded once, as the batch is cut: cutting a batch at the reply size limit
 * used to compute every document's size and then serialize it again in the reply, and that was a
 * third of the store's busy time while a campaign streamed its audience.
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
 * Encoding buffers of finished batches, for the next ones. A fresh buffer per batch, grown by
 * doubling, was half a megabyte of short-lived memory per 2,000 streamed documents, and that memory
 * pressure brought full collections of the store's whole heap. Two encoders can be open at once
 * (a batch may pause between documents), so this is a small pool, not one buffer.
 */
const spare: Buffer[] = [];
const MAX_SPARE = 4;
const MAX_SPARE_BYTES = 4 * 1024 * 1024;

/** Which top-level fields of a document go into the batch (a simple projection); all when absent. */
export type FieldFilter = (field: string) => boolean;

/**
 * Encodes documents one after another into one growing buffer as the elements of a batch, up to
 * `maxBytes` of documents (the first always goes in, as MongoDB sends one oversized document alone).
 *
 * The common values (strings, numbers, booleans, null, dates, plain documents and arrays) are
 * written here, byte for byte as `BSON.serialize` writes them (test/dev/embedded-store/batches.test.ts
 * compares the two); any other value (ObjectId, Long, Binary, …) is one `BSON.serialize` of that
 * element. Writing directly costs about half of what BSON's general serializer does per document
 * and lets a simple projection pick fields while encoding, without building a projected copy.
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
    this.buffer = spare.pop() ?? Buffer.allocUnsafe(initialBytes);
  }

  /** Adds `doc` (its `fields` only, when given) as the next element; false (nothing added) past `maxBytes`. */
  add(doc: Doc, fields?: FieldFilter): boolean {
    const start = this.at;
    const key = String(this.count);
    this.reserve(key.length + 2);
    this.buffer[this.at++] = EMBEDDED_DOCUMENT;
    this.at += this.buffer.write(key, this.at, "latin1");
    this.buffer[this.at++] = 0;
    const documentStart = this.at;
    this.writeDocument(doc, fields);
    const size = this.at - documentStart;
    if (this.count > 0 && this.documentBytes + size > this.maxBytes) {
      this.at = start;
      return false;
    }
    this.documentBytes += size;
    this.count++;
    return true;
  }

  /** The batch, copied out; the encoding buffer goes back for the next batch. Add nothing after this. */
  finish(): EncodedBatch {
    const elements = Buffer.allocUnsafe(this.at);
    this.buffer.copy(elements, 0, 0, this.at);
    if (spare.length < MAX_SPARE && this.buffer.length <= MAX_SPARE_BYTES) spare.push(this.buffer);
    this.buffer = Buffer.alloc(0);
    return new EncodedBatch(elements, this.count);
  }

  private writeDocument(doc: Doc, fields?: FieldFilter): void {
    if (typeof doc.toBSON === "function") {
      this.writeBytes(BSON.serialize(fields ? pick(doc, fields) : doc, SERIALIZE));
      return;
    }
    const start = this.at;
    this.reserve(5);
    this.at += 4;
    for (const name of Object.keys(doc)) {
      if (fields && !fields(name)) continue;
      const value = doc[name];
      if (value !== undefined) this.writeElement(name, value);
    }
    this.finishObject(start);
  }

  private writeArray(array: unknown[]): void {
    const start = this.at;
    this.reserve(5);
    this.at += 4;
    for (let i = 0; i < array.length; i++) {
      const value = array[i];
      // In an array BSON keeps the position: undefined is written as null.
      this.writeElement(String(i), value === undefined ? null : value);
    }
    this.finishObject(start);
  }

  private finishObject(start: number): void {
    this.reserve(1);
    this.buffer[this.at++] = 0;
    this.buffer.writeInt32LE(this.at - start, start);
  }

  /** One element; `value` is never undefined here (callers skip it or make it null, as BSON does). */
  private writeElement(name: string, value: unknown): void {
    switch (typeof value) {
      case "string": {
        this.head(0x02, name, 5 + value.length * 3);
        const buffer = this.buffer;
        const lengthAt = this.at;
        const start = lengthAt + 4;
        const written = value.length <= SHORT ? writeAscii(buffer, value, start) : -1;
        this.at = start + (written >= 0 ? written : buffer.write(value, start, "utf8"));
        buffer[this.at++] = 0;
        buffer.writeInt32LE(this.at - start, lengthAt);
        return;
      }
      case "number": {
        const int32 =
          Number.isSafeInteger(value) && value <= INT32_MAX && value >= INT32_MIN && !Object.is(value, -0);
        this.head(int32 ? 0x10 : 0x01, name, 8);
        if (int32) this.at = this.buffer.writeInt32LE(value, this.at);
        else this.at = this.buffer.writeDoubleLE(value, this.at);
        return;
      }
      case "boolean":
        this.head(0x08, name, 1);
        this.buffer[this.at++] = value ? 1 : 0;
        return;
      case "object":
        if (value === null) {
          this.head(0x0a, name, 0);
          return;
        }
        if (Array.isArray(value)) {
          this.head(0x04, name, 5);
          this.writeArray(value);
          return;
        }
        if (isPlainDocument(value)) {
          this.head(0x03, name, 5);
          this.writeDocument(value as Doc);
          return;
        }
        if (value instanceof Date) {
          const millis = Long.fromNumber(value.getTime());
          this.head(0x09, name, 8);
          this.at = this.buffer.writeInt32LE(millis.getLowBits(), this.at);
          this.at = this.buffer.writeInt32LE(millis.getHighBits(), this.at);
          return;
        }
    }
    // Everything else (BSON value classes, binary, regular expressions, …) is BSON's to encode.
    const encoded = BSON.serialize({ [name]: value }, SERIALIZE);
    this.writeBytes(encoded.subarray(4, encoded.length - 1));
  }

  /** Type byte and name, with room for `valueBytes` after them. */
  private head(type: number, name: string, valueBytes: number): void {
    const nameBytes = keyBytes(name);
    this.reserve(1 + nameBytes.length + valueBytes);
    const buffer = this.buffer;
    let at = this.at;
    buffer[at++] = type;
    // Names are short: a loop beats Buffer#copy's call overhead.
    for (let i = 0; i < nameBytes.length; i++) buffer[at++] = nameBytes[i] as number;
    this.at = at;
  }

  private writeBytes(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.at);
    this.at += bytes.length;
  }

  private reserve(bytes: number): void {
    if (this.at + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.at + bytes, this.buffer.length * 2));
    this.buffer.copy(grown, 0, 0, this.at);
    this.buffer = grown;
  }
}

/** Strings up to this length are tried as ASCII first: a loop is cheaper than Buffer#write's call. */
const SHORT = 128;

/** Writes `text` as bytes if it is all ASCII, returning how many; -1 (part written, ignored) if not. */
function writeAscii(buffer: Buffer, text: string, at: number): number {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x80) return -1;
    buffer[at + i] = code;
  }
  return text.length;
}

const INT32_MAX = 0x7fffffff;
const INT32_MIN = -0x80000000;

/** Documents as BSON writes them field by field: plain objects without a `toBSON` of their own. */
function isPlainDocument(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return (
    (prototype === Object.prototype || prototype === null) &&
    typeof (value as { toBSON?: unknown }).toBSON !== "function"
  );
}

function pick(doc: Doc, fields: FieldFilter): Doc {
  const out: Doc = {};
  for (const name of Object.keys(doc)) if (fields(name)) out[name] = doc[name];
  return out;
}

/**
 * Field names as UTF-8 with their terminating NUL, checked once: a document's fields repeat in
 * every document of a collection. Names come from clients, so the cache is bounded.
 */
const names = new Map<string, Buffer>();
const MAX_CACHED_NAMES = 4096;

function keyBytes(name: string): Buffer {
  let bytes = names.get(name);
  if (bytes) return bytes;
  if (name.includes("\0")) throw new BSONError(`key ${name} must not contain null bytes`);
  bytes = Buffer.from(`${name}\0`, "utf8");
  if (names.size >= MAX_CACHED_NAMES) names.clear();
  names.set(name, bytes);
  return bytes;
}

/** Encodes `docs` as one batch, with no size limit (results already bounded elsewhere). */
export function encodeBatch(docs: Doc[]): EncodedBatch {
  const encoder = new BatchEncoder(Infinity);
  for (const doc of docs) encoder.add(doc);
  return encoder.finish();
}
