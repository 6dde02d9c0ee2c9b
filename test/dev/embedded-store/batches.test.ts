import { Binary, BSON, Decimal128, Long, ObjectId, Timestamp } from "bson";
import { BatchEncoder, encodeBatch } from "../../../src/dev/embedded-store/batches";
import { encodeReply, OpCode, type Request } from "../../../src/dev/embedded-store/wire";

// A batch is encoded once, as it is cut, and framed into the reply as bytes. Its only
// specification is BSON itself: the bytes must be exactly what BSON.serialize gives for the same
// documents in an array, and a reply built around them must be the reply BSON would have encoded.

const docs = [
  { _id: "U1", locale: "th", userId: "sealed-1" },
  { _id: new ObjectId(), n: 1, big: 2 ** 40, half: 0.5, flag: true, none: null, skipped: undefined },
  { _id: 3, when: new Date(0), long: Long.fromNumber(7), stamp: new Timestamp({ t: 1, i: 2 }) },
  { _id: 4, nested: { list: [1, "two", { three: 3 }, [undefined]] }, bin: new Binary(Buffer.from("x")) },
  { _id: 5, dec: Decimal128.fromString("1.5"), text: "ไทย", empty: {}, ชื่อ: "x", "": 0 },
  {
    _id: 6,
    numbers: [0, -0, 1.5, 2 ** 31, 2 ** 31 - 1, -(2 ** 31), -(2 ** 31) - 1, 2 ** 53, NaN, Infinity],
    texts: ["", "\ud800", "a\u0000b", "😀"],
    dates: [new Date(NaN), new Date(-1), new Date(8.64e15)],
    // eslint-disable-next-line no-sparse-arrays
    holes: [1, , 3],
    bare: Object.assign(Object.create(null), { a: 1 }),
    map: new Map([["k", 1]]),
    bytes: Buffer.from([1, 2, 3]),
    pattern: /a+/i,
    ids: [new ObjectId(), Long.fromNumber(-5)],
    deep: { a: { b: { c: [{ d: [[true, false, null]] }] } } },
  },
];

/** The bytes BSON gives for these documents as one array field's elements. */
function arrayElements(list: object[]): Buffer {
  const doc = BSON.serialize({ a: list });
  // { a: [...] }: length, type, "a", NUL, then the array document.
  const array = doc.subarray(7, doc.length - 1);
  return Buffer.from(array.subarray(4, array.length - 1));
}

const msg: Request = { requestId: 7, opCode: OpCode.Msg, command: {}, db: "x", expectsReply: true };

describe("BatchEncoder", () => {
  test("when documents of every kind are encoded, then the bytes are BSON's for the same array", () => {
    const batch = encodeBatch(docs);

    expect(batch.count).toBe(docs.length);
    expect(Buffer.compare(batch.elements, arrayElements(docs))).toBe(0);
    expect(batch.documents()).toEqual(BSON.deserialize(BSON.serialize({ a: docs })).a);
  });

  test("when fields are picked, then the bytes are BSON's for the documents with only those fields", () => {
    const keep = new Set(["_id", "locale", "n", "when"]);
    const encoder = new BatchEncoder(Infinity);
    for (const doc of docs) encoder.add(doc, (field) => keep.has(field));
    const picked = docs.map((doc) =>
      Object.fromEntries(Object.entries(doc).filter(([field]) => keep.has(field))),
    );

    expect(Buffer.compare(encoder.finish().elements, arrayElements(picked))).toBe(0);
  });

  test("when a document is larger than the buffer so far, then the buffer grows and the bytes stay BSON's", () => {
    const large = Array.from({ length: 5 }, (_, i) => ({ _id: i, text: "x".repeat(40_000 + i) }));
    const encoder = new BatchEncoder(Infinity, 16);
    for (const doc of large) expect(encoder.add(doc)).toBe(true);

    expect(Buffer.compare(encoder.finish().elements, arrayElements(large))).toBe(0);
  });

  test("when the next document would pass the byte limit, then it is refused and the batch is unchanged", () => {
    const sizes = docs.map((doc) => BSON.calculateObjectSize(doc));
    const encoder = new BatchEncoder(sizes[0]! + sizes[1]!);

    expect(encoder.add(docs[0]!)).toBe(true);
    expect(encoder.add(docs[1]!)).toBe(true);
    expect(encoder.add(docs[2]!)).toBe(false);
    expect(encoder.count).toBe(2);
    expect(Buffer.compare(encoder.finish().elements, arrayElements(docs.slice(0, 2)))).toBe(0);
  });

  test("when the first document alone is over the limit, then it still goes in (MongoDB sends it alone)", () => {
    const encoder = new BatchEncoder(1);

    expect(encoder.add(docs[0]!)).toBe(true);
    expect(encoder.add(docs[1]!)).toBe(false);
    expect(encoder.finish().count).toBe(1);
  });

  test("when a document has a key with a NUL byte, then it fails as BSON fails", () => {
    expect(() => encodeBatch([{ "a\0b": 1 }])).toThrow(/null bytes/);
  });
});

describe("encodeReply with an encoded batch", () => {
  const id = Long.fromNumber(42);

  test.each(["firstBatch", "nextBatch"])(
    "when a cursor reply carries an encoded %s, then its frame is the one BSON gives for the plain reply",
    (field) => {
      const framed = encodeReply(msg, {
        cursor: { [field]: encodeBatch(docs), id, ns: "db.c" },
        ok: 1,
        $clusterTime: { clusterTime: new Timestamp({ t: 5, i: 1 }) },
      });
      const plain = encodeReply(msg, {
        cursor: { [field]: docs, id, ns: "db.c" },
        ok: 1,
        $clusterTime: { clusterTime: new Timestamp({ t: 5, i: 1 }) },
      });

      // Same bytes except the response id (offset 4), which counts replies.
      expect(framed.length).toBe(plain.length);
      expect(Buffer.compare(framed.subarray(8), plain.subarray(8))).toBe(0);
      expect(framed.readInt32LE(0)).toBe(framed.length);
    },
  );

  test("when the encoded batch is empty, then the reply carries an empty array", () => {
    const framed = encodeReply(msg, {
      cursor: { firstBatch: encodeBatch([]), id: Long.ZERO, ns: "db.c" },
      ok: 1,
    });

    const reply = BSON.deserialize(framed.subarray(21));
    expect(reply).toEqual({ cursor: { firstBatch: [], id: 0, ns: "db.c" }, ok: 1 });
  });

  test("when a legacy OP_QUERY is answered with an encoded batch, then the OP_REPLY carries the same document", () => {
    const legacy: Request = { ...msg, opCode: OpCode.Query };
    const framed = encodeReply(legacy, {
      cursor: { firstBatch: encodeBatch(docs.slice(0, 1)), id, ns: "a.b" },
      ok: 1,
    });

    expect(framed.readInt32LE(12)).toBe(OpCode.Reply);
    expect(BSON.deserialize(framed.subarray(36))).toEqual({
      cursor: { firstBatch: [docs[0]], id: 42, ns: "a.b" },
      ok: 1,
    });
  });
});
