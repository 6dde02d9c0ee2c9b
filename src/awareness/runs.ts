import { Schema, type Connection, type Model, type mongo } from "mongoose";
import type { Locale } from "../i18n";
import type { Message } from "../line/gateway";
import { isDuplicateKeyError } from "../data/database";
import type { Topic } from "./topics";

export type RunStatus =
  | "pending" // due, not started
  | "waiting" // due during quiet hours (or lease busy): starts at notBefore
  | "delivering" // an instance holds the lease and is sending
  | "interrupted" // stopped part-way (shutdown, LINE unavailable, pause): resumes from its checkpoint
  | "done"
  | "skipped" // never sent: past the end date, or superseded by a newer run of the same campaign
  | "failed" // stopped for good (monthly quota, retry-key window passed)
  | "cancelled";

/** Statuses a run can still (re)start from. */
export const openStatuses: RunStatus[] = ["pending", "waiting", "interrupted"];

/**
 * A batch handed to LINE (or about to be): the subscribers with `after < _id <= last` in its segment,
 * in _id order. Recorded before the multicast is sent, so a resumed run re-sends exactly this range
 * with the same retry key.
 */
export interface BatchRange {
  batch: number;
  segment: number;
  after: string | null;
  last: string;
  size: number;
  firstSentAt: Date;
}

export interface RunProgress {
  /** Per segment, the last subscriber _id put in a batch: the cursor resumes after these. */
  after: Array<string | null>;
  nextBatch: number;
  /** Batches recorded but not confirmed by LINE. */
  inFlight: BatchRange[];
  /**
   * Every batch up to `batch` is confirmed, and per segment every subscriber up to `lastIds[i]` is
   * in a confirmed batch: the last subscriber _id of the completed batches.
   */
  checkpoint: { batch: number; lastIds: Array<string | null> };
}

export interface RunCounts {
  /** Subscribers streamed for this run (sent + failed + skipped once done). */
  eligible: number;
  sent: number;
  failed: number;
  skipped: number;
  batches: number;
}

/** One content language and the subscriber languages it serves (languages without content get the default). */
export interface RunSegment {
  locale: Locale;
  audience: Locale[];
}

/** The aggregation unit a run's multicasts carry (LINE's customAggregationUnits), decided once. */
export interface RunAggregation {
  /** null: sent without a unit (LINE's monthly limit on unit names was reached). */
  unit: string | null;
  /** The LINE month (UTC+9, yyyyMM) the name was counted in. */
  month: string;
  /** Why there is no unit, for staff. */
  note?: string;
}

export interface RunDocument {
  /** The run key: `<campaign id>@<scheduled time ISO>`. */
  _id: string;
  campaignId: string;
  campaignRevision: number;
  scheduledAt: Date;
  trigger: "schedule" | "manual";
  status: RunStatus;
  reason?: string;
  notBefore: Date;
  topics: Topic[];
  /** Only subscribers in these provinces (frozen from the campaign's audience); absent: everyone. */
  provinces?: string[];
  segments: RunSegment[];
  /** What this run sends, frozen when it was created: a resumed batch must be byte-identical. */
  messages: Partial<Record<Locale, Message[]>>;
  progress: RunProgress;
  counts: RunCounts;
  aggregation?: RunAggregation;
  leaseOwner?: string;
  leaseUntil?: Date;
  attempts: number;
  createdAt: Date;
  updatedAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
}

export function runKey(campaignId: string, scheduledAt: Date): string {
  return `${campaignId}@${scheduledAt.toISOString()}`;
}

export function emptyProgress(segments: number): RunProgress {
  const start = Array.from({ length: segments }, () => null);
  return { after: start, nextBatch: 0, inFlight: [], checkpoint: { batch: -1, lastIds: [...start] } };
}

export function emptyCounts(): RunCounts {
  return { eligible: 0, sent: 0, failed: 0, skipped: 0, batches: 0 };
}

export function runModel(connection: Connection): Model<RunDocument> {
  const schema = new Schema<RunDocument>(
    {
      _id: { type: String, required: true },
      campaignId: { type: String, required: true },
      campaignRevision: { type: Number, required: true },
      scheduledAt: { type: Date, required: true },
      trigger: { type: String, required: true },
      status: { type: String, required: true },
      reason: String,
      notBefore: { type: Date, required: true },
      topics: { type: [String], required: true },
      provinces: { type: [String], default: undefined },
      segments: { type: Schema.Types.Mixed, required: true },
      messages: { type: Schema.Types.Mixed, required: true },
      progress: { type: Schema.Types.Mixed, required: true },
      counts: { type: Schema.Types.Mixed, required: true },
      aggregation: Schema.Types.Mixed,
      leaseOwner: String,
      leaseUntil: Date,
      attempts: { type: Number, required: true },
      createdAt: { type: Date, required: true },
      updatedAt: { type: Date, required: true },
      startedAt: Date,
      finishedAt: Date,
    },
    { versionKey: false, collection: "campaign_runs", minimize: false },
  );
  schema.index({ campaignId: 1, scheduledAt: -1 });
  schema.index({ status: 1, notBefore: 1 });
  return (
    (connection.models.CampaignRun as Model<RunDocument> | undefined) ??
    connection.model<RunDocument>("CampaignRun", schema)
  );
}

export type NewRun = Pick<
  RunDocument,
  | "campaignId"
  | "campaignRevision"
  | "scheduledAt"
  | "trigger"
  | "topics"
  | "provinces"
  | "segments"
  | "messages"
> & { status?: RunStatus; reason?: string };

/**
 * campaign_runs: one document per run key. The key is unique, so several instances creating the
 * same due run create it once; the lease fields on the document decide which instance delivers it.
 */
export class RunStore {
  constructor(readonly model: Model<RunDocument>) {}

  /** Creates the run if it does not exist yet; returns whether this call created it. */
  async ensure(run: NewRun, now: Date): Promise<boolean> {
    const key = runKey(run.campaignId, run.scheduledAt);
    const doc: Omit<RunDocument, "_id"> = {
      status: "pending",
      ...run,
      notBefore: now,
      progress: emptyProgress(run.segments.length),
      counts: emptyCounts(),
      attempts: 0,
      createdAt: now,
      updatedAt: now,
      ...(run.status === "skipped" ? { finishedAt: now } : {}),
    };
    try {
      const result = await this.model.updateOne({ _id: key }, { $setOnInsert: doc }, { upsert: true });
      return result.upsertedCount === 1;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false; // another instance created it at the same moment
      throw error;
    }
  }

  async get(key: string): Promise<RunDocument | undefined> {
    return (await this.model.findById(key).lean<RunDocument>().exec()) ?? undefined;
  }

  async listForCampaign(campaignId: string, limit = 50): Promise<RunDocument[]> {
    return this.model
      .find({ campaignId })
      .sort({ scheduledAt: -1 })
      .limit(limit)
      .select({ messages: 0 })
      .lean<RunDocument[]>()
      .exec();
  }

  /** Runs an instance could start now: open and due, or delivering under a lease that ran out (a crash). */
  async startable(now: Date): Promise<RunDocument[]> {
    return this.model
      .find({
        $or: [
          { status: { $in: openStatuses }, notBefore: { $lte: now } },
          { status: "delivering", leaseUntil: { $lte: now } },
        ],
      })
      .sort({ scheduledAt: 1 })
      .select({ messages: 0 })
      .lean<RunDocument[]>()
      .exec();
  }

  /** Puts an open run off until `until` (quiet hours). */
  async postpone(key: string, until: Date, reason: string, now: Date): Promise<void> {
    await this.model.updateOne(
      { _id: key, status: { $in: openStatuses } },
      { $set: { status: "waiting", notBefore: until, reason, updatedAt: now } },
    );
  }

  /** Ends a run that is not being delivered (skipped, cancelled, failed). */
  async close(key: string, status: RunStatus, reason: string, now: Date): Promise<boolean> {
    const result = await this.model.updateOne(
      { _id: key, status: { $in: openStatuses } },
      { $set: { status, reason, finishedAt: now, updatedAt: now } },
    );
    return result.matchedCount === 1;
  }

  /** Older runs of a campaign that never started give way to a newer one (no pile-up after quiet hours). */
  async supersede(campaignId: string, newer: Date, now: Date): Promise<number> {
    const result = await this.model.updateMany(
      {
        campaignId,
        status: { $in: ["pending", "waiting"] },
        scheduledAt: { $lt: newer },
        "progress.nextBatch": 0,
      },
      { $set: { status: "skipped", reason: "superseded by a newer run", finishedAt: now, updatedAt: now } },
    );
    return result.modifiedCount;
  }

  async cancelOpen(campaignId: string, now: Date): Promise<number> {
    const result = await this.model.updateMany(
      { campaignId, status: { $in: openStatuses } },
      { $set: { status: "cancelled", reason: "campaign cancelled", finishedAt: now, updatedAt: now } },
    );
    return result.modifiedCount;
  }

  /**
   * Takes the run's lease if nobody holds a live one. Returns the run (with its messages and
   * progress) or undefined when another instance has it or it is no longer open.
   */
  async claim(key: string, owner: string, now: Date, leaseMs: number): Promise<RunDocument | undefined> {
    const claimed = await this.model
      .findOneAndUpdate(
        {
          _id: key,
          $or: [
            { status: { $in: openStatuses }, notBefore: { $lte: now } },
            { status: "delivering", leaseUntil: { $lte: now } },
          ],
        },
        {
          $set: {
            status: "delivering",
            leaseOwner: owner,
            leaseUntil: new Date(now.getTime() + leaseMs),
            updatedAt: now,
          },
          $unset: { reason: 1 },
          $inc: { attempts: 1 },
        },
        { returnDocument: "after" },
      )
      .lean<RunDocument>()
      .exec();
    if (!claimed) return undefined;
    if (!claimed.startedAt) {
      await this.model.updateOne({ _id: key, leaseOwner: owner }, { $set: { startedAt: now } });
      claimed.startedAt = now;
    }
    return claimed;
  }

  /** Records the run's unit unless one is recorded already; returns the one that stands. */
  async setAggregation(key: string, aggregation: RunAggregation): Promise<RunAggregation> {
    await this.model.updateOne({ _id: key, aggregation: { $exists: false } }, { $set: { aggregation } });
    const run = await this.model.findById(key).select({ aggregation: 1 }).lean<RunDocument>().exec();
    return run?.aggregation ?? aggregation;
  }

  /** Finished runs that carried a unit, since `since` (the insight job's work list). */
  async withUnitSince(since: Date): Promise<RunDocument[]> {
    return this.model
      .find({ finishedAt: { $gte: since }, "aggregation.unit": { $type: "string" } })
      .select({ messages: 0, progress: 0 })
      .lean<RunDocument[]>()
      .exec();
  }

  /** Saves progress and extends the lease; false means the lease was lost to another instance. */
  async saveProgress(
    key: string,
    owner: string,
    progress: RunProgress,
    counts: RunCounts,
    leaseUntil: Date,
    now: Date,
  ): Promise<boolean> {
    // The driver's update, not the model's: this runs after nearly every batch (up to ~100 times a
    // second at LINE's rate), the values already have the schema's types, and the model's casting
    // and cloning of the progress was as costly as sending the multicasts.
    const runs = this.model.collection as unknown as mongo.Collection<RunDocument>;
    const result = await runs.updateOne(
      { _id: key, leaseOwner: owner, status: "delivering" },
      { $set: { progress, counts, leaseUntil, updatedAt: now } },
    );
    return result.matchedCount === 1;
  }

  /** Ends the holder's delivery with a final status and gives the lease up. */
  async release(
    key: string,
    owner: string,
    outcome: { status: RunStatus; reason?: string; progress: RunProgress; counts: RunCounts },
    now: Date,
  ): Promise<boolean> {
    const final = outcome.status !== "interrupted";
    const result = await this.model.updateOne(
      { _id: key, leaseOwner: owner },
      {
        $set: {
          status: outcome.status,
          progress: outcome.progress,
          counts: outcome.counts,
          updatedAt: now,
          notBefore: now,
          ...(outcome.reason ? { reason: outcome.reason } : {}),
          ...(final ? { finishedAt: now } : {}),
        },
        $unset: { leaseOwner: 1, leaseUntil: 1, ...(outcome.reason ? {} : { reason: 1 }) },
      },
    );
    return result.matchedCount === 1;
  }
}
