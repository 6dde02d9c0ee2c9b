import { createHash } from "node:crypto";
import { Schema, type Connection, type Model, type mongo } from "mongoose";
import type { webhook } from "@line/bot-sdk";
import type { Sealer } from "../crypto/sealer";
import type { Pseudonymizer } from "../crypto/pseudonym";
import { driverCollection, isDuplicateKeyError } from "../data/database";

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
  redelivered: boolean;
  lastError?: string;
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
      redelivered: { type: Boolean, default: false },
      lastError: String,
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
  ) {}

  private get collection(): mongo.Collection<InboxRecord> {
    return (this.events ??= driverCollection(this.model));
  }

  async accept(events: webhook.Event[], now = new Date()): Promise<AcceptResult> {
    if (events.length === 0) return { accepted: 0, duplicates: 0, sources: [] };
    const records = events.map((event) => this.toRecord(event, now));
    let duplicates = 0;
    try {
      // Most webhooks carry one event, and insertOne costs the driver much less than a bulk insert.
      if (records.length === 1) await this.collection.insertOne(records[0]!);
      else await this.collection.insertMany(records, { ordered: false });
    } catch (error) {
      const writeErrors =
        records.length === 1 ? (isDuplicateKeyError(error) ? 1 : undefined) : duplicateWriteErrors(error);
      if (writeErrors === undefined) throw error;
      duplicates = writeErrors;
    }
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
    return this.collection
      .find({ source, status: "pending" }, { sort: { occurredAt: 1, receivedAt: 1, _id: 1 }, limit })
      .toArray();
  }

  openPayload(record: InboxRecord): webhook.Event {
    if (!record.payload) throw new Error(`inbox event ${record._id} has no payload`);
    return JSON.parse(this.sealer.openText(record.payload, payloadContext)) as webhook.Event;
  }

  async markDone(id: string, retentionMs: number, now = new Date()): Promise<void> {
    await this.collection.updateOne(
      { _id: id },
      {
        $set: { status: "done", expiresAt: new Date(now.getTime() + retentionMs) },
        $unset: { payload: 1, lastError: 1 },
      },
    );
  }

  async markFailedAttempt(
    id: string,
    reason: string,
    options: { retryAt?: Date; retentionMs: number },
    now = new Date(),
  ): Promise<void> {
    const update: mongo.UpdateFilter<InboxRecord> = options.retryAt
      ? { $set: { notBefore: options.retryAt, lastError: reason }, $inc: { attempts: 1 } }
      : {
          // Given up: keep the sealed payload for an operator to replay, for a limited time.
          $set: {
            status: "failed",
            lastError: reason,
            expiresAt: new Date(now.getTime() + options.retentionMs),
          },
          $inc: { attempts: 1 },
        };
    await this.collection.updateOne({ _id: id }, update);
  }

  /** Sources with pending events due now: work left by a crash, a failed attempt or a lost race. */
  async sourcesWithDueWork(now = new Date()): Promise<string[]> {
    const sources = await this.collection.distinct("source", { status: "pending", notBefore: { $lte: now } });
    return sources.map(String);
  }

  private toRecord(event: webhook.Event, now: Date): InboxRecord {
    const raw = JSON.stringify(event);
    return {
      _id: event.webhookEventId || `sha256:${createHash("sha256").update(raw).digest("hex")}`,
      source: this.pseudonym("source", sourceId(event)),
      type: event.type,
      occurredAt: new Date(typeof event.timestamp === "number" ? event.timestamp : now.getTime()),
      receivedAt: now,
      status: "pending",
      attempts: 0,
      notBefore: now,
      payload: this.sealer.seal(raw, payloadContext),
      redelivered: event.deliveryContext?.isRedelivery === true,
    };
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

/** Number of duplicate-key write errors if every error is one, else undefined (a real failure). */
function duplicateWriteErrors(error: unknown): number | undefined {
  const writeErrors = (error as { writeErrors?: Array<{ code?: number; err?: { code?: number } }> })
    .writeErrors;
  if (!Array.isArray(writeErrors) || writeErrors.length === 0) return undefined;
  const allDuplicates = writeErrors.every((e) => (e.code ?? e.err?.code) === 11000);
  return allDuplicates ? writeErrors.length : undefined;
}
