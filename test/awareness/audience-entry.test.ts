import { BSON } from "bson";
import { AudienceBatch, AudienceEntry, readAudienceEntry } from "../../src/awareness/audience-entry";

/** The bytes of a cursor batch (a BSON array of documents), as a reply carries it, inside a larger buffer. */
function batchOf(docs: BSON.Document[]): { bytes: Buffer; start: number; end: number } {
  const array = Buffer.from(BSON.serialize({ batch: docs }));
  // { batch: [...] }: 4 bytes length, type, "batch\0", then the array.
  const start = 4 + 1 + "batch".length + 1;
  const end = start + array.readInt32LE(start);
  const padded = Buffer.concat([Buffer.from("padding"), array, Buffer.from("after")]);
  return { bytes: padded, start: start + 7, end: end + 7 };
}

function read(doc: BSON.Document): AudienceEntry {
  const bytes = Buffer.from(BSON.serialize(doc));
  const entry = new AudienceEntry();
  readAudienceEntry(bytes, 0, bytes.length, entry);
  return entry;
}

const fields = (entry: AudienceEntry) => ({ id: entry.id, locale: entry.locale, userId: entry.userId });

describe("reading audience members from raw BSON", () => {
  test("when the document has the projected string fields, then they are read in any order", () => {
    const entry = read({ _id: "k3y_-x", userId: "b1.main.AAAAAAAAAAAAAAAAAAAAAA", locale: "th" });

    expect(fields(entry)).toEqual({ id: "k3y_-x", locale: "th", userId: "b1.main.AAAAAAAAAAAAAAAAAAAAAA" });
    expect(fields(read({ locale: "en", _id: "อื่น", userId: "v1.a.b.c.d" }))).toEqual({
      id: "อื่น",
      locale: "en",
      userId: "v1.a.b.c.d",
    });
    // The sealed id is left as a position in the bytes, for the cipher input.
    expect(entry.bytes.toString("utf8", entry.userIdStart, entry.userIdEnd)).toBe(
      "b1.main.AAAAAAAAAAAAAAAAAAAAAA",
    );
  });

  test("when the sealed user id is missing, then the entry has none", () => {
    const entry = read({ _id: "a", locale: "th" });

    expect(fields(entry)).toEqual({ id: "a", locale: "th", userId: undefined });
    expect(entry.userIdStart).toBe(-1);
  });

  test("when a field is not a string, then the document is decoded by the BSON library and non-strings are left out", () => {
    const entry = read({ _id: "a", userId: null, locale: 7 });

    expect(entry.decoded).toBeDefined();
    expect(fields(entry)).toEqual({ id: "a", locale: undefined, userId: undefined });
  });

  test("when a batch is read, then every document comes out in order, and only the batch's bytes are read", () => {
    const docs = Array.from({ length: 30 }, (_, i) => ({
      _id: `id${i}`,
      locale: i % 2 ? "en" : "th",
      userId: `u${i}`,
    }));
    const { bytes, start, end } = batchOf(docs);
    const batch = new AudienceBatch(bytes, start, end);
    const entry = new AudienceEntry();
    const seen: Array<ReturnType<typeof fields>> = [];

    while (batch.next(entry)) seen.push(fields(entry));

    expect(seen).toEqual(docs.map((doc) => ({ id: doc._id, locale: doc.locale, userId: doc.userId })));
    expect(batch.next(entry)).toBe(false);
  });

  test("when a batch is empty, then it yields nothing", () => {
    const { bytes, start, end } = batchOf([]);

    expect(new AudienceBatch(bytes, start, end).next(new AudienceEntry())).toBe(false);
  });
});
