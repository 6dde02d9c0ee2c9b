/** LINE's multicast limit per channel (LINE-FACTS §5): the bucket may never be set above it. */
export const lineMulticastLimitPerSecond = 200;

export interface TokenBucketOptions {
  /** Sustained requests per second. */
  ratePerSecond: number;
  /** Requests allowed back to back after an idle spell (default rate / 20); see multicastBucket for LINE's limit. */
  burst?: number;
  /** Monotonic milliseconds (performance.now by default). */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export class RateLimitAbortedError extends Error {
  constructor() {
    super("waiting for a send slot was aborted");
    this.name = "RateLimitAbortedError";
  }
}

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * A token bucket in GCRA form with a FIFO queue of waiters. A request's slot is fixed when it is
 * actually released, so a busy event loop can only delay later requests, never squeeze them
 * together: in any closed one-second window at most rate + burst requests start. One bucket per process is shared
 * by every campaign run, so concurrent runs together stay under the channel's multicast limit. A
 * 429 pauses the whole bucket, not just the request that got it.
 */
export class TokenBucket {
  readonly ratePerSecond: number;
  readonly burst: number;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** Theoretical arrival time of the next request (GCRA). */
  private tat = Number.NEGATIVE_INFINITY;
  private pausedUntil = Number.NEGATIVE_INFINITY;
  private readonly queue: Waiter[] = [];
  private pumping = false;

  constructor(options: TokenBucketOptions) {
    const { ratePerSecond } = options;
    if (!(ratePerSecond > 0)) throw new RangeError("ratePerSecond must be positive");
    this.burst = Math.max(1, Math.floor(options.burst ?? Math.max(1, ratePerSecond / 20)));
    this.ratePerSecond = ratePerSecond;
    this.intervalMs = 1000 / ratePerSecond;
    this.now = options.now ?? (() => performance.now());
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Resolves when this caller may send one request; rejects at once if `signal` aborts meanwhile. */
  take(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new RateLimitAbortedError());
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const index = this.queue.indexOf(waiter);
        if (index >= 0) this.queue.splice(index, 1);
        reject(new RateLimitAbortedError());
      };
      const waiter: Waiter = {
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        reject,
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.queue.push(waiter);
      void this.pump();
    });
  }

  /** No request starts for `ms` (LINE said 429); afterwards sending restarts without a burst. */
  pauseFor(ms: number): void {
    const until = this.now() + ms;
    if (until <= this.pausedUntil) return;
    this.pausedUntil = until;
    this.tat = Math.max(this.tat, until + (this.burst - 1) * this.intervalMs);
  }

  /** Releases waiters in order, each at its slot; one pump runs at a time. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0) {
        const now = this.now();
        const earliest = Math.max(this.pausedUntil, this.tat - (this.burst - 1) * this.intervalMs);
        if (now < earliest) {
          // Re-evaluated after the sleep: a pause may have begun, or the timer fired a little early.
          await this.sleep(earliest - now);
          continue;
        }
        this.tat = Math.max(this.tat, now) + this.intervalMs;
        this.queue.shift()!.resolve();
      }
    } finally {
      this.pumping = false;
    }
  }
}

/**
 * The bucket campaign delivery uses, for a configured rate of at most LINE's 200 multicasts/s.
 * LINE's own bucket size is undisclosed, so no second may carry more than 200 starts, and a bucket
 * at pace p with burst b can start up to p + b in a closed one-second window (the burst at its
 * start, one at its end). The burst is therefore counted inside the limit: when rate + burst would
 * exceed 200, the sustained pace is lowered to 200 - burst (at 200 with the default burst of 10:
 * 190/s). Dropping the burst instead would cost more: the burst is what absorbs a late timer, and
 * without it every late wake-up is lost time.
 */
export function multicastBucket(ratePerSecond: number, burst?: number): TokenBucket {
  if (!(ratePerSecond > 0) || ratePerSecond > lineMulticastLimitPerSecond) {
    throw new RangeError(
      `multicast rate ${ratePerSecond}/s must be positive and within LINE's ${lineMulticastLimitPerSecond} requests per second`,
    );
  }
  const allowance = Math.max(1, Math.floor(burst ?? ratePerSecond / 20));
  if (allowance > lineMulticastLimitPerSecond / 2) {
    throw new RangeError(`multicast burst ${allowance} would leave less than half of LINE's limit to pace`);
  }
  const pace = Math.min(ratePerSecond, lineMulticastLimitPerSecond - allowance);
  return new TokenBucket({ ratePerSecond: pace, burst: allowance });
}
