import { officerPostback } from "../../src/officers/postback";
import type { Tip } from "../../src/tips/tip";
import type { NotificationKind } from "../../src/officers/outbox";
import {
  citizenReports,
  enrolledGroup,
  enrolledOfficer,
  startOfficerHarness,
  type OfficerHarness,
  type TestChat,
} from "./support/officers";

const day = 86_400_000;

/** Deadlines with a controlled clock: the cron job function is called with the moment it would run at. */
describe("deadline reminders and escalations", () => {
  let env: OfficerHarness;
  let tip: Tip;
  let officer: TestChat;
  let supervisor: TestChat;
  let group: TestChat;
  let received: number;

  const runDeadlinesAt = async (offsetMs: number) => {
    env.harness.clock.advance(received + offsetMs - env.harness.clock.now().getTime());
    await env.officers.jobs.deadlines(env.harness.clock.now());
    await env.settle();
  };
  const sent = (kind: NotificationKind) =>
    env.officers.outbox.model.find({ kind, tipId: tip._id }).lean().exec();

  beforeAll(async () => {
    env = await startOfficerHarness();
    officer = await enrolledOfficer(env, "officer", { districtIds: ["cm-san-sai"] });
    supervisor = await enrolledOfficer(env, "supervisor", { provinceIds: ["chiang-mai"] });
    group = await enrolledGroup(env, { districtIds: ["cm-san-sai"] });
    ({ tip } = await citizenReports(env));
    received = tip.receivedAt.getTime();
  });
  afterAll(async () => {
    await env.stop();
  });

  test("when 4 days have passed, then no reminder fires yet", async () => {
    await runDeadlinesAt(4 * day);
    expect(await sent("ack-reminder")).toHaveLength(0);
  });

  test("when the acknowledgement deadline is 2 days away, then the routed group and officers are reminded once", async () => {
    await runDeadlinesAt(5 * day + 60_000);
    await runDeadlinesAt(5 * day + 3_600_000);
    await runDeadlinesAt(6 * day);
    const reminders = await sent("ack-reminder");
    expect(reminders.map((n) => n.target.type).sort()).toEqual(["group", "officer", "officer"]);
    expect(reminders.every((n) => n.status === "sent")).toBe(true);
    expect(group.allText()).toContain("ใกล้ครบกำหนดรับเรื่อง");
    expect(officer.allText()).toContain("ใกล้ครบกำหนดรับเรื่อง");
  });

  test("when the deadline has passed, then the escalation reaches the supervisor once and not the officer", async () => {
    await runDeadlinesAt(7 * day + 60_000);
    await runDeadlinesAt(8 * day);
    const escalations = await sent("ack-escalation");
    expect(escalations).toHaveLength(1);
    expect(escalations[0]!.target.id).toBe(env.officers.directory.officerIdFor(supervisor.userId));
    expect(supervisor.allText()).toContain("เลยกำหนดรับเรื่องแล้ว");
    expect(officer.allText()).not.toContain("เลยกำหนดรับเรื่องแล้ว");
  });

  test("when the case is acknowledged, then the feedback reminder fires 2 days before the feedback deadline", async () => {
    await officer.taps(officerPostback("ack", tip.ref));
    const acknowledged = await env.officers.cases.load(tip._id.toHexString());
    const feedbackBy = acknowledged!.feedbackBy!.getTime();
    await runDeadlinesAt(feedbackBy - received - 3 * day);
    expect(await sent("feedback-reminder")).toHaveLength(0);
    await runDeadlinesAt(feedbackBy - received - day);
    expect(await sent("feedback-reminder")).not.toHaveLength(0);
    await runDeadlinesAt(feedbackBy - received + 60_000);
    expect(await sent("feedback-escalation")).toHaveLength(1);
  });

  test("when the morning digest runs twice the same day, then each group gets one summary with its open cases", async () => {
    await env.officers.jobs.digest(env.harness.clock.now());
    await env.officers.jobs.digest(env.harness.clock.now());
    await env.settle();
    const digests = await env.officers.outbox.model.find({ kind: "digest" }).lean().exec();
    expect(digests).toHaveLength(1);
    expect(digests[0]!.params).toMatchObject({ open: 1, overdue: 1, overdueCodes: [tip.code] });
    expect(group.allText()).toContain("สรุปประจำวัน");
  });
});
