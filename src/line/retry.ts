import { HTTPFetchError } from "@line/bot-sdk";

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 250, maxDelayMs: 30_000 };

export type RetryDecision = { retry: false } | { retry: true; delayMs: number };

/**
 * LINE's guidance (docs: retrying-api-request): retry 5xx and timeouts with backoff, never 2xx, 409 or
 * other 4xx — except 429, which is the rate limiter asking us to slow down. `Retry-After` is honoured
 * when LINE sends one (undocumented, so it is optional).
 */
export function decideRetry(error: unknown, attempt: number, policy: RetryPolicy): RetryDecision {
  if (attempt >= policy.maxAttempts) return { retry: false };
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = Math.round(backoff / 2 + Math.random() * (backoff / 2));
  if (error instanceof HTTPFetchError) {
    if (error.status === 429) {
      // The monthly quota is not a rate limit: waiting does not help.
      if (/monthly limit/i.test(error.body)) return { retry: false };
      const retryAfter = parseRetryAfter(error.headers.get("retry-after"));
      return {
        retry: true,
        delayMs: retryAfter !== undefined ? Math.min(retryAfter, policy.maxDelayMs) : jittered,
      };
    }
    if (error.status >= 500) return { retry: true, delayMs: jittered };
    return { retry: false };
  }
  // fetch reports network failures (refused, reset, DNS, timeout) as TypeError or AbortError.
  if (error instanceof TypeError || (error instanceof Error && error.name === "AbortError")) {
    return { retry: true, delayMs: jittered };
  }
  return { retry: false };
}

export function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
