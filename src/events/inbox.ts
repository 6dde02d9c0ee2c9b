import { createHash } from "node:crypto";
import { Schema, type Connection, type Model, type mongo } from "mongoose";
import type { webhook } from "@line/bot-sdk";
import type { Sealer } from "../crypto/sealer";
import type { Pseudonymizer } from "../crypto/pseudonym";
import { BoundedMemo } from "../crypto/memo";
import { bulkStatementErrors, driverCollection, isDuplicateKeyError } from "../data/database";
import { deferredWrites, sessionOption, type DeferredWriter } from "../data/unit-of-work";
import { Batcher } from "../data/batcher";
import type { Message } from "../line/gateway";
import type { TurnStage } from "./failures";

/** pending: not yet delivered (applied once `answer` is set); done: delivered; failed: a dead letter. */
export type InboxStatus = "pending" | "done" | "failed";

export interface InboxRecord {
  /** LINE's webhookEventId (a ULID), or a content hash for the rare event that lacks one. */
  _id: string;
  /** Pseudonym of the chat the event came from: events of one source are processed in order. */
  source: string;
  type: string;
  occurredAt: Date;
  receivedAt: Date;
  status: InboxStatus;
  attempts: number;
  notBefore: Date;
  /** The raw event (it holds a user id and message text), sealed; removed once processed. */
  payload?: string;
  /**
   * The answer the event produced, sealed: written in the same transaction as the event's effects,
   * so its presence means "applied". A retry only delivers it. Removed once delivered.
   */
  answer?: string;
  redelivered: boolean;
  /**
   * When a reply carrying the answer left for LINE. With an answer but no outcome on record, it says
   * whether a process that died meanwhile may have delivered it (reply has no retry key).
   */
  replySentAt?: Date;
  lastError?: string;
  /**
   * Where the latest failure happened; for a dead letter, where it failed for good. A recorded answer
   * without a failed delivery on record means whoever applied the event stopped while sending it.
   */
  failedAt?: TurnStage;
  /** TTL: processed ids are kept only long enough to recognise redeliveries. */
  expiresAt?: Date;
}

export function inboxModel(connection: Connection): Model<InboxRecord> {
  const schema = new Schema<InboxRecord>(
    {
      _id: { type: String, required: true },
      source: { type: String, required: true },
      type: { type: String, required: true },
      occurredAt: { type: Date, required: true },
      receivedAt: { type: Date, required: true },
      status: { type: String, required: true, enum: ["pending", "done", "failed"] },
      attempts: { type: Number, required: true, default: 0 },
      notBefore: { type: Date, required: true },
      payload: String,
      answer: String,
      redelivered: { type: Boolean, default: false },
      replySentAt: Date,
      lastError: String,
      failedAt: String,
      expiresAt: Date,
    },
    { versionKey: false, collection: "webhook_events" },
  );
  schema.index({ source: 1, status: 1, occurredAt: 1 });
  schema.index({ status: 1, notBefore: 1 });
  schema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
  return connection.models.InboxRecord ?? connection.model<InboxRecord>("InboxRecord", schema);
}

export interface AcceptResult {
  accepted: number;
  duplicates: number;
  /** Sources that got new work, for the processor to drain. */
  sources: string[];
}

const payloadContext = "webhook_events.payload";
const answerContext = "webhook_events.answer";

/**
 * The payloads a process sealed at intake and has not processed yet, with their text (see
 * `Inbox.openPayload`). One per process, shared by its inboxes: the webhook's intake and the
 * processor have an Inbox each (a connection each).
 */
export type SealedPayloads = BoundedMemo<{ sealed: string; raw: string }>;

export function sealedPayloadsMemo(): SealedPayloads {
  return new BoundedMemo(4_096);
}

/** The inbox write did not finish in time: the webhook answers 503 so LINE tries again later. */
export class DatabaseTimeoutError extends Error {
  constructor(ms: number) {
    super(`the database did not answer within ${ms} ms`);
    this.name = "DatabaseTimeoutError";
  }
}

/** The event was applied by someone else meanwhile (a lease that ran out): retried, it finds the answer. */
export class EventAlreadyAppliedError extends Error {
  constructor() {
    super("inbox event already applied");
    this.name = "EventAlreadyAppliedError";
  }
}

/**
 * The inbox makes the webhook durable before LINE gets its 200: each event is written once, keyed by
 * webhookEventId, so redelivered and duplicated events are recognised by the unique _id. It talks to
 * the driver directly (see driverCollection): it runs for every event, twice.
 */
export class Inbox {
  private events: mongo.Collection<InboxRecord> | undefined;

  constructor(
    private readonly model: Model<InboxRecord>,
    private readonly sealer: Sealer,
    private readonly pseudonym: Pseudonymizer,
    /**
     * What this process sealed at intake: most events are processed by the process that took them
     * in, moments later, and opening the payload again cost as much as sealing it
     * (docs/PERFORMANCE.md, fifth session). Bounded, and an entry goes once its event is opened; one
     * evicted, or an event taken in elsewhere, is simply opened. It holds only what the process
     * already had in memory for the event (its webhook body), never written anywhere.
     */
    private readonly sealedPayloads: SealedPayloads = sealedPayloadsMemo(),
  ) {}

  private get collection(): mongo.Collection<InboxRecord> {
    return (this.events ??= driverCollection(this.model));
  }

  /**
   * Webhooks verified while an insert is in flight gather until the end of the turn and go as one
   * insert (see Batcher and `insert`).
   */
  private readonly gatheredInserts = new Batcher<InboxRecord[], InsertOutcome>((requests) =>
    this.insertAll(requests),
  );
  private insertsInFlight = 0;
  /**
   * The marks made after an event's transaction — "reply sent" as the reply leaves, "done" once it
   * is delivered — of all the events in hand at one moment, as one bulk update. A "reply sent" mark
   * that meets its event already done matches nothing (it only matters while the event is pending).
   */
  private readonly marks = new Batcher<InboxMark, void>(async (marks) => {
    // Alike statements, so each kind is ONE statement over `_id: {$in}` instead of one per event:
    // the driver builds, sizes and serializes every statement of a bulk write (twice) and the store
    // parses each. The time written is the batch's latest: a done record expires, and a reply counts
    // as sent, a few milliseconds later at most (only the presence of `replySentAt` is ever read).
    // Multi-document updates are not retryable writes: a mark lost to a network error fails its
    // event's "record" stage, which is retried (without sending again, see EventProcessor.delivered).
    const done = marks.filter((mark) => mark.kind === "done");
    const sent = marks.filter((mark) => mark.kind === "reply-sent");
    const statements: Array<{
      updateMany: { filter: mongo.Filter<InboxRecord>; update: mongo.UpdateFilter<InboxRecord> };
    }> = [];
    if (done.length > 0)
      statements.push({
        updateMany: {
          filter: { _id: { $in: done.map((mark) => mark.id) } },
          update: {
            $set: { status: "done" as const, expiresAt: latest(done) },
            $unset: { payload: 1, answer: 1, lastError: 1, failedAt: 1, replySentAt: 1 } as const,
          },
        },
      });
    if (sent.length > 0)
      statements.push({
        updateMany: {
          filter: { _id: { $in: sent.map((mark) => mark.id) }, status: "pending" as const },
          update: { $set: { replySentAt: latest(sent) } },
        },
      });
    // One kind (the common case): the plain update, without the bulk write's bookkeeping.
    if (statements.length === 1)
      await this.collection.updateMany(statements[0]!.updateMany.filter, statements[0]!.updateMany.update);
    else await this.collection.bulkWrite(statements, { ordered: false });
    return marks.map(() => undefined);
  });
  /** Pending reads of many sources at once, as one query (see pendingOfSources). */
  private readonly pendingReads = new Batcher<{ source: string; limit: number }, InboxRecord[]>((reads) =>
    this.pendingOfSources(reads),
  );

  /**
   * Stores the events, each once. Bounded by `timeoutMs`: a database that cannot take the write
   * in time gets a DatabaseTimeoutError (→ 503) rather than holding LINE past its 2-second limit.
   * A write that still lands after that is harmless: LINE's retry is then a recognised duplicate.
   */
  async accept(events: webhook.Event[], now = new Date(), timeoutMs = 1_500): Promise<AcceptResult> {
    if (events.length === 0) return { accepted: 0, duplicates: 0, sources: [] };
    const records = events.map((event) => this.toRecord(event, now));
    const outcome = await withTimeout(this.insert(records), timeoutMs);
    if ("error" in outcome) throw outcome.error;
    const { duplicates } = outcome;
    const accepted = records.length - duplicates;
    // A duplicated event's source is still scheduled: harmless, and it covers a redelivery that
    // arrives while the first copy is still pending after a crash.
    return { accepted, duplicates, sources: [...new Set(records.map((record) => record.source))] };
  }

  /**
   * The oldest pending events of a source, at most `limit`, in occurrence order (LINE may deliver
   * out of order). One query serves a burst from one chat.
   */
  async pending(source: string, limit: number): Promise<InboxRecord[]> {
    return this.pendingReads.run({ source, limit });
  }

  /**
   * The pending reads of the chats whose drains start together, as one `$in` query sorted by source
   * and then occurrence, so each source's records come as its oldest ones, in order. Only the
   * source the overall limit cut off can come back short of what it has; when the limit was reached,
   * every source that came back short is read again on its own.
   */
  private async pendingOfSources(reads: Array<{ source: string; limit: number }>): Promise<InboxRecord[][]> {
    if (reads.length === 1) return [await this.pendingOf(reads[0]!.source, reads[0]!.limit)];
    const sources = [...new Set(reads.map((read) => read.source))];
    const cap = reads.reduce((sum, read) => sum + read.limit, 0);
    const found = await this.collection
      .find(
        { source: { $in: sources }, status: "pending" },
        { sort: { source: 1, occurredAt: 1, receivedAt: 1, _id: 1 }, limit: cap },
      )
      .toArray();
    const bySource = new Map<string, InboxRecord[]>();
    for (const record of found) {
      const list = bySource.get(record.source);
      if (list) list.push(record);
      else bySource.set(record.source, [record]);
    }
    const cut = found.length === cap;
    return Promise.all(
      reads.map(async ({ source, limit }) => {
        const mine = bySource.get(source) ?? [];
        if (cut && mine.length < limit) return this.pendingOf(source, limit);
        return mine.slice(0, limit);
      }),
    );
  }

  private async pendingOf(source: string, limit: number): Promise<InboxRecord[]> {
    return this.collection
      .find({ source, status: "pending" }, { sort: { occurredAt: 1, receivedAt: 1, _id: 1 }, limit })
      .toArray();
  }

  openPayload(record: InboxRecord): webhook.Event {
    if (!record.payload) throw new Error(`inbox event ${record._id} has no payload`);
    const sealedHere = this.sealedPayloads.get(record._id);
    this.sealedPayloads.delete(record._id);
    // The very value this process sealed (a sealed value's IV is random, so equal means the same
    // seal): its text is known without decrypting it again. Anything else is opened as stored.
    const raw =
      sealedHere?.sealed === record.payload
        ? sealedHere.raw
        : this.sealer.openText(record.payload, payloadContext);
    return JSON.parse(raw) as webhook.Event;
  }

  /** The recorded answer of an applied event; undefined while it has not been applied. */
  openAnswer(record: InboxRecord): Message[] | undefined {
    if (record.answer === undefined) return undefined;
    return JSON.parse(this.sealer.openText(record.answer, answerContext)) as Message[];
  }

  /**
   * Records that the event was applied, with its answer. Called inside the event's transaction, so
   * it commits together with the event's effects or not at all. There it waits for the commit and
   * goes with the marks of the other events of the group as one update command (see
   * `deferredWrites`); "already applied" is then found, and thrown, just before the commit.
   */
  async markApplied(id: string, answer: Message[]): Promise<void> {
    const mark = { id, answer: this.sealer.seal(JSON.stringify(answer), answerContext) };
    const pending = deferredWrites(this.appliedMarks);
    if (!pending) return this.markAllApplied([mark]);
    if (pending.has(id)) throw new EventAlreadyAppliedError(); // applied twice in one transaction
    pending.set(id, mark);
  }

  private readonly appliedMarks: DeferredWriter<{ id: string; answer: string }> = {
    flush: (marks) => this.markAllApplied(marks),
  };

  /** The "applied" marks of several events, each only if nobody applied it first. */
  private async markAllApplied(marks: Array<{ id: string; answer: string }>): Promise<void> {
    const result = await this.collection.bulkWrite(
      marks.map((mark) => ({
        updateOne: {
          filter: { _id: mark.id, status: "pending" as const, answer: { $exists: false } },
          update: { $set: { answer: mark.answer } },
        },
      })),
      sessionOption(),
    );
    if (result.matchedCount < marks.length) throw new EventAlreadyAppliedError();
  }

  /** A reply with the recorded answer has left for LINE (see `replySentAt`). */
  async markReplySent(id: string, now = new Date()): Promise<void> {
    await this.marks.run({ kind: "reply-sent", id, at: now });
  }

  /** Delivered (or nothing to deliver): only the id stays, to recognise redeliveries. */
  async markDone(id: string, retentionMs: number, now = new Date()): Promise<void> {
    await this.marks.run({ kind: "done", id, at: new Date(now.getTime() + retentionMs) });
  }

  /** A transient failure at `stage`: the event stays at the head of its chat until `retryAt`. */
  async markRetry(id: string, reason: string, stage: TurnStage, retryAt: Date): Promise<void> {
    await this.collection.updateOne(
      { _id: id },
      { $set: { notBefore: retryAt, lastError: reason, failedAt: stage }, $inc: { attempts: 1 } },
    );
  }

  /**
   * A permanent failure: the chat moves on. The sealed payload (and answer, if it was applied) are
   * kept for an operator to look at or replay, for `retentionMs`.
   */
  async markDeadLetter(
    id: string,
    reason: string,
    stage: TurnStage,
    retentionMs: number,
    now = new Date(),
  ): Promise<void> {
    await this.collection.updateOne(
      { _id: id },
      {
        $set: {
          status: "failed",
          lastError: reason,
          failedAt: stage,
          expiresAt: new Date(now.getTime() + retentionMs),
        },
        $inc: { attempts: 1 },
      },
    );
  }

  /** Dead letters for operators: how many, and the latest (ids, types, reasons — never content). */
  async deadLetters(limit = 20): Promise<{ count: number; recent: DeadLetter[] }> {
    const filter = { status: "failed" as const };
    const [count, recent] = await Promise.all([
      this.collection.countDocuments(filter),
      this.collection
        .find(filter, {
          sort: { receivedAt: -1 },
          limit,
          projection: { type: 1, receivedAt: 1, lastError: 1, failedAt: 1, attempts: 1 },
        })
        .toArray(),
    ]);
    return {
      count,
      recent: recent.map((record) => ({
        id: record._id,
        type: record.type,
        // No finer than the minute: the same rule as every time an operator sees.
        receivedAt: new Date(Math.floor(record.receivedAt.getTime() / 60_000) * 60_000),
        reason: record.lastError ?? "unknown",
        stage: record.failedAt ?? "apply",
        attempts: record.attempts,
      })),
    };
  }

  /** Sources with pending events due now: work left by a crash, a failed attempt or a lost race. */
  async sourcesWithDueWork(now = new Date()): Promise<string[]> {
    const sources = await this.collection.distinct("source", { status: "pending", notBefore: { $lte: now } });
    return sources.map(String);
  }

  /**
   * A webhook's insert. One that finds no insert in flight goes at once: waiting for the end of the
   * turn (Batcher) put its acknowledgement behind everything processing had queued for that turn —
   * event starts, group commits, marks. One that comes while an insert is in flight, i.e. while the
   * intake is busy, gathers with the others of its turn into one insert, so a burst still costs one
   * command.
   */
  private insert(records: InboxRecord[]): Promise<InsertOutcome> {
    if (this.insertsInFlight > 0) return this.gatheredInserts.run(records);
    return this.insertAll([records]).then((outcomes) => outcomes[0]!);
  }

  /**
   * One insert for the events of several webhooks. A duplicate (a redelivery) fails only its own
   * statement; any other failure of a statement fails the webhook it belongs to, and a failure of the
   * whole command (the database away) fails them all.
   */
  private async insertAll(requests: InboxRecord[][]): Promise<InsertOutcome[]> {
    const records = requests.flat();
    let writeErrors: Array<{ index: number; code?: number }> = [];
    this.insertsInFlight += 1;
    try {
      if (records.length === 1) await this.collection.insertOne(records[0]!);
      else await this.collection.insertMany(records, { ordered: false });
    } catch (error) {
      if (records.length === 1 && isDuplicateKeyError(error)) writeErrors = [{ index: 0, code: 11000 }];
      else {
        const reported = bulkStatementErrors(error);
        if (!reported) throw error;
        writeErrors = reported;
      }
    } finally {
      this.insertsInFlight -= 1;
    }
    let start = 0;
    return requests.map((request) => {
      const mine = writeErrors.filter((e) => e.index >= start && e.index < start + request.length);
      start += request.length;
      const failure = mine.find((e) => e.code !== 11000);
      if (failure) return { error: new Error(`inbox insert failed with code ${String(failure.code)}`) };
      return { duplicates: mine.length };
    });
  }

  private toRecord(event: webhook.Event, now: Date): InboxRecord {
    const raw = JSON.stringify(event);
    const id = event.webhookEventId || `sha256:${createHash("sha256").update(raw).digest("hex")}`;
    return {
      _id: id,
      source: this.pseudonym("source", sourceId(event)),
      type: event.type,
      occurredAt: new Date(typeof event.timestamp === "number" ? event.timestamp : now.getTime()),
      receivedAt: now,
      status: "pending",
      attempts: 0,
      notBefore: now,
      payload: this.sealedPayload(id, raw),
      redelivered: event.deliveryContext?.isRedelivery === true,
    };
  }

  private sealedPayload(id: string, raw: string): string {
    const sealed = this.sealer.seal(raw, payloadContext);
    this.sealedPayloads.set(id, { sealed, raw });
    return sealed;
  }
}

export function sourceId(event: webhook.Event): string {
  const source = event.source;
  if (!source) return "none";
  if (source.type === "group") return `group:${source.groupId}`;
  if (source.type === "room") return `room:${source.roomId}`;
  if (source.type === "user") return `user:${source.userId ?? "unknown"}`;
  return "none";
}

export interface DeadLetter {
  id: string;
  type: string;
  receivedAt: Date;
  reason: string;
  stage: TurnStage;
  attempts: number;
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new DatabaseTimeoutError(ms)), ms);
  });
  // The write may still settle after the timeout; its rejection must not go unhandled.
  work.catch(() => undefined);
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The latest `at` of a batch of marks. */
function latest(marks: InboxMark[]): Date {
  return new Date(Math.max(...marks.map((mark) => mark.at.getTime())));
}

/** A mark made after an event's transaction; `at` is when the reply left, or when a done record expires. */
type InboxMark = { kind: "reply-sent" | "done"; id: string; at: Date };

type InsertOutcome = { duplicates: number } | { error: Error };
