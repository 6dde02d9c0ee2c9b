import { crc32 } from "node:zlib";
import { BSON } from "bson";
import type { Doc } from "./documents";

/*
 * The record framing shared by the journal and the snapshot, so every byte on disk is checksummed:
 *
 *   magic   4 bytes  "TLJ1"
 *   length  u32 LE   payload bytes
 *   crc     u32 LE   CRC-32 of the length field and the payload
 *   payload          one BSON document
 *
 * A crash can only cut the last write short, so a file ends either on a frame boundary or in the
 * middle of its last frame (a "torn tail"). Damage anywhere else shows as a frame that fails its
 * checksum with intact frames after it: that is reported separately so it is never mistaken for
 * a torn tail and silently dropped.
 */

const MAGIC = Buffer.from("TLJ1", "latin1");
/** Magic, length and checksum in front of every payload. */
export const FRAME_HEADER_BYTES = 12;
/** Larger than any record the store writes (a 16 MiB document plus its envelope); a bigger length is damage. */
const MAX_PAYLOAD_BYTES = 48 * 1024 * 1024;

/** One record as it goes to disk: checksummed, so a torn or damaged record is recognised on reading. */
export function encodeFrame(record: Doc): Buffer {
  const payload = BSON.serialize(record, { ignoreUndefined: true });
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  MAGIC.copy(frame, 0);
  frame.writeUInt32LE(payload.length, 4);
  frame.set(payload, FRAME_HEADER_BYTES);
  frame.writeUInt32LE(checksum(frame, 0, payload.length), 8);
  return frame;
}

/** True when `data` starts with a frame (as opposed to, say, a version 1 snapshot, which is bare BSON). */
export function startsWithFrame(data: Buffer): boolean {
  return data.length >= MAGIC.length && data.subarray(0, MAGIC.length).equals(MAGIC);
}

export interface Frame {
  record: Doc;
  /** Where the frame starts in the file. */
  offset: number;
  /** Where the next frame starts. */
  end: number;
}

/**
 * How a scan ended. `clean`: on a frame boundary at the end of the data. `torn`: the rest of the
 * data, from `validLength` on, is an incomplete or unreadable last write. `damaged`: a bad frame at
 * `validLength` is followed by intact frames, which a crash cannot produce.
 */
export interface ScanEnd {
  status: "clean" | "torn" | "damaged";
  validLength: number;
}

/** Reads the frames of one file in order; the generator's return value says how the data ended. */
export function* readFrames(data: Buffer): Generator<Frame, ScanEnd> {
  let offset = 0;
  while (offset < data.length) {
    const length = frameLengthAt(data, offset);
    if (length === undefined) {
      return { status: hasIntactFrameAfter(data, offset) ? "damaged" : "torn", validLength: offset };
    }
    const end = offset + FRAME_HEADER_BYTES + length;
    let record: Doc;
    try {
      record = BSON.deserialize(data.subarray(offset + FRAME_HEADER_BYTES, end)) as Doc;
    } catch {
      // A checksummed payload that is not BSON was written that way: damage, not a torn write.
      return { status: "damaged", validLength: offset };
    }
    yield { record, offset, end };
    offset = end;
  }
  return { status: "clean", validLength: offset };
}

/** The payload length of an intact frame at `offset`, or undefined if there is none there. */
function frameLengthAt(data: Buffer, offset: number): number | undefined {
  if (offset + FRAME_HEADER_BYTES > data.length) return undefined;
  if (!data.subarray(offset, offset + MAGIC.length).equals(MAGIC)) return undefined;
  const length = data.readUInt32LE(offset + 4);
  if (length > MAX_PAYLOAD_BYTES || offset + FRAME_HEADER_BYTES + length > data.length) return undefined;
  if (checksum(data, offset, length) !== data.readUInt32LE(offset + 8)) return undefined;
  return length;
}

/** Looks for any intact frame after a bad one, at every place the magic bytes occur. */
function hasIntactFrameAfter(data: Buffer, badOffset: number): boolean {
  for (let at = data.indexOf(MAGIC, badOffset + 1); at >= 0; at = data.indexOf(MAGIC, at + 1)) {
    if (frameLengthAt(data, at) !== undefined) return true;
  }
  return false;
}

function checksum(frame: Buffer, offset: number, payloadLength: number): number {
  const lengthField = frame.subarray(offset + 4, offset + 8);
  const payload = frame.subarray(offset + FRAME_HEADER_BYTES, offset + FRAME_HEADER_BYTES + payloadLength);
  return crc32(payload, crc32(lengthField));
}
