import { defaultFaultBody, type ApiResponse } from "./api-response";
import type { FaultExtra } from "./types";

interface Fault {
  response: ApiResponse;
  remaining: number;
  processed: boolean;
}

/** "POST /v2/bot/message/push" in any method case; the method is what LINE counts endpoints by. */
export function normalizeEndpoint(endpoint: string): string {
  const match = /^([A-Za-z]+)\s+(\/\S*)$/.exec(endpoint.trim());
  if (!match?.[1] || !match[2]) {
    throw new Error(`endpoint must look like "POST /v2/bot/message/push", got ${JSON.stringify(endpoint)}`);
  }
  return `${match[1].toUpperCase()} ${match[2]}`;
}

/** Queued failures per endpoint, answered in the order they were asked for; and outages in time. */
export class FaultInjector {
  private readonly queues = new Map<string, Fault[]>();
  private readonly outages = new Map<string, { response: ApiResponse; untilMs: number }>();

  /** Every call to `endpoint` fails with `status` until `untilMs` (the platform's clock): an outage. */
  addOutage(endpoint: string, status: number, untilMs: number, extra: FaultExtra = {}): void {
    if (!Number.isInteger(status) || status < 100 || status > 599)
      throw new RangeError(`bad status ${status}`);
    this.outages.set(normalizeEndpoint(endpoint), {
      response: { status, headers: extra.headers, json: extra.body ?? defaultFaultBody(status) },
      untilMs,
    });
  }

  add(endpoint: string, status: number, times = 1, extra: FaultExtra = {}): void {
    if (!Number.isInteger(status) || status < 100 || status > 599)
      throw new RangeError(`bad status ${status}`);
    if (!Number.isInteger(times) || times < 1) throw new RangeError(`times must be ≥ 1, got ${times}`);
    const key = normalizeEndpoint(endpoint);
    const queue = this.queues.get(key) ?? [];
    queue.push({
      response: { status, headers: extra.headers, json: extra.body ?? defaultFaultBody(status) },
      remaining: times,
      processed: extra.processed ?? false,
    });
    this.queues.set(key, queue);
  }

  /** The fault for this call, if one is pending for its endpoint template or its concrete path. */
  take(endpoint: string, concrete: string, nowMs = Date.now()): Fault | undefined {
    for (const key of [endpoint, concrete]) {
      const outage = this.outages.get(key);
      if (!outage) continue;
      if (nowMs < outage.untilMs) return { response: outage.response, remaining: 1, processed: false };
      this.outages.delete(key);
    }
    const key = this.queues.has(endpoint) ? endpoint : concrete;
    const queue = this.queues.get(key);
    const fault = queue?.[0];
    if (!queue || !fault) return undefined;
    if (--fault.remaining === 0) queue.shift();
    if (queue.length === 0) this.queues.delete(key);
    return fault;
  }
}
