import { Schema, Types, type Connection, type Model } from "mongoose";

export const tipStatuses = ["received", "acknowledged", "under-review", "referred", "closed"] as const;
export type TipStatus = (typeof tipStatuses)[number];

export const tipCategories = [
  "bribery",
  "embezzlement",
  "procurement",
  "abuse-of-authority",
  "conflict-of-interest",
  "extortion",
  "other",
] as const;
export type TipCategory = (typeof tipCategories)[number];

/** Free-text parts of a tip. Stored only sealed (`tips.details`): officers read them after enrollment. */
export interface TipDetails {
  agencyName: string;
  narrative: string;
  people: string | null;
  incidentDate: { kind: "exact"; date: string } | { kind: "approximate"; text: string } | { kind: "unknown" };
  /**
   * A shared location's coordinates and address, present only when the reporter explicitly chose to
   * include them (otherwise only the district is stored); officers see it marked as their choice.
   */
  location?: {
    latitude: number;
    longitude: number;
    address?: string;
    title?: string;
    reporterConfirmed: true;
  };
  /** Locations sent as evidence: their districts, and the exact point only where the reporter included it. */
  evidenceLocations?: EvidenceLocation[];
  placeDescription: string | null;
  /** A phone number the reporter chose to give officers (opt-in, optional). */
  contactPhone: string | null;
}

export interface EvidenceLocation {
  districtId: string | null;
  exact?: { latitude: number; longitude: number; address?: string; title?: string; reporterConfirmed: true };
}

export interface TipHistoryEntry {
  status: TipStatus;
  at: Date;
  /** "reporter", "system" or "officer:<officer id>" — never a LINE user id. */
  actor: string;
  reason?: string;
}

/**
 * A tip-off. It holds no LINE user id, name or profile: the reporter is reachable only through the
 * opt-in contact collection, and the narrative is sealed. Routing fields stay in clear for queues
 * and statistics.
 */
export interface Tip {
  _id: Types.ObjectId;
  /** The id officers' buttons and the admin API use (random, see public-ref.ts); `_id` stays internal. */
  ref: string;
  code: string;
  /** Idempotency: one draft submitted twice (a retried event) yields one tip. */
  submissionKey: string;
  status: TipStatus;
  category: TipCategory;
  agencyType: string;
  provinceId: string | null;
  districtId: string | null;
  details: string;
  evidenceCount: number;
  wantsUpdates: boolean;
  reporterLocale: string;
  receivedAt: Date;
  acknowledgedAt?: Date;
  closedAt?: Date;
  closeReason?: string;
  acknowledgeBy: Date;
  feedbackBy?: Date;
  /**
   * The deadline the case is working to now: `acknowledgeBy` while received, `feedbackBy` once
   * acknowledged, absent when closed. Stored so queues sort and filter by it through an index.
   */
  dueAt?: Date;
  assignedTo?: string;
  history: TipHistoryEntry[];
  /**
   * "asked" once the reporter was asked how satisfied they are (once per case, ever). It says
   * nothing of whether or how they answered (see satisfaction.ts).
   */
  satisfaction?: "asked";
}

export function tipModel(connection: Connection): Model<Tip> {
  const schema = new Schema<Tip>(
    {
      ref: { type: String, required: true },
      code: { type: String, required: true, unique: true },
      submissionKey: { type: String, required: true, unique: true },
      status: { type: String, required: true, enum: tipStatuses },
      category: { type: String, required: true, enum: tipCategories },
      agencyType: { type: String, required: true },
      provinceId: { type: String, default: null },
      districtId: { type: String, default: null },
      details: { type: String, required: true },
      evidenceCount: { type: Number, required: true },
      wantsUpdates: { type: Boolean, required: true },
      reporterLocale: { type: String, required: true },
      receivedAt: { type: Date, required: true },
      acknowledgedAt: Date,
      closedAt: Date,
      closeReason: String,
      acknowledgeBy: { type: Date, required: true },
      feedbackBy: Date,
      dueAt: Date,
      assignedTo: String,
      satisfaction: { type: String, enum: ["asked"] },
      history: [{ _id: false, status: String, at: Date, actor: String, reason: String }],
    },
    { collection: "tips", versionKey: false },
  );
  // Sparse: tips stored before refs existed get theirs at start-up (see upgrade.ts).
  schema.index({ ref: 1 }, { unique: true, sparse: true });
  schema.index({ status: 1, receivedAt: -1 });
  schema.index({ provinceId: 1, districtId: 1, category: 1, receivedAt: -1 });
  schema.index({ status: 1, acknowledgeBy: 1 });
  schema.index({ status: 1, feedbackBy: 1 });
  // The console's queue: scope (district, province or everything) first, then by deadline.
  schema.index({ districtId: 1, dueAt: 1 });
  schema.index({ provinceId: 1, dueAt: 1 });
  schema.index({ dueAt: 1 });
  // Satisfaction answers are stored as coarsely as k questioned cases of their month allow.
  schema.index({ satisfaction: 1, closedAt: 1 });
  return connection.models.Tip ?? connection.model<Tip>("Tip", schema);
}

/**
 * Which tips a reporter pseudonym submitted ("my reports", answering officers), kept apart from the
 * tips themselves. It is the one record that ties a tip to its reporter, so it ends with the case:
 * deleted (TTL) the retention period after the case closes, like the reporter's contact.
 */
export interface ReporterTip {
  reporter: string;
  tipId: Types.ObjectId;
  createdAt: Date;
  deleteAfter?: Date;
}

export function reporterTipModel(connection: Connection): Model<ReporterTip> {
  const schema = new Schema<ReporterTip>(
    {
      reporter: { type: String, required: true },
      tipId: { type: Schema.Types.ObjectId, required: true, unique: true },
      createdAt: { type: Date, required: true },
      deleteAfter: Date,
    },
    { collection: "reporter_tips", versionKey: false },
  );
  schema.index({ reporter: 1, createdAt: -1 });
  schema.index({ deleteAfter: 1 }, { expireAfterSeconds: 0 });
  return connection.models.ReporterTip ?? connection.model<ReporterTip>("ReporterTip", schema);
}

/** The opt-in way back to a reporter: the LINE user id, sealed, deleted after the case closes. */
export interface ReporterContact {
  _id: Types.ObjectId;
  tipId: Types.ObjectId;
  userId: string;
  locale: string;
  createdAt: Date;
  deleteAfter?: Date;
}

export function reporterContactModel(connection: Connection): Model<ReporterContact> {
  const schema = new Schema<ReporterContact>(
    {
      tipId: { type: Schema.Types.ObjectId, required: true, unique: true },
      userId: { type: String, required: true },
      locale: { type: String, required: true },
      createdAt: { type: Date, required: true },
      deleteAfter: Date,
    },
    { collection: "reporter_contacts", versionKey: false },
  );
  schema.index({ deleteAfter: 1 }, { expireAfterSeconds: 0 });
  return connection.models.ReporterContact ?? connection.model<ReporterContact>("ReporterContact", schema);
}
