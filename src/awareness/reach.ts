import { HTTPFetchError } from "@line/bot-sdk";
import { Schema, type Connection, type Model } from "mongoose";
import type { UnitStatistics } from "../line/gateway";
import { parseRetryAfter } from "../line/retry";
import type { Logger } from "../log";
import { lineDay } from "./aggregation-units";
import type { RunDocument, RunStore } from "./runs";

/** Reads LINE's per-unit statistics (GET /v2/bot/insight/message/event/aggregation). */
export type UnitStatisticsReader = (unit: string, from: string, to: string) => Promise<UnitStatistics>;

/** What LINE says about one unit over one period. null: LINE withheld it (fewer than 20). */
export interface ReachFigures {
  uniqueImpression: number | null;
  uniqueClick: number | null;
  uniqueMediaPlayed: number | null;
  uniqueMediaPlayed100Percent: number | null;
}

/**
 * One period we ask LINE about: a run (its sending day and the 14 days LINE keeps updating its
 * interactions), or a whole campaign (its first run's day to 14 days after its last, at most LINE's
 * 31-day period). `_id` is `run:<run key>` or `campaign:<campaign id>`.
 */
export interface ReachDocument {
  _id: string;
  campaignId: string;
  runKey?: string;
  unit: string;
  /** yyyyMMdd, LINE's UTC+9 days. */
  from: string;
  to?: string;
  /** When LINE stops updating the period's figures; fetched once more after it, then final. */
  settlesAt: Date;
  figures?: ReachFigures;
  fetchedAt?: Date;
  nextFetchAt: Date;
  final: boolean;
  /** Failed fetches in a row (backoff), and the last error for staff. */
  failures: number;
  lastError?: string;
}

export function reachModel(connection: Connection): Model<ReachDocument> {
  const schema = new Schema<ReachDocument>(
    {
      _id: { type: String, required: true },
      campaignId: { type: String, required: true },
      runKey: String,
      unit: { type: String, required: true },
      from: { type: String, required: true },
      to: String,
      settlesAt: { type: Date, required: true },
      figures: Schema.Types.Mixed,
      fetchedAt: Date,
      nextFetchAt: { type: Date, required: true },
      final: { type: Boolean, required: true },
      failures: { type: Number, required: true },
      lastError: String,
    },
    { versionKey: false, collection: "campaign_reach", minimize: false },
  );
  schema.index({ campaignId: 1 });
  return (
    (connection.models.CampaignReach as Model<ReachDocument> | undefined) ??
    connection.model<ReachDocument>("CampaignReach", schema)
  );
}

export interface ReachSettings {
  /** LINE updates a message's interactions for 14 days after it was sent (reference, "Get statistics per unit"). */
  interactionWindowMs: number;
  /** LINE's longest aggregation period: the end date at most 30 days after the start. */
  maxPeriodDays: number;
  /** Figures keep moving for a day or so after the window (LINE aggregates with a lag): one more read then. */
  settleLagMs: number;
  /** How often an open period is read again. */
  refreshMs: number;
  /**
   * Reads per tick. "Get statistics per unit" shares LINE's 60 requests an hour with the other
   * statistics endpoints; the job runs hourly and leaves the rest of the hour's budget alone.
   */
  maxRequestsPerTick: number;
  /** Runs finished longer ago than this are not looked at any more. */
  lookBackMs: number;
  baseBackoffMs: number;
  maxBackoffMs: number;
}

export const defaultReachSettings: ReachSettings = {
  interactionWindowMs: 14 * 86_400_000,
  maxPeriodDays: 30,
  settleLagMs: 86_400_000,
  refreshMs: 6 * 3_600_000,
  maxRequestsPerTick: 20,
  lookBackMs: 60 * 86_400_000,
  baseBackoffMs: 15 * 60_000,
  maxBackoffMs: 24 * 3_600_000,
};

interface Period {
  _id: string;
  campaignId: string;
  runKey?: string;
  unit: string;
  startAt: Date;
  settlesAt: Date;
}

export interface ReachJobDeps {
  runs: RunStore;
  model: Model<ReachDocument>;
  read: UnitStatisticsReader;
  logger: Logger;
  settings?: Partial<ReachSettings>;
}

export interface ReachTick {
  fetched: number;
  failed: number;
  /** LINE answered 429: the rest waits for the next tick. */
  rateLimited: boolean;
}

/**
 * The insight job: reads LINE's per-unit statistics for every run that carried a unit, and for its
 * campaign as a whole, while LINE still updates them, and keeps the last answer. LINE's nulls are
 * stored as null (shown as "fewer than 20"), never as 0. 429 stops the tick (LINE's hourly budget
 * is spent); 5xx and network errors back off per period.
 */
export class ReachJob {
  private readonly settings: ReachSettings;
  private readonly logger: Logger;

  constructor(private readonly deps: ReachJobDeps) {
    this.settings = { ...defaultReachSettings, ...deps.settings };
    this.logger = deps.logger.child({ component: "campaign-reach" });
  }

  async runOnce(now: Date): Promise<ReachTick> {
    const { model } = this.deps;
    const periods = this.periods(
      await this.deps.runs.withUnitSince(new Date(now.getTime() - this.settings.lookBackMs)),
    );
    const stored = new Map(
      (
        await model
          .find({ _id: { $in: periods.map((p) => p._id) } })
          .lean<ReachDocument[]>()
          .exec()
      ).map((doc) => [doc._id, doc]),
    );
    const due = periods
      .map((period) => ({ period, doc: stored.get(period._id) }))
      .filter(
        ({ period, doc }) => !doc || !(doc.final && doc.settlesAt.getTime() === period.settlesAt.getTime()),
      )
      .filter(({ doc }) => !doc || doc.final || doc.nextFetchAt <= now)
      .sort((a, b) => (a.doc?.nextFetchAt.getTime() ?? 0) - (b.doc?.nextFetchAt.getTime() ?? 0));
    const tick: ReachTick = { fetched: 0, failed: 0, rateLimited: false };
    for (const { period, doc } of due.slice(0, this.settings.maxRequestsPerTick)) {
      const outcome = await this.fetch(period, doc, now);
      if (outcome === "fetched") tick.fetched++;
      else tick.failed++;
      if (outcome === "rate-limited") {
        tick.rateLimited = true;
        break;
      }
    }
    if (tick.fetched + tick.failed > 0) this.logger.info({ ...tick, due: due.length }, "campaign reach read");
    return tick;
  }

  /** A run's period, and one per campaign spanning its runs (within LINE's longest period). */
  private periods(runs: RunDocument[]): Period[] {
    const { interactionWindowMs, maxPeriodDays } = this.settings;
    const periods: Period[] = [];
    const campaigns = new Map<string, { unit: string; first: Date; last: Date }>();
    for (const run of runs) {
      if (run.counts.sent === 0) continue; // nothing reached anyone: nothing to ask LINE
      const sentAt = run.startedAt ?? run.finishedAt!;
      const unit = run.aggregation!.unit!;
      periods.push({
        _id: `run:${run._id}`,
        campaignId: run.campaignId,
        runKey: run._id,
        unit,
        startAt: sentAt,
        settlesAt: new Date(sentAt.getTime() + interactionWindowMs),
      });
      const campaign = campaigns.get(run.campaignId);
      if (!campaign) campaigns.set(run.campaignId, { unit, first: sentAt, last: sentAt });
      else {
        if (sentAt < campaign.first) campaign.first = sentAt;
        if (sentAt > campaign.last) campaign.last = sentAt;
      }
    }
    for (const [campaignId, { unit, first, last }] of campaigns) {
      const end = Math.min(
        last.getTime() + interactionWindowMs,
        first.getTime() + maxPeriodDays * 86_400_000,
      );
      periods.push({
        _id: `campaign:${campaignId}`,
        campaignId,
        unit,
        startAt: first,
        settlesAt: new Date(end),
      });
    }
    return periods;
  }

  private async fetch(
    period: Period,
    doc: ReachDocument | undefined,
    now: Date,
  ): Promise<"fetched" | "failed" | "rate-limited"> {
    const from = lineDay(period.startAt);
    // LINE's period ends on a day that has begun: today until the figures settle.
    const to = lineDay(new Date(Math.min(now.getTime(), period.settlesAt.getTime())));
    const base = {
      campaignId: period.campaignId,
      ...(period.runKey ? { runKey: period.runKey } : {}),
      unit: period.unit,
      from,
      settlesAt: period.settlesAt,
    };
    try {
      const answer = await this.deps.read(period.unit, from, to);
      const final = now.getTime() >= period.settlesAt.getTime() + this.settings.settleLagMs;
      await this.deps.model.updateOne(
        { _id: period._id },
        {
          $set: {
            ...base,
            to,
            figures: figuresOf(answer),
            fetchedAt: now,
            final,
            failures: 0,
            nextFetchAt: new Date(
              Math.min(
                now.getTime() + this.settings.refreshMs,
                period.settlesAt.getTime() + this.settings.settleLagMs,
              ),
            ),
          },
          $unset: { lastError: 1 },
        },
        { upsert: true },
      );
      return "fetched";
    } catch (error) {
      const status = error instanceof HTTPFetchError ? error.status : undefined;
      if (status === undefined && !(error instanceof TypeError)) throw error;
      const failures = (doc?.failures ?? 0) + 1;
      const retryAfter =
        error instanceof HTTPFetchError ? parseRetryAfter(error.headers.get("retry-after")) : undefined;
      const wait = Math.max(retryAfter ?? 0, this.backoff(failures));
      const lastError = status !== undefined ? `LINE answered ${status}` : "LINE could not be reached";
      this.logger.warn({ period: period._id, status, failures, waitMs: wait }, "campaign reach read failed");
      await this.deps.model.updateOne(
        { _id: period._id },
        {
          $set: { failures, lastError, nextFetchAt: new Date(now.getTime() + wait) },
          $setOnInsert: { ...base, final: false },
        },
        { upsert: true },
      );
      return status === 429 ? "rate-limited" : "failed";
    }
  }

  private backoff(failures: number): number {
    const { baseBackoffMs, maxBackoffMs } = this.settings;
    return Math.min(maxBackoffMs, baseBackoffMs * 2 ** (failures - 1));
  }
}

/** LINE's overview as stored: a number, or null where LINE withheld it; a missing field is null too. */
function figuresOf(answer: UnitStatistics): ReachFigures {
  const overview = answer?.overview ?? {};
  const value = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);
  return {
    uniqueImpression: value(overview.uniqueImpression),
    uniqueClick: value(overview.uniqueClick),
    uniqueMediaPlayed: value(overview.uniqueMediaPlayed),
    uniqueMediaPlayed100Percent: value(overview.uniqueMediaPlayed100Percent),
  };
}
