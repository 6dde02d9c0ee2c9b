import { Schema, type Connection, type Model } from "mongoose";
import type { Locale } from "../i18n";
import { isDuplicateKeyError } from "../data/database";
import {
  CampaignValidationError,
  normalizeCampaign,
  parseCampaignInput,
  type CampaignContent,
  type CampaignInput,
} from "./campaign-schema";
import type { QuietHours } from "./quiet-hours";
import { nextOccurrence, type CampaignSchedule } from "./schedule";
import type { Topic } from "./topics";

export type CampaignStatus = "draft" | "scheduled" | "paused" | "done" | "cancelled";

export interface CampaignDocument {
  _id: string;
  name: string;
  description?: string;
  topics: Topic[];
  /** Only subscribers who chose one of these provinces (src/geo ids); absent: every province. */
  audience?: { provinces: string[] };
  content: CampaignContent;
  defaultLocale: Locale;
  schedule?: CampaignSchedule;
  startAt?: Date;
  endAt?: Date;
  quietHours: QuietHours | false;
  sources?: Array<{ title: string; url?: string; note?: string }>;
  status: CampaignStatus;
  /** Bumped on every change; run snapshots record which revision they sent. */
  revision: number;
  /** Cron occurrences before this instant never run (set when scheduled or resumed). */
  scheduledSince?: Date;
  /** The latest occurrence a run was created for; the sweep only looks after it. */
  lastOccurrence?: Date;
  createdAt: Date;
  updatedAt: Date;
}

export function campaignModel(connection: Connection): Model<CampaignDocument> {
  const schema = new Schema<CampaignDocument>(
    {
      _id: { type: String, required: true },
      name: { type: String, required: true },
      description: String,
      topics: { type: [String], required: true },
      audience: Schema.Types.Mixed,
      content: { type: Schema.Types.Mixed, required: true },
      defaultLocale: { type: String, required: true },
      schedule: Schema.Types.Mixed,
      startAt: Date,
      endAt: Date,
      quietHours: { type: Schema.Types.Mixed, required: true },
      sources: Schema.Types.Mixed,
      status: { type: String, required: true, enum: ["draft", "scheduled", "paused", "done", "cancelled"] },
      revision: { type: Number, required: true },
      scheduledSince: Date,
      lastOccurrence: Date,
      createdAt: { type: Date, required: true },
      updatedAt: { type: Date, required: true },
    },
    { versionKey: false, collection: "campaigns", minimize: false },
  );
  schema.index({ status: 1 });
  return (
    (connection.models.Campaign as Model<CampaignDocument> | undefined) ??
    connection.model<CampaignDocument>("Campaign", schema)
  );
}

export class CampaignNotFoundError extends Error {
  constructor(readonly id: string) {
    super(`no campaign "${id}"`);
    this.name = "CampaignNotFoundError";
  }
}

/** An action that the campaign's status does not allow (pause a draft, edit a finished campaign). */
export class CampaignStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CampaignStateError";
  }
}

export type CampaignAction = "schedule" | "pause" | "resume" | "cancel";

/** Which statuses each staff action starts from, and where it leads. */
const transitions: Record<CampaignAction, { from: CampaignStatus[]; to: CampaignStatus }> = {
  schedule: { from: ["draft"], to: "scheduled" },
  pause: { from: ["scheduled"], to: "paused" },
  resume: { from: ["paused"], to: "scheduled" },
  cancel: { from: ["draft", "scheduled", "paused"], to: "cancelled" },
};

const editable: CampaignStatus[] = ["draft", "scheduled", "paused"];

/** Campaign definitions: validated on the way in, status changes guarded by the current status. */
export class CampaignStore {
  constructor(readonly model: Model<CampaignDocument>) {}

  async get(id: string): Promise<CampaignDocument> {
    const doc = await this.model.findById(id).lean<CampaignDocument>().exec();
    if (!doc) throw new CampaignNotFoundError(id);
    return doc;
  }

  async find(id: string): Promise<CampaignDocument | undefined> {
    return (await this.model.findById(id).lean<CampaignDocument>().exec()) ?? undefined;
  }

  async list(filter: { status?: CampaignStatus } = {}): Promise<CampaignDocument[]> {
    return this.model
      .find(filter.status ? { status: filter.status } : {})
      .sort({ _id: 1 })
      .lean<CampaignDocument[]>()
      .exec();
  }

  /** Creates a draft, or replaces the definition of an editable campaign with the same id. */
  async save(raw: unknown, now: Date): Promise<{ campaign: CampaignDocument; created: boolean }> {
    const input = parseCampaignInput(raw);
    const existing = await this.find(input.id);
    if (!existing) {
      try {
        const doc: CampaignDocument = {
          _id: input.id,
          ...definition(input),
          status: "draft",
          revision: 1,
          createdAt: now,
          updatedAt: now,
        };
        await this.model.create(doc);
        return { campaign: await this.get(input.id), created: true };
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        // Created concurrently by someone else: treat as an update of theirs.
      }
    }
    return { campaign: await this.update(input.id, raw, now), created: false };
  }

  /** Replaces the definition; the id in the body, if any, must match. */
  async update(id: string, raw: unknown, now: Date): Promise<CampaignDocument> {
    const input = parseCampaignInput({ ...(raw as object), id });
    const existing = await this.get(id);
    if (!editable.includes(existing.status)) {
      throw new CampaignStateError(`campaign "${id}" is ${existing.status} and can no longer be changed`);
    }
    const next = definition(input);
    if (existing.status === "scheduled") assertSchedulable(next, now);
    const scheduleChanged = JSON.stringify(next.schedule) !== JSON.stringify(existing.schedule);
    const unset = Object.fromEntries(
      (["description", "audience", "schedule", "startAt", "endAt", "sources"] as const)
        .filter((field) => next[field] === undefined)
        .map((field) => [field, 1]),
    );
    const result = await this.model.updateOne(
      { _id: id, revision: existing.revision },
      {
        $set: {
          ...Object.fromEntries(Object.entries(next).filter(([, value]) => value !== undefined)),
          revision: existing.revision + 1,
          updatedAt: now,
          // A new cron expression starts counting from now: it must not fire for past minutes.
          ...(scheduleChanged && existing.status === "scheduled" ? { scheduledSince: now } : {}),
        },
        ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}),
      },
    );
    if (result.matchedCount === 0)
      throw new CampaignStateError(`campaign "${id}" changed meanwhile; try again`);
    return this.get(id);
  }

  /** Applies a staff action (schedule, pause, resume, cancel) if the current status allows it. */
  async transition(
    id: string,
    action: CampaignAction,
    now: Date,
    schedule?: CampaignSchedule,
  ): Promise<CampaignDocument> {
    const existing = await this.get(id);
    const rule = transitions[action];
    if (!rule.from.includes(existing.status)) {
      throw new CampaignStateError(`cannot ${action} campaign "${id}": it is ${existing.status}`);
    }
    const planned = schedule ? { ...existing, schedule } : existing;
    if (rule.to === "scheduled") assertSchedulable(planned, now, action === "resume");
    const result = await this.model.updateOne(
      { _id: id, status: existing.status, revision: existing.revision },
      {
        $set: {
          status: rule.to,
          revision: existing.revision + 1,
          updatedAt: now,
          ...(schedule ? { schedule } : {}),
          ...(rule.to === "scheduled" ? { scheduledSince: now } : {}),
        },
      },
    );
    if (result.matchedCount === 0)
      throw new CampaignStateError(`campaign "${id}" changed meanwhile; try again`);
    return this.get(id);
  }

  async listScheduled(): Promise<CampaignDocument[]> {
    return this.model.find({ status: "scheduled" }).lean<CampaignDocument[]>().exec();
  }

  /** Remembers the newest occurrence a run exists for ($max: two instances may both get here). */
  async noteOccurrence(id: string, at: Date): Promise<void> {
    await this.model.updateOne({ _id: id }, { $max: { lastOccurrence: at } });
  }

  /** The schedule has nothing more to run. */
  async markDone(id: string, now: Date): Promise<void> {
    await this.model.updateOne(
      { _id: id, status: "scheduled" },
      { $set: { status: "done", updatedAt: now }, $inc: { revision: 1 } },
    );
  }
}

function definition(input: CampaignInput) {
  const normalized = normalizeCampaign(input);
  return {
    name: input.name,
    description: input.description,
    topics: normalized.topics,
    audience: normalized.provinces ? { provinces: normalized.provinces } : undefined,
    content: normalized.content,
    defaultLocale: normalized.defaultLocale,
    schedule: normalized.schedule,
    startAt: input.startAt ? new Date(input.startAt) : undefined,
    endAt: input.endAt ? new Date(input.endAt) : undefined,
    quietHours: normalized.quietHours,
    sources: input.sources,
  };
}

/**
 * A campaign can only be scheduled when it would ever run: it has a schedule, a one-off time is
 * still ahead (a resumed one-off may be late: it runs at once), and the end date is not past.
 */
function assertSchedulable(
  campaign: Pick<CampaignDocument, "schedule" | "endAt" | "startAt">,
  now: Date,
  resuming = false,
): void {
  const schedule = campaign.schedule;
  if (!schedule)
    throw new CampaignValidationError([{ path: "schedule", message: "is required to schedule a campaign" }]);
  if (campaign.endAt && campaign.endAt <= now) {
    throw new CampaignValidationError([{ path: "endAt", message: "is already past" }]);
  }
  if ("at" in schedule) {
    if (!resuming && new Date(schedule.at) <= now) {
      throw new CampaignValidationError([{ path: "schedule.at", message: "is in the past" }]);
    }
    if (campaign.endAt && new Date(schedule.at) > campaign.endAt) {
      throw new CampaignValidationError([{ path: "schedule.at", message: "is after endAt" }]);
    }
    return;
  }
  const from = campaign.startAt && campaign.startAt > now ? campaign.startAt : now;
  const next = nextOccurrence(schedule, from);
  if (!next || (campaign.endAt && next > campaign.endAt)) {
    throw new CampaignValidationError([{ path: "schedule.cron", message: "has no occurrence before endAt" }]);
  }
}
