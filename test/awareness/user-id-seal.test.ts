import { createCipheriv, createDecipheriv, hkdfSync } from "node:crypto";
import { createSealer } from "../../src/crypto/sealer";
import { UserIdSeal } from "../../src/awareness/user-id-seal";

const oldKey = { id: "old", key: Buffer.alloc(32, 1) };
const newKey = { id: "new", key: Buffer.alloc(32, 2) };
const context = "subscribers.userId";

const userId = (n: number) => `U${n.toString(16).padStart(32, "0")}`;
const seal = (keyId = "new") => new UserIdSeal(createSealer([oldKey, newKey], keyId), context);

describe("sealed subscriber user ids", () => {
  test("when a batch of LINE user ids is sealed, then it opens to the same ids in order and no value contains its id", () => {
    const ids = Array.from({ length: 500 }, (_, i) => userId(i * 7919 + 1));
    const sealed = ids.map((id) => seal().seal(id));

    expect(seal().openMany(sealed)).toEqual(ids);
    sealed.forEach((value, i) => {
      expect(value).toMatch(/^b1\.new\.[A-Za-z0-9_-]{22}$/);
      expect(value).not.toContain(ids[i]!.slice(1, 9));
    });
  });

  test("when a value is opened, then it is the AES-256 block of the id's 16 bytes under the field's HKDF key", () => {
    // An independent computation with Node's primitives: the format is what the docs say it is.
    const key = Buffer.from(
      hkdfSync("sha256", newKey.key, Buffer.alloc(0), `integrity-tipline ${context} aes-256 block v1`, 32),
    );
    const id = userId(0xabcdef);
    const cipher = createCipheriv("aes-256-ecb", key, null).setAutoPadding(false);
    const expected = Buffer.concat([cipher.update(Buffer.from(id.slice(1), "hex")), cipher.final()]);

    expect(seal().seal(id)).toBe(`b1.new.${expected.toString("base64url")}`);
    const decipher = createDecipheriv("aes-256-ecb", newKey.key, null).setAutoPadding(false);
    // Not the master key itself: the block key is derived for this field.
    expect(decipher.update(expected).toString("hex")).not.toBe(id.slice(1));
  });

  test("when the master key rotates, then ids sealed under the old key still open beside new ones", () => {
    const before = seal("old").seal(userId(1));
    const after = seal("new");

    expect(after.openMany([before, after.seal(userId(2))])).toEqual([userId(1), userId(2)]);
  });

  test("when a value names a key no longer in the ring, then it is left out and the others open", () => {
    const retired = new UserIdSeal(createSealer([{ id: "gone", key: Buffer.alloc(32, 9) }], "gone"), context);
    const values = [seal().seal(userId(1)), retired.seal(userId(2)), seal().seal(userId(3))];

    expect(seal().openMany(values)).toEqual([userId(1), userId(3)]);
  });

  test("when values are absent, truncated or not sealed at all, then they are left out", () => {
    const good = seal().seal(userId(5));

    expect(
      seal().openMany([undefined, "", good.slice(0, -2), "b1.new.!!!!!!!!!!!!!!!!!!!!!!", "hello", good]),
    ).toEqual([userId(5)]);
  });

  test("when a value was sealed before this scheme (AES-GCM), then it still opens, and a tampered one does not", () => {
    const sealer = createSealer([newKey], "new");
    const legacy = sealer.seal(userId(7), context);
    const parts = legacy.split(".");
    parts[4] = Buffer.from("U" + "f".repeat(32)).toString("base64url");

    expect(seal().openMany([legacy, parts.join(".")])).toEqual([userId(7)]);
  });

  test("when an id is not in LINE's format, then it is sealed with AES-GCM and still opens", () => {
    const odd = "Uabc-not-a-line-id";
    const sealed = seal().seal(odd);

    expect(sealed.startsWith("v1.")).toBe(true);
    expect(seal().openMany([sealed])).toEqual([odd]);
  });
});
