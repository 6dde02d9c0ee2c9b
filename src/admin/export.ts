import { once } from "node:events";
import type { Writable } from "node:stream";
import type { Model, QueryFilter } from "mongoose";
import type { Geography } from "../geo";
import type { Tip, TipDetails } from "../tips/tip";
import { minuteIso } from "../tips/coarse-time";

export interface ExportSinks {
  csv?: Writable;
  json?: Writable;
}

export interface ExportOptions {
  /** Adds the sealed case text (agency name, narrative, people, date, place) — never contact data. */
  includeDetails: boolean;
  openDetails: (tip: Tip) => TipDetails;
  geography?: Pick<Geography, "findDistrict">;
  /** Called every `progressEvery` rows and at the end (the script prints it on stderr). */
  progress?: (done: number, total: number) => void;
  progressEvery?: number;
}

const baseColumns = [
  "code",
  "status",
  "category",
  "agency_type",
  "province_id",
  "district_id",
  "district_name",
  "received_at",
  "acknowledged_at",
  "acknowledge_by",
  "acknowledged_on_time",
  "feedback_by",
  "closed_at",
  "close_reason",
  "evidence_count",
] as const;
const detailColumns = ["agency_name", "incident_date", "place_description", "people", "narrative"] as const;

type Row = Record<string, string | number | boolean | null>;

/**
 * Streams tips to CSV and/or JSON with a cursor, so memory stays flat however large the period.
 * Rows hold case facts only: no reporter contact, no LINE id, no phone number, no shared location,
 * not even whether the reporter asked for updates; times are whole minutes (coarse-time.ts).
 */
export async function exportTips(
  tips: Model<Tip>,
  filter: QueryFilter<Tip>,
  sinks: ExportSinks,
  options: ExportOptions,
): Promise<number> {
  const columns: string[] = [...baseColumns, ...(options.includeDetails ? detailColumns : [])];
  const total = await tips.countDocuments(filter).exec();
  const every = options.progressEvery ?? 1000;
  // BOM: spreadsheet programs then read the Thai text as UTF-8.
  if (sinks.csv) await write(sinks.csv, `\ufeff${columns.join(",")}\r\n`);
  if (sinks.json) await write(sinks.json, "[");
  let done = 0;
  for await (const tip of tips.find(filter).sort({ receivedAt: 1, _id: 1 }).lean<Tip>().cursor()) {
    const row = toRow(tip as Tip, options);
    if (sinks.csv)
      await write(sinks.csv, `${columns.map((column) => csvField(row[column] ?? null)).join(",")}\r\n`);
    if (sinks.json) await write(sinks.json, `${done === 0 ? "\n" : ",\n"}${JSON.stringify(row)}`);
    done++;
    if (done % every === 0) options.progress?.(done, total);
  }
  if (sinks.json) await write(sinks.json, done === 0 ? "]\n" : "\n]\n");
  options.progress?.(done, total);
  return done;
}

function toRow(tip: Tip, options: ExportOptions): Row {
  const district = tip.districtId ? options.geography?.findDistrict(tip.districtId) : undefined;
  const row: Row = {
    code: tip.code,
    status: tip.status,
    category: tip.category,
    agency_type: tip.agencyType,
    province_id: tip.provinceId,
    district_id: tip.districtId,
    district_name: district?.nameTh ?? null,
    received_at: minuteIso(tip.receivedAt),
    acknowledged_at: minuteIso(tip.acknowledgedAt),
    acknowledge_by: minuteIso(tip.acknowledgeBy),
    acknowledged_on_time: tip.acknowledgedAt ? tip.acknowledgedAt <= tip.acknowledgeBy : null,
    feedback_by: minuteIso(tip.feedbackBy),
    closed_at: minuteIso(tip.closedAt),
    close_reason: tip.closeReason ?? null,
    evidence_count: tip.evidenceCount,
  };
  if (!options.includeDetails) return row;
  const details = options.openDetails(tip);
  const when = details.incidentDate;
  return {
    ...row,
    agency_name: details.agencyName,
    incident_date: when.kind === "exact" ? when.date : when.kind === "approximate" ? when.text : null,
    place_description: details.placeDescription,
    people: details.people,
    narrative: details.narrative,
  };
}

/** RFC 4180 quoting, and a leading apostrophe on text a spreadsheet would run as a formula. */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return "";
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

async function write(stream: Writable, chunk: string): Promise<void> {
  if (!stream.write(chunk)) await once(stream, "drain");
}
