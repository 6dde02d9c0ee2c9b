import { Schema, Types, type Connection, type Model, type QueryFilter } from "mongoose";
import { minuteObjectId, toMinute } from "../tips/coarse-time";

export type AuditChannel =
  "line" | "line-group" | "console" | "admin-api" | "evidence-url" | "script" | "system";
export type AuditOutcome = "ok" | "unchanged" | "refused" | "failed";

/**
 * One officer (or token, or operator) view or action. `actor` is "officer:<pseudonym>",
 * "token:<id>", "script" or "system" — never a LINE user id or a name.
 */
export interface AuditEntry {
  _id: Types.ObjectId;
  at: Date;
  actor: string;
  action: string;
  channel: AuditChannel;
  outcome: AuditOutcome;
  /** Why a refusal or failure happened ("not-enrolled", "revoked", "role", "scope", "expired" …). */
  reason?: string;
  tipId?: Types.ObjectId;
  tipCode?: string;
  /** Ids only (evidence id, target status, officer id acted upon); never content. */
  details?: Record<string, string | number | boolean>;
}

export type NewAuditEntry = Omit<AuditEntry, "_id" | "at"> & { at?: Date };

export function auditModel(connection: Connection): Model<AuditEntry> {
  const schema = new Schema<AuditEntry>(
    {
      at: { type: Date, required: true },
      actor: { type: String, required: true },
      action: { type: String, required: true },
      channel: { type: String, required: true },
      outcome: { type: String, required: true },
      reason: String,
      tipId: Schema.Types.ObjectId,
      tipCode: String,
      details: Schema.Types.Mixed,
    },
    { collection: "audit_log", versionKey: false },
  );
  schema.index({ at: -1 });
  schema.index({ tipId: 1, at: -1 });
  schema.index({ actor: 1, at: -1 });
  // Append-only: the application has no way to change or remove an entry through this model.
  const refuse = () => {
    throw new Error("audit_log is append-only");
  };
  for (const operation of [
    "updateOne",
    "updateMany",
    "findOneAndUpdate",
    "replaceOne",
    "deleteOne",
    "deleteMany",
    "findOneAndDelete",
    "findOneAndReplace",
  ] as const) {
    schema.pre(operation, refuse);
  }
  return connection.models.AuditEntry ?? connection.model<AuditEntry>("AuditEntry", schema);
}

export interface AuditQuery {
  tipId?: Types.ObjectId;
  tipCode?: string;
  actor?: string;
  action?: string;
  outcome?: AuditOutcome;
  from?: Date;
  to?: Date;
}

/** The audit log: write one entry per view or action, read them back for admins (API and script). */
export class AuditLog {
  readonly model: Model<AuditEntry>;

  constructor(
    connection: Connection,
    private readonly now: () => Date,
  ) {
    this.model = auditModel(connection);
  }

  async record(entry: NewAuditEntry): Promise<void> {
    const at = entry.at ?? this.now();
    // What a reporter did is kept to the minute, id included (coarse-time.ts); staff actions keep the exact time.
    if (entry.actor === "reporter") {
      await this.model.create({ ...entry, _id: minuteObjectId(at), at: toMinute(at) });
      return;
    }
    await this.model.create({ ...entry, at });
  }

  filter(query: AuditQuery): QueryFilter<AuditEntry> {
    const filter: QueryFilter<AuditEntry> = {};
    if (query.tipId) filter.tipId = query.tipId;
    if (query.tipCode) filter.tipCode = query.tipCode;
    if (query.actor) filter.actor = query.actor;
    if (query.action) filter.action = query.action;
    if (query.outcome) filter.outcome = query.outcome;
    if (query.from || query.to) {
      filter.at = { ...(query.from && { $gte: query.from }), ...(query.to && { $lt: query.to }) };
    }
    return filter;
  }

  async find(
    query: AuditQuery,
    page: { skip: number; limit: number },
  ): Promise<{ items: AuditEntry[]; total: number }> {
    const filter = this.filter(query);
    const [items, total] = await Promise.all([
      this.model
        .find(filter)
        .sort({ at: -1, _id: -1 })
        .skip(page.skip)
        .limit(page.limit)
        .lean<AuditEntry[]>()
        .exec(),
      this.model.countDocuments(filter).exec(),
    ]);
    return { items, total };
  }
}
