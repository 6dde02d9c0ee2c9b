import { startAwarenessStack, type AwarenessStack } from "./support/stack";
import {
  advanceToBangkok,
  campaignBody,
  countsById,
  multicastEndpoint,
  multicastRecipients,
} from "./support/fixtures";

let stack: AwarenessStack;

beforeAll(async () => {
  stack = await startAwarenessStack();
}, 180_000);

afterAll(async () => {
  await stack.stop();
});

test("when a run goes to 20,000 subscribers, then every eligible subscriber gets it exactly once, in batches of at most 500, and nobody else does", async () => {
  const thai = await stack.seedSubscribers(15_000, { locale: "th", topics: ["knowledge", "news"] });
  const english = await stack.seedSubscribers(4_000, { locale: "en", topics: ["knowledge"] });
  const otherTopic = await stack.seedSubscribers(600, { topics: ["officials"] });
  const unsubscribed = await stack.seedSubscribers(200, { status: "unsubscribed", topics: ["knowledge"] });
  const blocked = await stack.seedSubscribers(200, { status: "blocked", topics: ["knowledge"] });
  const { campaigns, scheduler } = stack.awareness;
  const at = advanceToBangkok(stack.clock, "09:59");
  await campaigns.save(campaignBody({ schedule: { at: new Date(at.getTime() + 60_000).toISOString() } }));
  await campaigns.act("gifts-reminder", "schedule");
  stack.clock.advance(60_000);

  const report = await scheduler.tick({ wait: true });
  expect(report.started).toHaveLength(1);

  const calls = stack.platform.calls({ endpoint: multicastEndpoint });
  const counts = countsById(multicastRecipients(calls));
  expect(calls.every((call) => (call.body as { to: string[] }).to.length <= 500)).toBe(true);
  expect([...thai, ...english].every((id) => counts.get(id) === 1)).toBe(true);
  expect(counts.size).toBe(thai.length + english.length);
  for (const id of [...otherTopic, ...unsubscribed, ...blocked]) expect(counts.has(id)).toBe(false);
  const { runs } = await campaigns.runs("gifts-reminder");
  expect(runs[0]).toMatchObject({
    status: "done",
    counts: { eligible: 19_000, sent: 19_000, failed: 0, skipped: 0 },
  });
}, 180_000);
