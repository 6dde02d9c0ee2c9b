import { parseOfficerPostback } from "../../src/officers/postback";

/** The verb of an officer button's postback data, if it is a current one. */
const verbOf = (data: string) => {
  const parsed = parseOfficerPostback(data);
  return parsed && parsed !== "outdated" ? parsed.verb : undefined;
};
import { exceededTimeLimit, failCommand } from "../support/fail-points";
import { TestUser, textOf } from "../support/test-user";
import {
  citizenReports,
  enrolledOfficer,
  postbacksIn,
  startOfficerHarness,
  type OfficerHarness,
} from "../officers/support/officers";

/**
 * DESIGN.md "exactly once": an event's effects and the record that it was applied commit together;
 * a retried event only re-sends its recorded answer. Each feature is tried with each of the three
 * failures that used to make a retry apply an event twice: LINE failing the reply (after the
 * gateway's own retries), the feature's state write failing, and marking the event done failing.
 */
type Fault = "reply fails" | "state write fails" | "markDone fails";
const faults: Fault[] = ["reply fails", "state write fails", "markDone fails"];

let env: OfficerHarness;

beforeAll(async () => {
  env = await startOfficerHarness();
});
afterAll(async () => {
  await failCommand(env.harness.database.uri, "off");
  await env.stop();
});

const t = (key: string, args?: Record<string, string | number>) =>
  env.harness.service.context.texts.t("th", key, args);
/** The longest fixed stretch of a text (between its parameters): what every rendering of it contains. */
const opening = (key: string) =>
  t(key, { code: "\u0000", status: "\u0000", topics: "\u0000", who: "\u0000", date: "\u0000" })
    .split("\u0000")
    .reduce((longest, part) => (part.length > longest.length ? part : longest), "");

/** Arms one fault for the next event. `state` names the write the feature makes: command and collection. */
async function arm(fault: Fault, state: { command: string; collection: string }): Promise<void> {
  const { uri, dbName } = env.harness.database;
  if (fault === "reply fails") {
    // The gateway tries five times; all five fail, so the event itself has to be retried.
    env.harness.platform.failNext("POST /v2/bot/message/reply", 500, 5);
  } else if (fault === "state write fails") {
    await failCommand(
      uri,
      { times: 1 },
      {
        failCommands: [state.command],
        errorCode: exceededTimeLimit,
        namespace: `${dbName}.${state.collection}`,
      },
    );
  } else {
    // The event's own first update on the inbox is "applied" (inside its transaction); the next is "done".
    await failCommand(
      uri,
      { skip: 1 },
      {
        failCommands: ["update"],
        errorCode: exceededTimeLimit,
        namespace: `${dbName}.webhook_events`,
      },
    );
  }
}

/** After the failed attempt: the fault is gone, the retry comes due and runs. */
async function retry(): Promise<void> {
  await failCommand(env.harness.database.uri, "off");
  env.harness.clock.advance(5_000);
  await env.harness.service.processor.scheduleDueWork();
  await env.settle();
}

/** Batches (replies or pushes) delivered to a chat since `from`. */
function batchesTo(chatId: string, from: number) {
  return env.harness.platform
    .deliveries()
    .slice(from)
    .filter((delivery) => delivery.to === chatId);
}

describe.each(faults)("when %s", (fault) => {
  test("then a citizen's answer is applied once and the next answer lands on the step they were shown", async () => {
    const citizen = new TestUser(env.harness);
    await citizen.says("แจ้งเบาะแส");
    await citizen.tapsLabel("choice-consent-yes");
    expect(citizen.lastText()).toContain(t("report-category"));

    await arm(fault, { command: "update", collection: "conversations" });
    const before = env.harness.platform.deliveries().length;
    await citizen.tapsLabel("category-bribery");
    await retry();

    const answers = batchesTo(citizen.userId, before);
    expect(answers).toHaveLength(1);
    expect(answers[0]!.messages.map(textOf).join("\n")).toContain(t("report-agency-type"));
    citizen.catchUp();
    await citizen.tapsLabel("agency-local-government");
    expect(citizen.lastText()).toContain(t("report-agency-name"));
  });

  test("then an officer's acknowledgement is applied, audited and answered once", async () => {
    const officer = await enrolledOfficer(env, "officer", { districtIds: ["cm-san-sai"] });
    const { tip } = await citizenReports(env);
    await env.settle();
    const ack = postbacksIn(officer.newMessages()).find((data) => verbOf(data) === "ack");
    expect(ack).toBeDefined();

    await arm(fault, { command: "findAndModify", collection: "tips" });
    const before = env.harness.platform.deliveries().length;
    await officer.taps(ack!);
    await retry();

    const answers = batchesTo(officer.chatId, before);
    expect(answers).toHaveLength(1);
    const answer = answers[0]!.messages.map(textOf).join("\n");
    expect(answer).toContain(tip.code);
    expect(answer).toContain(opening("officer-ack-done"));
    expect(answer).not.toContain(opening("officer-ack-already"));
    const audited = await env.officers.audit.model
      .find({ tipId: tip._id, action: "acknowledge", outcome: "ok" })
      .lean()
      .exec();
    expect(audited).toHaveLength(1);
  });

  test("then a reporter's answer to an officer's question reaches the case and the officer once", async () => {
    const officer = await enrolledOfficer(env, "officer", { districtIds: ["cm-san-sai"] });
    const { citizen, tip } = await citizenReports(env, { optIn: true });
    await env.settle();
    const card = officer.newMessages();
    const button = (verb: string) => postbacksIn(card).find((data) => verbOf(data) === verb)!;
    await officer.taps(button("ack"));
    await officer.taps(button("ask"));
    await officer.says("มีพยานคนอื่นอีกไหม");
    await citizen.taps(`c=reply&v=${tip.code}`);
    await citizen.says("มีอีกสองคน เป็นผู้รับเหมาในหมู่บ้าน");

    await arm(fault, { command: "update", collection: "conversations" });
    const officerBefore = officer.received().length;
    const before = env.harness.platform.deliveries().length;
    await citizen.tapsLabel("choice-evidence-none");
    await retry();

    const answers = batchesTo(citizen.userId, before);
    expect(answers).toHaveLength(1);
    expect(answers[0]!.messages.map(textOf).join("\n")).toContain(t("reply-sent", { code: tip.code }));
    const fromReporter = await env.harness.service.context.connection
      .collection("tip_messages")
      .countDocuments({ tipId: tip._id, direction: "from-reporter" });
    expect(fromReporter).toBe(1);
    expect(officer.received().length - officerBefore).toBe(1);
  });

  test("then a subscription is made once and confirmed once", async () => {
    const citizen = new TestUser(env.harness);
    await arm(fault, { command: "findAndModify", collection: "subscribers" });
    const before = env.harness.platform.deliveries().length;
    await citizen.says("รับข่าวสาร");
    await retry();

    const answers = batchesTo(citizen.userId, before);
    expect(answers).toHaveLength(1);
    const answer = answers[0]!.messages.map(textOf).join("\n");
    expect(answer).toContain(opening("awareness-subscribed"));
    expect(answer).not.toContain(opening("awareness-already-subscribed"));
  });
});

describe("when LINE delivered a reply but its answer to the bot was lost", () => {
  test("then the retry finds the token spent, counts the answer as delivered and pushes nothing", async () => {
    const citizen = new TestUser(env.harness);
    env.harness.platform.failNext("POST /v2/bot/message/reply", 500, 1, { processed: true });
    const before = env.harness.platform.deliveries().length;
    await citizen.says("แจ้งเบาะแส");
    await retry();

    const answers = batchesTo(citizen.userId, before);
    expect(answers).toHaveLength(1);
    expect(answers[0]!.via).toBe("reply");
  });

  test("then an answer re-sent after a crash within the token's lifetime is not pushed a second time", async () => {
    const citizen = new TestUser(env.harness);
    // The reply lands, then marking the event done fails and this instance "crashes" (a restart
    // forgets what it delivered): the restarted instance re-sends the recorded answer.
    await failCommand(
      env.harness.database.uri,
      { skip: 1 },
      {
        failCommands: ["update"],
        errorCode: exceededTimeLimit,
        namespace: `${env.harness.database.dbName}.webhook_events`,
      },
    );
    const before = env.harness.platform.deliveries().length;
    await citizen.says("แจ้งเบาะแส");
    await failCommand(env.harness.database.uri, "off");
    await env.harness.restart();
    await env.harness.service.processor.scheduleDueWork();
    await env.settle();

    expect(batchesTo(citizen.userId, before)).toHaveLength(1);
  });
});
