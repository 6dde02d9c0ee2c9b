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

test("when 200 per second is configured, then it is accepted and the burst is counted inside LINE's limit", () => {
  const atLimit = multicastBucket(200);
  expect(atLimit.burst).toBe(10);
  expect(atLimit.ratePerSecond).toBe(190);
  expect(atLimit.ratePerSecond + atLimit.burst).toBe(200);

  const bigBurst = multicastBucket(200, 20);
  expect(bigBurst.ratePerSecond + bigBurst.burst).toBe(200);

  // Below the limit with room for the burst, the configured rate is the pace.
  const usual = multicastBucket(150);
  expect(usual.ratePerSecond).toBe(150);
  expect(usual.ratePerSecond + usual.burst).toBeLessThanOrEqual(200);
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

test("when the bucket at 200 per second works through a long queue after an idle spell, then no second carries more than 200", async () => {
  const bucket = multicastBucket(200);
  let now = 0;
  const virtual = new TokenBucket({
    ratePerSecond: bucket.ratePerSecond,
    burst: bucket.burst,
    now: () => now,
    sleep: (ms) =>
      new Promise((resolve) =>
        setImmediate(() => {
          now += ms;
          resolve();
        }),
      ),
  });

  const times = await releaseTimes(virtual, () => now, 1_000);

  expect(busiestWindow(times, 1_000)).toBeLessThanOrEqual(200);
});

test("when every timer fires a millisecond late, then the burst absorbs it and the pace holds", async () => {
  let now = 0;
  const { ratePerSecond, burst } = multicastBucket(200);
  const bucket = new TokenBucket({
    ratePerSecond,
    burst,
    now: () => now,
    sleep: (ms) =>
      new Promise((resolve) =>
        setImmediate(() => {
          now += ms + 1; // a busy event loop: every wake-up is late
          resolve();
        }),
      ),
  });

  const times = await releaseTimes(bucket, () => now, 1_000);

  // 1,000 releases at 190/s take 990 intervals after the first burst; lateness must not add to that.
  const elapsedMs = times.at(-1)! - times[0]!;
  expect(elapsedMs).toBeLessThanOrEqual(((1_000 - burst) / ratePerSecond) * 1_000 + 2);
  expect(busiestWindow(times, 1_000)).toBeLessThanOrEqual(200);
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
