import { BSON } from "bson";
import { EncodedBatch } from "./batches";
import type { Doc } from "./documents";
import { MalformedMessageError } from "./errors";

/** Opcodes of the MongoDB wire protocol this store speaks (no OP_COMPRESSED: compression is never advertised). */
export const OpCode = { Reply: 1, Query: 2004, Msg: 2013 } as const;

const HEADER_BYTES = 16;
/** Matches `maxMessageSizeBytes` in hello; anything larger is a broken or hostile frame. */
export const MAX_MESSAGE_BYTES = 48_000_000;

const MSG_FLAG_CHECKSUM_PRESENT = 1 << 0;
const MSG_FLAG_MORE_TO_COME = 1 << 1;

/** A command as it arrived, in either framing. */
export interface Request {
  requestId: number;
  opCode: number;
  /** The command document; OP_MSG kind-1 document sequences are merged in as array fields. */
  command: Doc;
  /** The database: `$db` for OP_MSG, the namespace prefix of `<db>.$cmd` for OP_QUERY. */
  db: string | undefined;
  /** OP_MSG `moreToCome`: the client does not read a reply (e.g. `endSessions`). */
  expectsReply: boolean;
  /** Set for well-formed requests this store refuses (OP_QUERY outside `$cmd`): answered with an error. */
  unsupported?: string;
}

/** Reads the declared length of the frame at the start of `buffer`, validating it. */
export function frameLength(buffer: Buffer): number {
  const length = buffer.readInt32LE(0);
  if (length < HEADER_BYTES || length > MAX_MESSAGE_BYTES) {
    throw new MalformedMessageError(`invalid message length ${length}`);
  }
  return length;
}

/** Decodes one complete frame. Throws MalformedMessageError for anything it cannot make sense of. */
export function decodeRequest(frame: Buffer): Request {
  const requestId = frame.readInt32LE(4);
  const opCode = frame.readInt32LE(12);
  if (opCode === OpCode.Msg) return decodeMsg(frame, requestId);
  if (opCode === OpCode.Query) return decodeQuery(frame, requestId);
  throw new MalformedMessageError(`unsupported opCode ${opCode}`);
}

function decodeMsg(frame: Buffer, requestId: number): Request {
  const flags = readUint32(frame, HEADER_BYTES);
  // The CRC-32C trailer is tolerated but not verified: loopback TCP already checksums.
  const end = frame.length - (flags & MSG_FLAG_CHECKSUM_PRESENT ? 4 : 0);
  let offset = HEADER_BYTES + 4;
  let body: Doc | undefined;
  const sequences: Array<[string, Doc[]]> = [];
  while (offset < end) {
    const kind = frame[offset];
    offset += 1;
    if (kind === 0) {
      if (body) throw new MalformedMessageError("OP_MSG with more than one body section");
      const size = documentSize(frame, offset, end);
      body = decodeDocument(frame, offset, size);
      offset += size;
    } else if (kind === 1) {
      const sectionEnd = offset + readInt32(frame, offset, end);
      if (sectionEnd > end || sectionEnd < offset + 5)
        throw new MalformedMessageError("bad document sequence size");
      const nameEnd = frame.indexOf(0, offset + 4);
      if (nameEnd < 0 || nameEnd >= sectionEnd)
        throw new MalformedMessageError("unterminated sequence identifier");
      const identifier = frame.toString("utf8", offset + 4, nameEnd);
      if (identifier === "__proto__") throw new MalformedMessageError("invalid sequence identifier");
      const docs: Doc[] = [];
      let cursor = nameEnd + 1;
      while (cursor < sectionEnd) {
        const size = documentSize(frame, cursor, sectionEnd);
        docs.push(decodeDocument(frame, cursor, size));
        cursor += size;
      }
      sequences.push([identifier, docs]);
      offset = sectionEnd;
    } else {
      throw new MalformedMessageError(`unknown OP_MSG section kind ${String(kind)}`);
    }
  }
  if (!body) throw new MalformedMessageError("OP_MSG without a body section");
  for (const [identifier, docs] of sequences) body[identifier] = docs;
  const db = typeof body.$db === "string" ? body.$db : undefined;
  return {
    requestId,
    opCode: OpCode.Msg,
    command: body,
    db,
    expectsReply: (flags & MSG_FLAG_MORE_TO_COME) === 0,
  };
}

/** Legacy OP_QUERY: only commands on `<db>.$cmd`, which is how drivers open the handshake. */
function decodeQuery(frame: Buffer, requestId: number): Request {
  const nameStart = HEADER_BYTES + 4;
  const nameEnd = frame.indexOf(0, nameStart);
  if (nameEnd < 0) throw new MalformedMessageError("unterminated collection name");
  const namespace = frame.toString("utf8", nameStart, nameEnd);
  const queryStart = nameEnd + 1 + 8; // numberToSkip, numberToReturn
  const size = documentSize(frame, queryStart, frame.length);
  let command = decodeDocument(frame, queryStart, size);
  // Drivers wrap commands that carry a read preference: { $query: {...}, $readPreference }.
  if (command.$query && typeof command.$query === "object") command = command.$query as Doc;
  const dot = namespace.indexOf(".");
  const isCommand = dot > 0 && namespace.slice(dot + 1) === "$cmd";
  return {
    requestId,
    opCode: OpCode.Query,
    command,
    db: dot > 0 ? namespace.slice(0, dot) : undefined,
    expectsReply: true,
    unsupported: isCommand
      ? undefined
      : "Unsupported OP_QUERY command: only commands on <db>.$cmd are accepted",
  };
}

let lastResponseId = 0;

/** Frames `reply` in the encoding the request used: OP_MSG, or OP_REPLY for legacy OP_QUERY. */
export function encodeReply(request: Request, reply: Doc): Buffer {
  const isLegacy = request.opCode === OpCode.Query;
  const prefix = isLegacy ? 20 : 5; // OP_REPLY: flags, cursorId, startingFrom, numberReturned; OP_MSG: flags, kind
  const parts = replyParts(reply);
  const bodyLength = parts.reduce((total, part) => total + part.length, 0);
  const frame = Buffer.alloc(HEADER_BYTES + prefix + bodyLength);
  frame.writeInt32LE(frame.length, 0);
  frame.writeInt32LE((lastResponseId = (lastResponseId + 1) | 0), 4);
  frame.writeInt32LE(request.requestId, 8);
  frame.writeInt32LE(isLegacy ? OpCode.Reply : OpCode.Msg, 12);
  if (isLegacy) {
    frame.writeInt32LE(1, HEADER_BYTES + 16); // numberReturned; flags, cursorId and startingFrom stay 0
  }
  // For OP_MSG, flagBits (0) and section kind (0) are already zero.
  let at = HEADER_BYTES + prefix;
  for (const part of parts) {
    frame.set(part, at);
    at += part.length;
  }
  return frame;
}

const BATCH_FIELDS = ["firstBatch", "nextBatch"] as const;

/**
 * The reply's BSON in pieces to be copied one after another. A cursor reply whose batch is already
 * encoded (`EncodedBatch`) is framed around the batch's bytes: the reply document, its `cursor`
 * document and the batch array get their lengths and elements written here, and the other fields
 * are BSON's. Anything else is one `BSON.serialize`.
 */
function replyParts(reply: Doc): Uint8Array[] {
  const cursor = reply.cursor as Doc | undefined;
  const field = cursor && BATCH_FIELDS.find((name) => cursor[name] instanceof EncodedBatch);
  if (!cursor || !field) return [BSON.serialize(reply, { ignoreUndefined: true })];
  const batch = cursor[field] as EncodedBatch;
  const { [field]: _batch, ...cursorRest } = cursor;
  const { cursor: _cursor, ...replyRest } = reply;
  const cursorFields = elementsOf(BSON.serialize(cursorRest, { ignoreUndefined: true }));
  const replyFields = elementsOf(BSON.serialize(replyRest, { ignoreUndefined: true }));
  const batchHead = elementHead(0x04, field, 4 + batch.elements.length + 1);
  const cursorHead = elementHead(
    0x03,
    "cursor",
    4 + batchHead.length + batch.elements.length + 1 + cursorFields.length + 1,
  );
  const replyLength =
    4 +
    cursorHead.length +
    batchHead.length +
    batch.elements.length +
    1 +
    cursorFields.length +
    1 +
    replyFields.length +
    1;
  const replyHead = Buffer.allocUnsafe(4);
  replyHead.writeInt32LE(replyLength, 0);
  return [replyHead, cursorHead, batchHead, batch.elements, NUL, cursorFields, NUL, replyFields, NUL];
}

const NUL = Uint8Array.of(0);

/** An element's type, name and the length prefix of its (document) value, which follows. */
function elementHead(type: number, name: string, valueLength: number): Buffer {
  const head = Buffer.allocUnsafe(1 + name.length + 1 + 4);
  head[0] = type;
  head.write(name, 1, "latin1");
  head[1 + name.length] = 0;
  head.writeInt32LE(valueLength, 2 + name.length);
  return head;
}

/** A serialized document's elements: without its length prefix and terminating NUL. */
function elementsOf(document: Uint8Array): Uint8Array {
  return document.subarray(4, document.length - 1);
}

function readUint32(frame: Buffer, offset: number): number {
  if (offset + 4 > frame.length) throw new MalformedMessageError("truncated message");
  return frame.readUInt32LE(offset);
}

function readInt32(frame: Buffer, offset: number, end: number): number {
  if (offset + 4 > end) throw new MalformedMessageError("truncated message");
  return frame.readInt32LE(offset);
}

function documentSize(frame: Buffer, offset: number, end: number): number {
  const size = readInt32(frame, offset, end);
  if (size < 5 || offset + size > end) throw new MalformedMessageError("document size out of bounds");
  return size;
}

function decodeDocument(frame: Buffer, offset: number, size: number): Doc {
  try {
    return BSON.deserialize(frame.subarray(offset, offset + size)) as Doc; // BSON boundary: shape checked by handlers
  } catch (error) {
    throw new MalformedMessageError(`invalid BSON: ${(error as Error).message}`);
  }
}
