import { BSON } from "bson";

const STRING = 0x02;
const DOCUMENT = 0x03;

/**
 * One audience member as the delivery reads it from a raw cursor batch: where its `_id`, language
 * and sealed user id lie in the batch's bytes (-1: absent). At LINE's rate the delivery reads
 * 100,000 members a second; a decoded object, or even a string per field, per member was most of
 * the delivering process's CPU, so the fields stay positions in the bytes until something needs
 * them (the sealed id is deciphered straight from them, the `_id` is read once per batch of 500).
 * One instance is reused for every member.
 */
export class AudienceEntry {
  bytes: Buffer = Buffer.alloc(0);
  idStart = -1;
  idEnd = -1;
  localeStart = -1;
  localeEnd = -1;
  userIdStart = -1;
  userIdEnd = -1;
  /** The document as an object: only when a field is not a string (not what the subscriber schema writes). */
  decoded: { id: string; locale?: string; userId?: string } | undefined;

  get id(): string {
    return this.decoded ? this.decoded.id : this.bytes.toString("utf8", this.idStart, this.idEnd);
  }

  get locale(): string | undefined {
    if (this.decoded) return this.decoded.locale;
    return this.localeStart < 0 ? undefined : this.bytes.toString("utf8", this.localeStart, this.localeEnd);
  }

  get userId(): string | undefined {
    if (this.decoded) return this.decoded.userId;
    return this.userIdStart < 0 ? undefined : this.bytes.toString("utf8", this.userIdStart, this.userIdEnd);
  }
}

/**
 * The documents of one cursor batch (the bytes of its `firstBatch` or `nextBatch` array), read one
 * after another into an AudienceEntry.
 */
export class AudienceBatch {
  private at: number;

  /** `start`..`end`: the BSON array's bytes within `bytes`. */
  constructor(
    readonly bytes: Buffer,
    start: number,
    private readonly end: number,
  ) {
    this.at = start + 4; // after the array's length
  }

  /** Reads the next member into `entry`; false after the last. */
  next(entry: AudienceEntry): boolean {
    const { bytes } = this;
    if (this.at >= this.end - 1) return false;
    if (bytes[this.at] !== DOCUMENT) throw new Error("audience batch: an element is not a document");
    const start = cstringEnd(bytes, this.at + 1) + 1; // after the element's name (its index)
    const length = bytes.readInt32LE(start);
    this.at = start + length;
    readAudienceEntry(bytes, start, start + length, entry);
    return true;
  }
}

/**
 * Reads a document of the projection `{_id, locale, userId}` at `start`..`end` into `entry`. A
 * field of any other type than string is read by the BSON library instead, as a decoded object.
 */
export function readAudienceEntry(bytes: Buffer, start: number, end: number, entry: AudienceEntry): void {
  entry.bytes = bytes;
  entry.decoded = undefined;
  entry.idStart =
    entry.idEnd =
    entry.localeStart =
    entry.localeEnd =
    entry.userIdStart =
    entry.userIdEnd =
      -1;
  let at = start + 4; // after the document's length
  while (at < end - 1) {
    const type = bytes[at]!;
    const nameStart = at + 1;
    const nameEnd = cstringEnd(bytes, nameStart);
    if (type !== STRING) {
      entry.decoded = decoded(bytes.subarray(start, end));
      return;
    }
    const length = bytes.readInt32LE(nameEnd + 1); // includes the trailing NUL
    const valueStart = nameEnd + 5;
    const valueEnd = valueStart + length - 1;
    const nameLength = nameEnd - nameStart;
    const first = bytes[nameStart];
    if (nameLength === 3 && first === 0x5f /* _id */) {
      entry.idStart = valueStart;
      entry.idEnd = valueEnd;
    } else if (nameLength === 6 && first === 0x6c /* locale */) {
      entry.localeStart = valueStart;
      entry.localeEnd = valueEnd;
    } else if (nameLength === 6 && first === 0x75 /* userId */) {
      entry.userIdStart = valueStart;
      entry.userIdEnd = valueEnd;
    }
    at = valueEnd + 1;
  }
}

/** The position of the NUL ending a C string (element names here are a few bytes: a loop beats a native call). */
function cstringEnd(bytes: Buffer, at: number): number {
  let end = at;
  while (bytes[end] !== 0) {
    if (end >= bytes.length) throw new Error("audience batch: unterminated name");
    end++;
  }
  return end;
}

function decoded(bytes: Buffer): { id: string; locale?: string; userId?: string } {
  const doc = BSON.deserialize(bytes);
  const text = (value: unknown) => (typeof value === "string" ? value : undefined);
  return { id: String(doc._id), locale: text(doc.locale), userId: text(doc.userId) };
}
