import { HTTPFetchError } from "@line/bot-sdk";
import { Schema, Types, type Connection, type Model } from "mongoose";
import type { Logger } from "../log";
import type { LineGateway, Message } from "../line/gateway";
import { retryKeyFor } from "../line/retry-key";
import { afterCommit } from "../data/unit-of-work";

export type NotificationKind =
  | "new-tip"
  | "ack-reminder"
  | "ack-escalation"
  | "feedback-reminder"
  | "feedback-escalation"
  | "digest"
  | "reporter-question"
  | "reporter-status"
  | "reporter-answer";

/** `id` is an officer or group key, or for "reporter" the tip id (the contact is looked up at send time). */
export interface NotificationTarget {
  type: "officer" | "group" | "reporter";
  id: string;
}

export type NotificationParams = Record<string, string | number | string[]>;

/**
 * A push waiting to go out. It holds ids and small parameters, never message text: what is sent is
 * rendered at delivery time from the tip, the thread and the recipient's current language.
 */
export interface Notification {
  _id: Types.ObjectId;
  /** One logical notification, one document: e.g. "new-tip:<tipId>:g:<groupKey>". */
  key: string;
  kind: NotificationKind;
  tipId?: Types.ObjectId;
  target: NotificationTarget;
  messageId?: Types.ObjectId;
  params?: NotificationParams;
  status: "pending" | "sent" | "skipped" | "failed";
  attempts: number;
  notBefore: Date;
  claimedUntil?: Date;
  createdAt: Date;
  sentAt?: Date;
  lastError?: string;
  /** TTL: sent and skipped notifications are kept a while for support, then removed; failed ones stay. */
  purgeAfter?: Date;
}

export type NewNotification = Pick<Notification, "key" | "kind" | "target"> &
  Partial<Pick<Notification, "tipId" | "messageId" | "params">>;

/** What to push, or why not (recipient revoked, reporter contact deleted): skipped is final, not an error. */
export type Rendered = { to: string; messages: Message[] } | { skip: string };
export type Renderer = (notification: Notification) => Promise<Rendered>;

export function notificationModel(connection: Connection): Model<Notification> {
  const schema = new Schema<Notification>(
    {
      key: { type: String, required: true, unique: true },
      kind: { type: String, required: true },
      tipId: Schema.Types.ObjectId,
      target: { _id: false, type: { type: String, required: true }, id: { type: String, required: true } },
      messageId: Schema.Types.ObjectId,
      params: Schema.Types.Mixed,
      status: { type: String, required: true, enum: ["pending", "sent", "skipped", "failed"] },
      attempts: { type: Number, required: true, default: 0 },
      notBefore: { type: Date, required: true },
      claimedUntil: Date,
      createdAt: { type: Date, required: true },
      sentAt: Date,
      lastError: String,
      purgeAfter: Date,
    },
    { collection: "notifications", versionKey: false },
  );
  schema.index({ status: 1, notBefore: 1 });
  schema.index({ purgeAfter: 1 }, { expireAfterSeconds: 0 });
  schema.index({ tipId: 1 });
  return connection.models.Notification ?? connection.model<Notification>("Notification", schema);
}

export interface OutboxOptions {
  line: LineGateway;
  render: Renderer;
  now: () => Date;
  logger: Logger;
  /** Parallel senders per pass: a new tip fans out to every routed group and officer at once. */
  concurrency?: number;
  /** How long a claim keeps other instances off a notification. */
  claimMs?: number;
}

const maxBackoffMs = 30 * 60_000;
/** Long enough to answer "did the group get it?", short enough that the collection stays small. */
const keepSettledMs = 30 * 86_400_000;

/**
 * The notification outbox: a push is written first, then sent by a worker, so a crash, a LINE outage
 * or a lost race never loses it. Each send carries X-Line-Retry-Key = retryKeyFor("notify", id), so
 * a retry after a lost response is answered 409 by LINE instead of being delivered twice. New work
 * is kicked at once (officers hear of a tip within seconds); a periodic sweep retries the rest.
 */
export class NotificationOutbox {
  readonly model: Model<Notification>;
  private pass: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly logger: Logger;

  constructor(
    connection: Connection,
    private readonly options: OutboxOptions,
  ) {
    this.model = notificationModel(connection);
    this.logger = options.logger.child({ component: "notifications" });
  }

  /** Stores notifications; ones already stored (same key) are left as they are. */
  async enqueue(items: NewNotification[]): Promise<number> {
    if (items.length === 0) return 0;
    const now = this.options.now();
    // An upsert that finds the key leaves the document alone: no duplicate-key error, which inside a
    // webhook event's transaction would abort the whole transaction (MongoDB aborts on any write error).
    const operations = items.map((item) => ({
      updateOne: {
        filter: { key: item.key },
        update: { $setOnInsert: { ...item, status: "pending", attempts: 0, notBefore: now, createdAt: now } },
        upsert: true,
      },
    }));
    try {
      const result = await this.model.bulkWrite(operations, { ordered: false });
      return result.upsertedCount;
    } catch (error) {
      // Outside a transaction two instances can still race to insert one key; the loser's 11000 is harmless.
      const writeErrors = (error as { writeErrors?: Array<{ code?: number; err?: { code?: number } }> })
        .writeErrors;
      if (!Array.isArray(writeErrors) || !writeErrors.every((e) => (e.code ?? e.err?.code) === 11000))
        throw error;
      const upserted = (error as { result?: { upsertedCount?: number } }).result?.upsertedCount;
      return upserted ?? items.length - writeErrors.length;
    }
  }

  /**
   * Starts a delivery pass now (or right after the running one); never throws. Inside a webhook
   * event's transaction it waits for the commit: before it, the pass could not see what was just
   * queued, and an aborted event must notify nobody.
   */
  kick(): void {
    afterCommit(() => this.startPass());
  }

  private startPass(): void {
    if (this.stopped) return;
    if (this.pass) {
      this.again = true;
      return;
    }
    this.pass = this.deliverDue()
      .then(() => undefined)
      .catch((error: unknown) => this.logger.error({ err: error }, "notification pass failed"))
      .finally(() => {
        this.pass = undefined;
        if (this.again) {
          this.again = false;
          this.startPass();
        }
      });
  }

  /** Resolves when no pass is running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pass) await this.pass;
  }

  /** The periodic sweep: retries and work another instance claimed and then lost. */
  start(intervalMs: number): void {
    this.timer = setInterval(() => this.kick(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.idle();
  }

  /** Sends everything due, `concurrency` at a time; returns how many were settled (sent or skipped). */
  async deliverDue(): Promise<number> {
    let settled = 0;
    const worker = async () => {
      for (;;) {
        const claimed = await this.claim();
        if (!claimed) return;
        if (await this.deliver(claimed)) settled++;
      }
    };
    await Promise.all(Array.from({ length: this.options.concurrency ?? 4 }, worker));
    return settled;
  }

  private async claim(): Promise<Notification | null> {
    const now = this.options.now();
    return this.model
      .findOneAndUpdate(
        {
          status: "pending",
          notBefore: { $lte: now },
          $or: [{ claimedUntil: null }, { claimedUntil: { $lte: now } }],
        },
        { $set: { claimedUntil: new Date(now.getTime() + (this.options.claimMs ?? 60_000)) } },
        { sort: { notBefore: 1 }, returnDocument: "after" },
      )
      .lean<Notification>()
      .exec();
  }

  private async deliver(notification: Notification): Promise<boolean> {
    const log = {
      notificationId: notification._id.toHexString(),
      kind: notification.kind,
      target: notification.target.type,
    };
    try {
      const rendered = await this.options.render(notification);
      if ("skip" in rendered) {
        await this.settle(notification, { status: "skipped", lastError: rendered.skip });
        this.logger.info({ ...log, reason: rendered.skip }, "notification skipped");
        return true;
      }
      const outcome = await this.options.line.push(
        rendered.to,
        rendered.messages,
        retryKeyFor("notify", notification._id.toHexString()),
      );
      await this.settle(notification, { status: "sent", sentAt: this.options.now() });
      this.logger.info({ ...log, outcome }, "notification sent");
      return true;
    } catch (error) {
      const attempts = notification.attempts + 1;
      if (isPermanent(error)) {
        await this.settle(notification, { status: "failed", lastError: describe(error) }, attempts);
        this.logger.error({ ...log, attempts, reason: describe(error) }, "notification failed for good");
        return false;
      }
      const delay = Math.min(5_000 * 2 ** (attempts - 1), maxBackoffMs);
      await this.model.updateOne(
        { _id: notification._id },
        {
          $set: {
            attempts,
            notBefore: new Date(this.options.now().getTime() + delay),
            lastError: describe(error),
          },
          $unset: { claimedUntil: 1 },
        },
      );
      this.logger.warn(
        { ...log, attempts, retryInMs: delay, reason: describe(error) },
        "notification will be retried",
      );
      return false;
    }
  }

  private async settle(
    notification: Notification,
    fields: Partial<Notification>,
    attempts = notification.attempts + 1,
  ) {
    const purgeAfter =
      fields.status === "failed"
        ? {}
        : { purgeAfter: new Date(this.options.now().getTime() + keepSettledMs) };
    await this.model.updateOne(
      { _id: notification._id },
      { $set: { ...fields, ...purgeAfter, attempts }, $unset: { claimedUntil: 1 } },
    );
  }
}

/** LINE refused the request itself (bad recipient, bot not in the group): retrying cannot help. */
function isPermanent(error: unknown): boolean {
  return (
    error instanceof HTTPFetchError &&
    error.status >= 400 &&
    error.status < 500 &&
    error.status !== 408 &&
    error.status !== 429
  );
}

/** Class and status only: error messages can quote request bodies. */
function describe(error: unknown): string {
  if (error instanceof HTTPFetchError) return `line-${error.status}`;
  return error instanceof Error ? error.name : typeof error;
}
