import type { webhook } from "@line/bot-sdk";
import type { Logger } from "../log";
import type { Leases } from "../jobs/leases";
import type { Inbox, InboxRecord } from "./inbox";

/** What the bot does with one event. Throwing means "try again later"; the event stays in the inbox. */
export type EventHandler = (
  event: webhook.Event,
  meta: { eventId: string; redelivered: boolean },
) => Promise<void>;

export interface EventProcessorOptions {
  inbox: Inbox;
  leases: Leases;
  handler: EventHandler;
  logger: Logger;
  retentionMs: number;
  maxAttempts?: number;
  /** Lease on a source while draining it, so two instances never process one chat at once. */
  sourceLeaseMs?: number;
  /**
   * Sources drained at the same time; more wait in line (in memory: their events are already in the
   * inbox). Keeps processing from flooding the event loop and the connection pool, so webhook
   * acknowledgements are not starved by it. Measured: 8 gives the best acknowledgement latency at
   * 300 events/s; more does not process faster once the CPU is busy (docs/PERFORMANCE.md).
   */
  maxConcurrentSources?: number;
  /** Pending events of one source read per query. */
  batchSize?: number;
  now?: () => Date;
}

/**
 * Processes inbox events after the webhook has answered: in occurrence order per source (user,
 * group, room), concurrently across sources up to a limit. Order across instances is kept by a
 * lease per source; work is found again from the database, so a crash or a lost race only delays it.
 */
export class EventProcessor {
  private readonly running = new Map<string, Promise<void>>();
  /** Sources to drain once a place is free, in arrival order. */
  private readonly waiting = new Set<string>();
  private readonly rescheduled = new Set<string>();
  private readonly maxAttempts: number;
  private readonly sourceLeaseMs: number;
  private readonly maxConcurrentSources: number;
  private readonly batchSize: number;
  private readonly now: () => Date;
  private stopped = false;

  constructor(private readonly options: EventProcessorOptions) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.sourceLeaseMs = options.sourceLeaseMs ?? 60_000;
    this.maxConcurrentSources = options.maxConcurrentSources ?? 8;
    this.batchSize = options.batchSize ?? 10;
    this.now = options.now ?? (() => new Date());
  }

  /** Drains a source's pending events unless that is already happening here; never throws. */
  schedule(source: string): void {
    if (this.stopped) return;
    if (this.running.has(source)) {
      this.rescheduled.add(source); // drain again after the current pass: a new event may have raced it
      return;
    }
    this.waiting.add(source);
    this.startWaiting();
  }

  /** Start-up recovery and the periodic sweep: pick up whatever is pending and due. */
  async scheduleDueWork(): Promise<number> {
    const sources = await this.options.inbox.sourcesWithDueWork(this.now());
    sources.forEach((source) => this.schedule(source));
    return sources.length;
  }

  /** Resolves when no pass is running or waiting (graceful shutdown, tests). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }

  /** Stops taking new work and waits for the passes already running or waiting for a place. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.idle();
  }

  private startWaiting(): void {
    for (const source of this.waiting) {
      if (this.running.size >= this.maxConcurrentSources) return;
      this.waiting.delete(source);
      const pass = this.drain(source)
        .catch((error: unknown) => this.options.logger.error({ err: error }, "event processing pass failed"))
        .finally(() => {
          this.running.delete(source);
          if (this.rescheduled.delete(source) && !this.stopped) this.waiting.add(source);
          this.startWaiting();
        });
      this.running.set(source, pass);
    }
  }

  /**
   * Holds the source's lease while it processes the pending events, oldest first, a batch per
   * query. A short batch was everything pending when it was read; an event that arrives later
   * either schedules this source again here (`rescheduled`) or, at another instance that could not
   * get the lease, asks for a recheck, which `release` reports.
   */
  private async drain(source: string): Promise<void> {
    const leaseName = `source:${source}`;
    const { inbox, leases } = this.options;
    if (!(await leases.acquire(leaseName, this.sourceLeaseMs))) {
      // Another instance is on it. If it has let go in the meantime, try again here.
      if (!(await leases.requestRecheck(leaseName))) this.rescheduled.add(source);
      return;
    }
    let leaseRenewedAt = this.now().getTime();
    try {
      for (;;) {
        const batch = await inbox.pending(source, this.batchSize);
        for (const record of batch) {
          if (record.notBefore > this.now()) return; // the head waits for its retry time: keep order
          if (!(await this.processOne(record))) return; // it stays at the head until its retry time
          // Renewing after every event would double the writes of a busy chat; half the TTL keeps a safe margin.
          if (this.now().getTime() - leaseRenewedAt >= this.sourceLeaseMs / 2) {
            if (!(await leases.renew(leaseName, this.sourceLeaseMs))) return; // it ran out and moved on: stop here
            leaseRenewedAt = this.now().getTime();
          }
        }
        if (batch.length < this.batchSize) return;
      }
    } finally {
      if (await leases.release(leaseName)) this.rescheduled.add(source);
    }
  }

  /** False when the event failed and waits for a retry, so nothing after it may run yet. */
  private async processOne(record: InboxRecord): Promise<boolean> {
    const { inbox, handler, logger, retentionMs } = this.options;
    try {
      const event = inbox.openPayload(record);
      await handler(event, { eventId: record._id, redelivered: record.redelivered });
      await inbox.markDone(record._id, retentionMs, this.now());
      logger.debug({ eventId: record._id, eventType: record.type }, "event processed");
      return true;
    } catch (error) {
      const attempts = record.attempts + 1;
      const giveUp = attempts >= this.maxAttempts;
      const retryAt = giveUp ? undefined : new Date(this.now().getTime() + 1000 * 2 ** attempts);
      logger.error(
        { eventId: record._id, eventType: record.type, err: error, attempts, giveUp },
        "event handler failed",
      );
      await inbox.markFailedAttempt(
        record._id,
        errorName(error),
        { retryAt, retentionMs: retentionMs * 2 },
        this.now(),
      );
      return giveUp;
    }
  }
}

/** The error's class name only: messages can quote user input. */
function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
