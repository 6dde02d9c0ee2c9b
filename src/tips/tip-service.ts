import { createHash } from "node:crypto";
import type { Connection, Model } from "mongoose";
import type { Sealer } from "../crypto/sealer";
import { isDuplicateKeyError } from "../data/database";
import { generateTrackingCode } from "./tracking-code";
import { isPublicRef, newPublicRef } from "./public-ref";
import { minuteObjectId, toMinute } from "./coarse-time";
import {
  reporterContactModel,
  reporterTipModel,
  tipModel,
  type ReporterContact,
  type ReporterTip,
  type Tip,
  type TipCategory,
  type TipDetails,
} from "./tip";

export interface TipDeadlines {
  acknowledgeWithinMs: number;
  feedbackWithinMs: number;
}

export interface NewTip {
  reporter: string;
  /** Identifies the draft, so a retried submission finds the tip it already created. */
  draftStartedAt: Date;
  category: TipCategory;
  agencyType: string;
  provinceId: string | null;
  districtId: string | null;
  details: TipDetails;
  evidenceIds: string[];
  reporterLocale: string;
  /** Present only when the reporter opted in to updates. */
  contactUserId?: string;
}

/** Hooks other modules attach to (officer notifications); they run after the tip is stored. */
export type TipSubmittedListener = (tip: Tip) => Promise<void>;

/**
 * Tips as a use case: submit a draft, find by tracking code, list a reporter's own. The reporter's
 * LINE user id enters here only to be sealed into the opt-in contact collection.
 */
export class TipService {
  readonly tips: Model<Tip>;
  readonly reporterTips: Model<ReporterTip>;
  readonly contacts: Model<ReporterContact>;
  private readonly listeners: TipSubmittedListener[] = [];

  constructor(
    connection: Connection,
    private readonly sealer: Sealer,
    private readonly deadlines: TipDeadlines,
    private readonly attachEvidence: (ids: string[], owner: string, tipId: string) => Promise<number>,
  ) {
    this.tips = tipModel(connection);
    this.reporterTips = reporterTipModel(connection);
    this.contacts = reporterContactModel(connection);
  }

  onSubmitted(listener: TipSubmittedListener): void {
    this.listeners.push(listener);
  }

  async submit(input: NewTip, submittedAt: Date): Promise<Tip> {
    // Stored to the minute, ids included: see coarse-time.ts.
    const now = toMinute(submittedAt);
    const submissionKey = createHash("sha256")
      .update(`${input.reporter}\u0000${input.draftStartedAt.toISOString()}`)
      .digest("hex");
    const existing = await this.tips.findOne({ submissionKey }).lean<Tip>().exec();
    const tip = existing ?? (await this.create(input, submissionKey, now));
    // Each of these is idempotent, so a retried submission completes whatever a crash interrupted.
    await this.attachEvidence(input.evidenceIds, input.reporter, tip._id.toHexString());
    await this.reporterTips.updateOne(
      { tipId: tip._id },
      {
        $setOnInsert: { _id: minuteObjectId(now), reporter: input.reporter, tipId: tip._id, createdAt: now },
      },
      { upsert: true },
    );
    if (input.contactUserId) {
      await this.contacts.updateOne(
        { tipId: tip._id },
        {
          $setOnInsert: {
            _id: minuteObjectId(now),
            tipId: tip._id,
            userId: this.sealer.seal(input.contactUserId, "reporter_contacts.userId"),
            locale: input.reporterLocale,
            createdAt: now,
          },
        },
        { upsert: true },
      );
    }
    if (!existing) for (const listener of this.listeners) await listener(tip);
    return tip;
  }

  async findByCode(code: string): Promise<Tip | null> {
    return this.tips.findOne({ code }).lean<Tip>().exec();
  }

  /** A tip by its public ref; anything that is not one finds nothing. */
  async findByRef(ref: string): Promise<Tip | null> {
    if (!isPublicRef(ref)) return null;
    return this.tips.findOne({ ref }).lean<Tip>().exec();
  }

  async listForReporter(reporter: string, limit = 10): Promise<Tip[]> {
    const links = await this.reporterTips
      .find({ reporter })
      .sort({ createdAt: -1 })
      .limit(limit)
      .lean<ReporterTip[]>()
      .exec();
    const tips = await this.tips
      .find({ _id: { $in: links.map((link) => link.tipId) } })
      .lean<Tip[]>()
      .exec();
    return tips.sort((a, b) => b.receivedAt.getTime() - a.receivedAt.getTime());
  }

  openDetails(tip: Pick<Tip, "details">): TipDetails {
    return JSON.parse(this.sealer.openText(tip.details, "tips.details")) as TipDetails;
  }

  private async create(input: NewTip, submissionKey: string, now: Date): Promise<Tip> {
    for (let attempt = 0; ; attempt++) {
      const tip = {
        _id: minuteObjectId(now),
        ref: newPublicRef(),
        code: generateTrackingCode(),
        submissionKey,
        status: "received" as const,
        category: input.category,
        agencyType: input.agencyType,
        provinceId: input.provinceId,
        districtId: input.districtId,
        details: this.sealer.seal(JSON.stringify(input.details), "tips.details"),
        evidenceCount: input.evidenceIds.length,
        wantsUpdates: Boolean(input.contactUserId),
        reporterLocale: input.reporterLocale,
        receivedAt: now,
        acknowledgeBy: new Date(now.getTime() + this.deadlines.acknowledgeWithinMs),
        dueAt: new Date(now.getTime() + this.deadlines.acknowledgeWithinMs),
        history: [{ status: "received" as const, at: now, actor: "reporter" }],
      };
      try {
        const created = await this.tips.create(tip);
        return created.toObject();
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        const clash = (error as { keyPattern?: Record<string, unknown> }).keyPattern ?? {};
        if ("submissionKey" in clash) return (await this.tips.findOne({ submissionKey }).lean<Tip>().exec())!;
        // A tracking-code (or ref) collision (about 1 in 2^50 per pair): draw another.
        if (attempt >= 3) throw error;
      }
    }
  }
}
