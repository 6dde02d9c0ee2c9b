import { Schema, type Connection, type Model, type mongo } from "mongoose";
import { driverCollection, isDuplicateKeyError } from "../data/database";

interface LeaseDocument {
  _id: string;
  owner: string;
  until: Date;
  /** Another instance had work for the holder while it held the lease (see requestRecheck). */
  recheck?: boolean;
}

/**
 * Leases coordinate work between instances through MongoDB (never memory): one holder at a time,
 * and a crashed holder's lease simply runs out.
 */
export interface Leases {
  acquire(name: string, ttlMs: number): Promise<boolean>;
  renew(name: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up. True when another instance asked the holder to look at the work again first. */
  release(name: string): Promise<boolean>;
  /**
   * For an instance that could not acquire: asks the live holder to look at the work again before
   * it lets go, since it may have read before this instance's work arrived. False when no other
   * instance holds the lease any more, so the caller can simply try to acquire again.
   */
  requestRecheck(name: string): Promise<boolean>;
}

export function leaseModel(connection: Connection): Model<LeaseDocument> {
  const schema = new Schema<LeaseDocument>(
    {
      _id: { type: String, required: true },
      owner: { type: String, required: true },
      until: { type: Date, required: true },
      recheck: Boolean,
    },
    { versionKey: false, collection: "leases" },
  );
  return connection.models.Lease ?? connection.model<LeaseDocument>("Lease", schema);
}

/** Talks to the driver directly (see driverCollection): every event's processing takes a lease. */
export function createLeases(
  model: Model<LeaseDocument>,
  owner: string,
  now: () => Date = () => new Date(),
): Leases {
  let leases: mongo.Collection<LeaseDocument> | undefined;
  const collection = () => (leases ??= driverCollection(model));
  return {
    async acquire(name, ttlMs) {
      const at = now();
      try {
        const lease = await collection().findOneAndUpdate(
          { _id: name, $or: [{ until: { $lte: at } }, { owner }] },
          // A new hold starts with no recheck asked of it: the last holder's release answered that.
          { $set: { owner, until: new Date(at.getTime() + ttlMs) }, $unset: { recheck: "" } },
          { upsert: true, returnDocument: "after" },
        );
        return lease?.owner === owner;
      } catch (error) {
        // Another instance holds a live lease: the upsert collided with its document.
        if (isDuplicateKeyError(error)) return false;
        throw error;
      }
    },
    async renew(name, ttlMs) {
      const result = await collection().updateOne(
        { _id: name, owner },
        { $set: { until: new Date(now().getTime() + ttlMs) } },
      );
      return result.matchedCount === 1;
    },
    async release(name) {
      const lease = await collection().findOneAndDelete({ _id: name, owner });
      return lease?.recheck === true;
    },
    async requestRecheck(name) {
      const result = await collection().updateOne(
        { _id: name, owner: { $ne: owner }, until: { $gt: now() } },
        { $set: { recheck: true } },
      );
      return result.matchedCount === 1;
    },
  };
}
