import { Schema, type Connection, type Model, type mongo } from "mongoose";
import { driverCollection } from "../data/database";
import { sessionOption } from "../data/unit-of-work";
import type { Locale, TextArgs } from "../i18n";
import { bangkokClock, formatBangkokDay } from "../i18n/bangkok-time";

interface CounterDocument {
  _id: string;
  count: number;
  expiresAt: Date;
}

export function rateCounterModel(connection: Connection): Model<CounterDocument> {
  const schema = new Schema<CounterDocument>(
    {
      _id: { type: String, required: true },
      count: { type: Number, required: true },
      expiresAt: { type: Date, required: true },
    },
    { collection: "rate_limits", versionKey: false },
  );
  schema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
  return connection.models.RateCounter ?? connection.model<CounterDocument>("RateCounter", schema);
}

export interface Limit {
  name: string;
  max: number;
  windowMs: number;
}

export type LimitCheck =
  | { allowed: true }
  | {
      allowed: false;
      /** true only the first time over: say so once, then stay quiet */ firstRefusal: boolean;
    };

/**
 * Fixed-window counters per pseudonym in MongoDB, so every instance sees the same count. Used for
 * abuse limits: messages per minute, tips per day, wrong tracking codes per hour. It talks to the
 * driver directly (see driverCollection): every message counts.
 */
export class RateLimiter {
  private counters: mongo.Collection<CounterDocument> | undefined;

  constructor(private readonly model: Model<CounterDocument>) {}

  private get collection(): mongo.Collection<CounterDocument> {
    return (this.counters ??= driverCollection(this.model));
  }

  async hit(key: string, limit: Limit, now: Date): Promise<LimitCheck> {
    const window = Math.floor(now.getTime() / limit.windowMs);
    const id = `${limit.name}:${key}:${window}`;
    const counter = await this.collection.findOneAndUpdate(
      { _id: id },
      { $inc: { count: 1 }, $setOnInsert: { expiresAt: new Date((window + 1) * limit.windowMs + 60_000) } },
      { upsert: true, returnDocument: "after", ...sessionOption() },
    );
    return limitCheck(counter?.count ?? 1, limit);
  }

  async peek(key: string, limit: Limit, now: Date): Promise<boolean> {
    const window = Math.floor(now.getTime() / limit.windowMs);
    const counter = await this.collection.findOne({ _id: `${limit.name}:${key}:${window}` }, sessionOption());
    return (counter?.count ?? 0) < limit.max;
  }
}

/** The verdict for the `count`th hit in a window. */
export function limitCheck(count: number, limit: Limit): LimitCheck {
  return count <= limit.max ? { allowed: true } : { allowed: false, firstRefusal: count === limit.max + 1 };
}

/** When the window that `now` falls in ends: a refused citizen may go on from then. */
export function retryAt(limit: Limit, now: Date): Date {
  return new Date((Math.floor(now.getTime() / limit.windowMs) + 1) * limit.windowMs);
}

/** Arguments for a limit notice that says when to continue: `time` ("14:05"), `date`, `minutes`. */
export function retryTimeArgs(limit: Limit, now: Date, locale: Locale): TextArgs {
  const at = retryAt(limit, now);
  return {
    time: bangkokClock(at),
    date: formatBangkokDay(at, locale),
    minutes: Math.max(1, Math.ceil((at.getTime() - now.getTime()) / 60_000)),
  };
}

export const citizenLimits = {
  messages: { name: "messages", max: 30, windowMs: 60_000 },
  tipsPerDay: { name: "tips", max: 5, windowMs: 86_400_000 },
  wrongCodes: { name: "wrong-codes", max: 10, windowMs: 3_600_000 },
} satisfies Record<string, Limit>;
