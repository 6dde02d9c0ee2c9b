import { createSealer, DecryptionError } from "../../src/crypto/sealer";
import { createPseudonymizer } from "../../src/crypto/pseudonym";

const oldKey = { id: "old", key: Buffer.alloc(32, 1) };
const newKey = { id: "new", key: Buffer.alloc(32, 2) };

describe("sealer", () => {
  test("when a value is sealed, then it opens to the same text and does not contain it", () => {
    const sealer = createSealer([newKey], "new");
    const sealed = sealer.seal("เงินทอนวัด 500,000 บาท", "tips.details");
    expect(sealed).not.toContain("500,000");
    expect(sealer.openText(sealed, "tips.details")).toBe("เงินทอนวัด 500,000 บาท");
  });

  test("when the key rotates, then values sealed with the old key still open", () => {
    const before = createSealer([oldKey], "old").seal("x");
    const after = createSealer([oldKey, newKey], "new");
    expect(after.openText(before)).toBe("x");
    expect(after.seal("y").split(".")[1]).toBe("new");
  });

  test("when a sealed value is moved to another field, then it does not open", () => {
    const sealer = createSealer([newKey], "new");
    expect(() => sealer.open(sealer.seal("x", "a"), "b")).toThrow(DecryptionError);
  });

  test("when a sealed value is tampered with, then it does not open", () => {
    const sealer = createSealer([newKey], "new");
    const parts = sealer.seal("hello").split(".");
    parts[4] = Buffer.from("jello").toString("base64url");
    expect(() => sealer.open(parts.join("."))).toThrow(DecryptionError);
  });

  test("when the same value is sealed twice, then the ciphertexts differ", () => {
    const sealer = createSealer([newKey], "new");
    expect(sealer.seal("same")).not.toBe(sealer.seal("same"));
  });

  test("when a thousand values are sealed, then every IV is 96 bits and none repeats, across refills of the IV pool", () => {
    const sealer = createSealer([newKey], "new");
    const sealed = Array.from({ length: 1000 }, (_, i) =>
      sealer.seal(i % 2 ? `value ${i}` : Buffer.from([i % 256])),
    );
    const ivs = sealed.map((value) => value.split(".")[2]!);
    expect(new Set(ivs).size).toBe(1000);
    expect(ivs.every((iv) => Buffer.from(iv, "base64url").length === 12)).toBe(true);
    expect(sealed.map((value, i) => (i % 2 ? sealer.openText(value) : sealer.open(value)[0]))).toEqual(
      Array.from({ length: 1000 }, (_, i) => (i % 2 ? `value ${i}` : i % 256)),
    );
  });

  test("when an empty value is sealed, then it opens to an empty value", () => {
    const sealer = createSealer([newKey], "new");
    expect(sealer.openText(sealer.seal("", "ctx"), "ctx")).toBe("");
  });
});

describe("pseudonyms", () => {
  test("when one user id is pseudonymised for two purposes, then the pseudonyms are unrelated", () => {
    const pseudonym = createPseudonymizer(Buffer.alloc(32, 3));
    const id = "U" + "1".repeat(32);
    expect(pseudonym("reporter", id)).toBe(pseudonym("reporter", id));
    expect(pseudonym("reporter", id)).not.toBe(pseudonym("subscriber", id));
    expect(pseudonym("reporter", id)).not.toContain(id);
  });
});
