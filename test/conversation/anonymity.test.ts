import { createHash } from "node:crypto";
import exifr from "exifr";
import { startHarness, type Harness } from "../support/harness";
import { TestUser } from "../support/test-user";
import { photoWithGps, readAll } from "../tips/evidence/helpers";
import { createEvidenceStore } from "../../src/tips/evidence";
import { isValidTrackingCode } from "../../src/tips/tracking-code";
import sharp from "sharp";
import { Types } from "mongoose";

const plainPhoto = () =>
  sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 20, g: 120, b: 40 } } })
    .jpeg()
    .toBuffer();

/** In Chiang Mai's old city (Mueang Chiang Mai district). */
const oldCity = { title: "ที่ว่าการ", address: "ถนนพระปกเกล้า เชียงใหม่", latitude: 18.7883, longitude: 98.9853 };

function trackingCodeIn(text: string): string {
  const code = /TK-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}/.exec(text)?.[0];
  if (!code) throw new Error(`no tracking code in: ${text}`);
  return code;
}

describe("a complete report with photos, a location and a Thai date, with anonymity checked afterwards", () => {
  let harness: Harness;
  const thai: { user: TestUser; code: string; gpsPhoto: Buffer } = {
    user: undefined as unknown as TestUser,
    code: "",
    gpsPhoto: Buffer.alloc(0),
  };
  const english = { user: undefined as unknown as TestUser, code: "" };

  beforeAll(async () => {
    harness = await startHarness();
    thai.gpsPhoto = await photoWithGps();
    expect(await exifr.gps(thai.gpsPhoto)).toMatchObject({ latitude: expect.any(Number) });

    thai.user = new TestUser(harness, { language: "th" });
    const u = thai.user;
    await u.says("แจ้งเบาะแส");
    await u.tapsLabel("choice-consent-yes");
    await u.tapsLabel("category-conflict-of-interest");
    await u.tapsLabel("agency-district-province");
    await u.says("ที่ว่าการอำเภอเมืองเชียงใหม่");
    await u.sendsLocation(oldCity);
    await u.tapsLabel("choice-place-correct");
    await u.tapsLabel("choice-place-district-only");
    await u.says("๒๖ สิงหาคม ๒๕๖๓");
    await u.says("ปลัดอำเภอให้บริษัทของญาติได้งานซ่อมถนนโดยไม่มีการประกวดราคา");
    await u.says("ปลัดอำเภอ");
    await u.sendsImage(thai.gpsPhoto);
    await u.sendsImage(await plainPhoto());
    await u.tapsLabel("choice-evidence-done");
    await u.tapsLabel("choice-updates-yes");
    await u.says("081-234-5678");
    await u.tapsLabel("choice-submit");
    thai.code = trackingCodeIn(u.lastText());

    english.user = new TestUser(harness, { language: "en" });
    const e = english.user;
    await e.says("report");
    await e.tapsLabel("choice-consent-yes");
    await e.tapsLabel("category-extortion");
    await e.tapsLabel("agency-police");
    await e.says("Mae Rim police station");
    await e.sendsLocation({ latitude: 18.9139, longitude: 98.9448, address: "Mae Rim" });
    await e.tapsLabel("choice-place-correct");
    await e.tapsLabel("choice-place-district-only");
    await e.says("26/08/2563");
    await e.says("An officer asked drivers for cash instead of issuing fines at a checkpoint.");
    await e.tapsLabel("choice-skip");
    await e.sendsImage(await photoWithGps());
    await e.sendsImage(await plainPhoto());
    await e.tapsLabel("choice-evidence-done");
    await e.tapsLabel("choice-updates-no");
    await e.tapsLabel("choice-submit");
    english.code = trackingCodeIn(e.lastText());
  });
  afterAll(async () => {
    await harness.stop();
  });

  test("when evidence was downloading, then LINE's loading animation was shown in that chat", () => {
    const loading = harness.platform.calls({ endpoint: "POST /v2/bot/chat/loading/start" });
    expect(loading.map((call) => (call.body as { chatId: string }).chatId)).toEqual(
      expect.arrayContaining([thai.user.userId, english.user.userId]),
    );
  });

  test("when both reports are submitted, then each receipt holds a valid tracking code", () => {
    expect(isValidTrackingCode(thai.code)).toBe(true);
    expect(isValidTrackingCode(english.code)).toBe(true);
  });

  test("when each reporter types their code, then their report is found", async () => {
    await thai.user.says(thai.code);
    expect(thai.user.lastText()).toContain(`เรื่องรหัส ${thai.code}`);
    await english.user.says(english.code);
    expect(english.user.lastText()).toContain(`Report ${english.code}`);
  });

  test("when the reports are stored, then place, date and evidence are right", async () => {
    const { connection } = harness.service.context;
    const tip = await connection.collection("tips").findOne({ code: thai.code });
    expect(tip).toMatchObject({
      provinceId: "chiang-mai",
      districtId: expect.stringContaining("mueang"),
      evidenceCount: 2,
      wantsUpdates: true,
    });
    const details = harness.service.context.sealer.openText(tip!.details as string, "tips.details");
    expect(JSON.parse(details)).toMatchObject({
      incidentDate: { kind: "exact", date: "2020-08-26" },
      contactPhone: "0812345678",
    });
    // The reporter kept only the district: the shared point and address are not stored.
    expect(JSON.parse(details)).not.toHaveProperty("location");
  });

  test("when the stored photo is read back, then it has no EXIF GPS, the GridFS bytes are ciphertext and the original's SHA-256 is kept", async () => {
    const { connection, sealer, line, logger } = harness.service.context;
    const tip = await connection.collection("tips").findOne({ code: thai.code });
    const evidence = createEvidenceStore({ connection, sealer, line, logger });
    const items = await evidence.list(tip!._id.toHexString());
    expect(items).toHaveLength(2);
    const original = createHash("sha256").update(thai.gpsPhoto).digest("hex");
    const item = items.find((candidate) => candidate.originalSha256 === original);
    expect(item).toBeDefined();

    const opened = await evidence.open(item!.id);
    const stored = await readAll(opened.stream);
    expect(await exifr.gps(stored).catch(() => undefined)).toBeUndefined();
    expect(stored.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));

    const chunks = await connection
      .collection("evidence.chunks")
      .find({ files_id: new Types.ObjectId(item!.id) })
      .sort({ n: 1 })
      .toArray();
    expect(chunks.length).toBeGreaterThan(0);
    const raw = Buffer.concat(
      chunks.map((chunk) => Buffer.from((chunk.data as { buffer: Uint8Array }).buffer)),
    );
    expect(raw.includes(stored.subarray(0, 64))).toBe(false);
    expect(raw.includes(thai.gpsPhoto.subarray(0, 64))).toBe(false);
  });

  test("when every document of every collection and every log line is scanned, then no LINE user id is in plaintext", async () => {
    const { connection } = harness.service.context;
    const ids = [thai.user.userId, english.user.userId];
    const collections = await connection.db!.listCollections().toArray();
    expect(collections.length).toBeGreaterThan(5);
    for (const { name } of collections) {
      const documents = JSON.stringify(await connection.collection(name).find({}).toArray());
      for (const id of ids)
        expect({ collection: name, leaks: documents.includes(id) }).toEqual({
          collection: name,
          leaks: false,
        });
    }
    const logs = harness.logs.join("");
    for (const id of ids) expect(logs.includes(id)).toBe(false);
    expect(logs).not.toContain("ปลัดอำเภอให้บริษัท");
  });

  test("when the reporter opted in, then their user id exists only as ciphertext in the contact collection", async () => {
    const { connection, sealer } = harness.service.context;
    const tip = await connection.collection("tips").findOne({ code: thai.code });
    const contacts = await connection.collection("reporter_contacts").find({}).toArray();
    expect(contacts).toHaveLength(1);
    expect(contacts[0]!.tipId).toEqual(tip!._id);
    expect(sealer.openText(contacts[0]!.userId as string, "reporter_contacts.userId")).toBe(thai.user.userId);
  });
});
