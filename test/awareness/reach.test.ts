import { startAwarenessStack, type AwarenessStack } from "./support/stack";
import { advanceToBangkok, campaignBody } from "./support/fixtures";
import { AdminTokens } from "../../src/admin/auth";
import { lineDay } from "../../src/awareness/aggregation-units";
import { reachModel } from "../../src/awareness/reach";
import { testAccessToken } from "../support/harness";

let stack: AwarenessStack;
let supervisor: string;

beforeAll(async () => {
  stack = await startAwarenessStack();
  const tokens = new AdminTokens(stack.service.context.connection);
  supervisor = (await tokens.create({ label: "reach", role: "supervisor" }, stack.clock.now())).token;
}, 180_000);

afterAll(async () => {
  await stack.stop();
});

const insightEndpoint = "GET /v2/bot/insight/message/event/aggregation";
const day = 86_400_000;

/** A campaign delivered once, now, to `subscribers` people who follow its topic. */
async function delivered(id: string, subscribers: number, topic: "news" | "reporting" | "officials") {
  advanceToBangkok(stack.clock, "10:00");
  await stack.seedSubscribers(subscribers, { topics: [topic] });
  await stack.awareness.campaigns.save(campaignBody({ id, topics: [topic] }));
  const runKey = await stack.awareness.campaigns.createManualRun(id);
  const sentAt = stack.clock.now();
  const result = await stack.awareness.scheduler.deliverNow(runKey);
  expect(result).toMatchObject({ outcome: "done", counts: { sent: subscribers } });
  return { runKey, sentAt };
}

/** What the fake LINE itself answers for a unit: the figures our stats must show. */
async function lineFigures(unit: string, from: string, to: string) {
  const query = new URLSearchParams({ customAggregationUnit: unit, from, to });
  const response = await fetch(
    `${stack.config.line.apiBaseUrl}/v2/bot/insight/message/event/aggregation?${query.toString()}`,
    { headers: { authorization: `Bearer ${testAccessToken}` } },
  );
  expect(response.status).toBe(200);
  return ((await response.json()) as { overview: Record<string, number | null> }).overview;
}

/** The parts of GET /stats the tests read. */
interface StatsBody {
  runs: Array<{ runKey: string; note?: string; shown: { opened: string; clicked: string } }>;
  [field: string]: unknown;
}

async function statsOf(id: string, locale = "en") {
  const response = await fetch(`${stack.service.url}/admin/api/campaigns/${id}/stats?locale=${locale}`, {
    headers: { authorization: `Bearer ${supervisor}` },
  });
  return { status: response.status, body: (await response.json()) as StatsBody };
}

test("when a run has been delivered and the reach job has read LINE, then the stats show LINE's per-unit figures for that run and the campaign", async () => {
  const { runKey, sentAt } = await delivered("reach-numbers", 500, "news");
  stack.clock.advance(3 * day); // people open over the following two days

  const tick = await stack.awareness.reach.runOnce(stack.clock.now());

  expect(tick).toEqual({ fetched: 2, failed: 0, rateLimited: false });
  const reads = stack.platform.calls({ endpoint: insightEndpoint });
  expect(reads.map((call) => call.query)).toEqual([
    { customAggregationUnit: "reach_numbers", from: lineDay(sentAt), to: lineDay(stack.clock.now()) },
    { customAggregationUnit: "reach_numbers", from: lineDay(sentAt), to: lineDay(stack.clock.now()) },
  ]);
  const expected = await lineFigures("reach_numbers", lineDay(sentAt), lineDay(stack.clock.now()));
  expect(expected.uniqueImpression).toBeGreaterThanOrEqual(20);
  expect(expected.uniqueClick).toBeGreaterThanOrEqual(20);

  const { status, body } = await statsOf("reach-numbers");
  expect(status).toBe(200);
  expect(body).toMatchObject({
    campaignId: "reach-numbers",
    recipients: 500,
    delivered: 500,
    opened: expected.uniqueImpression,
    clicked: expected.uniqueClick,
  });
  expect(body.runs).toEqual([
    expect.objectContaining({
      runKey,
      unit: "reach_numbers",
      recipients: 500,
      delivered: 500,
      opened: expected.uniqueImpression,
      clicked: expected.uniqueClick,
      final: false,
      period: { from: lineDay(sentAt), to: lineDay(stack.clock.now()) },
    }),
  ]);
  expect(body.runs[0]!.shown.opened).toBe(String(expected.uniqueImpression));
});

test("when LINE withholds figures under 20, then the stats say fewer than 20 in the staff's language, never 0", async () => {
  await delivered("reach-few", 15, "reporting");
  stack.clock.advance(3 * day);

  await stack.awareness.reach.runOnce(stack.clock.now());

  const english = await statsOf("reach-few", "en");
  expect(english.body).toMatchObject({ recipients: 15, delivered: 15, opened: "fewer-than-20" });
  expect(english.body.runs[0]!).toMatchObject({
    opened: "fewer-than-20",
    clicked: "fewer-than-20",
    shown: { opened: "fewer than 20", clicked: "fewer than 20" },
  });
  const thai = await statsOf("reach-few", "th");
  expect(thai.body.runs[0]!.shown.opened).toBe("น้อยกว่า 20");
  const stored = await reachModel(stack.service.context.connection)
    .findById(`run:${thai.body.runs[0]!.runKey}`)
    .lean();
  expect(stored?.figures?.uniqueImpression).toBeNull();
});

test("when LINE answers 429 or 5xx, then the job backs off and reads again later; once LINE stops updating, it stops reading", async () => {
  await delivered("reach-backoff", 40, "officials");
  stack.clock.advance(1 * day);
  // Other tests' runs are read again too: count only this campaign's reads.
  const reads = () =>
    stack.platform
      .calls({ endpoint: insightEndpoint })
      .filter((call) => call.query?.customAggregationUnit === "reach_backoff").length;
  const records = reachModel(stack.service.context.connection);
  const mine = () => records.find({ campaignId: "reach-backoff" }).lean();

  stack.platform.failNext(insightEndpoint, 429);
  const limited = await stack.awareness.reach.runOnce(stack.clock.now());
  expect(limited).toMatchObject({ rateLimited: true, fetched: 0, failed: 1 });
  const afterLimit = reads();
  expect(afterLimit).toBe(1);
  // The rest of the hour's budget is left alone, and the refused period waits for its backoff.
  stack.platform.failNext(insightEndpoint, 500);
  const next = await stack.awareness.reach.runOnce(stack.clock.now());
  expect(next.rateLimited).toBe(false);
  const waiting = await mine();
  expect(waiting).toHaveLength(2);
  expect(waiting.every((doc) => doc.failures === 1 && doc.nextFetchAt > stack.clock.now())).toBe(true);
  expect(waiting.every((doc) => doc.figures === undefined)).toBe(true);
  expect(reads()).toBe(2);
  const during = await statsOf("reach-backoff");
  expect(during.body.runs[0]!).toMatchObject({
    opened: null,
    note: expect.stringMatching(/^LINE answered (429|500)$/),
  });

  stack.clock.advance(2 * 3_600_000);
  await stack.awareness.reach.runOnce(stack.clock.now());
  expect((await mine()).every((doc) => doc.failures === 0 && doc.figures !== undefined)).toBe(true);
  expect((await statsOf("reach-backoff")).body.runs[0]!.note).toBeUndefined();

  // 14 days of LINE updates and a day of lag later the figures are final and no longer read.
  stack.clock.advance(16 * day);
  await stack.awareness.reach.runOnce(stack.clock.now());
  expect((await mine()).every((doc) => doc.final)).toBe(true);
  const settled = reads();
  stack.clock.advance(day);
  await stack.awareness.reach.runOnce(stack.clock.now());
  expect(reads()).toBe(settled);
});

test("when the stats of an unknown campaign or in an unknown language are asked for, then the answer is 404 or 422", async () => {
  expect((await statsOf("no-such-campaign")).status).toBe(404);
  await stack.awareness.campaigns.save(campaignBody({ id: "reach-locale" }));
  expect((await statsOf("reach-locale", "fr")).status).toBe(422);
});
