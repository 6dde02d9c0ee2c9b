import { TokenBucket, multicastBucket, RateLimitAbortedError } from "../../src/awareness/token-bucket";

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
  expect(() => multicastBucket(250)).toThrow(/exceeds LINE's 200/);
  expect(() => multicastBucket(200, 20)).toThrow(/exceeds LINE's 200/);
  expect(multicastBucket(150).burst + 150 - 1).toBeLessThanOrEqual(200);
});
