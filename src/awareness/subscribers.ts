import { Schema, type Connection, type Model } from "mongoose";
import type { Sealer } from "../crypto/sealer";
import type { Pseudonymizer } from "../crypto/pseudonym";
import type { Locale } from "../i18n";
import { defaultTopics, type Topic } from "./topics";
import { UserIdSeal, type OpenedBatch, type SealedBatch } from "./user-id-seal";

export type SubscriberStatus = "pending" | "active" | "unsubscribed" | "blocked";

/**
 * One LINE friend's awareness preferences. `_id` is the "subscriber" pseudonym, unrelated to the
 * "reporter" pseudonym tips are filed under, so awareness data cannot be joined to tips. The LINE
 * user id is needed to multicast, so it is kept sealed — and only while the status is active.
 */
export interface SubscriberDocument {
  _id: string;
  status: SubscriberStatus;
  locale: Locale;
  topics: Topic[];
  /** The province they chose for local campaigns (src/geo id); absent: none chosen. */
  province?: string;
  /** We asked for it once, after they first subscribed; not again (they change it from the menu). */
  provinceAsked?: boolean;
  /** Until then a typed province name is read as the answer to our question (and not as anything else). */
  provinceAwaitedUntil?: Date;
  /** Sealed LINE user id (UserIdSeal, context `subscribers.userId`); removed on unsubscribe and block. */
  userId?: string;
  createdAt: Date;
  updatedAt: Date;
  followedAt?: Date;
  subscribedAt?: Date;
  unsubscribedAt?: Date;
  blockedAt?: Date;
}

export const userIdContext = "subscribers.userId";

export function subscriberModel(connection: Connection): Model<SubscriberDocument> {
  const schema = new Schema<SubscriberDocument>(
    {
      _id: { type: String, required: true },
      status: { type: String, required: true, enum: ["pending", "active", "unsubscribed", "blocked"] },
      locale: { type: String, required: true, enum: ["th", "en"] },
      topics: { type: [String], required: true },
      province: String,
      provinceAsked: Boolean,
      provinceAwaitedUntil: Date,
      userId: String,
      createdAt: { type: Date, required: true },
      updatedAt: { type: Date, required: true },
      followedAt: Date,
      subscribedAt: Date,
      unsubscribedAt: Date,
      blockedAt: Date,
    },
    { versionKey: false, collection: "subscribers" },
  );
  // The delivery cursor (active subscribers in _id order, topics checked on fetch), and the re-read
  // of one recorded batch range of one language after a crash.
  schema.index({ status: 1, _id: 1 });
  schema.index({ status: 1, locale: 1, _id: 1 });
  return (
    (connection.models.Subscriber as Model<SubscriberDocument> | undefined) ??
    connection.model<SubscriberDocument>("Subscriber", schema)
  );
}

/** The narrow door to subscriber records; every change is one atomic update on one document. */
export class SubscriberStore {
  private readonly userIds: UserIdSeal;

  constructor(
    readonly model: Model<SubscriberDocument>,
    sealer: Sealer,
    private readonly pseudonym: Pseudonymizer,
  ) {
    this.userIds = new UserIdSeal(sealer, userIdContext);
  }

  keyFor(userId: string): string {
    return this.pseudonym("subscriber", userId);
  }

  async get(key: string): Promise<SubscriberDocument | undefined> {
    return (await this.model.findById(key).lean<SubscriberDocument>().exec()) ?? undefined;
  }

  /** A follow (new friend or unblock): we ask again, so nothing is sent until they opt in. */
  async followed(key: string, locale: Locale, now: Date): Promise<SubscriberDocument> {
    return this.upsert(
      key,
      { $set: { status: "pending", followedAt: now, updatedAt: now }, $unset: { userId: 1 } },
      locale,
      now,
    );
  }

  /** Opt-in. Keeps earlier topic and language choices of a returning subscriber. */
  async subscribe(
    key: string,
    userId: string,
    locale: Locale,
    now: Date,
  ): Promise<{ wasActive: boolean; subscriber: SubscriberDocument }> {
    const before = await this.get(key);
    const subscriber = await this.upsert(
      key,
      {
        $set: {
          status: "active",
          userId: this.sealUserId(userId),
          subscribedAt: (before?.status === "active" && before.subscribedAt) || now,
          updatedAt: now,
        },
        $unset: { unsubscribedAt: 1 },
      },
      locale,
      now,
    );
    return { wasActive: before?.status === "active", subscriber };
  }

  /** Opt-out; the sealed user id goes with it. Returns whether they had been subscribed. */
  async unsubscribe(key: string, now: Date): Promise<boolean> {
    const result = await this.model.updateOne(
      { _id: key, status: "active" },
      { $set: { status: "unsubscribed", unsubscribedAt: now, updatedAt: now }, $unset: { userId: 1 } },
    );
    return result.matchedCount === 1;
  }

  /** Unfollow (block): no delivery may reach them, and we no longer need their user id. */
  async blocked(key: string, now: Date): Promise<void> {
    await this.model.updateOne(
      { _id: key },
      { $set: { status: "blocked", blockedAt: now, updatedAt: now }, $unset: { userId: 1 } },
    );
  }

  async setTopics(key: string, topics: Topic[], now: Date): Promise<void> {
    await this.model.updateOne({ _id: key }, { $set: { topics, updatedAt: now } });
  }

  /** Chosen (a province id) or skipped/cleared (undefined); either ends the wait for a typed answer. */
  async setProvince(key: string, province: string | undefined, now: Date): Promise<void> {
    await this.model.updateOne(
      { _id: key },
      {
        $set: { updatedAt: now, ...(province ? { province } : {}) },
        $unset: { provinceAwaitedUntil: 1, ...(province ? {} : { province: 1 as const }) },
      },
    );
  }

  /** We are asking for their province: a typed province name is read as the answer until `until`. */
  async awaitProvince(key: string, until: Date, now: Date): Promise<void> {
    await this.model.updateOne(
      { _id: key },
      { $set: { provinceAsked: true, provinceAwaitedUntil: until, updatedAt: now } },
    );
  }

  async setLocale(key: string, locale: Locale, now: Date): Promise<void> {
    await this.model.updateOne({ _id: key }, { $set: { locale, updatedAt: now } });
  }

  sealUserId(userId: string): string {
    return this.userIds.seal(userId);
  }

  /** The LINE user id of an active subscriber, or undefined when it cannot be opened (key retired). */
  openUserId(sealed: string | undefined): string | undefined {
    return this.userIds.openMany([sealed])[0];
  }

  /** A multicast batch's user ids, opened together (one cipher call) as JSON; unreadable ones are left out. */
  openBatch(sealed: SealedBatch): OpenedBatch {
    return this.userIds.openBatch(sealed);
  }

  private async upsert(
    key: string,
    update: { $set: Record<string, unknown>; $unset?: Record<string, 1> },
    locale: Locale,
    now: Date,
  ): Promise<SubscriberDocument> {
    const doc = await this.model
      .findOneAndUpdate(
        { _id: key },
        { ...update, $setOnInsert: { locale, topics: [...defaultTopics], createdAt: now } },
        { upsert: true, returnDocument: "after" },
      )
      .lean<SubscriberDocument>()
      .exec();
    return doc!;
  }
}
