import { startHarness, type Harness } from "../support/harness";
import { TestUser } from "../support/test-user";
import { isValidTrackingCode } from "../../src/tips/tracking-code";

/** Walks a citizen from "report" to the review screen, answering in Thai. */
async function reportInThaiUpToReview(
  user: TestUser,
  narrative = "เจ้าหน้าที่เรียกเงิน 5,000 บาทเพื่อให้ใบอนุญาตก่อสร้างออกเร็วขึ้น",
): Promise<void> {
  await user.says("แจ้งเบาะแส");
  await user.tapsLabel("choice-consent-yes");
  await user.tapsLabel("category-bribery");
  await user.tapsLabel("agency-local-government");
  await user.says("อบต.สันทรายหลวง");
  await user.says("สันทราย");
  await user.says("26 ส.ค. 63");
  await user.says(narrative);
  await user.tapsLabel("choice-skip");
  await user.tapsLabel("choice-evidence-none");
  await user.tapsLabel("choice-updates-no");
}

describe("report flow", () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness.stop();
  });

  test("when a citizen completes a report in Thai, then a receipt with a valid tracking code and a copy button arrives", async () => {
    const user = new TestUser(harness);
    await reportInThaiUpToReview(user);
    expect(user.lastText()).toContain(user.t("review-title"));
    expect(user.lastText()).toContain("สันทราย");
    expect(user.lastText()).toContain("26 สิงหาคม 2563");

    const receipt = await user.tapsLabel("choice-submit");
    const code = /[A-Z0-9]{2,}(?:-[A-Z0-9]+)+/.exec(user.lastText())?.[0];
    expect(code && isValidTrackingCode(code)).toBe(true);
    expect(JSON.stringify(receipt)).toContain('"type":"clipboard"');

    const tip = await harness.service.context.connection.collection("tips").findOne({ code });
    expect(tip).toMatchObject({
      status: "received",
      category: "bribery",
      districtId: expect.any(String),
      wantsUpdates: false,
    });
    expect(JSON.stringify(tip)).not.toContain("5,000");
    expect(JSON.stringify(tip)).not.toContain(user.userId);
  });

  test("when the citizen types the tracking code later, then the status is shown", async () => {
    const user = new TestUser(harness);
    await reportInThaiUpToReview(user);
    await user.tapsLabel("choice-submit");
    const code = /[A-Z0-9]{2,}(?:-[A-Z0-9]+)+/.exec(user.lastText())![0];
    await user.says(code.toLowerCase());
    expect(user.lastText()).toContain(code);
    expect(user.lastText()).toContain(user.t("tip-status-received"));
  });

  test("when a citizen completes a report in English, then the receipt is in English", async () => {
    const user = new TestUser(harness, { language: "en" });
    await user.says("report");
    expect(user.lastText()).toContain(user.line("report-consent"));
    await user.tapsLabel("choice-consent-yes");
    await user.tapsLabel("category-procurement");
    await user.tapsLabel("agency-health");
    await user.says("Fang Hospital");
    await user.says("Fang");
    await user.says("yesterday");
    await user.says("The hospital bought equipment at three times the market price from a relative.");
    await user.says("The procurement head");
    await user.tapsLabel("choice-evidence-none");
    await user.tapsLabel("choice-updates-no");
    expect(user.lastText()).toContain(user.t("review-title"));
    await user.tapsLabel("choice-submit");
    expect(user.lastText()).toContain(user.t("receipt-title"));
  });

  test("when the citizen edits an answer from the review screen, then the flow returns to the review", async () => {
    const user = new TestUser(harness);
    await reportInThaiUpToReview(user);
    const review = user.lastMessages().at(-1)!;
    const editPlace = JSON.stringify(review).match(/"data":"([^"]*edit%3Aplace[^"]*)"/)?.[1];
    expect(editPlace).toBeDefined();
    await user.taps(editPlace!);
    await user.says("ฝาง");
    expect(user.lastText()).toContain(user.t("review-title"));
    expect(user.lastText()).toContain("ฝาง");
  });

  test("when the citizen picks the date from the calendar, then that date is kept", async () => {
    const user = new TestUser(harness);
    await user.says("แจ้งเบาะแส");
    await user.tapsLabel("choice-consent-yes");
    await user.tapsLabel("category-other");
    await user.tapsLabel("agency-health");
    await user.says("โรงพยาบาลฮอด");
    await user.says("ฮอด");
    expect(user.quickReplies().find((b) => b.label === user.t("choice-date-pick"))?.type).toBe(
      "datetimepicker",
    );
    await user.tapsLabel("choice-date-pick", { date: "2025-02-14" });
    expect(user.lastText()).toContain(user.line("report-narrative"));
  });

  test("when the citizen says back, then the previous question is asked again", async () => {
    const user = new TestUser(harness);
    await user.says("แจ้งเบาะแส");
    await user.tapsLabel("choice-consent-yes");
    await user.tapsLabel("category-bribery");
    await user.says("ย้อนกลับ");
    expect(user.lastText()).toContain(user.t("report-category"));
  });

  test("when the citizen cancels, then the draft is gone and the menu is shown", async () => {
    const user = new TestUser(harness);
    await user.says("แจ้งเบาะแส");
    await user.tapsLabel("choice-consent-yes");
    await user.says("ยกเลิก");
    expect(user.lastText()).toContain(user.t("report-cancelled"));
    await user.says("สันทราย");
    expect(user.lastText()).toContain(user.t("idle-prompt"));
  });

  test("when the citizen switches language mid-flow, then the same question is asked in English", async () => {
    const user = new TestUser(harness);
    await user.says("แจ้งเบาะแส");
    await user.tapsLabel("choice-consent-yes");
    await user.says("English");
    expect(user.lastText()).toContain(harness.service.context.texts.t("en", "language-changed"));
    expect(user.lastText()).toContain(harness.service.context.texts.t("en", "report-category"));
  });

  test("when the service restarts mid-draft, then the citizen continues at the same step", async () => {
    const user = new TestUser(harness);
    await user.says("แจ้งเบาะแส");
    await user.tapsLabel("choice-consent-yes");
    await user.tapsLabel("category-bribery");
    await harness.restart();
    await user.tapsLabel("agency-police");
    expect(user.lastText()).toContain(user.t("report-agency-name"));
  });

  test("when a draft is left longer than the draft TTL, then it has expired", async () => {
    const user = new TestUser(harness);
    await user.says("แจ้งเบาะแส");
    await user.tapsLabel("choice-consent-yes");
    harness.clock.advance(harness.config.draftTtlMs + 60_000);
    await user.typesLabel("category-bribery");
    expect(user.lastText()).toContain(user.t("idle-prompt"));
  });
});
