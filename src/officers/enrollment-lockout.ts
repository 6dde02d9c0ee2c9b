import { Schema, type Connection, type Model, type mongo } from "mongoose";
import { driverCollection, isDuplicateKeyError } from "../data/database";

/** A miss counter (`misses:<key>:<window>`) or a lock (`lock:<key>`); both expire by TTL. */
interface AttemptDocument {
  _id: string;
  count?: number;
  lockedUntil?: Date;
  expiresAt: Date;
}

export function enrollmentAttemptModel(connection: Connection): Model<AttemptDocument> {
  const schema = new Schema<AttemptDocument>(
    {
      _id: { type: String, required: true },
      count: Number,
      lockedUntil: Date,
      expiresAt: { type: Date, required: true },
    },
    { collection: "enrollment_attempts", versionKey: false },
  );
  schema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
  return (
    connection.models.EnrollmentAttempt ?? connection.model<AttemptDocument>("EnrollmentAttempt", schema)
  );
}

export interface LockoutPolicy {
  /** Wrong codes within one window that lock the key. */
  maxMisses: number;
  windowMs: number;
  /** How long a lock lasts from the miss that set it; at least `windowMs`, so a lock outlives its window's count. */
  lockoutMs: number;
}

/** Five wrong codes in an hour lock for an hour: a typo or two is fine, guessing is not. */
export const enrollmentLockoutPolicy: LockoutPolicy = {
  maxMisses: 5,
  windowMs: 3_600_000,
  lockoutMs: 3_600_000,
};

/** A key that has just been locked: the caller audits it, once. */
export interface NewLock {
  key: string;
  lockedUntil: Date;
}

/**
 * Wrong `/enroll` codes per key — the sender's pseudonym, and for a group the group as well — with a
 * lockout after repeated misses, like wrong tracking codes for citizens. While a key is locked no
 * code is tried at all, so a correct guess among many wrong ones gains nothing. Counters live in
 * MongoDB so every instance sees the same count; the miss that crosses the limit is the only one
 * that reports a new lock, so a lockout is audited once, however many attempts follow. It writes
 * through the driver, outside any per-event transaction, on purpose: a miss stays counted even when
 * the event's other work is rolled back or retried.
 */
export class EnrollmentLockout {
  private attempts: mongo.Collection<AttemptDocument> | undefined;

  constructor(
    private readonly model: Model<AttemptDocument>,
    private readonly policy: LockoutPolicy = enrollmentLockoutPolicy,
  ) {
    if (policy.lockoutMs < policy.windowMs) throw new Error("a lockout must last at least one window");
  }

  private get collection(): mongo.Collection<AttemptDocument> {
    return (this.attempts ??= driverCollection(this.model));
  }

  /** The latest end of a lock on any of the keys, if one is in force. */
  async lockedUntil(keys: string[], now: Date): Promise<Date | undefined> {
    const locks = await this.collection
      .find({ _id: { $in: keys.map(lockId) }, lockedUntil: { $gt: now } })
      .toArray();
    const ends = locks.map((lock) => lock.lockedUntil!.getTime());
    return ends.length > 0 ? new Date(Math.max(...ends)) : undefined;
  }

  /** Counts a wrong code against every key; returns the keys this miss locked. */
  async miss(keys: string[], now: Date): Promise<NewLock[]> {
    const { maxMisses, windowMs, lockoutMs } = this.policy;
    const window = Math.floor(now.getTime() / windowMs);
    const locked: NewLock[] = [];
    for (const key of keys) {
      const counter = await this.collection.findOneAndUpdate(
        { _id: `misses:${key}:${window}` },
        { $inc: { count: 1 }, $setOnInsert: { expiresAt: new Date((window + 1) * windowMs + 60_000) } },
        { upsert: true, returnDocument: "after" },
      );
      if ((counter?.count ?? 1) < maxMisses) continue;
      const lockedUntil = new Date(now.getTime() + lockoutMs);
      if (await this.lock(key, lockedUntil, now)) locked.push({ key, lockedUntil });
    }
    return locked;
  }

  /** Sets the lock unless one is already in force (a concurrent miss set it): true when this call set it. */
  private async lock(key: string, lockedUntil: Date, now: Date): Promise<boolean> {
    try {
      const result = await this.collection.updateOne(
        { _id: lockId(key), $or: [{ lockedUntil: { $lte: now } }, { lockedUntil: { $exists: false } }] },
        { $set: { lockedUntil, expiresAt: new Date(lockedUntil.getTime() + 60_000) } },
        { upsert: true },
      );
      return result.modifiedCount + result.upsertedCount > 0;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false; // locked meanwhile by another miss
      throw error;
    }
  }
}

function lockId(key: string): string {
  return `lock:${key}`;
}
