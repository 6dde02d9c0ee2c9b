import type { Model, QueryFilter } from "mongoose";
import type { Tip } from "../tips/tip";
import { bangkokTimeZone } from "../i18n/bangkok-time";

export interface TipStatistics {
  total: number;
  byStatus: Record<string, number>;
  byCategory: Record<string, number>;
  /** "outside" for tips outside every covered province. */
  byDistrict: Record<string, number>;
  /** Month of receipt in Bangkok time, "2025-11". */
  byMonth: Record<string, number>;
  acknowledged: number;
  medianAcknowledgeMs: number | null;
  acknowledgedWithinDeadline: number;
}

/** Counts by district, category, status and month, and the median time to acknowledgement. */
export async function tipStatistics(tips: Model<Tip>, filter: QueryFilter<Tip>): Promise<TipStatistics> {
  const countBy = async (key: unknown): Promise<Record<string, number>> => {
    const rows = await tips
      .aggregate<{ _id: string | null; count: number }>([
        { $match: filter },
        { $group: { _id: key, count: { $sum: 1 } } },
      ])
      .exec();
    const out: Record<string, number> = {};
    for (const row of rows.sort((a, b) => String(a._id).localeCompare(String(b._id))))
      out[row._id ?? "outside"] = row.count;
    return out;
  };
  const [byStatus, byCategory, byDistrict, byMonth, acknowledged] = await Promise.all([
    countBy("$status"),
    countBy("$category"),
    countBy("$districtId"),
    countBy({ $dateToString: { format: "%Y-%m", date: "$receivedAt", timezone: bangkokTimeZone } }),
    tips
      .find(
        { $and: [filter, { acknowledgedAt: { $exists: true } }] },
        { receivedAt: 1, acknowledgedAt: 1, acknowledgeBy: 1 },
      )
      .lean<Array<Pick<Tip, "receivedAt" | "acknowledgedAt" | "acknowledgeBy">>>()
      .exec(),
  ]);
  const durations = acknowledged
    .map((tip) => tip.acknowledgedAt!.getTime() - tip.receivedAt.getTime())
    .sort((a, b) => a - b);
  return {
    total: Object.values(byStatus).reduce((sum, count) => sum + count, 0),
    byStatus,
    byCategory,
    byDistrict,
    byMonth,
    acknowledged: durations.length,
    medianAcknowledgeMs: median(durations),
    acknowledgedWithinDeadline: acknowledged.filter((tip) => tip.acknowledgedAt! <= tip.acknowledgeBy).length,
  };
}

export function median(sorted: number[]): number | null {
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : Math.round((sorted[middle - 1]! + sorted[middle]!) / 2);
}
