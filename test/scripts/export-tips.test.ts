import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { run } from "../../scripts/export-tips";
import { TipService } from "../../src/tips/tip-service";
import type { Tip } from "../../src/tips/tip";
import { startScriptEnvironment, type ScriptEnvironment } from "./support";

describe("scripts/export-tips", () => {
  let env: ScriptEnvironment;
  let dir: string;
  let sanSai: Tip;
  const reporterUserId = `U${"ab".repeat(16)}`;
  const phone = "0812345678";
  let submit: (districtId: string | null, at: string, narrative: string) => Promise<Tip>;

  beforeAll(async () => {
    env = await startScriptEnvironment();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "export-"));
    const tips = new TipService(
      env.context.connection,
      env.context.sealer,
      env.context.config.deadlines,
      async () => 0,
    );
    submit = (districtId, at, narrative) =>
      tips.submit(
        {
          reporter: `reporter-${narrative.length}-${at}`,
          draftStartedAt: new Date(at),
          category: "bribery",
          agencyType: "local-government",
          provinceId: districtId ? "chiang-mai" : null,
          districtId,
          details: {
            agencyName: "อบต.สันทรายหลวง",
            narrative,
            people: '=HYPERLINK("x")',
            incidentDate: { kind: "exact", date: "2025-10-01" },
            location: { latitude: 18.85, longitude: 99.04, address: "บ้านเลขที่ 9", reporterConfirmed: true },
            placeDescription: null,
            contactPhone: phone,
          },
          evidenceIds: [],
          reporterLocale: "th",
          contactUserId: reporterUserId,
        },
        new Date(at),
      );
    sanSai = await submit("cm-san-sai", "2025-10-05T03:00:00Z", 'เรียกรับเงิน, "ค่าอำนวยความสะดวก"\nสองพันบาท');
    await submit("cm-fang", "2025-10-06T03:00:00Z", "ฮั้วประมูลโครงการถนนในตำบล");
    await submit("cm-san-sai", "2025-12-06T03:00:00Z", "เรื่องนอกช่วงเวลาที่ส่งออก");
  });
  afterAll(async () => {
    await env.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("when a period and district are exported, then CSV and JSON hold exactly those tips", async () => {
    const out = path.join(dir, "sansai");
    await run(
      ["--from", "2025-10-01", "--to", "2025-11-01", "--district", "cm-san-sai", "--out", out],
      env.context,
    );
    const rows = JSON.parse(fs.readFileSync(`${out}.json`, "utf8")) as Array<{
      code: string;
      district_name: string;
    }>;
    expect(rows).toEqual([expect.objectContaining({ code: sanSai.code, district_name: "สันทราย" })]);
    const csv = fs.readFileSync(`${out}.csv`, "utf8");
    expect(csv.trim().split("\r\n")).toHaveLength(2);
  });

  test("when tips are exported, then every time is a whole minute, also for a record stored to the millisecond", async () => {
    const legacy = await submit("cm-fang", "2024-10-07T03:04:05.678Z", "เรื่องที่บันทึกไว้ก่อนปัดเวลา");
    // An earlier version stored exact times: put them back as it would have.
    await env.context.connection.collection("tips").updateOne(
      { _id: legacy._id },
      {
        $set: {
          receivedAt: new Date("2024-10-07T03:04:05.678Z"),
          acknowledgedAt: new Date("2024-10-08T09:10:11.123Z"),
          acknowledgeBy: new Date("2024-10-14T03:04:05.678Z"),
        },
      },
    );
    const out = path.join(dir, "minutes");
    await run(["--from", "2024-10-01", "--to", "2024-11-01", "--out", out], env.context);
    const rows = JSON.parse(fs.readFileSync(`${out}.json`, "utf8")) as Array<Record<string, unknown>>;
    const times = rows.flatMap((row) =>
      ["received_at", "acknowledged_at", "acknowledge_by", "feedback_by", "closed_at"]
        .map((column) => row[column])
        .filter((value): value is string => typeof value === "string"),
    );
    expect(times).toContain("2024-10-07T03:04:00.000Z");
    expect(times).toContain("2024-10-08T09:10:00.000Z");
    expect(times.filter((time) => !time.endsWith(":00.000Z"))).toEqual([]);
    expect(fs.readFileSync(`${out}.csv`, "utf8")).not.toMatch(/:0[1-9]\.|:[1-5]\d\.|\.\d*[1-9]\d*Z/);
  });

  test("when tips are exported with details, then no reporter identity is in the files", async () => {
    const out = path.join(dir, "all");
    await run(["--from", "2025-01-01", "--to", "2026-01-01", "--out", out, "--details"], env.context);
    for (const file of [`${out}.csv`, `${out}.json`]) {
      const text = fs.readFileSync(file, "utf8");
      expect(text).toContain("สองพันบาท");
      for (const identity of [reporterUserId, phone, "18.85", "บ้านเลขที่ 9", "wantsUpdates", "reporter-"])
        expect(text).not.toContain(identity);
    }
  });

  test("when a field holds commas, quotes, new lines or a formula, then the CSV quotes and defuses it", async () => {
    const out = path.join(dir, "quoting");
    await run(
      ["--from", "2025-10-01", "--to", "2025-10-06", "--format", "csv", "--details", "--out", out],
      env.context,
    );
    const csv = fs.readFileSync(`${out}.csv`, "utf8");
    expect(csv).toContain('"เรียกรับเงิน, ""ค่าอำนวยความสะดวก""\nสองพันบาท"');
    expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
    expect(fs.existsSync(`${out}.json`)).toBe(false);
  });

  test("when an export runs, then progress is reported on stderr and nothing on stdout", async () => {
    env.clear();
    await run(
      ["--from", "2025-01-01", "--to", "2026-01-01", "--out", path.join(dir, "progress")],
      env.context,
    );
    expect(env.stderr()).toContain("exported 3/3");
    expect(env.stdout()).toBe("");
  });
});
