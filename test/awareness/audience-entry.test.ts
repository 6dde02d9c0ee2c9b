import { BSON } from "bson";
import { readAudienceEntry } from "../../src/awareness/audience-entry";

describe("reading an audience member from raw BSON", () => {
  test("when the document has the projected string fields, then they are read in any order", () => {
    const raw = BSON.serialize({ _id: "k3y_-x", userId: "b1.main.AAAAAAAAAAAAAAAAAAAAAA", locale: "th" });
    const reordered = BSON.serialize({ locale: "en", _id: "อื่น", userId: "v1.a.b.c.d" });

    expect(readAudienceEntry(raw)).toEqual({
      id: "k3y_-x",
      locale: "th",
      userId: "b1.main.AAAAAAAAAAAAAAAAAAAAAA",
    });
    expect(readAudienceEntry(reordered)).toEqual({ id: "อื่น", locale: "en", userId: "v1.a.b.c.d" });
  });

  test("when the sealed user id is missing, then the entry has none", () => {
    expect(readAudienceEntry(BSON.serialize({ _id: "a", locale: "th" }))).toEqual({
      id: "a",
      locale: "th",
      userId: undefined,
    });
  });

  test("when a field is not a string, then the document is decoded by the BSON library and non-strings are left out", () => {
    const raw = BSON.serialize({ _id: "a", userId: null, locale: 7 });

    expect(readAudienceEntry(raw)).toEqual({ id: "a", locale: undefined, userId: undefined });
  });

  test("when the bytes are a view into a larger buffer, then only the view is read", () => {
    const doc = BSON.serialize({ _id: "b", userId: "x", locale: "en" });
    const larger = new Uint8Array(doc.length + 8);
    larger.set(doc, 4);

    expect(readAudienceEntry(larger.subarray(4, 4 + doc.length))).toEqual({
      id: "b",
      locale: "en",
      userId: "x",
    });
  });
});
