import { createHash, randomBytes } from "node:crypto";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ContentTooLargeError, EvidenceIntegrityError } from "../../../src/tips/evidence/errors";
import {
  byteLimit,
  gcmDecrypt,
  gcmEncrypt,
  serialWriter,
  sha256Tap,
} from "../../../src/tips/evidence/streams";
import { readAll } from "./helpers";

const key = randomBytes(32);
const aad = Buffer.from("evidence:65f0c0ffee0000000000abcd");

async function encrypt(plaintext: Buffer) {
  const cipher = gcmEncrypt(key, aad);
  const ciphertext = await readAll(Readable.from([plaintext]).pipe(cipher));
  return { ciphertext, iv: cipher.iv, tag: cipher.authTag() };
}

function decrypt(ciphertext: Buffer, iv: Buffer, tag: Buffer, withAad = aad): Promise<Buffer> {
  return readAll(Readable.from([ciphertext]).pipe(gcmDecrypt(key, iv, tag, withAad, "test")));
}

describe("byteLimit", () => {
  it("when more bytes than the limit pass, then the pipeline fails with ContentTooLargeError", async () => {
    const sink = async (source: AsyncIterable<Buffer>) => {
      for await (const _ of source);
    };
    await expect(
      pipeline(Readable.from([Buffer.alloc(60), Buffer.alloc(60)]), byteLimit(100), sink),
    ).rejects.toThrow(ContentTooLargeError);
  });

  it("when exactly the limit passes, then every byte comes through and is counted", async () => {
    const limiter = byteLimit(100);
    const out = await readAll(Readable.from([Buffer.alloc(40), Buffer.alloc(60)]).pipe(limiter));
    expect([out.length, limiter.bytes]).toEqual([100, 100]);
  });
});

describe("sha256Tap", () => {
  it("when bytes pass through, then the digest is their SHA-256", async () => {
    const data = randomBytes(1000);
    const tap = sha256Tap();
    await readAll(Readable.from([data.subarray(0, 300), data.subarray(300)]).pipe(tap));
    expect(tap.digest()).toBe(createHash("sha256").update(data).digest("hex"));
  });
});

describe("gcmEncrypt / gcmDecrypt", () => {
  it("when a stream is encrypted, then the ciphertext is not the plaintext", async () => {
    const plaintext = randomBytes(4096);
    const { ciphertext } = await encrypt(plaintext);
    expect(ciphertext.equals(plaintext)).toBe(false);
  });

  it("when the ciphertext is decrypted with its IV and tag, then the plaintext comes back", async () => {
    const plaintext = randomBytes(100_000);
    const { ciphertext, iv, tag } = await encrypt(plaintext);
    expect((await decrypt(ciphertext, iv, tag)).equals(plaintext)).toBe(true);
  });

  it("when two streams are encrypted, then each gets a fresh 12-byte IV", async () => {
    const [a, b] = [gcmEncrypt(key, aad), gcmEncrypt(key, aad)];
    expect([a.iv.length, a.iv.equals(b.iv)]).toEqual([12, false]);
  });

  it("when one ciphertext byte is flipped, then decryption ends with EvidenceIntegrityError", async () => {
    const { ciphertext, iv, tag } = await encrypt(randomBytes(1000));
    ciphertext[500] = (ciphertext[500] ?? 0) ^ 0x01;
    await expect(decrypt(ciphertext, iv, tag)).rejects.toThrow(EvidenceIntegrityError);
  });

  it("when the ciphertext belongs to another file id, then decryption ends with EvidenceIntegrityError", async () => {
    const { ciphertext, iv, tag } = await encrypt(randomBytes(1000));
    await expect(decrypt(ciphertext, iv, tag, Buffer.from("evidence:another"))).rejects.toThrow(
      EvidenceIntegrityError,
    );
  });
});

describe("serialWriter", () => {
  function slowTarget(events: string[]): Writable {
    return new Writable({
      write(chunk: Buffer, _encoding, callback) {
        events.push(`write ${chunk.length} started`);
        setTimeout(() => {
          events.push(`write ${chunk.length} done`);
          callback();
        }, 50);
      },
    });
  }

  it("when the pipeline fails during a write, then stop() returns only after that write finished", async () => {
    const events: string[] = [];
    const writer = serialWriter(slowTarget(events));
    const source = new Readable({ read() {} });
    source.push(Buffer.alloc(1));
    setTimeout(() => source.destroy(new Error("download cut")), 10);
    await expect(pipeline(source, writer.consume)).rejects.toThrow("download cut");
    await writer.stop();
    events.push("cleanup");
    expect(events).toEqual(["write 1 started", "write 1 done", "cleanup"]);
  });

  it("when stopped, then no further chunk reaches the target", async () => {
    const events: string[] = [];
    const writer = serialWriter(slowTarget(events));
    await writer.stop();
    await expect(writer.consume(Readable.from([Buffer.alloc(2)]))).rejects.toThrow("writer stopped");
    expect(events).toEqual([]);
  });
});
