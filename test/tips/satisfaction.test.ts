/**
 * Reporter satisfaction through the real path (issue 13.2): signed webhooks in, the fake LINE platform
 * out, officers closing cases in their chat and in the console, the embedded store over TCP.
 */
import type { TransparencyReport } from "../../src/transparency/figures";
import { officerPostback } from "../../src/officers/postback";
import type { Tip } from "../../src/tips/tip";
import { TestUser, textOf } from "../support/test-user";
import { ConsoleClient } from "../console/support/console-client";
import {
  citizenReports,
  enrolledOfficer,
  postbacksIn,
  startOfficerHarness,
  type OfficerHarness,
  type TestChat,
} from "../officers/support/officers";

jest.setTimeout(600_000);

const day = 86_400_000;

describe("reporter satisfaction", () => {
  let env: OfficerHarness;
  let supervisor: TestChat;
  let browser: ConsoleClient;

  const db = () => env.harness.service.context.connection;
  const answers = () => db().collection("satisfaction_answers").find({}).toArray();
  /** Messages to the citizen that ask the satisfaction question about this report. */
  const questionsTo = (citizen: TestUser, tip: Tip) =>
    citizen
      .received()
      .filter((m) => textOf(m).includes(citizen.t("satisfaction-question", { code: tip.code })));

  const closeInChat = async (tip: Tip, reason = "substantiated") => {
    await supervisor.taps(officerPostback("ack", tip.ref));
    await supervisor.taps(officerPostback("close", tip.ref, { reason }));
    await env.settle();
  };
  const closeInConsole = async (tip: Tip) => {
    await browser.post(`/console/cases/${tip.ref}/acknowledge`, {});
    await browser.post(`/console/cases/${tip.ref}/status`, { status: "closed", reason: "substantiated" });
    await env.settle();
  };
  /** The rating button for `rating` on the last message the citizen got. */
  const ratingButton = (citizen: TestUser, rating: number) =>
    citizen.quickReplies().find((item) => item.label === citizen.t(`satisfaction-rating-${rating}`))!;

  beforeAll(async () => {
    // Answers are taken for 60 days after closing here, so the figures can be looked at a month on.
    env = await startOfficerHarness({ CONTACT_RETENTION_AFTER_CLOSE: "60d" });
    supervisor = await enrolledOfficer(env, "supervisor", { districtIds: ["cm-san-sai"] });
    browser = new ConsoleClient(env);
    await browser.signIn(supervisor);
  });
  afterAll(async () => {
    await env.stop();
  });

  test("when a case of an opted-in reporter is closed (twice over), then exactly one question is pushed, with the closing update", async () => {
    const { citizen, tip } = await citizenReports(env, { optIn: true });
    await closeInChat(tip);
    // The same close tapped again (a redelivered or repeated tap) asks nothing more.
    await supervisor.taps(officerPostback("close", tip.ref, { reason: "substantiated" }));
    await env.settle();
    expect(questionsTo(citizen, tip)).toHaveLength(1);
    const question = citizen.t("satisfaction-question", { code: tip.code });
    const push = env.harness.platform
      .deliveries()
      .filter((d) => d.to === citizen.userId && d.messages.some((m) => textOf(m).includes(question)));
    expect(push).toHaveLength(1);
    // One push carries the closing update and the question, whose buttons are the five ratings.
    expect(textOf(push[0]!.messages[0])).toContain(citizen.t("tip-status-closed"));
    citizen.catchUp();
    expect(
      citizen
        .quickReplies()
        .slice(0, 5)
        .map((item) => item.label),
    ).toEqual([5, 4, 3, 2, 1].map((rating) => citizen.t(`satisfaction-rating-${rating}`)));
    // A second close after a reopen does not ask again either. The product has no reopen yet: it is
    // simulated by moving the status back and clearing the closing push already sent (whose key a
    // second close would reuse), so only the question's own once-ever rule is under test.
    await db()
      .collection("tips")
      .updateOne({ _id: tip._id }, { $set: { status: "referred" } });
    await db()
      .collection("notifications")
      .deleteOne({ key: `reporter-status:${tip._id.toHexString()}:closed` });
    await closeInChat(tip, "duplicate");
    expect(questionsTo(citizen, tip)).toHaveLength(1);
    expect((await db().collection("tips").findOne({ _id: tip._id }))!.satisfaction).toBe("asked");
  });

  test("when a reporter who did not opt in checks the closed case, then the question follows the status card once, and a typed label is a tap", async () => {
    const { citizen, tip } = await citizenReports(env, { optIn: false });
    const before = citizen.received().length;
    await closeInConsole(tip);
    expect(citizen.received()).toHaveLength(before); // nobody to push to
    await citizen.says(tip.code);
    expect(citizen.lastText()).toContain(citizen.t("satisfaction-question", { code: tip.code }));
    await citizen.says(tip.code);
    expect(citizen.lastText()).not.toContain(citizen.t("satisfaction-question", { code: tip.code }));
    expect(questionsTo(citizen, tip)).toHaveLength(1);

    const stored = (await answers()).length;
    await citizen.typesLabel("satisfaction-rating-3");
    expect(citizen.lastText()).toContain(citizen.t("satisfaction-thanks"));
    expect(citizen.lastText()).toContain(citizen.line("satisfaction-ask-comment"));
    expect(await answers()).toHaveLength(stored + 1);
    // Only two cases were questioned this month so far: the answer keeps neither area, kind nor outcome.
    expect((await answers()).find((answer) => answer.rating === 3)).toMatchObject({
      provinceId: null,
      districtId: null,
      category: null,
      outcome: null,
    });

    // Bad input at the comment step: a sticker, 10,000 characters, nothing but spaces — each a localized re-prompt.
    for (const attempt of [
      () => citizen.sendsSticker(),
      () => citizen.says("ก".repeat(10_000)),
      () => citizen.says("   "),
    ]) {
      await attempt();
      expect(citizen.lastText()).toContain(citizen.line("satisfaction-ask-comment"));
      expect(citizen.quickReplies().map((item) => item.label)).toContain(citizen.t("choice-skip"));
    }
    expect(await db().collection("satisfaction_comments").countDocuments()).toBe(0);
    await citizen.tapsLabel("choice-skip");
    expect(citizen.lastText()).toContain(citizen.t("satisfaction-comment-skipped"));
    expect(await db().collection("satisfaction_comments").countDocuments()).toBe(0);
  });

  test("when a rating is tapped again, redelivered, or sent for someone else's case, then one answer is kept and each gets a clear answer", async () => {
    const { citizen, tip } = await citizenReports(env, { optIn: true });
    await closeInChat(tip);
    citizen.catchUp();
    const data = ratingButton(citizen, 2).data!;
    const stored = (await answers()).length;

    const impostor = new TestUser(env.harness);
    await impostor.taps(data);
    expect(impostor.lastText()).toContain(impostor.t("satisfaction-not-found"));

    const first = await env.harness.platform.sendWebhook([
      env.harness.platform.postbackFrom(citizen.userId, data),
    ]);
    expect(first.status).toBe(200);
    await env.settle();
    await env.harness.platform.redeliver(first.events);
    await env.settle();
    expect(await answers()).toHaveLength(stored + 1);

    citizen.catchUp();
    await citizen.tapsLabel("choice-skip");
    await citizen.taps(data);
    expect(citizen.lastText()).toContain(citizen.t("satisfaction-already-rated"));
    await citizen.typesLabel("satisfaction-rating-5");
    expect(citizen.lastText()).toContain(citizen.t("satisfaction-none-waiting"));
    expect(await answers()).toHaveLength(stored + 1);
  });

  test("when the answer window has passed, then a rating gets 'expired' and nothing is stored", async () => {
    const { citizen, tip } = await citizenReports(env, { optIn: true });
    await closeInChat(tip);
    citizen.catchUp();
    const data = ratingButton(citizen, 5).data!;
    const stored = (await answers()).length;
    env.harness.clock.advance(61 * day);
    await citizen.taps(data);
    expect(citizen.lastText()).toContain(citizen.t("satisfaction-expired"));
    expect(await answers()).toHaveLength(stored);
    expect(postbacksIn(citizen.lastMessages())).not.toContain(data);
  });
});

describe("reporter satisfaction in the figures", () => {
  let env: OfficerHarness;
  let supervisor: TestChat;
  let browser: ConsoleClient;

  const db = () => env.harness.service.context.connection;
  const answers = () => db().collection("satisfaction_answers").find({}).toArray();
  const closeInChat = async (tip: Tip, reason = "substantiated") => {
    await supervisor.taps(officerPostback("ack", tip.ref));
    await supervisor.taps(officerPostback("close", tip.ref, { reason }));
    await env.settle();
  };
  const report = async (): Promise<TransparencyReport> => {
    await env.harness.service.modules.transparency.cache.recompute();
    return (await (await fetch(`${env.harness.service.url}/transparency.json`)).json()) as TransparencyReport;
  };

  beforeAll(async () => {
    env = await startOfficerHarness({ CONTACT_RETENTION_AFTER_CLOSE: "60d" });
    supervisor = await enrolledOfficer(env, "supervisor", { districtIds: ["cm-san-sai"] });
    browser = new ConsoleClient(env);
    await browser.signIn(supervisor);
  });
  afterAll(async () => {
    await env.stop();
  });

  test("when five reporters answer, then the page, JSON and CSV show the area's count and mean — '< 5' with four — and never beside a case code", async () => {
    const reports = [];
    for (let i = 0; i < 5; i++) reports.push(await citizenReports(env, { optIn: true }));
    for (const { tip } of reports) await closeInChat(tip);
    const comment = "เจ้าหน้าที่ตอบช้าแต่สุภาพมาก";
    const [first, ...rest] = reports;
    first!.citizen.catchUp();
    await first!.citizen.tapsButton(first!.citizen.t("satisfaction-rating-4"));
    await first!.citizen.says(comment);
    expect(first!.citizen.lastText()).toContain(first!.citizen.t("satisfaction-comment-thanks"));
    for (const { citizen } of rest.slice(0, 3)) {
      citizen.catchUp();
      await citizen.tapsButton(citizen.t("satisfaction-rating-4"));
    }

    // The stored answer holds the month, area, kind, outcome and rating: no id, code, pseudonym or time.
    const stored = await answers();
    const codes = reports.map(({ tip }) => tip.code);
    for (const answer of stored) {
      expect(Object.keys(answer).sort()).toEqual(
        ["_id", "category", "districtId", "month", "outcome", "provinceId", "rating"].sort(),
      );
      expect(typeof answer._id).toBe("string");
      const text = JSON.stringify(answer);
      for (const { tip } of reports) {
        expect(text).not.toContain(tip.code);
        expect(text).not.toContain(tip.ref);
        expect(text).not.toContain(tip._id.toHexString());
      }
      expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    }
    const reporters = await db().collection("reporter_tips").find({}).toArray();
    const everything = JSON.stringify(stored);
    for (const link of reporters) expect(everything).not.toContain(String(link.reporter));
    // Kept with their district, kind and outcome: five questioned cases of the month share them.
    expect(stored).toHaveLength(4);
    for (const answer of stored)
      expect(answer).toMatchObject({
        provinceId: "chiang-mai",
        districtId: "cm-san-sai",
        category: "bribery",
        outcome: "substantiated",
        rating: 4,
      });
    // The comment is sealed, beside its month and rating only; the tip says only "asked".
    const comments = await db().collection("satisfaction_comments").find({}).toArray();
    expect(comments).toHaveLength(1);
    expect(Object.keys(comments[0]!).sort()).toEqual(["_id", "month", "rating", "text"]);
    expect(JSON.stringify(comments)).not.toContain(comment);
    const tipDoc = await db().collection("tips").findOne({ _id: first!.tip._id });
    expect(tipDoc!.satisfaction).toBe("asked");
    expect(JSON.stringify(tipDoc)).not.toMatch(/rating|พอใจ/);
    const receipts = await db().collection("satisfaction_receipts").find({}).toArray();
    expect(JSON.stringify(receipts)).not.toContain(first!.tip._id.toHexString());

    // Answers of the month before, already stored (as the survey stores them): a figure needs more
    // than one month of answers to be shown, since the empty months' zeros must stay protected.
    const closingMonth = stored[0]!.month as string;
    const [year, monthNumber] = closingMonth.split("-").map(Number) as [number, number];
    const earlier = new Date(Date.UTC(year, monthNumber - 2, 15)).toISOString().slice(0, 7);
    await db()
      .collection("satisfaction_answers")
      .insertMany(
        Array.from({ length: 6 }, (_, i) => ({
          _id: `earlier-${i}` as never,
          month: earlier,
          provinceId: "chiang-mai",
          districtId: "cm-san-sai",
          category: null,
          outcome: null,
          rating: 3,
        })),
      );

    // A month on, the closing month is published. With four answers from San Sai: "< 5", no mean.
    // "A month on" is noon (Bangkok) on the 5th of the next month, not a fixed 32 days: closed late
    // in a month, 32 days would skip the next month and make a later month the last column. At most
    // 36 days, inside the 60-day answer window.
    const nextMonthFifth = Date.UTC(year, monthNumber, 5, 5);
    env.harness.clock.advance(nextMonthFifth - env.harness.clock.now().getTime());
    const sanSaiCell = (r: TransparencyReport) => {
      const measure = r.measures.find((m) => m.id === "satisfaction")!;
      const row = measure.tables[0]!.rows.find((candidate) => candidate.id === "cm-san-sai");
      return { measure, cell: row?.cells.at(-1) };
    };
    const withFour = sanSaiCell(await report());
    expect(withFour.cell).toEqual({ count: null, status: "under-k", mean: null });

    // The fifth answer (given within the answer window) makes it five: the count and the mean show.
    const fifth = rest[3]!.citizen;
    fifth.catchUp();
    await fifth.tapsButton(fifth.t("satisfaction-rating-4"));
    const after = await report();
    const { measure, cell } = sanSaiCell(after);
    expect(cell).toEqual({ count: 5, status: "published", mean: 4 });
    expect(measure.publishable).toBe(true);

    const page = await (await fetch(`${env.harness.service.url}/transparency?lang=en`)).text();
    const csv = await (await fetch(`${env.harness.service.url}/transparency.csv`)).text();
    const json = JSON.stringify(after);
    expect(page).toContain('data-table="areas-means"');
    expect(csv.split("\r\n").some((line) => line.startsWith("satisfaction,areas,cm-san-sai,"))).toBe(true);
    for (const body of [page, csv, json]) for (const code of codes) expect(body).not.toContain(code);

    // Officers and the console see the case, never the rating or the comment.
    const casePage = await browser.get(`/console/cases/${first!.tip.ref}`);
    expect(casePage.body).not.toContain(comment);
    expect(casePage.body).not.toContain(supervisor.t("satisfaction-rating-4"));
    expect(supervisor.allText()).not.toContain(comment);
    const audit = JSON.stringify(await env.officers.audit.model.find({}).lean().exec());
    expect(audit).not.toMatch(/satisfaction|rating/);
    expect(env.harness.logs.join("\n")).not.toContain(comment);

    // Supervisors read the comment through the survey; an officer cannot.
    const { survey } = env.harness.service.modules.satisfaction;
    const month = stored.find((a) => a.rating === 4)!.month as string;
    expect(await survey.openComments({ role: "supervisor" }, [month])).toEqual([
      { month, rating: 4, text: comment },
    ]);
    expect(await survey.openComments({ role: "officer" }, [month])).toBeUndefined();
    expect(env.harness.service.modules.satisfaction.figures()).toEqual(measure);
  });
});
