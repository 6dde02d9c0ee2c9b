/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `check` until it holds or `deadlineMs` passes; false on the deadline. Deadlines are generous:
 * drills run on shared machines and measure what happened, never how fast.
 */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  deadlineMs: number,
  everyMs = 250,
): Promise<boolean> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > until) return false;
    await sleep(everyMs);
  }
}

/**
 * The next wall-clock instant at `second` past a minute that is at least `aheadMs` away: cron jobs
 * fire at :00, so an outage from :50 for 20 s spans a minute boundary.
 */
export function nextSecondOfMinute(second: number, aheadMs: number, now = Date.now()): number {
  const minute = Math.floor(now / 60_000) * 60_000;
  let at = minute + second * 1000;
  while (at - now < aheadMs) at += 60_000;
  return at;
}

/** Waits until the wall clock reaches `at` (ms since the epoch). */
export async function until(at: number): Promise<void> {
  const wait = at - Date.now();
  if (wait > 0) await sleep(wait);
}
