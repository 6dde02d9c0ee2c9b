import { startAwarenessStack, type AwarenessStack } from "./support/stack";
import { advanceToBangkok, campaignBody, multicastEndpoint } from "./support/fixtures";
import {
  aggregationUnitName,
  lineDay,
  lineMonth,
  unitNameRules,
  unitUseModel,
} from "../../src/awareness/aggregation-units";
import { runModel } from "../../src/awareness/runs";

let stack: AwarenessStack | undefined;

afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

async function preparedRun(subscribers: number) {
  const current = await startAwarenessStack();
  stack = current;
  advanceToBangkok(current.clock, "10:00");
  await current.seedSubscribers(subscribers, { topics: ["knowledge"] });
  const engine = current.deliveryEngine();
  await engine.campaigns.save(campaignBody());
  const runKey = await engine.campaigns.createManualRun("gifts-reminder");
  return { stack: current, engine, runKey };
}

const multicastBodies = (current: AwarenessStack) =>
  current.platform
    .calls({ endpoint: multicastEndpoint })
    .map((call) => call.body as { to: string[]; customAggregationUnits?: string[] });

test("when a campaign run is delivered, then every multicast carries the campaign's one unit name and the run records it", async () => {
  const { stack, engine, runKey } = await preparedRun(1_200);

  const result = await engine.scheduler.deliverNow(runKey);

  expect(result).toMatchObject({ outcome: "done", counts: { sent: 1_200 } });
  const bodies = multicastBodies(stack);
  expect(bodies).toHaveLength(3);
  for (const body of bodies) expect(body.customAggregationUnits).toEqual(["gifts_reminder"]);
  const run = await runModel(stack.service.context.connection).findById(runKey).lean();
  expect(run?.aggregation).toEqual({ unit: "gifts_reminder", month: lineMonth(stack.clock.now()) });
});

test("when LINE's 1,000 unit names of the month are used up, then the run is still delivered, without a unit, and says why", async () => {
  const { stack, engine, runKey } = await preparedRun(600);
  const month = lineMonth(stack.clock.now());
  await unitUseModel(stack.service.context.connection).insertMany(
    Array.from({ length: unitNameRules.perMonth }, (_, i) => ({
      _id: `${month}:other_${i}`,
      month,
      unit: `other_${i}`,
      createdAt: stack.clock.now(),
    })),
  );

  const result = await engine.scheduler.deliverNow(runKey);

  expect(result).toMatchObject({ outcome: "done", counts: { sent: 600, failed: 0 } });
  for (const body of multicastBodies(stack)) expect(body.customAggregationUnits).toBeUndefined();
  const run = await runModel(stack.service.context.connection).findById(runKey).lean();
  expect(run?.aggregation).toMatchObject({
    unit: null,
    month,
    note: expect.stringMatching(/1000 unit names/),
  });
});

test("when a campaign id is long or has dashes, then its unit name follows LINE's rules and stays distinct", () => {
  const a = aggregationUnitName("integrity-week-2026-provincial-offices-north-region-part-one");
  const b = aggregationUnitName("integrity-week-2026-provincial-offices-north-region-part-two");
  for (const name of [a, b, aggregationUnitName("gifts-and-hospitality")]) {
    expect(name).toMatch(unitNameRules.pattern);
  }
  expect(a).not.toBe(b);
  expect(aggregationUnitName("gifts-and-hospitality")).toBe("gifts_and_hospitality");
  expect(aggregationUnitName("gifts-and-hospitality")).toBe(aggregationUnitName("gifts-and-hospitality"));
});

test("when a date is turned into LINE's day and month, then UTC+9 decides which day it is", () => {
  // 16:30 UTC on 31 December is already 1 January in Tokyo.
  const at = new Date("2026-12-31T16:30:00Z");
  expect(lineDay(at)).toBe("20270101");
  expect(lineMonth(at)).toBe("202701");
  expect(lineDay(new Date("2026-12-31T14:59:00Z"))).toBe("20261231");
});
