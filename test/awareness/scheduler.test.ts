import { startAwarenessStack, type AwarenessStack } from "./support/stack";
import { RunStore, runKey, runModel } from "../../src/awareness/runs";
import { planRun } from "../../src/awareness/run-plan";
import {
  advanceToBangkok,
  campaignBody,
  countsById,
  multicastEndpoint,
  multicastRecipients,
} from "./support/fixtures";

let stack: AwarenessStack;

beforeEach(async () => {
  stack = await startAwarenessStack();
});

afterEach(async () => {
  await stack.stop();
});

const inMinutes = (minutes: number) => new Date(stack.clock.now().getTime() + minutes * 60_000).toISOString();

async function scheduled(overrides: Record<string, unknown>) {
  await stack.awareness.campaigns.save(campaignBody(overrides));
  return stack.awareness.campaigns.act("gifts-reminder", "schedule");
}

function recipients(): string[] {
  return multicastRecipients(stack.platform.calls({ endpoint: multicastEndpoint }));
}

test("when two instances sweep the same due run at the same moment, then it is created once and delivered once", async () => {
  const users = await stack.seedSubscribers(3_000, { topics: ["knowledge"] });
  advanceToBangkok(stack.clock, "10:00");
  await scheduled({ schedule: { at: inMinutes(1) } });
  stack.clock.advance(60_000);
  const first = stack; // the running service
  const second = await stack.startInstance();

  const reports = await Promise.all([
    first.awareness.scheduler.tick({ wait: true }),
    second.awareness.scheduler.tick({ wait: true }),
  ]);

  expect(reports.flatMap((report) => report.created)).toHaveLength(1);
  const counts = countsById(recipients());
  expect(counts.size).toBe(users.length);
  expect([...counts.values()].every((count) => count === 1)).toBe(true);
  const { runs } = await stack.awareness.campaigns.runs("gifts-reminder");
  expect(runs).toHaveLength(1);
  expect(runs[0]).toMatchObject({ status: "done", counts: { sent: 3_000 } });
});

test("when the instance delivering a run dies, then another instance takes the run over once its lease has run out", async () => {
  await stack.seedSubscribers(100, { topics: ["knowledge"] });
  advanceToBangkok(stack.clock, "10:00");
  await scheduled({ schedule: { at: inMinutes(1) } });
  stack.clock.advance(60_000);
  const runs = new RunStore(runModel(stack.service.context.connection));
  const campaign = await stack.awareness.campaigns.get("gifts-reminder");
  const dueAt = stack.clock.now();
  const key = runKey(campaign._id, dueAt);
  await runs.ensure(planRun(campaign, dueAt, "schedule", stack.service.context.texts), dueAt);
  await stack.service.context.connection
    .collection("campaigns")
    .updateOne({ _id: campaign._id as never }, { $set: { lastOccurrence: dueAt } });
  // A process claimed the run and crashed: its lease is still in the database.
  expect(await runs.claim(key, "crashed-instance", stack.clock.now(), 60_000)).toBeDefined();
  const survivor = stack; // the running service: an instance other than the crashed one

  await survivor.awareness.scheduler.tick({ wait: true });
  const whileLeased = recipients().length;
  stack.clock.advance(61_000);
  await survivor.awareness.scheduler.tick({ wait: true });

  expect(whileLeased).toBe(0);
  expect((await runs.get(key))!.status).toBe("done");
  expect(countsById(recipients()).size).toBe(100);
});

test("when a run falls due during quiet hours, then it waits until they end", async () => {
  const users = await stack.seedSubscribers(50, { topics: ["knowledge"] });
  advanceToBangkok(stack.clock, "21:30");
  await scheduled({ schedule: { at: inMinutes(1) } });
  stack.clock.advance(2 * 60_000);

  const atNight = await stack.awareness.scheduler.tick({ wait: true });
  advanceToBangkok(stack.clock, "07:59");
  await stack.awareness.scheduler.tick({ wait: true });
  const beforeMorning = recipients().length;
  advanceToBangkok(stack.clock, "08:00");
  const inTheMorning = await stack.awareness.scheduler.tick({ wait: true });

  expect(atNight.postponed).toHaveLength(1);
  expect(beforeMorning).toBe(0);
  expect(inTheMorning.started).toHaveLength(1);
  expect(recipients().sort()).toEqual([...users].sort());
});

test("when a campaign turns quiet hours off, then its run goes out at night", async () => {
  await stack.seedSubscribers(10, { topics: ["knowledge"] });
  advanceToBangkok(stack.clock, "23:00");
  await scheduled({ schedule: { at: inMinutes(1) }, quietHours: false });
  stack.clock.advance(60_000);

  const report = await stack.awareness.scheduler.tick({ wait: true });

  expect(report.started).toHaveLength(1);
  expect(recipients()).toHaveLength(10);
});

test("when every instance was down through several occurrences, then only the latest one runs, late, once", async () => {
  await stack.seedSubscribers(20, { topics: ["knowledge"] });
  advanceToBangkok(stack.clock, "09:00");
  await scheduled({ schedule: { cron: "0 10 * * *" } });
  advanceToBangkok(stack.clock, "10:00");
  stack.clock.advance(3 * 86_400_000 + 30 * 60_000); // three days later, 10:30

  const report = await stack.awareness.scheduler.tick({ wait: true });
  const again = await stack.awareness.scheduler.tick({ wait: true });

  expect(report.created).toEqual([expect.stringMatching(/^gifts-reminder@.*T03:00:00\.000Z$/)]);
  expect(again.created).toHaveLength(0);
  expect(recipients()).toHaveLength(20);
});

test("when a missed run is found after the campaign's end date, then it is recorded as skipped and not sent", async () => {
  await stack.seedSubscribers(20, { topics: ["knowledge"] });
  advanceToBangkok(stack.clock, "09:00");
  await scheduled({ schedule: { at: inMinutes(60) }, endAt: inMinutes(120) });
  stack.clock.advance(5 * 3_600_000);

  const report = await stack.awareness.scheduler.tick({ wait: true });

  expect(report.skipped).toHaveLength(1);
  expect(recipients()).toHaveLength(0);
  expect((await stack.awareness.campaigns.get("gifts-reminder")).status).toBe("done");
  expect((await stack.awareness.campaigns.runs("gifts-reminder")).runs[0]).toMatchObject({
    status: "skipped",
  });
});

test("when a one-off campaign has been delivered, then the campaign is done", async () => {
  await stack.seedSubscribers(10, { topics: ["knowledge"] });
  advanceToBangkok(stack.clock, "10:00");
  await scheduled({ schedule: { at: inMinutes(1) } });
  stack.clock.advance(60_000);

  await stack.awareness.scheduler.tick({ wait: true });

  expect((await stack.awareness.campaigns.get("gifts-reminder")).status).toBe("done");
});

test("when a campaign is paused before its run is due, then nothing is sent until it is resumed", async () => {
  await stack.seedSubscribers(10, { topics: ["knowledge"] });
  advanceToBangkok(stack.clock, "10:00");
  await scheduled({ schedule: { at: inMinutes(1) } });
  await stack.awareness.campaigns.act("gifts-reminder", "pause");
  stack.clock.advance(5 * 60_000);

  await stack.awareness.scheduler.tick({ wait: true });
  const whilePaused = recipients().length;
  await stack.awareness.campaigns.act("gifts-reminder", "resume");
  await stack.awareness.scheduler.tick({ wait: true });

  expect(whilePaused).toBe(0);
  expect(recipients()).toHaveLength(10);
});

test("when a campaign is cancelled while its run waits for the morning, then the run is cancelled and nothing is sent", async () => {
  await stack.seedSubscribers(10, { topics: ["knowledge"] });
  advanceToBangkok(stack.clock, "22:00");
  await scheduled({ schedule: { at: inMinutes(1) } });
  stack.clock.advance(60_000);
  await stack.awareness.scheduler.tick({ wait: true });

  await stack.awareness.campaigns.act("gifts-reminder", "cancel");
  advanceToBangkok(stack.clock, "08:30");
  await stack.awareness.scheduler.tick({ wait: true });

  expect(recipients()).toHaveLength(0);
  expect((await stack.awareness.campaigns.runs("gifts-reminder")).runs[0]).toMatchObject({
    status: "cancelled",
  });
});

test("when a newer occurrence comes due while an older run still waits, then the older one is superseded", async () => {
  await stack.seedSubscribers(10, { topics: ["knowledge"] });
  advanceToBangkok(stack.clock, "20:00");
  await scheduled({ schedule: { cron: "30 * * * *" } });
  for (const time of ["21:30", "22:30", "23:30"]) {
    advanceToBangkok(stack.clock, time);
    await stack.awareness.scheduler.tick({ wait: true });
  }
  advanceToBangkok(stack.clock, "08:00");
  await stack.awareness.scheduler.tick({ wait: true });

  const { runs } = await stack.awareness.campaigns.runs("gifts-reminder");
  // 21:30, 22:30 and 23:30 waited and gave way in turn; at 08:00 the latest occurrence (07:30) goes.
  expect(runs.map((run) => run.status)).toEqual(["done", "skipped", "skipped", "skipped"]);
  expect(recipients()).toHaveLength(10);
});
