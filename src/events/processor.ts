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
  now?: () => Date;
}

/**
 * Processes inbox events after the webhook has answered: in occurrence order per source (user,
 * group, room), concurrently across sources. Order across instances is kept by a lease per source;
 * work is found again from the database, so a crash or a lost race only delays it.
 */
export class EventProcessor {
  private readonly running = new Map<string, Promise<void>>();
  private readonly rescheduled = new Set<string>();
  private readonly maxAttempts: number;
  private readonly sourceLeaseMs: number;
  private readonly now: () => Date;
  private stopped = false;

  constructor(private readonly options: EventProcessorOptions) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.sourceLeaseMs = options.sourceLeaseMs ?? 60_000;
    this.now = options.now ?? (() => new Date());
  }

  /** Drains a source's pending events unless that is already happening here; never throws. */
  schedule(source: string): void {
    if (this.stopped) return;
    if (this.running.has(source)) {
      this.rescheduled.add(source); // drain again after the current pass: a new event may have raced it
      return;
    }
    const pass = this.drain(source)
      .catch((error: unknown) => this.options.logger.error({ err: error }, "event processing pass failed"))
      .finally(() => {
        this.running.delete(source);
        if (this.rescheduled.delete(source)) this.schedule(source);
      });
    this.running.set(source, pass);
  }

  /** Start-up recovery and the periodic sweep: pick up whatever is pending and due. */
  async scheduleDueWork(): Promise<number> {
    const sources = await this.options.inbox.sourcesWithDueWork(this.now());
    sources.forEach((source) => this.schedule(source));
    return sources.length;
  }

  /** Resolves when no pass is running (graceful shutdown, tests). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }

  /** Stops taking new passes and waits for the running ones. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.idle();
  }

  private async drain(source: string): Promise<void> {
    const leaseName = `source:${source}`;
    const { inbox, leases } = this.options;
    if (!(await leases.acquire(leaseName, this.sourceLeaseMs))) return; // another instance is on it; the sweep checks again
    try {
      for (;;) {
        const record = await inbox.nextPending(source);
        if (!record || record.notBefore > this.now()) return; // done, or the head waits for its retry time: keep order
        await this.processOne(record);
        await leases.renew(leaseName, this.sourceLeaseMs);
      }
    } finally {
      await leases.release(leaseName);
    }
  }

  private async processOne(record: InboxRecord): Promise<void> {
    const { inbox, handler, logger, retentionMs } = this.options;
    const log = logger.child({ eventId: record._id, eventType: record.type });
    try {
      const event = inbox.openPayload(record);
      await handler(event, { eventId: record._id, redelivered: record.redelivered });
      await inbox.markDone(record._id, retentionMs, this.now());
      log.debug("event processed");
    } catch (error) {
      const attempts = record.attempts + 1;
      const giveUp = attempts >= this.maxAttempts;
      const retryAt = giveUp ? undefined : new Date(this.now().getTime() + 1000 * 2 ** attempts);
      log.error({ err: error, attempts, giveUp }, "event handler failed");
      await inbox.markFailedAttempt(
        record._id,
        errorName(error),
        { retryAt, retentionMs: retentionMs * 2 },
        this.now(),
      );
    }
  }
}

/** The error's class name only: messages can quote user input. */
function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
