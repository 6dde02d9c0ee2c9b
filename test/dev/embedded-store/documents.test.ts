import { Binary, BSON, Decimal128, Long, ObjectId, Timestamp } from "bson";
import { sameBson } from "../../../src/dev/embedded-store/documents";

// `sameBson` decides MongoDB's "modified" (nModified, and whether a new version is stored at all)
// without encoding documents. Its only specification is the encoding itself: for every pair of
// values it must say "same" exactly when BSON.serialize gives the same bytes.

const bytesEqual = (a: unknown, b: unknown) =>
  Buffer.compare(BSON.serialize({ v: a }), BSON.serialize({ v: b })) === 0;

const shared = { deep: { list: [1, "two", { three: 3 }] } };
const id = new ObjectId();

/** Values that differ from each other in the ways a stored document's fields can. */
const values: unknown[] = [
  null,
  undefined,
  0,
  -0,
  1,
  1.5,
  2 ** 31, // beyond int32: encoded as a double
  2 ** 31 - 1,
  NaN,
  "",
  "a",
  "b",
  "\ud800", // lone surrogates both encode as U+FFFD
  "\udbff",
  true,
  false,
  new Date(0),
  new Date(0),
  new Date(1),
  new Date(NaN),
  [],
  [1],
  [1, 2],
  [null],
  [undefined],
  { a: 1 },
  { a: 1, b: 2 },
  { b: 2, a: 1 }, // same fields in another order: other bytes
  { a: undefined },
  { a: null },
  {},
  shared,
  { deep: { list: [1, "two", { three: 3 }] } },
  { deep: { list: [1, "two", { three: 4 }] } },
  id,
  new ObjectId(id.toHexString()),
  new ObjectId(),
  new Binary(Buffer.alloc(4, 0xff)),
  new Binary(Buffer.alloc(4, 0xff)),
  new Binary(Buffer.from([0xff, 0xff, 0xff, 0xfe])),
  new Binary(Buffer.alloc(4, 0xff), 4),
  Long.fromNumber(1),
  Long.fromNumber(2),
  Decimal128.fromString("1"),
  new Timestamp({ t: 1, i: 1 }),
  /a/i,
  /a/,
];

describe("sameBson", () => {
  test("when any two values are compared, then the answer is whether their BSON encodings are equal", () => {
    const disagreements: string[] = [];
    for (const [i, a] of values.entries()) {
      for (const [j, b] of values.entries()) {
        if (sameBson(a, b) !== bytesEqual(a, b)) disagreements.push(`values[${i}] vs values[${j}]`);
      }
    }
    expect(disagreements).toEqual([]);
  });

  test("when the values are nested in documents and arrays, then the answer still follows the encoding", () => {
    const disagreements: string[] = [];
    for (const [i, a] of values.entries()) {
      for (const [j, b] of values.entries()) {
        const left = { _id: 1, nested: { value: a }, list: [a, 0] };
        const right = { _id: 1, nested: { value: b }, list: [b, 0] };
        if (sameBson(left, right) !== bytesEqual(left, right)) {
          disagreements.push(`values[${i}] vs values[${j}]`);
        }
      }
    }
    expect(disagreements).toEqual([]);
  });

  test("when a document gains or loses a field, then it is not the same, unless the field holds undefined (not encoded)", () => {
    expect(sameBson({ a: 1 }, { a: 1, b: null })).toBe(false);
    expect(sameBson({ a: 1, b: 2 }, { a: 1 })).toBe(false);
    expect(sameBson({ a: 1 }, { a: 1, b: undefined })).toBe(true);
  });
});
