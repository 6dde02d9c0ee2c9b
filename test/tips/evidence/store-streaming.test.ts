import { createHash, randomBytes } from "node:crypto";
import { Transform } from "node:stream";
import { startEvidenceEnvironment, rewritingContent, type EvidenceEnvironment } from "./environment";

const MiB = 1024 * 1024;
const gridFsChunkSize = 255 * 1024; // the driver's default, which the store keeps

let environment: EvidenceEnvironment;
beforeAll(async () => {
  environment = await startEvidenceEnvironment();
});
afterAll(() => environment.stop());

/**
 * The embedded test database lives in this process, so memory figures would count the stored copy
 * too. What "never buffered" means is measured directly instead: every 4 MiB read from LINE, how far
 * the bytes already in GridFS trail behind what was downloaded.
 */
function observingLag(lags: number[]) {
  return rewritingContent(environment.gateway, (ready) => {
    let downloaded = 0;
    let nextMark = 4 * MiB;
    const baseline = environment.chunks().countDocuments();
    const observer = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        downloaded += chunk.length;
        if (downloaded < nextMark) return callback(null, chunk);
        nextMark += 4 * MiB;
        Promise.all([baseline, environment.chunks().countDocuments()]).then(([before, now]) => {
          lags.push(downloaded - (now - before) * gridFsChunkSize);
          callback(null, chunk);
        }, callback);
      },
    });
    return { ...ready, stream: ready.stream.pipe(observer) };
  });
}

describe("evidence store: streaming", () => {
  const video = randomBytes(50 * MiB);

  it("when a 50 MB video is stored, then GridFS never trails the download by more than a few MB", async () => {
    const lags: number[] = [];
    const result = await environment.store({ line: observingLag(lags) }).storeFromLine({
      messageId: environment.lineSent(video, "video/mp4"),
      kind: "video",
      owner: "o",
    });
    expect(result.ok).toBe(true);
    expect(lags.length).toBeGreaterThanOrEqual(12);
    expect(Math.max(...lags)).toBeLessThan(4 * MiB);
  });

  it("when a 50 MB video is stored, then its hash and size are the video's", async () => {
    const result = await environment.store().storeFromLine({
      messageId: environment.lineSent(video, "video/mp4"),
      kind: "video",
      owner: "o",
    });
    expect(result).toMatchObject({
      ok: true,
      item: { size: video.length, originalSha256: createHash("sha256").update(video).digest("hex") },
    });
  });
});
