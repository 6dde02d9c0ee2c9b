import { randomUUID } from "node:crypto";
import { setMaxListeners } from "node:events";
import { HTTPFetchError } from "@line/bot-sdk";
import type { Logger } from "../log";
import type { SendOutcome } from "../line/gateway";
import { retryKeyFor } from "../line/retry-key";
import { parseRetryAfter } from "../line/retry";
import type { AggregationUnits } from "./aggregation-units";
import { AudienceCursor } from "./audience-cursor";
import { AudienceEntry } from "./audience-entry";
import { MulticastBody } from "./multicast-body";
import { SealedBatch } from "./user-id-seal";
import type { CampaignStore } from "./campaigns";
import type { ChannelLease } from "./channel-lease";
import { ProgressWriter } from "./progress-writer";
import type { BatchRange, RunCounts, RunDocument, RunProgress, RunStatus, RunStore } from "./runs";
import type { SubscriberStore } from "./subscribers";
import { RateLimitAbortedError, type TokenBucket } from "./token-bucket";
import { topics } from "./topics";

/**
 * Sends one multicast with a retry key; `body` is its JSON (MulticastBody: ≤ 500 user ids, the
 * messages and, when the run has one, its aggregation unit). Throws the SDK's HTTPFetchError on non-2xx.
 */
export type MulticastSender = (body: Buffer, retryKey: string) => Promise<SendOutcome>;

export interface DeliverySettings {
  /** Users per multicast: LINE's maximum is 500. */
  batchSize: number;
  /** Multicasts awaiting an answer at once: enough to keep the bucket busy at LINE's latency. */
  maxInFlight: number;
  /** The run lease; renewed with every progress write and at a third of this interval. */
  leaseMs: number;
  /** Tries per batch on 5xx or network errors before the run is interrupted (to resume later). */
  maxAttempts: number;
  /** 429 answers per batch before the run is interrupted. */
  maxRateLimited: number;
  /** Cap on a Retry-After pause. */
  maxRetryAfterMs: number;
  baseBackoffMs: number;
  maxBackoffMs: number;
  /** LINE honours a retry key for 24 hours; an unconfirmed batch older than this is not re-sent. */
  retryKeyWindowMs: number;
}

export const defaultDeliverySettings: DeliverySettings = {
  batchSize: 500,
  maxInFlight: 32,
  leaseMs: 60_000,
  maxAttempts: 6,
  maxRateLimited: 10,
  maxRetryAfterMs: 60_000,
  baseBackoffMs: 500,
  maxBackoffMs: 30_000,
  retryKeyWindowMs: 23 * 3_600_000,
};

export interface DeliveryDeps {
  runs: RunStore;
  subscribers: SubscriberStore;
  campaigns: CampaignStore;
  send: MulticastSender;
  bucket: TokenBucket;
  /** Decides each run's aggregation unit (for LINE's statistics); without it runs carry none. */
  units?: AggregationUnits;
  /** Channel-wide exclusivity between instances; absent in single-process tools and tests. */
  channel?: ChannelLease;
  now: () => Date;
  logger: Logger;
  instanceId: string;
  settings?: Partial<DeliverySettings>;
  sleep?: (ms: number) => Promise<void>;
}

export interface DeliveryProgress {
  runKey: string;
  counts: RunCounts;
  inFlight: number;
  elapsedMs: number;
}

export interface DeliveryOptions {
  /** Stops the delivery at the next batch boundary; the run is left "interrupted" and resumable. */
  signal?: AbortSignal;
  onProgress?: (progress: DeliveryProgress) => void;
}

export type DeliveryResult =
  | { outcome: "busy" }
  | {
      outcome: Extract<RunStatus, "done" | "interrupted" | "failed" | "cancelled">;
      counts: RunCounts;
      reason?: string;
    };

/** The audience cursor of one attempt and, per language, the last member it already batched. */
interface Audience {
  cursor: AudienceCursor;
  skipUpTo: Array<string | null>;
}

/** Why a delivery stopped before the end, and what the run's status becomes. */
class DeliveryStop extends Error {
  constructor(
    readonly status: "interrupted" | "failed" | "cancelled",
    reason: string,
  ) {
    super(reason);
    this.name = "DeliveryStop";
  }
}

/**
 * Delivers campaign runs. Subscribers are streamed with one cursor per content language in _id
 * order, cut into batches of 500 user ids, each sent as one multicast whose X-Line-Retry-Key is
 * derived from the run key and batch number. A batch's _id range is recorded before it is sent,
 * and confirmed after, so a run resumed after a crash re-sends exactly the unconfirmed ranges with
 * the same keys (LINE answers 409 for those it had accepted) and carries on from the cursor position.
 */
export class CampaignDelivery {
  private readonly settings: DeliverySettings;

  constructor(private readonly deps: DeliveryDeps) {
    this.settings = { ...defaultDeliverySettings, ...deps.settings };
    if (this.settings.batchSize < 1 || this.settings.batchSize > 500)
      throw new RangeError("batchSize must be 1..500 (LINE's multicast limit)");
  }

  /** Delivers (or resumes) one run if this instance can take its lease; "busy" otherwise. */
  async deliver(key: string, options: DeliveryOptions = {}): Promise<DeliveryResult> {
    const { channel, runs, now } = this.deps;
    if (channel && !(await channel.join())) return { outcome: "busy" };
    try {
      const owner = `${this.deps.instanceId}:${randomUUID()}`;
      const run = await runs.claim(key, owner, now(), this.settings.leaseMs);
      if (!run) return { outcome: "busy" };
      return await new RunDelivery(this.deps, this.settings, run, owner, options).execute();
    } finally {
      await channel?.leave();
    }
  }
}

/** One attempt at one run: the state of its cursor, its in-flight batches and its counts. */
class RunDelivery {
  private readonly progress: RunProgress;
  private readonly counts: RunCounts;
  private readonly writer: ProgressWriter;
  private readonly tasks = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private readonly logger: Logger;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly started = performance.now();
  private stop?: DeliveryStop;
  /** Per segment: the body of its multicasts but for the recipients (messages, aggregation unit). */
  private bodies: MulticastBody[] = [];
  private leaseLost = false;
  private slotsFree: number;
  private slotWaiters: Array<() => void> = [];

  constructor(
    private readonly deps: DeliveryDeps,
    private readonly settings: DeliverySettings,
    private readonly run: RunDocument,
    private readonly owner: string,
    private readonly options: DeliveryOptions,
  ) {
    this.progress = structuredClone(run.progress);
    this.counts = { ...run.counts };
    this.slotsFree = settings.maxInFlight;
    // Every batch waiting for a token listens to this signal.
    setMaxListeners(settings.maxInFlight + 8, this.abort.signal);
    this.logger = deps.logger.child({
      component: "campaign-delivery",
      runKey: run._id,
      campaignId: run.campaignId,
    });
    this.writer = new ProgressWriter(() => this.persist());
    const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    this.sleep = (ms, signal) => abortable(sleep(ms), signal);
  }

  async execute(): Promise<DeliveryResult> {
    const { signal } = this.options;
    const onExternalAbort = () => this.halt(new DeliveryStop("interrupted", "delivery stopped (shutdown)"));
    if (signal?.aborted) onExternalAbort();
    signal?.addEventListener("abort", onExternalAbort, { once: true });
    const renewal = setInterval(
      () => void this.checkIn(),
      Math.max(250, Math.floor(this.settings.leaseMs / 3)),
    );
    renewal.unref();
    this.logger.info(
      { attempt: this.run.attempts, resumedBatches: this.progress.inFlight.length },
      "campaign run delivery started",
    );
    // The audience's first read starts now, so the store prepares it while the aggregation unit is
    // decided (a few small round trips): the first multicast waits for the slower of the two, not both.
    const audience = this.openAudience();
    audience.cursor.prefetch();
    try {
      // Decided before the first batch and kept on the run: every batch, resumed ones too, carries the same unit.
      const unit = (await this.deps.units?.forRun(this.run, this.deps.now()))?.unit ?? undefined;
      this.bodies = this.run.segments.map(
        (segment) => new MulticastBody(this.run.messages[segment.locale]!, unit),
      );
      await this.resendUnconfirmed();
      await this.stream(audience);
    } catch (error) {
      this.halt(error);
    } finally {
      await audience.cursor.close();
      // Whatever stopped us, batches already on the wire are seen through and counted.
      while (this.tasks.size > 0) await Promise.allSettled([...this.tasks]);
      clearInterval(renewal);
      signal?.removeEventListener("abort", onExternalAbort);
    }
    return this.finish();
  }

  /** Batches a previous attempt recorded but never saw confirmed: the same range, the same key. */
  private async resendUnconfirmed(): Promise<void> {
    const unconfirmed = [...this.progress.inFlight].sort((a, b) => a.batch - b.batch);
    for (const range of unconfirmed) {
      if (this.stop) return;
      if (
        this.deps.now().getTime() - new Date(range.firstSentAt).getTime() >
        this.settings.retryKeyWindowMs
      ) {
        // LINE no longer remembers the key, so a re-send could reach people twice: count them as skipped.
        this.logger.warn(
          { batch: range.batch, size: range.size },
          "unconfirmed batch too old to re-send safely; skipped",
        );
        this.settle(range, "skipped", 0);
        continue;
      }
      const members = await this.membersOf(range);
      await this.acquireSlot();
      this.launch(range, members, Promise.resolve());
    }
  }

  /**
   * Streams the run's audience with one cursor in _id order and cuts each content language's
   * subscribers into batches of `batchSize` (a batch is the next `batchSize` subscribers of its
   * language after the previous one). One cursor rather than one per language halves the database
   * work of a bilingual campaign. The cursor reads one batch ahead, and user ids are opened later, in
   * the batch's task (all 500 with one cipher call), so database, decryption and sending overlap.
   * Per member nothing is decoded but its language's segment and its sealed id's bytes
   * (audience-entry.ts): the `_id` is read as text only for the last member of a batch.
   */
  private async stream({ cursor, skipUpTo }: Audience): Promise<void> {
    const { batchSize } = this.settings;
    const segments = new SegmentLookup(this.run.segments);
    const pending = this.run.segments.map(() => ({ sealed: new SealedBatch(batchSize), last: new IdMark() }));
    const entry = new AudienceEntry();
    try {
      for (let docs = await cursor.next(); docs; docs = await cursor.next()) {
        while (docs.next(entry)) {
          if (this.stop) return;
          const segment = segments.of(entry);
          const skip = skipUpTo[segment];
          if (skip !== null && skip !== undefined) {
            if (entry.id <= skip) continue;
            skipUpTo[segment] = null;
          }
          const batch = pending[segment]!;
          if (entry.decoded) batch.sealed.add(entry.decoded.userId);
          else batch.sealed.addBytes(entry.bytes, entry.userIdStart, entry.userIdEnd);
          batch.last.set(entry);
          if (batch.sealed.full) {
            await this.dispatch(segment, batch.sealed, batch.last.value());
            batch.sealed = new SealedBatch(batchSize);
          }
        }
      }
    } finally {
      await cursor.close();
    }
    for (const [segment, batch] of pending.entries()) {
      if (this.stop) return;
      if (batch.sealed.size > 0) await this.dispatch(segment, batch.sealed, batch.last.value());
    }
  }

  /**
   * The run's audience cursor, from where the least advanced language stopped; the others skip what
   * they already batched (until the cursor passes their position: it is sorted, so from then on
   * nothing is skipped). Nothing is read until its first `next` or `prefetch`.
   */
  private openAudience(): Audience {
    const { batchSize } = this.settings;
    const { after } = this.progress;
    const start = after.some((id) => id === null) ? null : after.reduce((min, id) => (id! < min! ? id : min));
    const skipUpTo = after.map((id) => (id === start ? null : id));
    const filter: Record<string, unknown> = {
      status: "active",
      ...(this.targetsEveryTopic() ? {} : { topics: { $in: this.run.topics } }),
      ...this.provinceFilter(),
      ...(start !== null ? { _id: { $gt: start } } : {}),
    };
    const { model } = this.deps.subscribers;
    const cursor = new AudienceCursor(model.db.getClient(), model.db.db!, model.collection.collectionName, {
      filter,
      projection: { userId: 1, locale: 1 },
      sort: { _id: 1 },
      // A few batches per round trip; memory stays bounded by this and the in-flight window.
      batchSize: batchSize * 4,
      // The first reply only has to fill the first multicast (of a language with at least half of
      // the audience): a smaller one arrives sooner, and the next is requested while it is cut up.
      firstBatchSize: batchSize * 2,
    });
    return { cursor, skipUpTo };
  }

  private targetsEveryTopic(): boolean {
    return topics.every((topic) => this.run.topics.includes(topic));
  }

  /** Records the batch's range (durably, before its multicast goes out) and hands it to a sender. */
  private async dispatch(segment: number, sealed: SealedBatch, last: string): Promise<void> {
    await this.acquireSlot();
    if (this.stop) {
      this.releaseSlot();
      return;
    }
    const { progress } = this;
    const range: BatchRange = {
      batch: progress.nextBatch++,
      segment,
      after: progress.after[segment] ?? null,
      last,
      size: sealed.size,
      firstSentAt: this.deps.now(),
    };
    progress.after[segment] = last;
    progress.inFlight.push(range);
    this.counts.eligible += range.size;
    this.launch(range, sealed, this.writer.save());
  }

  private launch(range: BatchRange, sealed: SealedBatch, recorded: Promise<void>): void {
    const task = (async () => {
      await recorded;
      // Entries that cannot be opened (a retired key) are skipped: they are the same on every re-send.
      const opened = this.deps.subscribers.openBatch(sealed);
      if (opened.count === 0) return this.settle(range, "skipped", 0);
      const outcome = await this.sendBatch(range, this.bodies[range.segment]!.with(opened.json));
      this.settle(range, outcome, opened.count);
    })()
      .catch((error: unknown) => this.halt(error))
      .finally(() => {
        this.tasks.delete(task);
        this.releaseSlot();
      });
    this.tasks.add(task);
  }

  /**
   * One batch to LINE. Every attempt takes a token (retries count against LINE's limit too); a 429
   * pauses the shared bucket for Retry-After (or a backoff) so all senders slow down together;
   * 5xx and network errors are retried with backoff under the same key; other 4xx fail the batch.
   * Both loops are bounded: past them the run is interrupted and resumes later from its checkpoint.
   */
  private async sendBatch(range: BatchRange, body: Buffer): Promise<"sent" | "failed"> {
    const { bucket, send } = this.deps;
    const key = retryKeyFor("campaign-run", this.run._id, range.batch);
    let failures = 0;
    let limited = 0;
    for (;;) {
      await bucket.take(this.abort.signal);
      try {
        await send(body, key); // "already-sent" (409) means an earlier attempt got through
        return "sent";
      } catch (error) {
        const status = error instanceof HTTPFetchError ? error.status : undefined;
        if (error instanceof HTTPFetchError && status === 429) {
          if (/monthly limit/i.test(error.body))
            throw new DeliveryStop("failed", "LINE monthly message quota reached");
          if (++limited > this.settings.maxRateLimited)
            throw new DeliveryStop("interrupted", "LINE kept answering 429");
          const retryAfter = parseRetryAfter(error.headers.get("retry-after"));
          const pause = Math.min(retryAfter ?? this.backoff(limited), this.settings.maxRetryAfterMs);
          this.logger.warn(
            { batch: range.batch, pauseMs: pause },
            "LINE rate limit reached; pausing all multicasts",
          );
          bucket.pauseFor(pause);
          continue;
        }
        if (status !== undefined && status < 500) {
          this.logger.error(
            { batch: range.batch, size: range.size, status },
            "LINE refused a campaign batch",
          );
          return "failed";
        }
        if (status === undefined && !isNetworkError(error)) throw error;
        if (++failures >= this.settings.maxAttempts)
          throw new DeliveryStop("interrupted", "LINE unavailable");
        await this.sleep(this.backoff(failures), this.abort.signal);
      }
    }
  }

  /** A batch is finished (sent, refused or given up): counts move and the checkpoint may advance. */
  private settle(range: BatchRange, outcome: "sent" | "failed" | "skipped", recipients: number): void {
    const { progress, counts } = this;
    progress.inFlight = progress.inFlight.filter((entry) => entry.batch !== range.batch);
    counts[outcome] += recipients;
    counts.skipped += range.size - recipients;
    counts.batches++;
    progress.checkpoint = this.checkpoint();
    void this.writer.save().catch((error: unknown) => this.halt(error));
    this.options.onProgress?.({
      runKey: this.run._id,
      counts: { ...counts },
      inFlight: progress.inFlight.length,
      elapsedMs: Math.round(performance.now() - this.started),
    });
  }

  /**
   * Every batch before the oldest unconfirmed one is confirmed. Per language, the subscribers up to
   * the `after` of its oldest unconfirmed range (or up to the cursor position) are in confirmed batches.
   */
  private checkpoint(): RunProgress["checkpoint"] {
    const { inFlight, nextBatch, after } = this.progress;
    const oldest = inFlight.reduce((min, range) => Math.min(min, range.batch), nextBatch);
    const lastIds = after.map((position, segment) => {
      // Ranges of one language are contiguous: the oldest open one starts where the confirmed ones end.
      const open = inFlight.filter((range) => range.segment === segment).sort((a, b) => a.batch - b.batch)[0];
      return open ? open.after : position;
    });
    return { batch: oldest - 1, lastIds };
  }

  /** The sealed user ids in a recorded range, re-read in the same order. */
  private async membersOf(range: BatchRange): Promise<SealedBatch> {
    const docs = await this.deps.subscribers.model.collection
      .find(this.audienceFilter(range.segment, range.after, range.last), {
        projection: { userId: 1 },
        sort: { _id: 1 },
      })
      .toArray();
    const batch = new SealedBatch(Math.max(1, docs.length));
    for (const doc of docs) batch.add(typeof doc.userId === "string" ? doc.userId : undefined);
    return batch;
  }

  /** Active subscribers of the segment's languages sharing a topic with the run, after the cursor position. */
  private audienceFilter(segment: number, after: string | null, upTo?: string): Record<string, unknown> {
    const { audience } = this.run.segments[segment]!;
    const idRange: Record<string, string> = {};
    if (after !== null) idRange.$gt = after;
    if (upTo !== undefined) idRange.$lte = upTo;
    return {
      status: "active",
      locale: { $in: audience },
      topics: { $in: this.run.topics },
      ...this.provinceFilter(),
      ...(Object.keys(idRange).length > 0 ? { _id: idRange } : {}),
    };
  }

  /** A province-targeted run reaches only subscribers who chose one of its provinces (checked on fetch, like topics). */
  private provinceFilter(): Record<string, unknown> {
    return this.run.provinces ? { province: { $in: this.run.provinces } } : {};
  }

  /** Lease renewal and a look at the campaign: staff may have paused or cancelled it meanwhile. */
  private async checkIn(): Promise<void> {
    try {
      if (this.deps.channel && !this.deps.channel.held)
        throw new DeliveryStop("interrupted", "multicast lease lost");
      await this.writer.save();
      const campaign = await this.deps.campaigns.find(this.run.campaignId);
      if (campaign?.status === "paused") throw new DeliveryStop("interrupted", "campaign paused");
      if (!campaign || campaign.status === "cancelled")
        throw new DeliveryStop("cancelled", "campaign cancelled");
    } catch (error) {
      this.halt(error);
    }
  }

  private async persist(): Promise<void> {
    const now = this.deps.now();
    const saved = await this.deps.runs.saveProgress(
      this.run._id,
      this.owner,
      structuredClone(this.progress),
      { ...this.counts },
      new Date(now.getTime() + this.settings.leaseMs),
      now,
    );
    if (!saved) {
      this.leaseLost = true;
      throw new DeliveryStop("interrupted", "run lease lost to another instance");
    }
  }

  /** First reason wins; everything waiting for a token or a backoff wakes up and leaves. */
  private halt(error: unknown): void {
    if (!this.stop) {
      if (error instanceof DeliveryStop) this.stop = error;
      else if (error instanceof RateLimitAbortedError || isAbortError(error))
        this.stop = new DeliveryStop("interrupted", "delivery stopped");
      else {
        this.logger.error({ err: error }, "campaign delivery failed");
        this.stop = new DeliveryStop("interrupted", "unexpected error");
      }
    }
    this.abort.abort();
    for (const wake of this.slotWaiters.splice(0)) wake();
  }

  private async finish(): Promise<DeliveryResult> {
    const { counts, progress } = this;
    const status = this.stop?.status ?? "done";
    const reason = this.stop?.message;
    // An unconfirmed batch of a cancelled or failed run will never be re-sent: count it as failed.
    if (status !== "done" && status !== "interrupted") {
      for (const range of progress.inFlight) counts.failed += range.size;
      progress.inFlight = [];
    }
    progress.checkpoint = this.checkpoint();
    if (!this.leaseLost) {
      await this.writer.save().catch(() => undefined);
      await this.deps.runs.release(
        this.run._id,
        this.owner,
        { status, reason, progress, counts },
        this.deps.now(),
      );
    }
    const elapsedMs = Math.round(performance.now() - this.started);
    this.logger.info({ status, reason, counts, elapsedMs }, "campaign run delivery ended");
    return { outcome: status, counts: { ...counts }, reason };
  }

  private acquireSlot(): Promise<void> {
    if (this.slotsFree > 0 || this.stop) {
      this.slotsFree--;
      return Promise.resolve();
    }
    return new Promise((resolve) =>
      this.slotWaiters.push(() => {
        this.slotsFree--;
        resolve();
      }),
    );
  }

  private releaseSlot(): void {
    this.slotsFree++;
    this.slotWaiters.shift()?.();
  }

  private backoff(attempt: number): number {
    const { baseBackoffMs, maxBackoffMs } = this.settings;
    const ceiling = Math.min(maxBackoffMs, baseBackoffMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  }
}

/** fetch reports refused, reset and timed-out connections as TypeError or AbortError. */
function isNetworkError(error: unknown): boolean {
  return error instanceof TypeError || isAbortError(error);
}

function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === "AbortError";
}

function abortable(promise: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(new RateLimitAbortedError());
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new RateLimitAbortedError());
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      () => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** Which run segment a member's language belongs to, matched on the language's bytes. */
class SegmentLookup {
  private readonly locales: Array<{ bytes: Buffer; segment: number }> = [];
  /** Languages without a segment of their own get the first segment's content. */
  private readonly fallback: number;

  constructor(segments: RunDocument["segments"]) {
    segments.forEach((segment, index) =>
      segment.audience.forEach((locale) => this.locales.push({ bytes: Buffer.from(locale), segment: index })),
    );
    this.fallback = this.locales.find(({ bytes }) => bytes.toString() === segments[0]!.locale)?.segment ?? 0;
  }

  of(entry: AudienceEntry): number {
    if (entry.decoded) {
      const { locale } = entry.decoded;
      return this.locales.find(({ bytes }) => bytes.toString() === locale)?.segment ?? this.fallback;
    }
    const { bytes, localeStart, localeEnd } = entry;
    if (localeStart < 0) return this.fallback;
    const length = localeEnd - localeStart;
    for (const { bytes: locale, segment } of this.locales) {
      if (locale.length !== length) continue;
      let same = true;
      for (let i = 0; i < length && same; i++) same = bytes[localeStart + i] === locale[i];
      if (same) return segment;
    }
    return this.fallback;
  }
}

/** The `_id` of the last member put in a batch, read as text only when the batch is recorded. */
class IdMark {
  private bytes: Buffer | undefined;
  private start = 0;
  private end = 0;
  private text: string | undefined;

  set(entry: AudienceEntry): void {
    this.text = entry.decoded?.id;
    this.bytes = entry.bytes;
    this.start = entry.idStart;
    this.end = entry.idEnd;
  }

  value(): string {
    return this.text ?? this.bytes!.toString("utf8", this.start, this.end);
  }
}
