import type { webhook } from "@line/bot-sdk";
import type { Logger } from "../log";
import type { Leases } from "../jobs/leases";
import type { Locale } from "../i18n";
import type { Message } from "../line/gateway";
import type { DeliveryAttempt } from "../line/turn";
import type { ReadHint } from "../data/unit-of-work";
import { errorName, TurnError } from "./failures";
import type { Inbox, InboxRecord } from "./inbox";
import type { EventRouter } from "./router";

/** Sends an event's answer (reply, or push keyed by `purpose` and the event id when the token is spent). */
export type AnswerDelivery = (
  event: webhook.Event,
  eventId: string,
  messages: Message[],
  attempt: DeliveryAttempt,
) => Promise<void>;

/** See `EventProcessor.status`. */
export interface ProcessingStatus {
  behind: boolean;
  lagMs: number;
  chatsRunning: number;
  chatsWaiting: number;
}

export interface EventProcessorOptions {
  inbox: Inbox;
  leases: Leases;
  router: EventRouter;
  /** The unit of work each event's effects and its "applied" record are committed in. */
  transactions: { run<T>(work: () => Promise<T>, hints?: readonly ReadHint[]): Promise<T> };
  deliver: AnswerDelivery;
  /** What a person is told when their message could not be handled at all. */
  apology: (locale: Locale) => Message[];
  logger: Logger;
  retentionMs: number;
  /**
   * How long transient failures (database, network, LINE 5xx/429) are retried before the event is
   * dead-lettered after all. Long enough for a database failover or a LINE incident; the chat's
   * later events wait behind it meanwhile, so it is not forever.
   */
  retryWindowMs?: number;
  /** The longest wait between two attempts of one event. */
  maxRetryDelayMs?: number;
  /**
   * Lease on a source while draining it, so two instances never process one chat at once. Kept
   * alive by the leases' heartbeat (every third of it), so it can be short: a crashed instance's
   * chats are free again within it, well inside a reply token's minute (default 15 s).
   */
  sourceLeaseMs?: number;
  /**
   * Sources drained at the same time; more wait in line (in memory: their events are already in the
   * inbox). Keeps processing from flooding the event loop and the connection pool, so webhook
   * acknowledgements are not starved by it. It also sets how many chats' coordination writes (leases,
   * pending reads, marks) share one command: at 32 an event costs about 6 database commands instead
   * of 7.7 at 8, with no worse acknowledgement latency measured (docs/PERFORMANCE.md, 2026-12-01).
   */
  maxConcurrentSources?: number;
  /**
   * Events that may start in one turn of the event loop (default 8); the others start in the next
   * turns. The chats in hand get their pending events together (one batched read), and starting all
   * of them at once made one long stretch of the event loop that every webhook waiting for its 200
   * sat behind. Spread over turns, the webhooks' I/O is served in between.
   */
  maxStartsPerTurn?: number;
  /** Processing counts as behind intake when an event waited longer than this (default 30 s). */
  behindAfterMs?: number;
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
  /**
   * Events this instance delivered but could not yet mark done (the database went away right
   * after the send): a retry here skips the send, so the person does not get the answer twice.
   */
  private readonly delivered = new Set<string>();
  private readonly retryWindowMs: number;
  private readonly maxRetryDelayMs: number;
  private readonly sourceLeaseMs: number;
  private readonly maxConcurrentSources: number;
  private readonly batchSize: number;
  private readonly maxStartsPerTurn: number;
  private readonly now: () => Date;
  /** Events started in the current turn of the event loop, and those waiting for a later turn. */
  private startsThisTurn = 0;
  private readonly startWaiters: Array<() => void> = [];
  private turnResetScheduled = false;
  private stopped = false;
  private lagMs = 0;
  private behind = false;
  private readonly behindAfterMs: number;

  constructor(private readonly options: EventProcessorOptions) {
    this.retryWindowMs = options.retryWindowMs ?? 60 * 60_000;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 30_000;
    this.sourceLeaseMs = options.sourceLeaseMs ?? 15_000;
    this.maxConcurrentSources = options.maxConcurrentSources ?? 32;
    this.behindAfterMs = options.behindAfterMs ?? 30_000;
    this.batchSize = options.batchSize ?? 10;
    this.maxStartsPerTurn = Math.max(1, options.maxStartsPerTurn ?? 8);
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

  /**
   * How far processing is behind intake, for readiness and operators: the wait of the last event
   * taken up (0 when nothing is running or waiting) and the chats in hand. The webhook keeps
   * acknowledging while behind (the events are safe in the inbox); this says so instead of letting
   * citizens find out.
   */
  status(): ProcessingStatus {
    const idle = this.running.size === 0 && this.waiting.size === 0;
    return {
      behind: !idle && this.behind,
      lagMs: idle ? 0 : this.lagMs,
      chatsRunning: this.running.size,
      chatsWaiting: this.waiting.size,
    };
  }

  /** Notes an event's wait; logs once when processing falls behind and once when it has caught up. */
  private noteLag(record: InboxRecord): void {
    this.lagMs = Math.max(0, this.now().getTime() - record.receivedAt.getTime());
    if (!this.behind && this.lagMs > this.behindAfterMs) {
      this.behind = true;
      this.options.logger.warn(
        { lagMs: this.lagMs, chatsWaiting: this.waiting.size },
        "event processing is behind intake",
      );
    } else if (this.behind && this.lagMs < this.behindAfterMs / 2) {
      this.behind = false;
      this.options.logger.info({ lagMs: this.lagMs }, "event processing caught up");
    }
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
   * Resolves when this turn of the event loop may start one more event: at once while fewer than
   * `maxStartsPerTurn` started in it, else in a later turn (first come, first served). A lone event
   * never waits.
   */
  private startSlot(): Promise<void> | void {
    this.scheduleTurnReset();
    if (this.startsThisTurn < this.maxStartsPerTurn && this.startWaiters.length === 0) {
      this.startsThisTurn++;
      return;
    }
    return new Promise<void>((resolve) => this.startWaiters.push(resolve));
  }

  /** At the end of this turn (setImmediate), the count starts again and the next waiters go. */
  private scheduleTurnReset(): void {
    if (this.turnResetScheduled) return;
    this.turnResetScheduled = true;
    setImmediate(() => {
      this.turnResetScheduled = false;
      this.startsThisTurn = 0;
      while (this.startsThisTurn < this.maxStartsPerTurn && this.startWaiters.length > 0) {
        this.startsThisTurn++;
        this.startWaiters.shift()!();
      }
      // An immediate scheduled from an immediate runs in the next turn: those released here count for this one.
      if (this.startWaiters.length > 0) this.scheduleTurnReset();
    });
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
    if (!(await leases.hold(leaseName, this.sourceLeaseMs))) {
      // Another instance is on it. If it has let go in the meantime, try again here.
      if (!(await leases.requestRecheck(leaseName))) this.rescheduled.add(source);
      return;
    }
    try {
      for (;;) {
        const batch = await inbox.pending(source, this.batchSize);
        for (const record of batch) {
          if (record.notBefore > this.now()) return; // the head waits for its retry time: keep order
          await this.startSlot();
          if (!(await this.processOne(record))) return; // it stays at the head until its retry time
          // The heartbeat renews it (no command per event); only when that is late or failed is it
          // renewed here, and a lease another instance took stops this chat's work.
          if (!leases.stillHeld(leaseName) && !(await leases.renew(leaseName, this.sourceLeaseMs))) return;
        }
        if (batch.length < this.batchSize) return;
      }
    } finally {
      if (await leases.release(leaseName)) this.rescheduled.add(source);
    }
  }

  /**
   * One event, exactly once: its effects and the record of its answer commit together (or not at
   * all); the answer is delivered after the commit. An event found already applied — a retry after
   * a failed send, or after a crash — is only delivered again. False when the event must wait for
   * a retry, so nothing after it in its chat may run yet.
   */
  private async processOne(record: InboxRecord): Promise<boolean> {
    const { inbox, router, transactions, deliver, logger, retentionMs } = this.options;
    let event: webhook.Event;
    try {
      event = inbox.openPayload(record);
    } catch (error) {
      return this.failed(record, undefined, new TurnError(error, record._id, record.type, "apply"));
    }

    this.noteLag(record);
    let answer = inbox.openAnswer(record);
    const resend = answer !== undefined;
    // Its reply had left for LINE and no outcome was recorded: the process sending it died (or lost
    // its lease) mid-send, so LINE may have delivered it although nobody here knows.
    const interrupted = resend && record.replySentAt !== undefined && record.failedAt !== "deliver";
    if (answer === undefined) {
      try {
        // What the features will read, so that the events committed in one group read it in one query.
        const hints = router.prepare?.(event) ?? [];
        answer = await transactions.run(async () => {
          const messages = await router.apply(event, record._id);
          await inbox.markApplied(record._id, messages);
          return messages;
        }, hints);
      } catch (error) {
        return this.failed(record, event, new TurnError(error, record._id, record.type, "apply"));
      }
    }

    if (!this.delivered.has(record._id)) {
      try {
        await deliver(event, record._id, answer, {
          purpose: "turn",
          resend,
          interrupted,
          receivedAt: record.receivedAt,
          now: this.now(),
          // Best effort, not awaited: a crash before it lands is the one gap left (see deliverAnswer).
          onReplySent: () => {
            inbox.markReplySent(record._id, this.now()).catch((error: unknown) => {
              logger.warn({ eventId: record._id, error: errorName(error) }, "could not note a reply as sent");
            });
          },
        });
        this.delivered.add(record._id);
      } catch (error) {
        return this.failed(record, event, new TurnError(error, record._id, record.type, "deliver"));
      }
    }

    try {
      await inbox.markDone(record._id, retentionMs, this.now());
      this.delivered.delete(record._id);
    } catch (error) {
      return this.failed(record, event, new TurnError(error, record._id, record.type, "record"));
    }
    logger.debug({ eventId: record._id, eventType: record.type }, "event processed");
    return true;
  }

  /**
   * The one place event failures are handled (STYLE.md rule 5). Transient ones wait at the head of
   * their chat with bounded backoff; permanent ones — and transient ones past the retry window —
   * become dead letters at once, the person hears an apology in their language, and the chat moves
   * on. True when the chat may move on.
   */
  private async failed(
    record: InboxRecord,
    event: webhook.Event | undefined,
    failure: TurnError,
  ): Promise<boolean> {
    const { inbox, logger, retentionMs } = this.options;
    const now = this.now();
    const attempts = record.attempts + 1;
    const expired = now.getTime() - record.receivedAt.getTime() > this.retryWindowMs;
    const fields = { ...failure.logFields(), attempts };
    if (failure.kind === "transient" && !expired) {
      const delayMs = Math.min(this.maxRetryDelayMs, 1000 * 2 ** (attempts - 1));
      logger.warn({ ...fields, retryInMs: delayMs }, "event failed; will retry");
      await inbox.markRetry(
        record._id,
        errorName(failure.cause),
        failure.stage,
        new Date(now.getTime() + delayMs),
      );
      return false;
    }
    logger.error({ ...fields, deadLetter: true }, "event failed for good; dead-lettered");
    await inbox.markDeadLetter(record._id, errorName(failure.cause), failure.stage, retentionMs * 2, now);
    this.delivered.delete(record._id);
    // Its effects were applied and only the answer is lost: saying sorry would be wrong.
    if (event && failure.stage === "apply") await this.apologize(event, record);
    return true;
  }

  /** Best effort: the dead letter is already recorded, so a failed apology is logged and left. */
  private async apologize(event: webhook.Event, record: InboxRecord): Promise<void> {
    const { router, deliver, apology, logger } = this.options;
    try {
      const locale = (await router.localeOf(event).catch(() => undefined)) ?? "th";
      await deliver(event, record._id, apology(locale), {
        purpose: "apology",
        resend: false,
        interrupted: false,
        receivedAt: record.receivedAt,
        now: this.now(),
      });
    } catch (error) {
      logger.warn(
        { eventId: record._id, error: errorName(error) },
        "apology for a failed event could not be sent",
      );
    }
  }
}
