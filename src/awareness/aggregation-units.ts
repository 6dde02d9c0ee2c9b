import { createHash } from "node:crypto";
import { Schema, type Connection, type Model } from "mongoose";
import { isDuplicateKeyError } from "../data/database";
import type { RunAggregation, RunDocument, RunStore } from "./runs";

/**
 * LINE's rules for customAggregationUnits (Messaging API reference, "Send multicast message"):
 * one unit name per request, at most 30 characters of a-z, A-Z, 0-9 and "_", case-sensitive, and at
 * most 1,000 different names per channel in a calendar month. A name past the 1,000th is not an
 * error: LINE sends the message and silently assigns no unit, so we count names ourselves.
 */
export const unitNameRules = {
  pattern: /^[A-Za-z0-9_]{1,30}$/,
  maxLength: 30,
  perMonth: 1_000,
} as const;

/** LINE's statistics days and months are UTC+9 (the reference's "Time zone: UTC+9"). */
export const lineTimeZoneOffsetMs = 9 * 3_600_000;

/**
 * The unit name of a campaign: one name per campaign, so every run of it is counted under the same
 * unit. Campaign ids are lowercase letters, digits and dashes (up to 63): dashes become "_" and an
 * id too long for LINE keeps its first 21 characters and a hash of the whole id, so two long ids
 * that start alike still get different names.
 */
export function aggregationUnitName(campaignId: string): string {
  const name = campaignId.replace(/[^A-Za-z0-9_]/g, "_");
  if (name.length <= unitNameRules.maxLength) return name;
  const hash = createHash("sha256").update(campaignId).digest("hex").slice(0, 8);
  return `${name.slice(0, unitNameRules.maxLength - 9)}_${hash}`;
}

/** The LINE month (UTC+9) an instant falls in, as "yyyyMM": the unit-name limit counts per such month. */
export function lineMonth(at: Date): string {
  return new Date(at.getTime() + lineTimeZoneOffsetMs).toISOString().slice(0, 7).replace("-", "");
}

/** The LINE day (UTC+9) an instant falls in, as "yyyyMMdd" (the insight API's date format). */
export function lineDay(at: Date): string {
  return new Date(at.getTime() + lineTimeZoneOffsetMs).toISOString().slice(0, 10).replaceAll("-", "");
}

interface UnitUseDocument {
  /** `<month>:<unit>`: a name is counted once per month however many runs use it. */
  _id: string;
  month: string;
  unit: string;
  createdAt: Date;
}

export function unitUseModel(connection: Connection): Model<UnitUseDocument> {
  const schema = new Schema<UnitUseDocument>(
    {
      _id: { type: String, required: true },
      month: { type: String, required: true },
      unit: { type: String, required: true },
      createdAt: { type: Date, required: true },
    },
    { versionKey: false, collection: "aggregation_units" },
  );
  schema.index({ month: 1 });
  return (
    (connection.models.AggregationUnitUse as Model<UnitUseDocument> | undefined) ??
    connection.model<UnitUseDocument>("AggregationUnitUse", schema)
  );
}

/**
 * Decides, once per run, which unit name its multicasts carry, and remembers it on the run so a
 * resumed run (even in the next month) sends exactly what it sent before. When this month already
 * has LINE's 1,000 names and the campaign's is not among them, the run is sent without a unit and
 * says so: the delivery matters more than its statistics.
 */
export class AggregationUnits {
  constructor(
    private readonly uses: Model<UnitUseDocument>,
    private readonly runs: RunStore,
    private readonly perMonth: number = unitNameRules.perMonth,
  ) {}

  async forRun(run: RunDocument, now: Date): Promise<RunAggregation> {
    if (run.aggregation) return run.aggregation;
    const decided = await this.decide(run.campaignId, now);
    return this.runs.setAggregation(run._id, decided);
  }

  private async decide(campaignId: string, now: Date): Promise<RunAggregation> {
    const unit = aggregationUnitName(campaignId);
    const month = lineMonth(now);
    const id = `${month}:${unit}`;
    if (await this.uses.exists({ _id: id })) return { unit, month };
    // Two instances deciding at the same moment can overshoot by one name: LINE then silently
    // assigns none to the later one. Runs are created minutes apart, so this is accepted.
    if ((await this.uses.countDocuments({ month })) >= this.perMonth) {
      return {
        unit: null,
        month,
        note: `LINE's limit of ${this.perMonth} unit names this month is reached; sent without a unit, so LINE has no open or click figures for this run`,
      };
    }
    try {
      await this.uses.create({ _id: id, month, unit, createdAt: now });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    return { unit, month };
  }
}
