import { createCipheriv, createDecipheriv, hkdfSync } from "node:crypto";
import { createSealer } from "../../src/crypto/sealer";
import { SealedBatch, UserIdSeal } from "../../src/awareness/user-id-seal";

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

describe("a multicast batch of sealed ids, opened as JSON", () => {
  /** The batch's ids as the multicast's `to` list would carry them. */
  const opened = (values: Array<string | undefined>, keyId = "new") => {
    const batch = new SealedBatch(Math.max(1, values.length));
    for (const value of values) batch.add(value);
    const { count, json } = seal(keyId).openBatch(batch);
    const ids = JSON.parse(`[${json.toString("utf8")}]`) as string[];
    expect(ids).toHaveLength(count);
    return ids;
  };

  test("when 500 ids sealed under one key are added from the cursor's bytes, then the JSON lists them in order", () => {
    const ids = Array.from({ length: 500 }, (_, i) => userId(i * 7919 + 1));
    const bytes = Buffer.from(ids.map((id) => `[${seal().seal(id)}]`).join(""), "utf8");
    const batch = new SealedBatch(500);
    let at = 0;
    for (let i = 0; i < 500; i++) {
      const end = bytes.indexOf("]", at);
      batch.addBytes(bytes, at + 1, end);
      at = end + 1;
    }

    expect(batch.full).toBe(true);
    const { count, json } = seal().openBatch(batch);
    expect(count).toBe(500);
    expect(json.toString("utf8")).toBe(ids.map((id) => `"${id}"`).join(","));
  });

  test("when a batch mixes keys, legacy AES-GCM values, odd ids and unreadable entries, then the readable ones come out in order", () => {
    const sealer = createSealer([newKey], "new");
    const retired = new UserIdSeal(createSealer([{ id: "gone", key: Buffer.alloc(32, 9) }], "gone"), context);
    const odd = 'U"quoted\\id';
    const values = [
      seal("old").seal(userId(1)), // the batch's key is the first one it sees
      seal().seal(userId(2)), // another key id: opened on its own
      sealer.seal(userId(3), context), // AES-GCM
      undefined,
      retired.seal(userId(4)),
      "b1.old.!!!!!!!!!!!!!!!!!!!!!!", // block form, not base64url
      seal().seal(odd), // not a LINE id: AES-GCM, and JSON-escaped
      seal("old").seal(userId(5)),
    ];

    expect(opened(values)).toEqual([userId(1), userId(2), userId(3), odd, userId(5)]);
  });

  test("when the batch's key is no longer in the ring, then its block entries are left out and the rest still open", () => {
    const retired = new UserIdSeal(createSealer([{ id: "gone", key: Buffer.alloc(32, 9) }], "gone"), context);

    expect(opened([retired.seal(userId(1)), seal().seal(userId(2)), retired.seal(userId(3))])).toEqual([
      userId(2),
    ]);
  });

  test("when nothing in a batch can be opened, then it is empty", () => {
    const batch = new SealedBatch(2);
    batch.add(undefined);
    batch.add("hello");

    expect(seal().openBatch(batch)).toEqual({ count: 0, json: Buffer.alloc(0) });
  });

  test("when a batch is full, then adding more is refused", () => {
    const batch = new SealedBatch(1);
    batch.add(seal().seal(userId(1)));

    expect(() => batch.add(seal().seal(userId(2)))).toThrow(RangeError);
  });
});
