import { Schema, type Connection, type Model, type mongo } from "mongoose";
import { bulkStatementErrors, driverCollection } from "../data/database";
import { Batcher } from "../data/batcher";

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

  // Every event's processing takes and gives back its chat's lease: many chats' takes (and
  // releases) made at the same moment go as one bulk command (see Batcher).
  const takes = new Batcher<{ name: string; ttlMs: number }, boolean>(async (requests) => {
    const at = now();
    const operations = requests.map(({ name, ttlMs }) => ({
      updateOne: {
        filter: { _id: name, $or: [{ until: { $lte: at } }, { owner }] },
        // A new hold starts with no recheck asked of it: the last holder's release answered that.
        update: { $set: { owner, until: new Date(at.getTime() + ttlMs) }, $unset: { recheck: "" as const } },
        upsert: true,
      },
    }));
    // Not taken = the upsert collided with another instance's live lease (duplicate key).
    const refused = new Set<number>();
    try {
      await collection().bulkWrite(operations, { ordered: false });
    } catch (error) {
      const errors = bulkStatementErrors(error);
      if (!errors || errors.some((e) => e.code !== 11000)) throw error;
      errors.forEach((e) => refused.add(e.index));
    }
    return requests.map((_request, index) => !refused.has(index));
  });
  const releases = new Batcher<string, boolean>(async (names) => {
    // The common case: nobody asked for a recheck, and one delete gives every lease back.
    const result = await collection().bulkWrite(
      names.map((name) => ({ deleteOne: { filter: { _id: name, owner, recheck: { $ne: true } } } })),
      { ordered: false },
    );
    if (result.deletedCount === names.length) return names.map(() => false);
    // Some lease had a recheck asked of it (or was lost). Only the ones still held are left: read
    // which (one query), and give back just those one by one. Asking every name of the batch cost a
    // command per chat in hand whenever one chat was rechecked, the common case with two workers.
    const left = await collection()
      .find({ _id: { $in: names }, owner }, { projection: { _id: 1 } })
      .toArray();
    const rechecked = new Set(
      await Promise.all(
        left.map(async ({ _id }) =>
          (await collection().findOneAndDelete({ _id, owner }))?.recheck === true ? _id : undefined,
        ),
      ),
    );
    return names.map((name) => rechecked.has(name));
  });

  return {
    acquire: (name, ttlMs) => takes.run({ name, ttlMs }),
    async renew(name, ttlMs) {
      const result = await collection().updateOne(
        { _id: name, owner },
        { $set: { until: new Date(now().getTime() + ttlMs) } },
      );
      return result.matchedCount === 1;
    },
    release: (name) => releases.run(name),
    async requestRecheck(name) {
      const result = await collection().updateOne(
        { _id: name, owner: { $ne: owner }, until: { $gt: now() } },
        { $set: { recheck: true } },
      );
      return result.matchedCount === 1;
    },
  };
}
