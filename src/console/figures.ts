import type { Model, QueryFilter } from "mongoose";
import { z } from "zod";
import { feedbackGivenAt } from "../officers/deadlines";
import { tipCategories, tipStatuses, type Tip, type TipCategory } from "../tips/tip";
import { bangkokMonth, type TipFacts } from "../transparency/figures";

/**
 * Supervisors' figures (issue 12.5): how the cases in a supervisor's scope are handled, per district,
 * category, month and status. Unlike the public transparency page these are internal figures for
 * people who may already see every case counted, so nothing is suppressed; like it, only case facts
 * are read (dates, district, category, status), never details, codes or anything of a reporter.
 *
 * The cases counted are those *received* in the chosen months (a cohort): their acknowledgements,
 * feedback and closings are counted with them whenever those happened, so a month's row says how the
 * cases that arrived that month were handled.
 */

const monthPattern = /^\d{4}-(0[1-9]|1[0-2])$/;
/** A longer range is narrowed to this many months (from `to` backwards): a page, not a data dump. */
export const maxMonths = 60;
const defaultMonths = 12;

/** The figures' filters as the query string carries them; anything malformed falls back to the default. */
export const figuresQuery = z.object({
  from: z.string().regex(monthPattern).optional().catch(undefined),
  to: z.string().regex(monthPattern).optional().catch(undefined),
  district: z
    .string()
    .regex(/^[a-z0-9-]{1,64}$/)
    .optional()
    .catch(undefined),
  category: z.enum(tipCategories).optional().catch(undefined),
});
export type FiguresQuery = z.infer<typeof figuresQuery>;

/** The filters once defaults are applied: a month range, oldest first, and the optional narrowing. */
export interface FiguresFilters {
  months: string[];
  district?: string;
  category?: TipCategory;
}

/** Defaults: the 12 months ending with the current one; a reversed range is put the right way round. */
export function figuresFilters(query: FiguresQuery, now: Date): FiguresFilters {
  const current = bangkokMonth(now);
  let to = query.to ?? current;
  let from = query.from ?? addMonths(to, -(defaultMonths - 1));
  if (from > to) [from, to] = [to, from];
  if (monthsBetween(from, to) > maxMonths) from = addMonths(to, -(maxMonths - 1));
  const months: string[] = [];
  for (let month = from; month <= to; month = addMonths(month, 1)) months.push(month);
  return {
    months,
    ...(query.district && { district: query.district }),
    ...(query.category && { category: query.category }),
  };
}

/** Met by the deadline, missed (late, or still not done after it), or not due yet. */
export interface DeadlineTally {
  met: number;
  missed: number;
  pending: number;
}

/** Durations in milliseconds; null when there is nothing to measure. */
export interface Timing {
  count: number;
  median: number | null;
  p90: number | null;
}

export interface FigureRow {
  /** The district id ("none" for tips without one), category, month ("2026-11") or status. */
  key: string;
  cases: number;
  open: number;
  closed: number;
  /** Acknowledge within `acknowledgeBy` (7 days by default). */
  acknowledge: DeadlineTally;
  /** Feedback (referral or closing) within `feedbackBy` (3 months after acknowledgement). */
  feedback: DeadlineTally;
  toAcknowledge: Timing;
  toClose: Timing;
}

export type Dimension = "month" | "district" | "category" | "status";
export const dimensions: readonly Dimension[] = ["month", "district", "category", "status"];

export interface SupervisorFigures {
  filters: FiguresFilters;
  total: FigureRow;
  /** Every month of the range (empty ones too), every status; districts and categories that have cases. */
  rows: Record<Dimension, FigureRow[]>;
}

/** The fields read: a projection, so no details, code, ref or reporter data leaves the database. */
const factFields = {
  _id: 0,
  category: 1,
  provinceId: 1,
  districtId: 1,
  status: 1,
  receivedAt: 1,
  acknowledgedAt: 1,
  acknowledgeBy: 1,
  feedbackBy: 1,
  closedAt: 1,
  "history.status": 1,
  "history.at": 1,
} as const;

const bangkokOffsetMs = 7 * 3_600_000;

/** The UTC instant a Bangkok month starts. */
export function monthStart(month: string): Date {
  const [year, number] = month.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(year, number - 1, 1) - bangkokOffsetMs);
}

/** Reads the facts of the cases in scope received in the range and computes the figures. */
export async function loadFigures(input: {
  tips: Model<Tip>;
  access: QueryFilter<Tip>;
  filters: FiguresFilters;
  now: Date;
}): Promise<SupervisorFigures> {
  const { filters } = input;
  const conditions: QueryFilter<Tip>[] = [
    input.access,
    {
      receivedAt: {
        $gte: monthStart(filters.months[0]!),
        $lt: monthStart(addMonths(filters.months[filters.months.length - 1]!, 1)),
      },
    },
  ];
  if (filters.district) conditions.push({ districtId: filters.district });
  if (filters.category) conditions.push({ category: filters.category });
  const facts = await input.tips.find({ $and: conditions }, factFields).lean<TipFacts[]>().exec();
  return computeFigures(facts, filters, input.now);
}

/** Pure: the same facts, filters and clock give the same figures. */
export function computeFigures(facts: TipFacts[], filters: FiguresFilters, now: Date): SupervisorFigures {
  const groups: Record<Dimension, Map<string, TipFacts[]>> = {
    month: new Map(filters.months.map((month) => [month, []])),
    district: new Map(),
    category: new Map(),
    status: new Map(tipStatuses.map((status) => [status, []])),
  };
  const keyOf: Record<Dimension, (tip: TipFacts) => string> = {
    month: (tip) => bangkokMonth(tip.receivedAt),
    district: (tip) => tip.districtId ?? "none",
    category: (tip) => tip.category,
    status: (tip) => tip.status,
  };
  for (const tip of facts)
    for (const dimension of dimensions) {
      const key = keyOf[dimension](tip);
      const list = groups[dimension].get(key);
      if (list) list.push(tip);
      else groups[dimension].set(key, [tip]);
    }
  const rowsOf = (dimension: Dimension) => {
    const rows = [...groups[dimension]].map(([key, tips]) => figureRow(key, tips, now));
    // Months and statuses keep their natural order; districts and categories go busiest first.
    return dimension === "district" || dimension === "category"
      ? rows.sort((a, b) => b.cases - a.cases || a.key.localeCompare(b.key))
      : rows;
  };
  return {
    filters,
    total: figureRow("total", facts, now),
    rows: {
      month: rowsOf("month"),
      district: rowsOf("district"),
      category: rowsOf("category"),
      status: rowsOf("status"),
    },
  };
}

function figureRow(key: string, tips: TipFacts[], now: Date): FigureRow {
  const acknowledge: DeadlineTally = { met: 0, missed: 0, pending: 0 };
  const feedback: DeadlineTally = { met: 0, missed: 0, pending: 0 };
  const toAcknowledge: number[] = [];
  const toClose: number[] = [];
  let closed = 0;
  for (const tip of tips) {
    acknowledge[deadlineState(tip.acknowledgedAt, tip.acknowledgeBy, now)] += 1;
    // Before acknowledgement no feedback is due yet (its deadline starts then).
    feedback[tip.feedbackBy ? deadlineState(feedbackGivenAt(tip), tip.feedbackBy, now) : "pending"] += 1;
    if (tip.acknowledgedAt) toAcknowledge.push(tip.acknowledgedAt.getTime() - tip.receivedAt.getTime());
    if (tip.status === "closed") {
      closed += 1;
      if (tip.closedAt) toClose.push(tip.closedAt.getTime() - tip.receivedAt.getTime());
    }
  }
  return {
    key,
    cases: tips.length,
    open: tips.length - closed,
    closed,
    acknowledge,
    feedback,
    toAcknowledge: timing(toAcknowledge),
    toClose: timing(toClose),
  };
}

/**
 * The reminders' rule: done by the deadline is met; done after it, or not done once it has passed
 * (when the escalation goes out), is missed; otherwise it is not due yet.
 */
function deadlineState(doneAt: Date | undefined, dueBy: Date, now: Date): keyof DeadlineTally {
  if (doneAt) return doneAt <= dueBy ? "met" : "missed";
  return dueBy <= now ? "missed" : "pending";
}

function timing(durations: number[]): Timing {
  const sorted = durations.sort((a, b) => a - b);
  return { count: sorted.length, median: percentile(sorted, 0.5), p90: percentile(sorted, 0.9) };
}

/**
 * The percentile of sorted values by linear interpolation between closest ranks (what spreadsheets'
 * PERCENTILE.INC does): the median of an even count is the mean of the middle two.
 */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = p * (sorted.length - 1);
  const below = Math.floor(rank);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (rank - below);
}

export function addMonths(month: string, count: number): string {
  const [year, number] = month.split("-").map(Number) as [number, number];
  const index = year * 12 + (number - 1) + count;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}

function monthsBetween(from: string, to: string): number {
  const index = (month: string) => {
    const [year, number] = month.split("-").map(Number) as [number, number];
    return year * 12 + number;
  };
  return index(to) - index(from) + 1;
}
