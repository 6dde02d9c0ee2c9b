import { createHash, randomBytes } from "node:crypto";
import { Transform } from "node:stream";
import exifr from "exifr";
import mongoose from "mongoose";
import {
  startEvidenceEnvironment,
  rewritingContent,
  storedBytes,
  type EvidenceEnvironment,
} from "./environment";
import { photoWithGps, readAll } from "./helpers";

const MiB = 1024 * 1024;
const pdf = "application/pdf";

let environment: EvidenceEnvironment;
beforeAll(async () => {
  environment = await startEvidenceEnvironment();
});
afterAll(() => environment.stop());

async function leftovers() {
  return {
    files: await environment.files().countDocuments(),
    chunks: await environment.chunks().countDocuments(),
    uploads: await environment.uploads().countDocuments(),
  };
}

async function storeFile(bytes: Buffer, contentType: string, fileName = "evidence.pdf") {
  const result = await environment.store().storeFromLine({
    messageId: environment.lineSent(bytes, contentType),
    kind: "file",
    fileName,
    owner: "o",
  });
  if (!result.ok) throw new Error(`not stored: ${result.reason}`);
  return result.item;
}

describe("evidence store: files", () => {
  it("when a 5 MB file is stored, then open() returns it byte for byte", async () => {
    const document = randomBytes(5 * MiB);
    const item = await storeFile(document, pdf);
    const { stream } = await environment.store().open(item.id);
    expect((await readAll(stream)).equals(document)).toBe(true);
  });

  it("when a file is stored, then its size and SHA-256 describe the bytes LINE sent", async () => {
    const document = randomBytes(300_000);
    const item = await storeFile(document, pdf);
    expect({ size: item.size, sha: item.originalSha256, stripped: item.metadataStripped }).toEqual({
      size: document.length,
      sha: createHash("sha256").update(document).digest("hex"),
      stripped: false,
    });
  });

  it("when a file is stored, then the database holds ciphertext, not the file's bytes", async () => {
    const document = Buffer.from("%PDF-1.7\n".repeat(50_000));
    const item = await storeFile(document, pdf);
    const stored = await storedBytes(environment, item.id);
    expect([stored.length, stored.includes(Buffer.from("%PDF-1.7"))]).toEqual([document.length, false]);
  });

  it("when a file has a name, then the files document holds it sealed and open() gives it back", async () => {
    const name = "ใบเสร็จ-อบต-2567.pdf";
    const item = await storeFile(Buffer.from("%PDF-1.7 receipt"), pdf, name);
    const doc = await environment.files().findOne({ _id: new mongoose.mongo.ObjectId(item.id) });
    const opened = await environment.store().open(item.id);
    opened.stream.destroy();
    expect({
      plaintextInDocument: JSON.stringify(doc).includes("ใบเสร็จ"),
      gridFsFilename: doc?.filename,
      opened: opened.item.fileName,
    }).toEqual({ plaintextInDocument: false, gridFsFilename: "evidence", opened: name });
  });

  it("when LINE sends a file as octet-stream, then its extension decides its type", async () => {
    const item = await storeFile(Buffer.from("%PDF-1.7"), "application/octet-stream", "report.PDF");
    expect(item.contentType).toBe(pdf);
  });

  it("when a photo is sent as a file, then its GPS position is stripped too", async () => {
    const item = await storeFile(await photoWithGps(), "image/jpeg", "IMG_0042.jpg");
    const { stream } = await environment.store().open(item.id);
    expect([item.metadataStripped, await exifr.gps(await readAll(stream))]).toEqual([true, undefined]);
  });

  it("when a file's type is not allowed, then the answer is unsupported-type", async () => {
    const result = await environment.store().storeFromLine({
      messageId: environment.lineSent(Buffer.from("MZ\x90\x00"), "application/x-msdownload"),
      kind: "file",
      fileName: "setup.exe",
      owner: "o",
    });
    expect(result).toEqual({ ok: false, reason: "unsupported-type" });
  });

  it("when a video is stored, then it keeps LINE's type and is not claimed stripped", async () => {
    const result = await environment.store().storeFromLine({
      messageId: environment.lineSent(randomBytes(10_000), "video/mp4"),
      kind: "video",
      owner: "o",
    });
    expect(result).toMatchObject({
      ok: true,
      item: { kind: "video", contentType: "video/mp4", metadataStripped: false },
    });
  });
});

describe("evidence store: size limit", () => {
  const limits = { mediaMaxBytes: 1 * MiB };

  it("when LINE announces a file over the limit, then the answer is too-large and nothing is stored", async () => {
    const before = await leftovers();
    const result = await environment.store({ limits }).storeFromLine({
      messageId: environment.lineSent(randomBytes(3 * MiB), pdf),
      kind: "file",
      fileName: "big.pdf",
      owner: "o",
    });
    expect([result, await leftovers()]).toEqual([{ ok: false, reason: "too-large" }, before]);
  });

  it("when a file without Content-Length runs past the limit, then the answer is too-large and its partial chunks are gone", async () => {
    const before = await leftovers();
    const line = rewritingContent(environment.gateway, ({ length: _length, ...rest }) => rest);
    const result = await environment.store({ limits, line }).storeFromLine({
      messageId: environment.lineSent(randomBytes(3 * MiB), pdf),
      kind: "file",
      fileName: "big.pdf",
      owner: "o",
    });
    expect([result, await leftovers()]).toEqual([{ ok: false, reason: "too-large" }, before]);
  });

  it("when the download breaks off midway, then the answer is failed and its partial chunks are gone", async () => {
    const before = await leftovers();
    const line = rewritingContent(environment.gateway, (ready) => {
      let seen = 0;
      const cut = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          seen += chunk.length;
          callback(seen > 2 * MiB ? new Error("socket hang up") : null, chunk);
        },
      });
      return { ...ready, stream: ready.stream.pipe(cut) };
    });
    const result = await environment.store({ line }).storeFromLine({
      messageId: environment.lineSent(randomBytes(3 * MiB), pdf),
      kind: "file",
      fileName: "cut.pdf",
      owner: "o",
    });
    expect([result, await leftovers()]).toEqual([{ ok: false, reason: "failed" }, before]);
  });
});

describe("evidence store: LINE content states", () => {
  it("when LINE answers 202 twice and then the content, then it is stored after two waits", async () => {
    const waits: number[] = [];
    const store = environment.store({ sleep: async (ms) => void waits.push(ms) });
    const result = await store.storeFromLine({
      messageId: environment.lineSent(randomBytes(1000), "audio/m4a", { preparingPolls: 2 }),
      kind: "audio",
      owner: "o",
    });
    expect([result.ok, waits]).toEqual([true, [2000, 2000]]);
  });

  it("when LINE keeps answering 202, then the answer is preparing", async () => {
    const result = await environment.store().storeFromLine({
      messageId: environment.lineSent(randomBytes(1000), "video/mp4", { preparingPolls: 100 }),
      kind: "video",
      owner: "o",
    });
    expect(result).toEqual({ ok: false, reason: "preparing" });
  });

  it("when LINE answers 410, then the answer is gone", async () => {
    const result = await environment.store().storeFromLine({
      messageId: environment.lineSent(randomBytes(1000), "image/jpeg", { gone: true }),
      kind: "image",
      owner: "o",
    });
    expect(result).toEqual({ ok: false, reason: "gone" });
  });

  it("when LINE keeps failing with 500, then the failure is thrown for the turn to be retried, and nothing is stored", async () => {
    environment.platform.failNext("GET /v2/bot/message/{messageId}/content", 500, 5);
    const before = await leftovers();
    await expect(
      environment.store().storeFromLine({
        messageId: environment.lineSent(randomBytes(1000), pdf),
        kind: "file",
        fileName: "x.pdf",
        owner: "o",
      }),
    ).rejects.toMatchObject({ status: 500 });
    expect(await leftovers()).toEqual(before);
  });

  it("when LINE refuses the download with 403, then the answer is failed", async () => {
    environment.platform.failNext("GET /v2/bot/message/{messageId}/content", 403, 1);
    const result = await environment.store().storeFromLine({
      messageId: environment.lineSent(randomBytes(1000), pdf),
      kind: "file",
      fileName: "x.pdf",
      owner: "o",
    });
    expect(result).toEqual({ ok: false, reason: "failed" });
  });

  it("when evidence is stored or refused, then the logs name neither the message, the owner nor the file", async () => {
    const messageId = environment.lineSent(randomBytes(1000), pdf);
    await environment
      .store()
      .storeFromLine({ messageId, kind: "file", fileName: "ชื่อลับ.pdf", owner: "pseudonym-xyz" });
    const logs = environment.logs();
    expect([logs.includes(messageId), logs.includes("pseudonym-xyz"), logs.includes("ชื่อลับ")]).toEqual([
      false,
      false,
      false,
    ]);
  });
});
