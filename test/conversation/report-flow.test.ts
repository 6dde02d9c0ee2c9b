import { startHarness, type Harness } from "../support/harness";
import { TestUser } from "../support/test-user";
import { isValidTrackingCode } from "../../src/tips/tracking-code";

/** Walks a citizen from "report" to the review screen, answering in Thai. */
async function reportInThaiUpToReview(
  user: TestUser,
  narrative = "เจ้าหน้าที่เรียกเงิน 5,000 บาทเพื่อให้ใบอนุญาตก่อสร้างออกเร็วขึ้น",
): Promise<void> {
  await user.says("แจ้งเบาะแส");
  await user.tapsButton("ยินยอม เริ่มเลย");
  await user.tapsButton("รับ/ให้สินบน");
  await user.tapsButton("อปท. (อบต./เทศบาล)");
  await user.says("อบต.สันทรายหลวง");
  await user.says("สันทราย");
  await user.says("26 ส.ค. 63");
  await user.says(narrative);
  await user.tapsButton("ข้าม");
  await user.tapsButton("ไม่มีหลักฐาน");
  await user.tapsButton("ไม่ต้อง");
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
    expect(user.lastText()).toContain("ตรวจสอบข้อมูลก่อนส่ง");
    expect(user.lastText()).toContain("สันทราย");
    expect(user.lastText()).toContain("26 สิงหาคม 2563");

    const receipt = await user.tapsButton("ส่งเรื่อง");
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
    await user.tapsButton("ส่งเรื่อง");
    const code = /[A-Z0-9]{2,}(?:-[A-Z0-9]+)+/.exec(user.lastText())![0];
    await user.says(code.toLowerCase());
    expect(user.lastText()).toContain(code);
    expect(user.lastText()).toContain("ได้รับเรื่องแล้ว");
  });

  test("when a citizen completes a report in English, then the receipt is in English", async () => {
    const user = new TestUser(harness, { language: "en" });
    await user.says("report");
    expect(user.lastText()).toContain("Before we start");
    await user.tapsButton("Agree, start");
    await user.tapsButton("Bid rigging");
    await user.tapsButton("Health/hospital");
    await user.says("Fang Hospital");
    await user.says("Fang");
    await user.says("yesterday");
    await user.says("The hospital bought equipment at three times the market price from a relative.");
    await user.says("The procurement head");
    await user.tapsButton("No evidence");
    await user.tapsButton("No thanks");
    expect(user.lastText()).toContain("Check before sending");
    await user.tapsButton("Submit");
    expect(user.lastText()).toContain("Your report has been received");
  });

  test("when the citizen edits an answer from the review screen, then the flow returns to the review", async () => {
    const user = new TestUser(harness);
    await reportInThaiUpToReview(user);
    const review = user.lastMessages().at(-1)!;
    const editPlace = JSON.stringify(review).match(/"data":"([^"]*edit%3Aplace[^"]*)"/)?.[1];
    expect(editPlace).toBeDefined();
    await user.taps(editPlace!);
    await user.says("ฝาง");
    expect(user.lastText()).toContain("ตรวจสอบข้อมูลก่อนส่ง");
    expect(user.lastText()).toContain("ฝาง");
  });

  test("when the citizen picks the date from the calendar, then that date is kept", async () => {
    const user = new TestUser(harness);
    await user.says("แจ้งเบาะแส");
    await user.tapsButton("ยินยอม เริ่มเลย");
    await user.tapsButton("อื่น ๆ");
    await user.tapsButton("สาธารณสุข/รพ.");
    await user.says("โรงพยาบาลฮอด");
    await user.says("ฮอด");
    expect(user.quickReplies().find((b) => b.label === "เลือกจากปฏิทิน")?.type).toBe("datetimepicker");
    await user.tapsButton("เลือกจากปฏิทิน", { date: "2025-02-14" });
    expect(user.lastText()).toContain("เล่าเหตุการณ์ที่พบ");
  });

  test("when the citizen says back, then the previous question is asked again", async () => {
    const user = new TestUser(harness);
    await user.says("แจ้งเบาะแส");
    await user.tapsButton("ยินยอม เริ่มเลย");
    await user.tapsButton("รับ/ให้สินบน");
    await user.says("ย้อนกลับ");
    expect(user.lastText()).toContain("เรื่องที่จะแจ้งเป็นแบบใด");
  });

  test("when the citizen cancels, then the draft is gone and the menu is shown", async () => {
    const user = new TestUser(harness);
    await user.says("แจ้งเบาะแส");
    await user.tapsButton("ยินยอม เริ่มเลย");
    await user.says("ยกเลิก");
    expect(user.lastText()).toContain("ยกเลิกเรื่องนี้แล้ว");
    await user.says("สันทราย");
    expect(user.lastText()).toContain("เลือกจากเมนู");
  });

  test("when the citizen switches language mid-flow, then the same question is asked in English", async () => {
    const user = new TestUser(harness);
    await user.says("แจ้งเบาะแส");
    await user.tapsButton("ยินยอม เริ่มเลย");
    await user.says("English");
    expect(user.lastText()).toContain("Switched to English");
    expect(user.lastText()).toContain("What kind of misconduct");
  });

  test("when the service restarts mid-draft, then the citizen continues at the same step", async () => {
    const user = new TestUser(harness);
    await user.says("แจ้งเบาะแส");
    await user.tapsButton("ยินยอม เริ่มเลย");
    await user.tapsButton("รับ/ให้สินบน");
    await harness.restart();
    await user.tapsButton("ตำรวจ");
    expect(user.lastText()).toContain("ชื่อหน่วยงานคืออะไร");
  });

  test("when a draft is left longer than the draft TTL, then it has expired", async () => {
    const user = new TestUser(harness);
    await user.says("แจ้งเบาะแส");
    await user.tapsButton("ยินยอม เริ่มเลย");
    harness.clock.advance(harness.config.draftTtlMs + 60_000);
    await user.says("รับ/ให้สินบน");
    expect(user.lastText()).toContain("เลือกจากเมนู");
  });
});
