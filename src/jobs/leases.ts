import { Schema, type Connection, type Model } from "mongoose";
import { isDuplicateKeyError } from "../data/database";

interface LeaseDocument {
  _id: string;
  owner: string;
  until: Date;
}

/**
 * Leases coordinate work between instances through MongoDB (never memory): one holder at a time,
 * and a crashed holder's lease simply runs out.
 */
export interface Leases {
  acquire(name: string, ttlMs: number): Promise<boolean>;
  renew(name: string, ttlMs: number): Promise<boolean>;
  release(name: string): Promise<void>;
}

export function leaseModel(connection: Connection): Model<LeaseDocument> {
  const schema = new Schema<LeaseDocument>(
    {
      _id: { type: String, required: true },
      owner: { type: String, required: true },
      until: { type: Date, required: true },
    },
    { versionKey: false, collection: "leases" },
  );
  return connection.models.Lease ?? connection.model<LeaseDocument>("Lease", schema);
}

export function createLeases(
  model: Model<LeaseDocument>,
  owner: string,
  now: () => Date = () => new Date(),
): Leases {
  return {
    async acquire(name, ttlMs) {
      const at = now();
      try {
        const lease = await model.findOneAndUpdate(
          { _id: name, $or: [{ until: { $lte: at } }, { owner }] },
          { $set: { owner, until: new Date(at.getTime() + ttlMs) } },
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
      const result = await model.updateOne(
        { _id: name, owner },
        { $set: { until: new Date(now().getTime() + ttlMs) } },
      );
      return result.matchedCount === 1;
    },
    async release(name) {
      await model.deleteOne({ _id: name, owner });
    },
  };
}
