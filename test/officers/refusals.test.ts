import type { webhook } from "@line/bot-sdk";
import { officerPostback } from "../../src/officers/postback";
import type { Tip } from "../../src/tips/tip";
import {
  citizenReports,
  enrolledGroup,
  enrolledOfficer,
  startOfficerHarness,
  TestChat,
  type OfficerHarness,
} from "./support/officers";
import { textOf } from "../support/test-user";

describe("officer buttons are checked at every tap", () => {
  let env: OfficerHarness;
  let tip: Tip;
  let ack: string;

  beforeAll(async () => {
    env = await startOfficerHarness();
    ({ tip } = await citizenReports(env, { district: "สันทราย", optIn: true }));
    ack = officerPostback("ack", tip.ref);
  });
  afterAll(async () => {
    await env.stop();
  });

  const refusalsFor = async (actor: string) =>
    env.officers.audit.model.find({ actor, outcome: "refused", tipId: tip._id }).lean().exec();
  const status = async () => (await env.officers.cases.load(tip._id.toHexString()))!.status;

  test("when someone who never enrolled taps acknowledge, then they are refused, audited and nothing changes", async () => {
    const stranger = new TestChat(env);
    await stranger.taps(ack);
    expect(stranger.lastText()).toContain("ยังไม่ได้ลงทะเบียน");
    const [entry] = await refusalsFor(`officer:${env.officers.directory.officerIdFor(stranger.userId)}`);
    expect(entry).toMatchObject({ action: "acknowledge", reason: "not-enrolled", channel: "line" });
    expect(await status()).toBe("received");
  });

  test("when a revoked officer taps acknowledge, then they are refused and audited", async () => {
    const officer = await enrolledOfficer(env, "officer", { districtIds: ["cm-san-sai"] });
    const id = env.officers.directory.officerIdFor(officer.userId);
    await env.officers.directory.revokeOfficer(id, env.harness.clock.now());
    await officer.taps(ack);
    expect(officer.lastText()).toContain("ถูกยกเลิก");
    expect(await refusalsFor(`officer:${id}`)).toEqual([expect.objectContaining({ reason: "revoked" })]);
    expect(await status()).toBe("received");
  });

  test("when an officer of another district taps acknowledge, then they are refused and audited", async () => {
    const officer = await enrolledOfficer(env, "officer", { districtIds: ["cm-fang"] });
    await officer.taps(ack);
    expect(officer.lastText()).toContain("นอกขอบเขต");
    const id = env.officers.directory.officerIdFor(officer.userId);
    expect(await refusalsFor(`officer:${id}`)).toEqual([
      expect.objectContaining({ reason: "scope", tipCode: tip.code }),
    ]);
    expect(await status()).toBe("received");
  });

  test("when an out-of-scope officer asks to view details, then no detail is sent", async () => {
    const officer = await enrolledOfficer(env, "officer", { districtIds: ["cm-fang"] });
    await officer.taps(officerPostback("view", tip.ref));
    expect(officer.lastText()).toContain("นอกขอบเขต");
    expect(officer.allText()).not.toContain("ปลัดเรียกเงิน");
  });

  test("when a group member who is not an officer taps in the group, then the tap is refused in the group", async () => {
    const group = await enrolledGroup(env, { districtIds: ["cm-san-sai"] });
    const visitor = new TestChat(env);
    await group.taps(ack, visitor.userId);
    expect(group.lastText()).toContain("ยังไม่ได้ลงทะเบียน");
    expect(await refusalsFor(`officer:${env.officers.directory.officerIdFor(visitor.userId)}`)).toEqual([
      expect.objectContaining({ channel: "line-group", reason: "not-enrolled" }),
    ]);
  });

  test("when an officer taps view in a group, then details go to their private chat and not to the group", async () => {
    const group = await enrolledGroup(env, { districtIds: ["cm-san-sai"] });
    const officer = await enrolledOfficer(env, "officer", { districtIds: ["cm-san-sai"] });
    await group.taps(officerPostback("view", tip.ref), officer.userId);
    expect(group.lastText()).toContain("แชตส่วนตัว");
    expect(group.allText()).not.toContain("ปลัดเรียกเงิน");
    expect(officer.allText()).toContain("ปลัดเรียกเงิน");
  });

  describe("case buttons in a group that is not an officer group for the case", () => {
    const verbs = ["ack", "view", "assign", "ask"] as const;

    /** Taps every button as an enrolled, in-scope officer; returns what the group and the officer received. */
    async function tapAll(group: TestChat): Promise<{ groupText: string; privateText: string }> {
      const officer = await enrolledOfficer(env, "supervisor", { districtIds: ["cm-san-sai"] });
      officer.newMessages();
      group.newMessages();
      for (const verb of verbs) await group.taps(officerPostback(verb, tip.ref), officer.userId);
      return { groupText: group.allText(), privateText: officer.newMessages().map(textOf).join("\n") };
    }

    test("when an enrolled officer taps them in a group that never enrolled, then each is refused, audited and the group hears nothing about the case", async () => {
      const before = await env.officers.cases.load(tip._id.toHexString());
      const group = new TestChat(env, { group: true });
      await group.joins();
      const { groupText, privateText } = await tapAll(group);
      expect(groupText).toContain("ไม่ได้ลงทะเบียนเป็นกลุ่มเจ้าหน้าที่");
      expect(groupText).not.toContain(tip.code);
      expect(privateText).toBe(""); // no details pushed to the officer either
      const after = await env.officers.cases.load(tip._id.toHexString());
      expect({ status: after!.status, assignedTo: after!.assignedTo }).toEqual({
        status: before!.status,
        assignedTo: before!.assignedTo,
      });
      const refusals = await env.officers.audit.model
        .find({ reason: "group-not-enrolled", tipId: tip._id, channel: "line-group" })
        .lean()
        .exec();
      expect(refusals).toHaveLength(verbs.length);
    });

    test("when the group's registration was revoked, then its buttons are refused the same way", async () => {
      const group = await enrolledGroup(env, { districtIds: ["cm-san-sai"] });
      await env.officers.directory.revokeGroup(
        env.officers.directory.groupIdFor(group.chatId),
        env.harness.clock.now(),
      );
      const { groupText } = await tapAll(group);
      expect(groupText).toContain("ไม่ได้ลงทะเบียนเป็นกลุ่มเจ้าหน้าที่");
      expect(groupText).not.toContain(tip.code);
    });

    test("when an officer group of another district gets the button, then it is refused there without naming the case", async () => {
      const group = await enrolledGroup(env, { districtIds: ["cm-fang"] });
      const { groupText } = await tapAll(group);
      expect(groupText).toContain("ไม่อยู่ในขอบเขตของกลุ่มนี้");
      expect(groupText).not.toContain(tip.code);
      expect(await env.officers.audit.model.countDocuments({ reason: "group-scope", tipId: tip._id })).toBe(
        verbs.length,
      );
    });
  });

  test("when an officer tries to close a case, then closing is refused for their role", async () => {
    const officer = await enrolledOfficer(env, "officer", { districtIds: ["cm-san-sai"] });
    await officer.taps(ack);
    await officer.taps(officerPostback("close", tip.ref, { reason: "duplicate" }));
    expect(officer.lastText()).toContain(officer.t("officer-refused-role"));
    expect(await status()).toBe("acknowledged");
  });

  test("when a supervisor closes with a reason, then the case closes and the reporter's contact gets a deletion date", async () => {
    const supervisor = await enrolledOfficer(env, "supervisor", { districtIds: ["cm-san-sai"] });
    await supervisor.taps(officerPostback("close", tip.ref));
    expect(supervisor.lastText()).toContain(supervisor.t("officer-close-ask-reason", { code: tip.code }));
    await supervisor.says("ตรวจสอบแล้วไม่พบมูลความผิด");
    expect(supervisor.lastText()).toContain(supervisor.t("tip-status-closed"));
    const closed = await env.officers.cases.load(tip._id.toHexString());
    expect(closed).toMatchObject({ status: "closed", closeReason: "ตรวจสอบแล้วไม่พบมูลความผิด" });
    const contact = await env.harness.service.context.connection
      .collection("reporter_contacts")
      .findOne({ tipId: tip._id });
    expect(contact?.deleteAfter.getTime()).toBe(
      closed!.closedAt!.getTime() + env.harness.config.contactRetentionAfterCloseMs,
    );
  });

  test("when a group tap arrives without the tapper's user id, then it is refused with a pointer to the private chat", async () => {
    const group = await enrolledGroup(env, { districtIds: ["cm-san-sai"] });
    await group.send({
      type: "postback",
      source: { type: "group", groupId: group.chatId },
      postback: { data: ack },
    });
    expect(group.lastText()).toContain("/cases");
    expect(await env.officers.audit.model.countDocuments({ actor: "unknown", reason: "unidentified" })).toBe(
      1,
    );
  });

  test("when the bot is removed from a group, then the group registration ends", async () => {
    const group = await enrolledGroup(env, { districtIds: ["cm-san-sai"] });
    await group.send(env.harness.platform.leave({ groupId: group.chatId }));
    const registered = await env.officers.directory.groupByChatId(group.chatId);
    expect(registered).toMatchObject({ status: "revoked", revokedReason: "left" });
  });

  test("when a supervisor closes with a preset reason button, then the typed-reason prompt ends too", async () => {
    const { tip: other } = await citizenReports(env);
    const supervisor = await enrolledOfficer(env, "supervisor", { districtIds: ["cm-san-sai"] });
    const ref = other.ref;
    await supervisor.taps(officerPostback("ack", ref));
    await supervisor.taps(officerPostback("close", ref));
    await supervisor.taps(officerPostback("close", ref, { reason: "duplicate" }));
    expect(await env.officers.cases.loadByRef(ref)).toMatchObject({
      status: "closed",
      closeReason: "duplicate",
    });
    const feature = env.harness.service.features.find((candidate) => candidate.name === "officers")!;
    expect(
      await feature.handles(env.harness.platform.textFrom(supervisor.userId, "สวัสดี") as webhook.Event),
    ).toBe(false);
  });
});
