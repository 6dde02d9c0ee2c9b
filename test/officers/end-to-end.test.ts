import { officerPostback } from "../../src/officers/postback";
import type { Tip } from "../../src/tips/tip";
import type { TestUser } from "../support/test-user";
import {
  citizenReports,
  enrolledGroup,
  enrolledOfficer,
  postbacksIn,
  startOfficerHarness,
  TestChat,
  type OfficerHarness,
} from "./support/officers";

/**
 * The acceptance story in order: enrollment, routing to the สันทราย group only, then the officer
 * acknowledging, viewing, asking; the opted-in reporter answering; the status change reaching them.
 */
describe("officers end to end", () => {
  let env: OfficerHarness;
  let officer: TestChat;
  let sanSai: TestChat;
  let fang: TestChat;
  let citizen: TestUser;
  let tip: Tip;

  beforeAll(async () => {
    env = await startOfficerHarness();
    officer = await enrolledOfficer(env, "officer", { districtIds: ["cm-san-sai"] });
    sanSai = await enrolledGroup(env, { districtIds: ["cm-san-sai"] });
    fang = await enrolledGroup(env, { districtIds: ["cm-fang"] });
    officer.newMessages();
    ({ citizen, tip } = await citizenReports(env, { optIn: true }));
  });
  afterAll(async () => {
    await env.stop();
  });

  test("when an officer types /enroll with a valid code in 1:1, then they are enrolled for that scope", async () => {
    const fresh = new TestChat(env);
    await fresh.says(`/enroll ${await env.code("officer", { districtIds: ["cm-san-sai"] })}`);
    expect(fresh.lastText()).toContain("ลงทะเบียนเป็นเจ้าหน้าที่เรียบร้อยแล้ว");
    expect(fresh.lastText()).toContain("สันทราย");
  });

  test("when a group registers with a code, then the group is told its scope", async () => {
    const group = new TestChat(env, { group: true });
    await group.joins();
    expect(group.lastText()).toContain("/enroll");
    await group.says(`/enroll ${await env.code("officer", { districtIds: ["cm-fang"] })}`);
    expect(group.lastText()).toContain("ลงทะเบียนกลุ่มนี้เรียบร้อยแล้ว");
    expect(group.lastText()).toContain("ฝาง");
  });

  test("when a tip in สันทราย is submitted, then the สันทราย group gets a card with code, category, district and deadline", () => {
    const text = sanSai.allText();
    expect(text).toContain(tip.code);
    expect(text).toContain(sanSai.t("category-bribery"));
    expect(text).toContain("สันทราย");
    expect(text).toContain("กำหนดรับเรื่อง");
    expect(text).not.toContain("ปลัดเรียกเงิน"); // no narrative in a group
  });

  test("when a tip in สันทราย is submitted, then the ฝาง group gets nothing", () => {
    expect(fang.allText()).not.toContain(tip.code);
  });

  // Not a stopwatch (tests must not depend on machine speed, and tips keep only the minute): the
  // card goes out from the submission itself, with no deadline job or sweep run in this test.
  test("when a tip is submitted, then the routed group's card is sent by the submission, not by a later sweep", async () => {
    const sent = await env.harness.service.context.connection
      .collection("notifications")
      .find({ kind: "new-tip", tipId: tip._id, "target.type": "group" })
      .toArray();
    expect(sent.map((n) => ({ status: n.status, attempts: n.attempts }))).toEqual([
      { status: "sent", attempts: 1 },
    ]);
    expect(
      env.harness.platform
        .deliveries()
        .some((d) => d.to === sanSai.chatId && JSON.stringify(d.messages).includes(tip.code)),
    ).toBe(true);
  });

  test("when a tip is submitted, then the scoped officer gets it in 1:1 with an excerpt", () => {
    const text = officer.allText();
    expect(text).toContain(tip.code);
    expect(text).toContain("ปลัดเรียกเงิน");
  });

  test("when the officer acknowledges, then the case is acknowledged with a feedback deadline", async () => {
    await officer.taps(officerPostback("ack", tip.ref));
    expect(officer.lastText()).toContain(`รับเรื่อง ${tip.code} แล้ว`);
    const stored = await env.officers.cases.load(tip._id.toHexString());
    expect(stored?.status).toBe("acknowledged");
    expect(stored?.feedbackBy).toBeInstanceOf(Date);
  });

  test("when the case is acknowledged, then the opted-in reporter is told in their language", () => {
    expect(
      citizen
        .received()
        .map((m) => JSON.stringify(m))
        .join(),
    ).toContain("เจ้าหน้าที่รับเรื่องแล้ว");
  });

  test("when the officer views details in 1:1, then the decrypted narrative and the place arrive", async () => {
    await officer.taps(officerPostback("view", tip.ref));
    expect(officer.lastText()).toContain("ปลัดเรียกเงินสามพันบาท");
    expect(officer.lastText()).toContain("อบต.สันทรายหลวง");
    expect(officer.lastText()).not.toContain(citizen.userId);
  });

  test("when the officer asks a question, then the opted-in reporter receives it with an answer button", async () => {
    await officer.taps(officerPostback("ask", tip.ref));
    expect(officer.lastText()).toContain("พิมพ์คำถาม");
    await officer.says("ช่วยระบุวันที่และเวลาที่ปลัดเรียกเงินได้ไหม");
    expect(officer.lastText()).toContain("ส่งคำถามถึงผู้แจ้ง");
    const pushed = citizen.received().at(-1)!;
    expect(JSON.stringify(pushed)).toContain("ช่วยระบุวันที่และเวลา");
    expect(postbacksIn([pushed])).toContain(`c=reply&v=${tip.code}`);
  });

  test("when the reporter answers, then the officer receives the answer", async () => {
    await citizen.taps(`c=reply&v=${tip.code}`);
    expect(citizen.lastText()).toContain("พิมพ์คำตอบ");
    await citizen.says("วันที่ 3 เวลาประมาณบ่ายสองโมงที่ห้องทำงานปลัด");
    await citizen.tapsLabel("choice-evidence-none");
    expect(citizen.lastText()).toContain("ส่งคำตอบ");
    await env.settle();
    expect(
      officer
        .newMessages()
        .map((m) => JSON.stringify(m))
        .join(),
    ).toContain("บ่ายสองโมง");
  });

  test("when the officer moves the case to under review, then the reporter is told", async () => {
    await officer.taps(officerPostback("set", tip.ref, { status: "under-review" }));
    expect(officer.lastText()).toContain("อยู่ระหว่างตรวจสอบ");
    expect(JSON.stringify(citizen.received().at(-1))).toContain("อยู่ระหว่างตรวจสอบ");
  });

  test("when the same acknowledge button is tapped again, then nothing changes", async () => {
    const before = await env.officers.cases.load(tip._id.toHexString());
    await officer.taps(officerPostback("ack", tip.ref));
    expect(officer.lastText()).toContain("มีผู้รับเรื่องไปแล้ว");
    const after = await env.officers.cases.load(tip._id.toHexString());
    expect(after?.history).toHaveLength(before!.history.length);
  });

  test("when the whole story has run, then no log line holds a LINE user id or tip content", () => {
    const logs = env.harness.logs.join("\n");
    for (const secret of [citizen.userId, officer.userId, sanSai.chatId, "ปลัดเรียกเงิน", "บ่ายสองโมง"])
      expect(logs).not.toContain(secret);
  });

  test("when an officer whose LINE is in English enrolls, then enrollment and cases are in English", async () => {
    const english = new TestChat(env, { language: "en" });
    await english.says(`/enroll ${await env.code("officer", { districtIds: ["cm-san-sai"] })}`);
    expect(english.lastText()).toContain("You are enrolled as an officer");
    await english.says("/cases");
    expect(english.lastText()).toContain(tip.code);
    expect(english.lastText()).toContain("San Sai");
  });
});
