import { TokenBucket, multicastBucket, RateLimitAbortedError } from "../../src/awareness/token-bucket";
import { startHarness } from "../support/harness";

/** A bucket on a virtual clock: sleeping advances time instantly. */
function virtualBucket(ratePerSecond: number, burst: number) {
  let now = 0;
  const bucket = new TokenBucket({
    ratePerSecond,
    burst,
    now: () => now,
    // Time moves on in a later macrotask, after the continuations of what was released now.
    sleep: (ms) =>
      new Promise((resolve) =>
        setImmediate(() => {
          now += ms;
          resolve();
        }),
      ),
  });
  return { bucket, now: () => now };
}

async function releaseTimes(bucket: TokenBucket, now: () => number, count: number): Promise<number[]> {
  const times: number[] = [];
  await Promise.all(Array.from({ length: count }, () => bucket.take().then(() => times.push(now()))));
  return times;
}

test("when many requests wait, then after the burst they are released one interval apart", async () => {
  const { bucket, now } = virtualBucket(100, 5);

  const times = await releaseTimes(bucket, now, 25);

  expect(times.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
  for (let i = 5; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeCloseTo(10, 6);
});

test("when paused for a 429, then nothing is released before the pause ends, and no burst follows", async () => {
  const { bucket, now } = virtualBucket(100, 5);
  await bucket.take();
  bucket.pauseFor(1_000);

  const times = await releaseTimes(bucket, now, 3);

  expect(times[0]).toBeGreaterThanOrEqual(1_000);
  expect(times[1]! - times[0]!).toBeCloseTo(10, 6);
});

test("when a waiter's signal aborts, then it leaves the queue at once", async () => {
  const bucket = new TokenBucket({ ratePerSecond: 1, burst: 1 });
  await bucket.take();
  const controller = new AbortController();
  const waiting = bucket.take(controller.signal);

  controller.abort();

  await expect(waiting).rejects.toBeInstanceOf(RateLimitAbortedError);
});

test("when a multicast rate above LINE's 200 per second is configured, then it is refused", () => {
  expect(() => multicastBucket(250)).toThrow(/within LINE's 200/);
  expect(() => multicastBucket(0)).toThrow(/must be positive/);
  expect(() => multicastBucket(200, 150)).toThrow(/less than half/);
});

test("when 200 per second is configured, then the pace is the full rate and every second is capped at LINE's 200", () => {
  const atLimit = multicastBucket(200);
  expect(atLimit.ratePerSecond).toBe(200);
  expect(atLimit.burst).toBe(10);
  expect(atLimit.perSecondLimit).toBe(200);

  const usual = multicastBucket(150);
  expect(usual.ratePerSecond).toBe(150);
  expect(usual.perSecondLimit).toBe(200);
});

/** The most releases that fall into any closed window of `windowMs` (times sorted). */
function busiestWindow(times: number[], windowMs: number): number {
  let most = 0;
  for (let first = 0, last = 0; last < times.length; last++) {
    while (times[last]! - times[first]! > windowMs) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

/** multicastBucket's settings on a virtual clock whose every wake-up comes `lateMs` late. */
function virtualMulticastBucket(rate: number, lateMs: number, burst?: number) {
  const { ratePerSecond, burst: allowance, perSecondLimit } = multicastBucket(rate, burst);
  let now = 0;
  const bucket = new TokenBucket({
    ratePerSecond,
    burst: allowance,
    perSecondLimit,
    now: () => now,
    sleep: (ms) =>
      new Promise((resolve) =>
        setImmediate(() => {
          now += ms + lateMs;
          resolve();
        }),
      ),
  });
  return { bucket, now: () => now };
}

test("when the bucket at 200 per second works through a long queue after an idle spell, then no second carries more than 200", async () => {
  const { bucket, now } = virtualMulticastBucket(200, 0);

  const times = await releaseTimes(bucket, now, 1_000);

  expect(busiestWindow(times, 1_000)).toBe(200);
  // 1,000 starts under "200 in any closed second" need a little over 4 s after the first second's
  // 200; at 190/s (the earlier rule) they took 5.2 s.
  const elapsedMs = times.at(-1)! - times[0]!;
  expect(elapsedMs).toBeGreaterThan(4_000);
  expect(elapsedMs).toBeLessThanOrEqual(4_951);
});

test("when a bigger burst is configured, then the cap still holds every second to 200", async () => {
  const { bucket, now } = virtualMulticastBucket(200, 0, 50);

  const times = await releaseTimes(bucket, now, 700);

  expect(times.slice(0, 50).every((time) => time === 0)).toBe(true);
  expect(busiestWindow(times, 1_000)).toBe(200);
});

test("when every timer fires a millisecond late, then the burst absorbs it, the pace holds and no second carries more than 200", async () => {
  const { bucket, now } = virtualMulticastBucket(200, 1);

  const times = await releaseTimes(bucket, now, 1_000);

  const elapsedMs = times.at(-1)! - times[0]!;
  // A start held by the one-second cap cannot catch up (that would break the cap): each full
  // window can add one late wake-up, 4 here; 190/s would take 5,210 ms.
  expect(elapsedMs).toBeLessThanOrEqual(4_951 + 4 * 1 + 2);
  expect(busiestWindow(times, 1_000)).toBeLessThanOrEqual(200);
});

test("when timers are very late (10 ms), then the cap still holds and the rate stays within a few percent of 200", async () => {
  const { bucket, now } = virtualMulticastBucket(200, 10);

  const times = await releaseTimes(bucket, now, 2_000);

  expect(busiestWindow(times, 1_000)).toBeLessThanOrEqual(200);
  const rate = ((times.length - 1) / (times.at(-1)! - times[0]!)) * 1_000;
  expect(rate).toBeGreaterThan(190);
});

test("when a limit per second is given to a plain bucket, then it is enforced and must be at least 1", async () => {
  expect(() => new TokenBucket({ ratePerSecond: 10, perSecondLimit: 0 })).toThrow(/at least 1/);
  let now = 0;
  const bucket = new TokenBucket({
    ratePerSecond: 1_000,
    burst: 100,
    perSecondLimit: 30,
    now: () => now,
    sleep: (ms) => new Promise((resolve) => setImmediate(() => ((now += ms), resolve(undefined)))),
  });

  const times = await releaseTimes(bucket, () => now, 95);

  expect(busiestWindow(times, 1_000)).toBe(30);
  expect(times[30]).toBeGreaterThan(1_000);
});

test("when the service is configured with AWARENESS_MULTICAST_RATE=200, then it starts", async () => {
  const harness = await startHarness({ env: { AWARENESS_MULTICAST_RATE: "200" } });
  try {
    expect(harness.config.awarenessMulticastRate).toBe(200);
    expect(harness.service.features.map((feature) => feature.name)).toContain("awareness");
  } finally {
    await harness.stop();
  }
});
