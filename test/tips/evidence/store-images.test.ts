import { createHash } from "node:crypto";
import exifr from "exifr";
import type { EvidenceItem } from "../../../src/tips/evidence";
import { startEvidenceEnvironment, storedBytes, type EvidenceEnvironment } from "./environment";
import { photoWithGps, readAll } from "./helpers";

let environment: EvidenceEnvironment;
let photo: Buffer;

beforeAll(async () => {
  environment = await startEvidenceEnvironment();
  photo = await photoWithGps();
});
afterAll(() => environment.stop());

async function storePhoto(): Promise<EvidenceItem> {
  const result = await environment.store().storeFromLine({
    messageId: environment.lineSent(photo, "image/jpeg"),
    kind: "image",
    owner: "draft-owner",
  });
  if (!result.ok) throw new Error(`not stored: ${result.reason}`);
  return result.item;
}

async function readBack(item: EvidenceItem): Promise<Buffer> {
  return readAll((await environment.store().open(item.id)).stream);
}

describe("evidence store: photos", () => {
  it("when a photo with GPS is stored, then the photo read back has no GPS position", async () => {
    expect(await exifr.gps(photo)).toBeDefined();
    expect(await exifr.gps(await readBack(await storePhoto()))).toBeUndefined();
  });

  it("when a photo naming the camera is stored, then the photo read back has no Make or Model", async () => {
    expect(await exifr.parse(photo)).toMatchObject({ Make: "Acme", Model: "Phone 9" });
    const parsed = (await exifr.parse(await readBack(await storePhoto()))) as
      Record<string, unknown> | undefined;
    expect({ make: parsed?.Make, model: parsed?.Model }).toEqual({ make: undefined, model: undefined });
  });

  it("when a photo is stored, then the item says its metadata was stripped and it is a JPEG", async () => {
    const item = await storePhoto();
    expect(item).toMatchObject({ kind: "image", contentType: "image/jpeg", metadataStripped: true });
  });

  it("when a photo is stored, then originalSha256 is the SHA-256 of the bytes LINE sent", async () => {
    const item = await storePhoto();
    expect(item.originalSha256).toBe(createHash("sha256").update(photo).digest("hex"));
  });

  it("when a photo is stored, then size is the length of the re-encoded bytes read back", async () => {
    const item = await storePhoto();
    expect((await readBack(item)).length).toBe(item.size);
  });

  it("when a photo is stored, then the database holds neither the photo's bytes nor a JPEG start marker", async () => {
    const item = await storePhoto();
    const stored = await storedBytes(environment, item.id);
    const reencoded = await readBack(item);
    expect({
      startsWithSoi: stored.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff])),
      containsOriginal: stored.includes(photo.subarray(0, 64)),
      containsStripped: stored.includes(reencoded.subarray(0, 64)),
    }).toEqual({ startsWithSoi: false, containsOriginal: false, containsStripped: false });
  });

  it("when bytes sent as a photo are not an image, then the answer is unsupported-type and nothing is stored", async () => {
    const before = await environment.files().countDocuments();
    const result = await environment.store().storeFromLine({
      messageId: environment.lineSent(Buffer.from("MZ this is an executable"), "image/jpeg"),
      kind: "image",
      owner: "draft-owner",
    });
    expect([result, await environment.files().countDocuments()]).toEqual([
      { ok: false, reason: "unsupported-type" },
      before,
    ]);
  });

  it("when a photo is larger than imageMaxBytes, then the answer is too-large", async () => {
    const result = await environment.store({ limits: { imageMaxBytes: photo.length - 1 } }).storeFromLine({
      messageId: environment.lineSent(photo, "image/jpeg"),
      kind: "image",
      owner: "draft-owner",
    });
    expect(result).toEqual({ ok: false, reason: "too-large" });
  });
});
