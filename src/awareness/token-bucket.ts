/** LINE's multicast limit per channel (LINE-FACTS §5): the bucket may never be set above it. */
export const lineMulticastLimitPerSecond = 200;

export interface TokenBucketOptions {
  /** Sustained requests per second. */
  ratePerSecond: number;
  /** Requests allowed back to back after an idle spell (default rate / 20); see multicastBucket for LINE's limit. */
  burst?: number;
  /**
   * At most this many starts in any closed one-second window, on top of the pace and burst: the
   * bucket then catches up after a late timer (with its burst) without ever putting more than this
   * into one second. Unlimited by default.
   */
  perSecondLimit?: number;
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
 * together: in any closed one-second window at most rate + burst requests start (and at most
 * `perSecondLimit`, when given: the start times of the last that many are kept). One bucket per process is shared
 * by every campaign run, so concurrent runs together stay under the channel's multicast limit. A
 * 429 pauses the whole bucket, not just the request that got it.
 */
export class TokenBucket {
  readonly ratePerSecond: number;
  readonly burst: number;
  readonly perSecondLimit: number;
  private readonly intervalMs: number;
  /** The last `perSecondLimit` start times, oldest at `startsAt % perSecondLimit` once full. */
  private readonly starts: Float64Array | undefined;
  private startsAt = 0;
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
    this.perSecondLimit = options.perSecondLimit ?? Number.POSITIVE_INFINITY;
    if (!(this.perSecondLimit >= 1)) throw new RangeError("perSecondLimit must be at least 1");
    if (Number.isFinite(this.perSecondLimit)) this.starts = new Float64Array(Math.floor(this.perSecondLimit));
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
        const earliest = Math.max(
          this.pausedUntil,
          this.tat - (this.burst - 1) * this.intervalMs,
          this.windowOpensAt(),
        );
        if (now < earliest) {
          // Re-evaluated after the sleep: a pause may have begun, or the timer fired a little early.
          await this.sleep(earliest - now);
          continue;
        }
        this.tat = Math.max(this.tat, now) + this.intervalMs;
        if (this.starts) this.starts[this.startsAt++ % this.starts.length] = now;
        this.queue.shift()!.resolve();
      }
    } finally {
      this.pumping = false;
    }
  }

  /**
   * When the next start keeps every closed one-second window within `perSecondLimit`: just after
   * the start that many back left the window. A hundredth of a millisecond past it, so that a start
   * exactly one second later (which a closed window would hold) is never allowed.
   */
  private windowOpensAt(): number {
    const { starts } = this;
    if (!starts || this.startsAt < starts.length) return Number.NEGATIVE_INFINITY;
    return starts[this.startsAt % starts.length]! + 1000 + 0.01;
  }
}

/**
 * The bucket campaign delivery uses, for a configured rate of at most LINE's 200 multicasts/s.
 * LINE's limit is a token bucket at 200/s whose size is undisclosed (LINE-FACTS §5). This bucket
 * paces at the configured rate with a burst of rate / 20 (10 at 200): that is itself a token bucket
 * at the rate with room for 10, so what we send conforms to LINE's bucket whenever LINE's holds at
 * least 10 tokens. For the stricter reading, "no more than 200 in any second", every closed
 * one-second window is also capped at 200 starts (`perSecondLimit`). The cap is what lets the pace be
 * the full rate: a pace of 200 with a burst of 10 could otherwise start 210 in one second. (Until
 * the fourth session the pace was lowered to 200 - burst instead, 190/s, which cost 5 % of every run.)
 * The burst stays: it absorbs a late timer, which would otherwise be lost time.
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
  return new TokenBucket({
    ratePerSecond,
    burst: allowance,
    perSecondLimit: lineMulticastLimitPerSecond,
  });
}
