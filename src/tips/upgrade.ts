import type { Connection, mongo } from "mongoose";
import { filesCollection, type EvidenceFileDoc } from "./evidence/collections";
import { newPublicRef } from "./public-ref";

/** One change to records an earlier version stored. Each must be idempotent: instances may race. */
interface Upgrade {
  id: string;
  run(db: mongo.Db): Promise<void>;
}

export interface UpgradeOptions {
  contactRetentionAfterCloseMs: number;
}

interface UpgradeMarker {
  _id: string;
  doneAt: Date;
}

/**
 * Brings tips, evidence and reporter links stored by earlier versions up to what this version
 * expects, at start-up and once per database (a marker in `upgrades` records each step), so later
 * starts cost one lookup. Runs before the service takes events: every tip has a public ref by then.
 */
export async function upgradeStoredTips(connection: Connection, options: UpgradeOptions): Promise<void> {
  const db = connection.db;
  if (!db) throw new Error("upgradeStoredTips needs an open connection");
  const markers = db.collection<UpgradeMarker>("upgrades");
  for (const upgrade of upgrades(options)) {
    if (await markers.findOne({ _id: upgrade.id })) continue;
    await upgrade.run(db);
    await markers.updateOne({ _id: upgrade.id }, { $setOnInsert: { doneAt: new Date() } }, { upsert: true });
  }
}

function upgrades(options: UpgradeOptions): Upgrade[] {
  return [
    {
      // Buttons, evidence URLs and the admin API name tips and evidence by a random ref, no longer by ObjectId.
      id: "public-refs-v1",
      async run(db) {
        const tips = db.collection<{ _id: mongo.ObjectId; ref?: string }>("tips");
        for await (const { _id } of tips.find({ ref: { $exists: false } }, { projection: { _id: 1 } })) {
          await tips.updateOne({ _id, ref: { $exists: false } }, { $set: { ref: newPublicRef() } });
        }
        const files = db.collection<EvidenceFileDoc>(filesCollection);
        const missing = files.find({ "metadata.ref": { $exists: false } }, { projection: { _id: 1 } });
        for await (const { _id } of missing) {
          await files.updateOne(
            { _id, "metadata.ref": { $exists: false } },
            { $set: { "metadata.ref": newPublicRef() } },
          );
        }
      },
    },
    {
      // The reporter↔tip link now expires with the case, like the contact: closed + retention.
      id: "reporter-tips-expiry-v1",
      async run(db) {
        const closed = db
          .collection<{ _id: mongo.ObjectId; closedAt?: Date }>("tips")
          .find({ status: "closed" }, { projection: { _id: 1, closedAt: 1 } });
        const links = db.collection("reporter_tips");
        for await (const tip of closed) {
          const closedAt = tip.closedAt ?? new Date();
          await links.updateMany(
            { tipId: tip._id, deleteAfter: { $exists: false } },
            { $set: { deleteAfter: new Date(closedAt.getTime() + options.contactRetentionAfterCloseMs) } },
          );
        }
      },
    },
    {
      // Tips carry the deadline they work to (`dueAt`), so queues sort by it through an index.
      id: "tips-due-at-v1",
      async run(db) {
        const tips = db.collection("tips");
        await tips.updateMany({ status: "received", dueAt: { $exists: false } }, [
          { $set: { dueAt: "$acknowledgeBy" } },
        ]);
        await tips.updateMany(
          {
            status: { $nin: ["received", "closed"] },
            feedbackBy: { $exists: true },
            dueAt: { $exists: false },
          },
          [{ $set: { dueAt: "$feedbackBy" } }],
        );
      },
    },
  ];
}
