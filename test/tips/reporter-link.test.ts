import { officerPostback } from "../../src/officers/postback";
import type { Tip } from "../../src/tips/tip";
import {
  citizenReports,
  enrolledOfficer,
  postbacksIn,
  startOfficerHarness,
  type OfficerHarness,
  type TestChat,
} from "../officers/support/officers";
import { textOf, type TestUser } from "../support/test-user";

/** Polls until `check` holds; generous, as a real MongoDB's TTL monitor runs once a minute. */
async function eventually(check: () => Promise<boolean>, deadlineMs = 150_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error("condition not met before the deadline");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * `reporter_tips` ties a reporter's pseudonym to their tips. It expires with the case (closed +
 * CONTACT_RETENTION_AFTER_CLOSE), like the contact; here the retention is one second.
 */
describe("the reporter↔tip link expires with the case", () => {
  let env: OfficerHarness;
  let supervisor: TestChat;
  let citizen: TestUser;
  let tip: Tip;

  const db = () => env.harness.service.context.connection.db!;
  const linkOf = () => db().collection("reporter_tips").findOne({ tipId: tip._id });

  beforeAll(async () => {
    env = await startOfficerHarness({ CONTACT_RETENTION_AFTER_CLOSE: "1s" });
    supervisor = await enrolledOfficer(env, "supervisor", { districtIds: ["cm-san-sai"] });
    ({ citizen, tip } = await citizenReports(env, { optIn: true }));
    await supervisor.taps(officerPostback("ack", tip.ref));
    await supervisor.taps(officerPostback("ask", tip.ref));
    await supervisor.says("มีพยานคนอื่นอีกไหม");
  }, 120_000);
  afterAll(async () => {
    await env.stop();
  });

  test("when the case is open, then the link has no expiry and the report is listed", async () => {
    expect((await linkOf())?.deleteAfter).toBeUndefined();
    await citizen.says("เรื่องของฉัน");
    expect(citizen.lastText()).toContain(tip.code);
  });

  test("when the index is listed, then the link's deleteAfter is a TTL index", async () => {
    const indexes = await db().collection("reporter_tips").listIndexes().toArray();
    expect(indexes).toContainEqual(
      expect.objectContaining({ key: { deleteAfter: 1 }, expireAfterSeconds: 0 }),
    );
  });

  test("when the case closes, then the link is given the same deletion date as the contact", async () => {
    await supervisor.taps(officerPostback("close", tip.ref, { reason: "substantiated" }));
    const closedAt = (await db().collection("tips").findOne({ _id: tip._id }))!.closedAt as Date;
    const contact = await db().collection("reporter_contacts").findOne({ tipId: tip._id });
    const link = await linkOf();
    // Deleted already if the TTL sweep ran in between: then it had that date too.
    if (link) expect(link.deleteAfter).toEqual(new Date(closedAt.getTime() + 1_000));
    if (contact) expect(contact.deleteAfter).toEqual(new Date(closedAt.getTime() + 1_000));
  });

  test("when the retention has passed, then the link and the contact are deleted", async () => {
    await eventually(
      async () =>
        (await linkOf()) === null &&
        (await db().collection("reporter_contacts").countDocuments({ tipId: tip._id })) === 0,
    );
  }, 160_000);

  test("when the link is gone, then 'my reports' no longer lists the case and says why, and the code still shows its status", async () => {
    // The last message is the answer (the closing update pushed earlier comes before it).
    const answer = textOf((await citizen.says("เรื่องของฉัน")).at(-1));
    expect(answer).not.toContain(tip.code);
    expect(answer).toBe(citizen.t("my-reports-empty", { days: 1 }));
    await citizen.says(tip.code);
    expect(citizen.lastText()).toContain(citizen.t("tip-status-closed"));
  });

  test("when the closed case's status is shown, then it offers no answer button", async () => {
    const messages = await citizen.says(tip.code);
    expect(postbacksIn(messages).filter((data) => data.startsWith("c=reply"))).toEqual([]);
  });

  test("when the reporter taps an old question's answer button after the link is gone, then they are told at once that the case is closed", async () => {
    await citizen.taps(`c=reply&v=${tip.code}`);
    expect(citizen.lastText()).toContain(citizen.t("reply-case-closed"));
    await citizen.says("มีเพื่อนบ้านเห็นด้วย");
    expect(citizen.lastText()).toContain(citizen.t("idle-prompt"));
    expect(await db().collection("tip_messages").countDocuments({ direction: "from-reporter" })).toBe(0);
  });
});
