import { randomBytes } from "node:crypto";
import { Schema, type Connection, type QueryFilter, type Model } from "mongoose";
import type { Sealer } from "../crypto/sealer";
import type { Tip, TipCategory } from "./tip";
import type { TipService } from "./tip-service";

/**
 * Reporter satisfaction after a case is closed (issue 13.2, docs/TRANSPARENCY.md "Satisfaction").
 *
 * The question is asked once per case, ever: `tips.satisfaction` becomes "asked" by a conditional
 * update, and nothing on the tip changes when (or whether) it is answered. The answer is stored
 * apart from the case, with nothing that names it: no tip id, ref, code or reporter pseudonym, a
 * random id and the month of closing only. Its area, kind and outcome are stored only as far as at
 * least k questioned cases of that month share them, so the answer cannot be matched to its case by
 * those facts either. That the case was rated is a receipt under a keyed hash of the tip id, so a
 * database dump alone does not tell which cases answered.
 */

export const ratings = [1, 2, 3, 4, 5] as const;
export type Rating = (typeof ratings)[number];

export function isRating(value: unknown): value is Rating {
  return ratings.includes(value as Rating);
}

/** One answer, as stored: what the aggregates need and nothing that leads back to the case. */
export interface SatisfactionAnswer {
  /** Random; an ObjectId would carry the second it was made. */
  _id: string;
  /** The Bangkok month the case was closed ("2026-11"). */
  month: string;
  /** The area as the transparency page counts it: a district with at least k reports, else its province; null when even that would single the case out. */
  provinceId: string | null;
  districtId: string | null;
  /** Null when fewer than k questioned cases of the month share it. */
  category: TipCategory | null;
  outcome: string | null;
  rating: Rating;
}

/** A comment, sealed, readable by supervisors; it sits beside neither the answer nor the case. */
export interface SatisfactionComment {
  _id: string;
  month: string;
  rating: Rating;
  text: string;
}

/** "This case was rated", under a keyed hash of the tip id; expires (month precision) after the answer window. */
interface SatisfactionReceipt {
  _id: string;
  expiresAt: Date;
}

export interface SatisfactionDeps {
  tips: TipService;
  sealer: Sealer;
  /** Keyed hash of a tip id: the receipt's id (PSEUDONYM_KEY, so a dump alone cannot be joined to tips). */
  receiptId: (tipId: string) => string;
  /** How long after closing the question can be answered; the reporter's link to the case lasts as long. */
  answerWindowMs: number;
  /** The officers' close reasons; any other reason counts as "other". */
  outcomes: readonly string[];
  /** The disclosure threshold (5). */
  k: number;
}

/** Why an answer is not taken. */
export type RatingRefusal = "not-found" | "not-asked" | "expired" | "already-rated";

export type RatingOutcome =
  { ok: true; month: string; rating: Rating } | { ok: false; refusal: RatingRefusal };

/** Whom a stored answer counts with: the facts kept, and the questioned cases that share them. */
interface Generalisation {
  fields: Pick<SatisfactionAnswer, "provinceId" | "districtId" | "category" | "outcome">;
  filter: QueryFilter<Tip>;
}

type AreaLevel = Pick<Generalisation, "filter"> & {
  fields: Pick<SatisfactionAnswer, "provinceId" | "districtId">;
};

const commentContext = "satisfaction_comments.text";
const bangkokOffsetMs = 7 * 3_600_000;
/** Months the transparency page shows (an area is named when it had k reports in them). */
const pageMonths = 12;

export function answerModel(connection: Connection): Model<SatisfactionAnswer> {
  const schema = new Schema<SatisfactionAnswer>(
    {
      _id: String,
      month: { type: String, required: true },
      provinceId: { type: String, default: null },
      districtId: { type: String, default: null },
      category: { type: String, default: null },
      outcome: { type: String, default: null },
      rating: { type: Number, required: true, enum: ratings },
    },
    { collection: "satisfaction_answers", versionKey: false },
  );
  schema.index({ month: 1 });
  return (
    connection.models.SatisfactionAnswer ?? connection.model<SatisfactionAnswer>("SatisfactionAnswer", schema)
  );
}

function commentModel(connection: Connection): Model<SatisfactionComment> {
  const schema = new Schema<SatisfactionComment>(
    {
      _id: String,
      month: { type: String, required: true },
      rating: { type: Number, required: true, enum: ratings },
      text: { type: String, required: true },
    },
    { collection: "satisfaction_comments", versionKey: false },
  );
  schema.index({ month: 1 });
  return (
    connection.models.SatisfactionComment ??
    connection.model<SatisfactionComment>("SatisfactionComment", schema)
  );
}

function receiptModel(connection: Connection): Model<SatisfactionReceipt> {
  const schema = new Schema<SatisfactionReceipt>(
    { _id: String, expiresAt: { type: Date, required: true } },
    { collection: "satisfaction_receipts", versionKey: false },
  );
  schema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
  return (
    connection.models.SatisfactionReceipt ??
    connection.model<SatisfactionReceipt>("SatisfactionReceipt", schema)
  );
}

/** "2026-11" for an instant, in Bangkok. */
export function bangkokMonthOf(at: Date): string {
  return new Date(at.getTime() + bangkokOffsetMs).toISOString().slice(0, 7);
}

/** The instant a Bangkok month starts, `offset` months after the month of `at`. */
function bangkokMonthStart(at: Date, offset = 0): Date {
  const local = new Date(at.getTime() + bangkokOffsetMs);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + offset, 1) - bangkokOffsetMs);
}

function randomId(): string {
  return randomBytes(16).toString("base64url");
}

/**
 * The satisfaction question's rules and storage: asking once, taking one answer per case within
 * the answer window, keeping the answer and the comment apart from the case, and reading them back
 * for the aggregates (month, area and rating only) and for supervisors (comments).
 */
export class SatisfactionSurvey {
  readonly answers: Model<SatisfactionAnswer>;
  readonly comments: Model<SatisfactionComment>;
  readonly receipts: Model<SatisfactionReceipt>;

  constructor(
    connection: Connection,
    private readonly deps: SatisfactionDeps,
  ) {
    this.answers = answerModel(connection);
    this.comments = commentModel(connection);
    this.receipts = receiptModel(connection);
  }

  /**
   * Marks the question asked, once per case ever: true only for the caller that marked it (a
   * redelivered close, a second close after a reopen or a second status check gets false).
   */
  async claimQuestion(tip: Pick<Tip, "_id">): Promise<boolean> {
    const result = await this.deps.tips.tips.updateOne(
      { _id: tip._id, status: "closed", satisfaction: { $exists: false } },
      { $set: { satisfaction: "asked" } },
    );
    return result.modifiedCount === 1;
  }

  /**
   * Whether the reporter should be asked at this status check: their closed case, within the answer
   * window, never asked before. Claims the question when so.
   */
  async askAtStatusCheck(tip: Tip, reporter: string, now: Date): Promise<boolean> {
    if (tip.status !== "closed" || tip.satisfaction || !this.withinWindow(tip, now)) return false;
    if (!(await this.deps.tips.reporterTips.exists({ reporter, tipId: tip._id }))) return false;
    return this.claimQuestion(tip);
  }

  /** The reporter's closed cases whose question waits for an answer (a typed rating without a code). */
  async awaitingRating(reporter: string, now: Date): Promise<string[]> {
    const tips = await this.deps.tips.listForReporter(reporter, 10);
    const open = tips.filter(
      (tip) => tip.status === "closed" && tip.satisfaction === "asked" && this.withinWindow(tip, now),
    );
    const rated = await Promise.all(open.map((tip) => this.isRated(tip)));
    return open.filter((_, index) => !rated[index]).map((tip) => tip.code);
  }

  /**
   * Takes the reporter's rating of a case: only their own closed case, asked, within the window, and
   * once. The answer is stored without anything that names the case (see the module comment).
   */
  async rate(reporter: string, code: string, rating: Rating, now: Date): Promise<RatingOutcome> {
    const tip = await this.deps.tips.findByCode(code);
    if (!tip) return { ok: false, refusal: "not-found" };
    // The link from the reporter to a closed case ends with the answer window: then it has expired.
    const owns = await this.deps.tips.reporterTips.exists({ reporter, tipId: tip._id });
    if (tip.status !== "closed" || !tip.closedAt)
      return { ok: false, refusal: owns ? "not-asked" : "not-found" };
    // Past the window the reporter's link has gone too: "expired" is the true answer for them, and
    // tells anyone else with the code nothing a status check would not.
    if (!this.withinWindow(tip, now)) return { ok: false, refusal: "expired" };
    if (!owns) return { ok: false, refusal: "not-found" };
    if (tip.satisfaction !== "asked") return { ok: false, refusal: "not-asked" };
    // Checked before inserting: a duplicate-key error would abort the event's transaction.
    if (await this.isRated(tip)) return { ok: false, refusal: "already-rated" };
    await this.receipts.create({
      _id: this.deps.receiptId(tip._id.toHexString()),
      expiresAt: bangkokMonthStart(new Date(tip.closedAt.getTime() + this.deps.answerWindowMs), 2),
    });
    const month = bangkokMonthOf(tip.closedAt);
    const { fields } = await this.generalise(tip);
    await this.answers.create({ _id: randomId(), month, ...fields, rating });
    return { ok: true, month, rating };
  }

  /** The optional comment after a rating: sealed, with its month and rating only. */
  async comment(month: string, rating: Rating, text: string): Promise<void> {
    await this.comments.create({
      _id: randomId(),
      month,
      rating,
      text: this.deps.sealer.seal(text, commentContext),
    });
  }

  /** Every stored answer's month, area and rating: what the transparency page counts. */
  async *facts(): AsyncIterable<{
    month: string;
    provinceId: string | null;
    districtId: string | null;
    rating: number;
  }> {
    const cursor = this.answers
      .find({}, { _id: 0, month: 1, provinceId: 1, districtId: 1, rating: 1 })
      .lean<SatisfactionAnswer>()
      .cursor({ batchSize: 2000 });
    for await (const answer of cursor) yield answer as SatisfactionAnswer;
  }

  /**
   * Comments of some months, opened, newest month first: supervisors (and admins) only, so an officer
   * never reads what may have been written about the officer's own case. Undefined for anyone else.
   */
  async openComments(
    reader: { role: string },
    months: string[],
  ): Promise<Array<{ month: string; rating: Rating; text: string }> | undefined> {
    if (reader.role !== "supervisor" && reader.role !== "admin") return undefined;
    const stored = await this.comments
      .find({ month: { $in: months } })
      .lean<SatisfactionComment[]>()
      .exec();
    return stored
      .map((item) => ({
        month: item.month,
        rating: item.rating,
        text: this.deps.sealer.openText(item.text, commentContext),
      }))
      .sort((a, b) => b.month.localeCompare(a.month) || a.rating - b.rating || a.text.localeCompare(b.text));
  }

  private withinWindow(tip: Pick<Tip, "closedAt">, now: Date): boolean {
    return Boolean(tip.closedAt && now.getTime() <= tip.closedAt.getTime() + this.deps.answerWindowMs);
  }

  private async isRated(tip: Pick<Tip, "_id">): Promise<boolean> {
    return Boolean(await this.receipts.exists({ _id: this.deps.receiptId(tip._id.toHexString()) }));
  }

  /**
   * The finest facts about the case that at least k questioned cases closed in the same month share,
   * from (area, kind, outcome) down to the month alone. The group only grows as the month goes on
   * (a question once asked stays asked), so what holds now holds later.
   */
  private async generalise(tip: Tip): Promise<Generalisation> {
    const month: QueryFilter<Tip> = {
      status: "closed",
      satisfaction: "asked",
      closedAt: { $gte: bangkokMonthStart(tip.closedAt!), $lt: bangkokMonthStart(tip.closedAt!, 1) },
    };
    const outcome = this.deps.outcomes.includes(tip.closeReason ?? "") ? tip.closeReason! : "other";
    const outcomeFilter: QueryFilter<Tip> =
      outcome === "other" ? { closeReason: { $nin: [...this.deps.outcomes] } } : { closeReason: outcome };
    const areas = await this.areaLevels(tip);
    const none = { category: null, outcome: null };
    for (const area of areas) {
      const levels: Generalisation[] = [
        {
          fields: { ...area.fields, category: tip.category, outcome },
          filter: { ...area.filter, category: tip.category, ...outcomeFilter },
        },
        { fields: { ...area.fields, category: null, outcome }, filter: { ...area.filter, ...outcomeFilter } },
        { fields: { ...area.fields, ...none }, filter: area.filter },
      ];
      for (const level of levels)
        if ((await this.deps.tips.tips.countDocuments({ ...month, ...level.filter })) >= this.deps.k)
          return level;
    }
    return { fields: { provinceId: null, districtId: null, ...none }, filter: {} };
  }

  /**
   * The case's area as the transparency page names it — its district when that district had at least
   * k reports in the page's months, else its province's other districts — then coarser.
   */
  private async areaLevels(tip: Tip): Promise<AreaLevel[]> {
    const levels: AreaLevel[] = [];
    if (tip.provinceId) {
      // The page that publishes this answer covers the 12 months ending with the closing month.
      const closed = tip.closedAt!;
      const counts = await this.deps.tips.tips
        .aggregate<{ _id: string | null; n: number }>([
          {
            $match: {
              provinceId: tip.provinceId,
              receivedAt: {
                $gte: bangkokMonthStart(closed, 1 - pageMonths),
                $lt: bangkokMonthStart(closed, 1),
              },
            },
          },
          { $group: { _id: "$districtId", n: { $sum: 1 } } },
        ])
        .exec();
      const named = counts.filter((row) => row._id && row.n >= this.deps.k).map((row) => row._id!);
      // A named district's case is never counted with the province's other districts: that row is
      // theirs. If its district cannot hold it, it goes without an area.
      if (tip.districtId && named.includes(tip.districtId))
        levels.push({
          fields: { provinceId: tip.provinceId, districtId: tip.districtId },
          filter: { districtId: tip.districtId },
        });
      else
        levels.push({
          fields: { provinceId: tip.provinceId, districtId: null },
          filter: { provinceId: tip.provinceId, districtId: { $nin: named } },
        });
    }
    levels.push({ fields: { provinceId: null, districtId: null }, filter: {} });
    return levels;
  }
}
