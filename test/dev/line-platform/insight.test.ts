import { createFakeLinePlatform, fakeUserId, type FakeLinePlatform } from "../../../src/dev/line-platform";
import { MAX_UNITS_PER_MONTH } from "../../../src/dev/line-platform/insight";

const secret = "8c570fa6dd201bb328f1c1eac23a96d8";
// 10:00 in Tokyo on 1 August 2026 (LINE's statistics days are UTC+9).
let clock = Date.parse("2026-08-01T01:00:00Z");
let platform: FakeLinePlatform;
let baseUrl: string;
const day = 86_400_000;

beforeEach(async () => {
  clock = Date.parse("2026-08-01T01:00:00Z");
  platform = createFakeLinePlatform({ channelSecret: secret, now: () => clock });
  baseUrl = await platform.listen();
});

afterEach(async () => {
  await platform.close();
});

const text = { type: "text", text: "Gifts over 3,000 baht should be declined." };

async function multicast(to: string[], units?: unknown) {
  const response = await fetch(`${baseUrl}/v2/bot/message/multicast`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      to,
      messages: [text],
      ...(units === undefined ? {} : { customAggregationUnits: units }),
    }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

async function statistics(query: Record<string, string>) {
  const response = await fetch(
    `${baseUrl}/v2/bot/insight/message/event/aggregation?${new URLSearchParams(query).toString()}`,
  );
  return {
    status: response.status,
    json: (await response.json()) as { overview: Record<string, number | null> },
  };
}

test("when a multicast names units against LINE's rules, then it is refused with LINE's error shape and nothing is delivered", async () => {
  const to = [fakeUserId()];
  const cases: Array<[unknown, string]> = [
    [["a", "b"], "customAggregationUnits"],
    [["has-dash"], "customAggregationUnits[0]"],
    [["x".repeat(31)], "customAggregationUnits[0]"],
    [["ไทย"], "customAggregationUnits[0]"],
    [[], "customAggregationUnits"],
  ];
  for (const [units, property] of cases) {
    const answer = await multicast(to, units);
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({
      message: expect.stringMatching(/^The request body has \d+ error\(s\)$/),
      details: [expect.objectContaining({ property })],
    });
  }
  expect(platform.deliveries()).toEqual([]);
  expect((await multicast(to, ["Promo_2026_a"])).status).toBe(200);
  expect(platform.calls({ endpoint: "POST /v2/bot/message/multicast" }).at(-1)?.body).toMatchObject({
    customAggregationUnits: ["Promo_2026_a"],
  });
});

test("when people received messages under a unit, then its statistics grow with time and stay null under 20", async () => {
  const many = Array.from({ length: 400 }, () => fakeUserId());
  await multicast(many, ["campaign_a"]);
  await multicast(
    Array.from({ length: 10 }, () => fakeUserId()),
    ["campaign_b"],
  );
  const period = { from: "20260801", to: "20260805" };

  const atOnce = await statistics({ customAggregationUnit: "campaign_a", ...period });
  clock += 3 * day;
  const later = await statistics({ customAggregationUnit: "campaign_a", ...period });
  const few = await statistics({ customAggregationUnit: "campaign_b", ...period });
  const before = await statistics({ customAggregationUnit: "campaign_a", from: "20260720", to: "20260731" });

  expect(later.status).toBe(200);
  const opened = later.json.overview.uniqueImpression as number;
  expect(opened).toBeGreaterThan(400 * 0.45);
  expect(opened).toBeLessThan(400 * 0.75);
  expect(later.json.overview.uniqueClick).toBeLessThan(opened);
  expect(atOnce.json.overview.uniqueImpression ?? 0).toBeLessThan(opened);
  // Text only: nothing to play.
  expect(later.json.overview.uniqueMediaPlayed).toBeNull();
  expect(few.json.overview).toEqual({
    uniqueImpression: null,
    uniqueClick: null,
    uniqueMediaPlayed: null,
    uniqueMediaPlayed100Percent: null,
  });
  expect(before.json.overview.uniqueImpression).toBeNull();
});

test("when the statistics are asked for without a unit or with a bad period, then LINE's 400 comes back", async () => {
  expect((await statistics({ from: "20260801", to: "20260802" })).status).toBe(400);
  expect((await statistics({ customAggregationUnit: "a", from: "2026-08-01", to: "20260802" })).status).toBe(
    400,
  );
  expect((await statistics({ customAggregationUnit: "a", from: "20260801", to: "20260901" })).status).toBe(
    400,
  );
  expect((await statistics({ customAggregationUnit: "a", from: "20260802", to: "20260801" })).status).toBe(
    400,
  );
  expect((await statistics({ customAggregationUnit: "a", from: "20260801", to: "20260831" })).status).toBe(
    200,
  );
});

test("when a month's 1,000 unit names are used, then a new name is sent but not counted, as LINE does", async () => {
  const user = fakeUserId();
  for (let i = 0; i < MAX_UNITS_PER_MONTH; i += 100) {
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, j) => multicast([user], [`unit_${i + j}`])),
    );
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
  }
  const info = await fetch(`${baseUrl}/v2/bot/message/aggregation/info`);
  expect(await info.json()).toEqual({ numOfCustomAggregationUnits: MAX_UNITS_PER_MONTH });

  const crowd = Array.from({ length: 100 }, () => fakeUserId());
  expect((await multicast(crowd, ["one_too_many"])).status).toBe(200);
  clock += 3 * day;

  expect(platform.deliveries().filter((d) => crowd.includes(d.to))).toHaveLength(100);
  const stats = await statistics({ customAggregationUnit: "one_too_many", from: "20260801", to: "20260805" });
  expect(stats.json.overview.uniqueImpression).toBeNull();
});
