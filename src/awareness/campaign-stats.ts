import type { Model } from "mongoose";
import { dateLocaleTag, type Locale, type Translator } from "../i18n";
import type { ReachDocument, ReachFigures } from "./reach";
import type { RunDocument } from "./runs";

/**
 * One reach figure as staff see it: a number; "fewer-than-20" where LINE withheld it (never shown
 * as 0, which would be a claim LINE did not make); null where nothing is known (not read yet, or
 * the run had no aggregation unit).
 */
export type Figure = number | "fewer-than-20" | null;

export interface ReachView {
  opened: Figure;
  clicked: Figure;
  mediaPlayed: Figure;
  /** The LINE days (UTC+9, yyyyMMdd) the figures cover. */
  period?: { from: string; to?: string };
  fetchedAt?: string;
  /** LINE no longer updates these figures. */
  final: boolean;
  /** Why there are no figures (no unit), or the last read's error. */
  note?: string;
  /** The figures in the requested language ("312", "fewer than 20", "not read yet"). */
  shown: { opened: string; clicked: string; mediaPlayed: string };
}

export interface RunStats extends ReachView {
  runKey: string;
  scheduledAt: string;
  status: RunDocument["status"];
  unit: string | null;
  /** Subscribers the run was meant for (streamed from the audience). */
  recipients: number;
  /** Accepted by LINE (LINE also accepts users who have blocked the account, and says nothing of them). */
  delivered: number;
}

export interface CampaignStats extends ReachView {
  campaignId: string;
  runs: RunStats[];
  recipients: number;
  delivered: number;
}

/**
 * Recipients and delivered come from our runs; opened, clicked and media plays from LINE's
 * per-unit statistics (the insight job). The campaign's figures are LINE's over the campaign's
 * whole period, not a sum of its runs: one person opening two runs is one unique opener.
 */
export async function campaignStats(
  campaignId: string,
  runs: RunDocument[],
  reach: Model<ReachDocument>,
  texts: Translator,
  locale: Locale,
): Promise<CampaignStats> {
  const docs = await reach.find({ campaignId }).lean<ReachDocument[]>().exec();
  const byId = new Map(docs.map((doc) => [doc._id, doc]));
  const view = (doc: ReachDocument | undefined, note?: string) => reachView(doc, texts, locale, note);
  const runStats = runs.map((run): RunStats => ({
    runKey: run._id,
    scheduledAt: run.scheduledAt.toISOString(),
    status: run.status,
    unit: run.aggregation?.unit ?? null,
    recipients: run.counts.eligible,
    delivered: run.counts.sent,
    ...view(byId.get(`run:${run._id}`), run.aggregation?.note),
  }));
  return {
    campaignId,
    recipients: runStats.reduce((sum, run) => sum + run.recipients, 0),
    delivered: runStats.reduce((sum, run) => sum + run.delivered, 0),
    ...view(byId.get(`campaign:${campaignId}`)),
    runs: runStats,
  };
}

function reachView(
  doc: ReachDocument | undefined,
  texts: Translator,
  locale: Locale,
  note?: string,
): ReachView {
  const figures = doc?.figures;
  const figure = (key: keyof ReachFigures): Figure => {
    if (!figures) return null;
    const value = figures[key];
    return value === null ? "fewer-than-20" : value;
  };
  const opened = figure("uniqueImpression");
  const clicked = figure("uniqueClick");
  const mediaPlayed = figure("uniqueMediaPlayed");
  const unknown = texts.t(locale, note ? "awareness-stats-not-measured" : "awareness-stats-not-read");
  const numbers = new Intl.NumberFormat(dateLocaleTag(locale));
  const show = (value: Figure) =>
    value === null
      ? unknown
      : value === "fewer-than-20"
        ? texts.t(locale, "awareness-stats-fewer-than")
        : numbers.format(value);
  return {
    opened,
    clicked,
    mediaPlayed,
    ...(doc ? { period: { from: doc.from, ...(doc.to ? { to: doc.to } : {}) } } : {}),
    ...(doc?.fetchedAt ? { fetchedAt: doc.fetchedAt.toISOString() } : {}),
    final: doc?.final ?? false,
    ...(note || doc?.lastError ? { note: note ?? doc?.lastError } : {}),
    shown: { opened: show(opened), clicked: show(clicked), mediaPlayed: show(mediaPlayed) },
  };
}
