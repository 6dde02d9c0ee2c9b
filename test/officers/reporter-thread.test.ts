import sharp from "sharp";
import { officerPostback } from "../../src/officers/postback";
import { TestUser } from "../support/test-user";
import {
  citizenReports,
  enrolledOfficer,
  startOfficerHarness,
  type OfficerHarness,
  type TestChat,
} from "./support/officers";

describe("anonymous two-way thread", () => {
  let env: OfficerHarness;
  let officer: TestChat;

  const ask = async (tipRef: string, question: string) => {
    await officer.taps(officerPostback("ack", tipRef));
    await officer.taps(officerPostback("ask", tipRef));
    await officer.says(question);
  };

  beforeAll(async () => {
    env = await startOfficerHarness();
    officer = await enrolledOfficer(env, "officer", { districtIds: ["cm-san-sai"] });
  });
  afterAll(async () => {
    await env.stop();
  });

  test("when the reporter did not opt in, then the officer is told and the question shows at the next status check", async () => {
    const { citizen, tip } = await citizenReports(env, { optIn: false });
    const before = citizen.received().length;
    await ask(tip.ref, "เหตุการณ์เกิดที่อาคารใดของ อบต.");
    expect(officer.lastText()).toContain("ตรวจสอบสถานะ");
    expect(citizen.received()).toHaveLength(before);
    await citizen.says(tip.code);
    expect(citizen.lastText()).toContain("เหตุการณ์เกิดที่อาคารใดของ อบต.");
  });

  test("when someone starts answering for a report that is not theirs, then they are refused before typing, and no officer hears of it", async () => {
    const { tip } = await citizenReports(env, { optIn: true });
    await ask(tip.ref, "มีพยานคนอื่นอีกไหม");
    officer.newMessages();
    const impostor = new TestUser(env.harness);
    await impostor.taps(`c=reply&v=${tip.code}`);
    expect(impostor.lastText()).toContain(impostor.t("reply-not-found"));
    // No reply was started: what they type next is not taken as an answer.
    await impostor.says("ไม่มีพยานเลย เชื่อฉันเถอะ");
    expect(impostor.lastText()).toContain(impostor.t("idle-prompt"));
    await env.settle();
    expect(officer.newMessages()).toHaveLength(0);
    const refused = await env.officers.audit.model
      .find({ action: "reporter-reply", outcome: "refused" })
      .lean()
      .exec();
    expect(refused).toEqual([expect.objectContaining({ reason: "not-owner" })]);
  });

  test("when the reporter answers with a photo, then the evidence joins the case and the officer is told of it", async () => {
    const { citizen, tip } = await citizenReports(env, { optIn: true });
    await ask(tip.ref, "มีภาพถ่ายใบเสร็จไหม");
    await citizen.taps(`c=reply&v=${tip.code}`);
    await citizen.says("มีภาพใบเสร็จ ส่งให้แล้ว");
    await citizen.sendsImage(
      await sharp({ create: { width: 8, height: 8, channels: 3, background: "#000" } })
        .jpeg()
        .toBuffer(),
    );
    await citizen.tapsLabel("choice-evidence-done");
    await env.settle();
    expect(
      officer
        .newMessages()
        .map((m) => JSON.stringify(m))
        .join(),
    ).toContain("หลักฐานเพิ่ม 1 รายการ");
    expect((await env.officers.cases.load(tip._id.toHexString()))?.evidenceCount).toBe(1);
  });

  test("when the reporter has answered, then the status check marks the question answered and offers no answer button", async () => {
    const { citizen, tip } = await citizenReports(env, { optIn: false });
    await ask(tip.ref, "ท่านจำเลขทะเบียนรถได้หรือไม่");
    await citizen.says(tip.code);
    expect(citizen.lastText()).toContain(citizen.t("status-question-open"));
    expect(citizen.cardButtons().map((button) => button.label)).toContain(citizen.t("reply-button-answer"));

    await citizen.tapsCardButton(citizen.t("reply-button-answer"));
    await citizen.says("จำได้ว่าเป็นรถกระบะสีขาว ทะเบียนเชียงใหม่");
    await citizen.tapsLabel("choice-evidence-none");
    expect(citizen.lastText()).toContain(citizen.t("reply-sent", { code: tip.code }));

    await citizen.says(tip.code);
    expect(citizen.lastText()).toContain(citizen.t("status-question-answered"));
    expect(citizen.lastText()).not.toContain(citizen.t("status-question-open"));
    expect(citizen.cardButtons().map((button) => button.label)).not.toContain(
      citizen.t("reply-button-answer"),
    );
  });

  test("when 'answer' is typed while one report has a question waiting, then the reply starts for that report", async () => {
    const { citizen, tip } = await citizenReports(env, { optIn: true });
    await ask(tip.ref, "เหตุการณ์เกิดขึ้นเวลาใด");
    await citizen.says(citizen.t("reply-button-answer"));
    expect(citizen.lastText()).toContain(citizen.t("reply-ask-answer", { code: tip.code }));
  });
});
