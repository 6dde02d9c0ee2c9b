import type { TipCategory, TipStatus } from "../tips/tip";
import { tipCategories } from "../tips/tip";
import { closeReasons } from "../officers/postback";
import {
  protectTablesCooperatively,
  roundForPublication,
  type CellStatus,
  type CountGrid,
} from "./disclosure";

/**
 * What the transparency page is made of: counts per closed month, by area, category and outcome,
 * with disclosure control applied (disclosure.ts). Pure: the same tips and clock give the same
 * report. Only case facts go in (dates, category, district, outcome) — nothing of a reporter.
 */

/** The fields of a tip the figures use (a projection: no details, no code, no reporter data). */
export interface TipFacts {
  category: TipCategory;
  provinceId: string | null;
  districtId: string | null;
  status: TipStatus;
  receivedAt: Date;
  acknowledgedAt?: Date;
  acknowledgeBy: Date;
  feedbackBy?: Date;
  closedAt?: Date;
  closeReason?: string;
  history: Array<{ status: TipStatus; at: Date }>;
}

/**
 * A satisfaction answer as stored (src/tips/satisfaction.ts): the month its case was closed, its
 * area as far as it was kept (a district, else a province, else nothing), and the rating.
 */
export interface SatisfactionFacts {
  month: string;
  provinceId: string | null;
  districtId: string | null;
  rating: number;
}

export interface AreaNames {
  /** District → its province and names; undefined for an unknown id (an old or removed district). */
  district(id: string): { provinceId: string; nameTh: string; nameEn: string } | undefined;
  province(id: string): { nameTh: string; nameEn: string } | undefined;
}

export interface FiguresOptions {
  now: Date;
  /** How many closed months to publish (ending with last month). */
  months: number;
  k: number;
}

/** One published figure: the count when it may be shown (already rounded), else why not. */
export interface Figure {
  count: number | null;
  status: CellStatus;
  /**
   * Satisfaction only: the mean rating (one decimal) of the answers behind a published count, and
   * only when every cell under it is published — else null (a mean over hidden cells would tell
   * their ratings by subtraction).
   */
  mean?: number | null;
}

export interface FigureRow {
  id: string;
  nameTh: string;
  nameEn: string;
  /** "district", "pooled" (districts of a province under k, pooled), "category", "outcome", "rating", "elsewhere". */
  kind: string;
  cells: Figure[];
  total: Figure;
}

export interface FigureTable {
  /** "areas", "categories", "outcomes", "ratings". */
  id: string;
  rows: FigureRow[];
}

export interface Measure {
  /** "received", "acknowledged-on-time", "feedback-on-time", "closed", "satisfaction". */
  id: string;
  /** False when even the whole period is under k: nothing of it is shown. */
  publishable: boolean;
  monthly: Figure[];
  total: Figure;
  tables: FigureTable[];
}

export interface MedianDays {
  month: string;
  /** Whole days, or null when fewer than k tips are behind it. */
  days: number | null;
}

export interface TransparencyReport {
  /** To the minute. */
  generatedAt: string;
  /** "2025-12" … "2026-11": closed months only, the current one never. */
  months: string[];
  k: number;
  rounding: { above: number; to: number };
  measures: Measure[];
  medians: { acknowledge: MedianDays[]; close: MedianDays[] };
}

const roundingAbove = 20;
const roundingTo = 5;
const dayMs = 86_400_000;
const bangkokOffsetMs = 7 * 3_600_000;

/** "2026-11" for an instant, in Bangkok time. */
export function bangkokMonth(at: Date): string {
  return new Date(at.getTime() + bangkokOffsetMs).toISOString().slice(0, 7);
}

/** The `count` closed months before `now`'s month, oldest first. */
export function closedMonths(now: Date, count: number): string[] {
  const [year, month] = bangkokMonth(now).split("-").map(Number) as [number, number];
  return Array.from({ length: count }, (_, index) => {
    const back = count - index; // 1 = last month
    const total = year * 12 + (month - 1) - back;
    return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, "0")}`;
  });
}

/**
 * Builds the public report. Areas are districts with at least k tips received in the whole period;
 * the rest of a province is pooled ("other districts of …") when that pool reaches k, and whatever
 * is left (and tips with no district) goes to one "elsewhere" row, so no area under k is named.
 */
export async function buildReport(
  tips: Iterable<TipFacts>,
  /** Undefined while no satisfaction answers are collected: the measure is then left out. */
  satisfaction: Iterable<SatisfactionFacts> | undefined,
  names: AreaNames,
  options: FiguresOptions,
): Promise<TransparencyReport> {
  const { k } = options;
  const months = closedMonths(options.now, options.months);
  const monthIndex = new Map(months.map((month, index) => [month, index]));
  const all = [...tips];

  // Areas by tips received in the period.
  const receivedByDistrict = new Map<string, number>();
  for (const tip of all) {
    if (!monthIndex.has(bangkokMonth(tip.receivedAt))) continue;
    const key = tip.districtId ?? `province:${tip.provinceId ?? "none"}`;
    receivedByDistrict.set(key, (receivedByDistrict.get(key) ?? 0) + 1);
  }
  const areaOf = areaAssignment(receivedByDistrict, names, k);

  const measure = async (
    id: string,
    facts: Array<{ tip: TipFacts; at: Date | undefined }>,
    extra?: Breakdown,
  ): Promise<Measure> => {
    const areaGrid = new Grid(areaOf.rows.length, months.length);
    const extraGrid = extra ? new Grid(extra.rows.length, months.length) : undefined;
    for (const { tip, at } of facts) {
      const column = at ? monthIndex.get(bangkokMonth(at)) : undefined;
      if (column === undefined) continue;
      areaGrid.add(areaOf.rowOf(tip), column);
      if (extra && extraGrid) {
        const row = extra.rowOf(tip);
        if (row !== undefined) extraGrid.add(row, column);
      }
    }
    const grids = [areaGrid.counts, ...(extraGrid ? [extraGrid.counts] : [])];
    const rowsets = [areaOf.rows, ...(extra ? [extra.rows] : [])];
    const ids = ["areas", ...(extra ? [extra.id] : [])];
    return protectedMeasure(id, grids, rowsets, ids, months.length, k);
  };

  const received = all.map((tip) => ({ tip, at: tip.receivedAt }));
  const acknowledgedOnTime = all.map((tip) => ({
    tip,
    at: tip.acknowledgedAt && tip.acknowledgedAt <= tip.acknowledgeBy ? tip.receivedAt : undefined,
  }));
  const feedbackOnTime = all.map((tip) => {
    const feedback = firstFeedback(tip);
    return { tip, at: feedback && tip.feedbackBy && feedback <= tip.feedbackBy ? tip.receivedAt : undefined };
  });
  const closed = all.map((tip) => ({ tip, at: tip.status === "closed" ? tip.closedAt : undefined }));

  const categoryRows = tipCategories.map((category) => ({
    id: category,
    nameTh: "",
    nameEn: "",
    kind: "category",
  }));
  const outcomeRows = [...closeReasons, "other"].map((reason) => ({
    id: reason,
    nameTh: "",
    nameEn: "",
    kind: "outcome",
  }));
  const outcomeIndex = new Map(outcomeRows.map((row, index) => [row.id, index]));

  // One after another: each pauses for the event loop, and the process is not kept busy in parallel.
  const measures: Measure[] = [
    await measure("received", received, {
      id: "categories",
      rows: categoryRows,
      rowOf: (tip) => tipCategories.indexOf(tip.category),
    }),
    await measure("acknowledged-on-time", acknowledgedOnTime),
    await measure("feedback-on-time", feedbackOnTime),
    await measure("closed", closed, {
      id: "outcomes",
      rows: outcomeRows,
      rowOf: (tip) => outcomeIndex.get(tip.closeReason ?? "other") ?? outcomeIndex.get("other")!,
    }),
    ...(satisfaction ? [await satisfactionMeasure([...satisfaction], months, monthIndex, k, areaOf)] : []),
  ];

  return {
    generatedAt: new Date(Math.floor(options.now.getTime() / 60_000) * 60_000).toISOString(),
    months,
    k,
    rounding: { above: roundingAbove, to: roundingTo },
    measures,
    medians: {
      acknowledge: medianByMonth(
        all.flatMap((tip) =>
          tip.acknowledgedAt
            ? [
                {
                  month: bangkokMonth(tip.receivedAt),
                  ms: tip.acknowledgedAt.getTime() - tip.receivedAt.getTime(),
                },
              ]
            : [],
        ),
        months,
        k,
      ),
      close: medianByMonth(
        all.flatMap((tip) =>
          tip.status === "closed" && tip.closedAt
            ? [{ month: bangkokMonth(tip.closedAt), ms: tip.closedAt.getTime() - tip.receivedAt.getTime() }]
            : [],
        ),
        months,
        k,
      ),
    },
  };
}

interface RowLabel {
  id: string;
  nameTh: string;
  nameEn: string;
  kind: string;
}

interface Breakdown {
  id: string;
  rows: RowLabel[];
  rowOf(tip: TipFacts): number | undefined;
}

class Grid {
  readonly counts: CountGrid;
  constructor(rows: number, columns: number) {
    this.counts = Array.from({ length: rows }, () => new Array<number>(columns).fill(0));
  }
  add(row: number, column: number): void {
    this.counts[row]![column]!++;
  }
}

/** Feedback is the first status change after acknowledgement (review, referral or closing). */
function firstFeedback(tip: TipFacts): Date | undefined {
  const entry = tip.history.find(
    (item) => item.status === "under-review" || item.status === "referred" || item.status === "closed",
  );
  return entry?.at;
}

function areaAssignment(receivedByKey: Map<string, number>, names: AreaNames, k: number): AreaRows {
  const rows: RowLabel[] = [];
  const rowByKey = new Map<string, number>();
  const pooled = new Map<string, number>(); // province → tips in its districts under k
  const pooledKeys = new Map<string, string[]>();
  const elsewhereKeys: string[] = [];
  const sorted = [...receivedByKey].sort(([a], [b]) => a.localeCompare(b));
  for (const [key, count] of sorted) {
    const district = key.startsWith("province:") ? undefined : names.district(key);
    if (district && count >= k) {
      rowByKey.set(key, rows.length);
      rows.push({ id: key, nameTh: district.nameTh, nameEn: district.nameEn, kind: "district" });
      continue;
    }
    const province =
      district?.provinceId ?? (key.startsWith("province:") ? key.slice("province:".length) : undefined);
    if (province && names.province(province)) {
      pooled.set(province, (pooled.get(province) ?? 0) + count);
      pooledKeys.set(province, [...(pooledKeys.get(province) ?? []), key]);
    } else elsewhereKeys.push(key);
  }
  for (const [province, count] of [...pooled].sort(([a], [b]) => a.localeCompare(b))) {
    if (count < k) {
      elsewhereKeys.push(...pooledKeys.get(province)!);
      continue;
    }
    const label = names.province(province)!;
    for (const key of pooledKeys.get(province)!) rowByKey.set(key, rows.length);
    rows.push({ id: `${province}:other`, nameTh: label.nameTh, nameEn: label.nameEn, kind: "pooled" });
  }
  const elsewhere = rows.length;
  rows.push({ id: "elsewhere", nameTh: "", nameEn: "", kind: "elsewhere" });
  for (const key of elsewhereKeys) rowByKey.set(key, elsewhere);
  const rowIds = new Map(rows.map((row, index) => [row.id, index]));
  return {
    rows,
    rowOf: (tip) => rowByKey.get(tip.districtId ?? `province:${tip.provinceId ?? "none"}`) ?? elsewhere,
    rowOfAnswer: (answer) => {
      const byKey = rowByKey.get(answer.districtId ?? `province:${answer.provinceId ?? "none"}`);
      if (byKey !== undefined) return byKey;
      const pooled = answer.provinceId ? rowIds.get(`${answer.provinceId}:other`) : undefined;
      return pooled ?? elsewhere;
    },
  };
}

interface AreaRows {
  rows: RowLabel[];
  rowOf(tip: TipFacts): number;
  /**
   * An answer's row: its district's or province's as tips count them; a place no tip of the period
   * came from goes to its province's pooled row when there is one, else "elsewhere".
   */
  rowOfAnswer(answer: Pick<SatisfactionFacts, "provinceId" | "districtId">): number;
}

async function protectedMeasure(
  id: string,
  grids: CountGrid[],
  rowsets: RowLabel[][],
  ids: string[],
  columns: number,
  k: number,
): Promise<Measure> {
  // A row with nothing in the whole period (a category nobody reported) is left out rather than
  // shown as a row of "< 5": readers learn it is empty, which names no one, and zeros that can only
  // grow would cost other rows their figures to protect.
  const kept = grids.map((grid, t) => {
    const rows = grid.flatMap((row, r) =>
      row.some((value) => value > 0) ? [{ row, label: rowsets[t]![r]! }] : [],
    );
    return rows.length > 0 ? rows : [{ row: new Array<number>(columns).fill(0), label: rowsets[t]![0]! }];
  });
  const keptGrids = kept.map((rows) => rows.map(({ row }) => row));
  const result = await protectTablesCooperatively(keptGrids, columns, { k });
  const figure = (count: number, status: CellStatus): Figure =>
    status === "published"
      ? { count: roundForPublication(count, roundingAbove, roundingTo), status }
      : { count: null, status };
  const monthTotals = Array.from({ length: columns }, (_, c) =>
    keptGrids[0]!.reduce((sum, row) => sum + row[c]!, 0),
  );
  const grand = monthTotals.reduce((sum, value) => sum + value, 0);
  return {
    id,
    publishable: result.publishable,
    monthly: monthTotals.map((value, c) => figure(value, result.tables[0]!.columnTotals[c]!)),
    total: figure(grand, result.tables[0]!.grandTotal),
    tables: kept.map((rows, t) => ({
      id: ids[t]!,
      rows: rows.map(({ row, label }, r) => ({
        ...label,
        cells: row.map((value, c) => figure(value, result.tables[t]!.cells[r]![c]!)),
        total: figure(
          row.reduce((sum, value) => sum + value, 0),
          result.tables[t]!.rowTotals[r]!,
        ),
      })),
    })),
  };
}

/**
 * Answers by area × month (the month the case was closed), protected like every count, with the mean
 * rating where a count is published. Means are published only over published cells, so no sum of
 * ratings of a hidden cell can be worked out by subtraction; counts stay covered by the proof.
 */
async function satisfactionMeasure(
  answers: SatisfactionFacts[],
  months: string[],
  monthIndex: Map<string, number>,
  k: number,
  areas: AreaRows,
): Promise<Measure> {
  const counts = new Grid(areas.rows.length, months.length);
  const sums = new Grid(areas.rows.length, months.length);
  for (const answer of answers) {
    const column = monthIndex.get(answer.month);
    if (column === undefined || !Number.isInteger(answer.rating) || answer.rating < 1 || answer.rating > 5)
      continue;
    const row = areas.rowOfAnswer(answer);
    counts.add(row, column);
    sums.counts[row]![column]! += answer.rating;
  }
  const measure = await protectedMeasure(
    "satisfaction",
    [counts.counts],
    [areas.rows],
    ["areas"],
    months.length,
    k,
  );
  // The rows protectedMeasure kept, in its order: those with an answer (or the first, if none has).
  const keptRows = counts.counts.flatMap((row, r) => (row.some((value) => value > 0) ? [r] : []));
  const kept = keptRows.length > 0 ? keptRows : [0];
  const mean = (sum: number, count: number) => Math.round((sum / count) * 10) / 10;
  const table = measure.tables[0]!;
  const allPublished = (figures: Figure[]) => figures.every((figure) => figure.status === "published");
  table.rows.forEach((row, index) => {
    const r = kept[index]!;
    row.cells.forEach((figure, c) => {
      figure.mean = figure.status === "published" ? mean(sums.counts[r]![c]!, counts.counts[r]![c]!) : null;
    });
    const rowCount = counts.counts[r]!.reduce((a, b) => a + b, 0);
    const rowSum = sums.counts[r]!.reduce((a, b) => a + b, 0);
    row.total.mean =
      row.total.status === "published" && allPublished(row.cells) ? mean(rowSum, rowCount) : null;
  });
  measure.monthly.forEach((figure, c) => {
    const column = table.rows.map((row) => row.cells[c]!);
    const count = kept.reduce((total, r) => total + counts.counts[r]![c]!, 0);
    const sum = kept.reduce((total, r) => total + sums.counts[r]![c]!, 0);
    figure.mean = figure.status === "published" && allPublished(column) ? mean(sum, count) : null;
  });
  const every = table.rows.flatMap((row) => row.cells);
  const grandCount = answers.length > 0 ? counts.counts.flat().reduce((a, b) => a + b, 0) : 0;
  const grandSum = sums.counts.flat().reduce((a, b) => a + b, 0);
  measure.total.mean =
    measure.total.status === "published" && allPublished(every) && grandCount > 0
      ? mean(grandSum, grandCount)
      : null;
  return measure;
}

function medianByMonth(
  items: Array<{ month: string; ms: number }>,
  months: string[],
  k: number,
): MedianDays[] {
  const byMonth = new Map<string, number[]>();
  for (const item of items) {
    const list = byMonth.get(item.month);
    if (list) list.push(item.ms);
    else byMonth.set(item.month, [item.ms]);
  }
  return months.map((month) => {
    const values = (byMonth.get(month) ?? []).sort((a, b) => a - b);
    if (values.length < k) return { month, days: null };
    const middle = Math.floor(values.length / 2);
    const ms = values.length % 2 === 1 ? values[middle]! : (values[middle - 1]! + values[middle]!) / 2;
    return { month, days: Math.round(ms / dayMs) };
  });
}
