import { startAwarenessStack, type AwarenessStack } from "./support/stack";
import {
  advanceToBangkok,
  campaignBody,
  countsById,
  multicastEndpoint,
  multicastRecipients,
} from "./support/fixtures";
import { TokenBucket } from "../../src/awareness/token-bucket";
import type { AwarenessOptions } from "../../src/awareness";
import { LineGateway } from "../../src/line/gateway";

let stack: AwarenessStack | undefined;

afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

/**
 * A stack with `count` subscribers, a delivery engine with `options` and a campaign whose manual run
 * is ready to deliver. `restart()` restarts the service (a crash or a deploy) and returns the same
 * engine built again in the new process.
 */
async function prepared(count: number, options: Partial<AwarenessOptions> = {}) {
  const current = await startAwarenessStack();
  stack = current;
  advanceToBangkok(current.clock, "10:00"); // outside quiet hours, for the sweeps some tests run
  const users = await current.seedSubscribers(count, { topics: ["knowledge"] });
  const engine = current.deliveryEngine(options);
  await engine.campaigns.save(campaignBody());
  const runKey = await engine.campaigns.createManualRun("gifts-reminder");
  const restart = async () => {
    await current.restart();
    return current.deliveryEngine(options);
  };
  return { stack: current, engine, users, runKey, restart };
}

/** How often each user actually received something, per the platform (including lost responses). */
function receivedCounts(current: AwarenessStack): Map<string, number> {
  return countsById(current.platform.deliveries().map((delivery) => delivery.to));
}

test("when the delivery is stopped after some batches and started again, then it finishes, nobody receives it twice and each gets their language", async () => {
  const {
    stack,
    engine,
    users: thai,
    runKey,
    restart,
  } = await prepared(3_000, {
    delivery: { maxInFlight: 4 },
  });
  const englishIds = await stack.seedSubscribers(2_000, { locale: "en", topics: ["knowledge"] });
  const users = [...thai, ...englishIds];
  const controller = new AbortController();
  const first = await engine.scheduler.deliverNow(runKey, {
    signal: controller.signal,
    onProgress: ({ counts }) => counts.batches >= 4 && controller.abort(),
  });
  expect(first.outcome).toBe("interrupted");
  expect(receivedCounts(stack).size).toBeLessThan(users.length);

  const restarted = await restart();
  const second = await restarted.scheduler.deliverNow(runKey);

  expect(second).toMatchObject({
    outcome: "done",
    counts: { eligible: 5_000, sent: 5_000, failed: 0, skipped: 0 },
  });
  const received = receivedCounts(stack);
  expect(users.every((id) => received.get(id) === 1)).toBe(true);
  const english = new Set(englishIds);
  for (const delivery of stack.platform.deliveries()) {
    const text = (delivery.messages[0] as { text: string }).text;
    expect(text.startsWith("Gifts") === english.has(delivery.to)).toBe(true);
  }
});

test("when LINE processed a batch but the answer was lost and the process died before retrying, then the restarted delivery re-sends it with the same retry key and LINE drops it (409)", async () => {
  const controller = new AbortController();
  // The engine's backoff before its retry is where the "process dies".
  const { stack, engine, users, runKey, restart } = await prepared(5_000, {
    delivery: { maxInFlight: 1 },
    sleep: async () => controller.abort(),
  });
  const first = await engine.scheduler.deliverNow(runKey, {
    signal: controller.signal,
    onProgress: ({ counts }) => {
      if (counts.batches === 3) stack.platform.failNext(multicastEndpoint, 500, 1, { processed: true });
    },
  });
  expect(first).toMatchObject({ outcome: "interrupted", counts: { sent: 1_500 } });
  const lostBatch = stack.platform.calls({ endpoint: multicastEndpoint }).at(-1)!;
  expect(lostBatch.status).toBe(500);

  const restarted = await restart();
  const second = await restarted.scheduler.deliverNow(runKey);

  expect(second).toMatchObject({ outcome: "done", counts: { sent: 5_000 } });
  const calls = stack.platform.calls({ endpoint: multicastEndpoint });
  const replay = calls.find((call) => call.status === 409)!;
  expect(replay.headers["x-line-retry-key"]).toBe(lostBatch.headers["x-line-retry-key"]);
  expect((replay.body as { to: string[] }).to).toEqual((lostBatch.body as { to: string[] }).to);
  const received = receivedCounts(stack);
  expect(users.every((id) => received.get(id) === 1)).toBe(true);
});

test("when two multicasts in flight reached LINE but the process died before either answer arrived, then the restarted delivery re-sends both with their keys and nobody receives anything twice", async () => {
  const controller = new AbortController();
  const line: { gateway?: LineGateway } = {};
  // Calls 5 and 6 reach LINE, which accepts them; then the connection "drops" for both, only once
  // both are on the wire. The engine's backoff before retrying is where the process "dies".
  let calls = 0;
  let bothSent!: () => void;
  const second = new Promise<void>((resolve) => (bothSent = resolve));
  const { stack, engine, users, runKey, restart } = await prepared(5_000, {
    delivery: { maxInFlight: 4 },
    sleep: async () => controller.abort(),
    multicast: async (body, key) => {
      const call = ++calls;
      const outcome = await line.gateway!.multicastJson(body, key);
      if (call !== 5 && call !== 6) return outcome;
      if (call === 6) bothSent();
      await second;
      throw new TypeError("LINE API request failed: ECONNRESET");
    },
  });
  line.gateway = new LineGateway({
    ...stack.config.line,
    logger: stack.service.context.logger,
    retry: { maxAttempts: 1 },
  });

  const first = await engine.scheduler.deliverNow(runKey, { signal: controller.signal });

  expect(first.outcome).toBe("interrupted");
  const run = await engine.subscribers.model.db
    .collection<{ _id: string; progress: { inFlight: Array<{ batch: number }> } }>("campaign_runs")
    .findOne({ _id: runKey });
  const unconfirmed = run!.progress.inFlight.map((range) => range.batch).sort((a, b) => a - b);
  expect(unconfirmed).toEqual(expect.arrayContaining([4, 5]));
  const lost = stack.platform
    .calls({ endpoint: multicastEndpoint })
    .slice(4, 6)
    .map((call) => call.headers["x-line-retry-key"]);

  const restarted = await restart();
  const resumed = await restarted.scheduler.deliverNow(runKey);

  expect(resumed).toMatchObject({ outcome: "done", counts: { eligible: 5_000, sent: 5_000, failed: 0 } });
  const replayed = stack.platform
    .calls({ endpoint: multicastEndpoint })
    .filter((call) => call.status === 409)
    .map((call) => call.headers["x-line-retry-key"]);
  expect(replayed).toEqual(expect.arrayContaining(lost));
  const received = receivedCounts(stack);
  expect(users.every((id) => received.get(id) === 1)).toBe(true);
});

test("when LINE answers 429 to one of several multicasts in flight, then every batch pauses, the limited one is retried with its key, and everyone receives it once", async () => {
  const maxInFlight = 4;
  const { stack, engine, users, runKey } = await prepared(6_000, { delivery: { maxInFlight } });
  const times: Array<{ status: number; at: number; key: string }> = [];
  stack.platform.on("call", (call) => {
    if (call.endpoint !== multicastEndpoint) return;
    times.push({ status: call.status, at: performance.now(), key: call.headers["x-line-retry-key"]! });
    // The fifth request is limited, while others are on their way.
    if (times.length === 4)
      stack.platform.failNext(multicastEndpoint, 429, 1, { headers: { "retry-after": "1" } });
  });

  const result = await engine.scheduler.deliverNow(runKey);

  expect(result).toMatchObject({ outcome: "done", counts: { eligible: 6_000, sent: 6_000 } });
  const limited = times.find((entry) => entry.status === 429)!;
  // Only requests that already held a token when the 429 arrived may start within its second.
  const soon = times.filter((entry) => entry.at > limited.at && entry.at - limited.at < 950);
  expect(soon.length).toBeLessThan(maxInFlight);
  const retried = times.filter((entry) => entry.key === limited.key);
  expect(retried.map((entry) => entry.status)).toEqual([429, 200]);
  const received = receivedCounts(stack);
  expect(users.every((id) => received.get(id) === 1)).toBe(true);
});

test("when an unconfirmed batch is older than LINE's retry-key window at restart, then it is counted as skipped rather than risked twice", async () => {
  const controller = new AbortController();
  const { stack, engine, runKey, restart } = await prepared(1_500, {
    delivery: { maxInFlight: 1 },
    sleep: async () => controller.abort(),
  });
  stack.platform.failNext(multicastEndpoint, 500, 1, { processed: true });
  await engine.scheduler.deliverNow(runKey, { signal: controller.signal });
  stack.clock.advance(24 * 3_600_000);

  const restarted = await restart();
  const result = await restarted.scheduler.deliverNow(runKey);

  expect(result).toMatchObject({ outcome: "done", counts: { sent: 1_000, skipped: 500 } });
  expect(
    stack.platform.calls({ endpoint: multicastEndpoint }).filter((call) => call.status === 409),
  ).toHaveLength(0);
});

test("when delivery runs under a rate limit, then every multicast waits for its own token from the bucket", async () => {
  // Causal, not a stopwatch (CI machines are loaded): the bucket's timing itself is proven with a
  // virtual clock in token-bucket.test.ts; here, no request may leave without a token granted first.
  let granted = 0;
  const sentAfter: number[] = [];
  class CountingBucket extends TokenBucket {
    override async take(signal?: AbortSignal): Promise<void> {
      await super.take(signal);
      granted++;
    }
  }
  const line: { gateway?: LineGateway } = {};
  const { stack, engine, runKey } = await prepared(300, {
    rateLimiter: new CountingBucket({ ratePerSecond: 1_000, burst: 1 }),
    delivery: { batchSize: 10 },
    multicast: (body, key) => {
      sentAfter.push(granted);
      return line.gateway!.multicastJson(body, key);
    },
  });
  line.gateway = new LineGateway({
    ...stack.config.line,
    logger: stack.service.context.logger,
    retry: { maxAttempts: 1 },
  });

  await engine.scheduler.deliverNow(runKey);

  expect(sentAfter).toHaveLength(30);
  sentAfter.forEach((tokens, i) => expect(tokens).toBeGreaterThanOrEqual(i + 1));
  expect(granted).toBe(30);
});

test("when LINE answers 429 with Retry-After, then sending pauses that long and the batch is retried once it may", async () => {
  const { stack, engine, users, runKey } = await prepared(2_000, { delivery: { maxInFlight: 1 } });
  stack.platform.failNext(multicastEndpoint, 429, 1, { headers: { "retry-after": "1" } });
  const times: Array<{ status: number; at: number }> = [];
  stack.platform.on("call", (call) => {
    if (call.endpoint === multicastEndpoint) times.push({ status: call.status, at: performance.now() });
  });

  const result = await engine.scheduler.deliverNow(runKey);

  expect(result).toMatchObject({ outcome: "done", counts: { sent: 2_000 } });
  const limited = times.find((entry) => entry.status === 429)!;
  const after = times.filter((entry) => entry.at > limited.at);
  expect(Math.min(...after.map((entry) => entry.at)) - limited.at).toBeGreaterThanOrEqual(950);
  const received = receivedCounts(stack);
  expect(users.every((id) => received.get(id) === 1)).toBe(true);
});

test("when LINE refuses one batch with a 400, then that batch counts as failed and the others are sent", async () => {
  const { stack, engine, runKey } = await prepared(1_500, { delivery: { maxInFlight: 1 } });
  stack.platform.failNext(multicastEndpoint, 400, 1);

  const result = await engine.scheduler.deliverNow(runKey);

  expect(result).toMatchObject({ outcome: "done", counts: { eligible: 1_500, sent: 1_000, failed: 500 } });
});

test("when LINE keeps failing with 5xx, then the run is interrupted after bounded retries and a later sweep finishes it", async () => {
  const { stack, engine, users, runKey } = await prepared(1_000, {
    delivery: { maxInFlight: 1, maxAttempts: 3 },
  });
  stack.platform.failNext(multicastEndpoint, 503, 3);

  const first = await engine.scheduler.deliverNow(runKey);
  expect(first).toMatchObject({ outcome: "interrupted", reason: "LINE unavailable" });
  expect(stack.platform.calls({ endpoint: multicastEndpoint })).toHaveLength(3);

  await engine.scheduler.tick({ wait: true });

  expect((await engine.campaigns.runs("gifts-reminder")).runs[0]).toMatchObject({
    status: "done",
    counts: { sent: 1_000 },
  });
  expect(multicastRecipients(stack.platform.calls({ endpoint: multicastEndpoint })).sort()).toEqual(
    [...users].sort(),
  );
});

test("when the monthly quota is used up, then the run fails for good instead of retrying", async () => {
  const { stack, engine, runKey } = await prepared(600, { delivery: { maxInFlight: 1 } });
  stack.platform.failNext(multicastEndpoint, 429, 1, {
    body: { message: "You have reached your monthly limit." },
  });

  const result = await engine.scheduler.deliverNow(runKey);

  expect(result).toMatchObject({ outcome: "failed", reason: "LINE monthly message quota reached" });
});

test("when a delivery runs, then its logs carry counts but no user id and no message text", async () => {
  const { stack, engine, users, runKey } = await prepared(600);

  await engine.scheduler.deliverNow(runKey);

  const logs = stack.logs.join("\n");
  expect(logs).toContain("campaign run delivery ended");
  for (const id of users.slice(0, 50)) expect(logs).not.toContain(id);
  expect(logs).not.toContain("3,000");
});
