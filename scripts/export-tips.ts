/**
 * Exports tips of a period and scope to CSV and/or JSON, for reports and archives. No reporter
 * identity is ever exported (no LINE id, contact, phone, shared location or opt-in flag); the case
 * text is added only with --details. Progress goes to stderr, so stdout can stay quiet in cron.
 *
 *   node dist/scripts/export-tips.js --from 2025-10-01 --to 2026-01-01 --out exports/q4 [--format csv|json|both]
 *        [--district cm-san-sai]... [--province chiang-mai]... [--category bribery]... [--status closed] [--details]
 */
import fs from "node:fs";
import path from "node:path";
import { finished } from "node:stream/promises";
import type { QueryFilter } from "mongoose";
import { loadGeography } from "../src/geo";
import { exportTips } from "../src/admin/export";
import { tipModel, tipStatuses, type Tip, type TipDetails, type TipStatus } from "../src/tips/tip";
import { AuditLog } from "../src/officers/audit";
import { parseCommandLine, print, runMain, UsageError, type ScriptRun } from "./lib/cli";
import { scopeFromArgs, scopeOptions } from "./lib/scope-args";

export const usage = `usage:
  export-tips --from YYYY-MM-DD --to YYYY-MM-DD --out PATH_PREFIX [--format csv|json|both]
              [--province ID]... [--district ID]... [--region ID]... [--category C]... [--status S] [--details]
  Dates are Bangkok days; --to is exclusive. Writes PATH_PREFIX.csv and/or PATH_PREFIX.json.`;

export const run: ScriptRun = async (argv, context) => {
  const { values } = parseCommandLine(argv, {
    ...scopeOptions,
    from: { type: "string" },
    to: { type: "string" },
    out: { type: "string" },
    format: { type: "string" },
    status: { type: "string" },
    details: { type: "boolean" },
  });
  const from = bangkokDate(values.from, "--from");
  const to = bangkokDate(values.to, "--to");
  if (from >= to) throw new UsageError("--from must be before --to");
  if (!values.out) throw new UsageError("--out is required");
  const format = values.format ?? "both";
  if (!["csv", "json", "both"].includes(format)) throw new UsageError("--format must be csv, json or both");
  if (values.status && !tipStatuses.includes(values.status as TipStatus))
    throw new UsageError(`--status must be one of ${tipStatuses.join(", ")}`);
  const geography = loadGeography();
  const scope = scopeFromArgs(values, { required: false }, geography);

  const filter: QueryFilter<Tip> = {
    receivedAt: { $gte: from, $lt: to },
    ...(values.status && { status: values.status as TipStatus }),
    ...(scope.categories.length > 0 && { category: { $in: scope.categories } }),
  };
  const places: QueryFilter<Tip>[] = [];
  const regionProvinces = (scope.regionIds ?? []).flatMap(
    (id) => geography.findRegion(id)?.provinceIds ?? [],
  );
  const provinceIds = [...scope.provinceIds, ...regionProvinces];
  if (provinceIds.length > 0) places.push({ provinceId: { $in: provinceIds } });
  if (scope.districtIds.length > 0) places.push({ districtId: { $in: scope.districtIds } });
  if (places.length > 0) filter.$or = places;

  fs.mkdirSync(path.dirname(path.resolve(values.out)), { recursive: true });
  const sinks = {
    ...(format !== "json" && { csv: fs.createWriteStream(`${values.out}.csv`, { mode: 0o600 }) }),
    ...(format !== "csv" && { json: fs.createWriteStream(`${values.out}.json`, { mode: 0o600 }) }),
  };
  const openDetails = (tip: Tip) =>
    JSON.parse(context.sealer.openText(tip.details, "tips.details")) as TipDetails;
  const count = await exportTips(tipModel(context.connection), filter, sinks, {
    includeDetails: Boolean(values.details),
    openDetails,
    geography,
    progress: (done, total) => print(context.stderr, `exported ${done}/${total}`),
  });
  for (const sink of Object.values(sinks)) {
    sink.end();
    await finished(sink);
  }
  await new AuditLog(context.connection, context.now).record({
    actor: "script",
    action: "export-tips",
    channel: "script",
    outcome: "ok",
    details: { count, from: from.toISOString(), to: to.toISOString(), details: Boolean(values.details) },
  });
  print(
    context.stderr,
    `wrote ${count} tip(s) to ${Object.keys(sinks)
      .map((kind) => `${values.out}.${kind}`)
      .join(" and ")}`,
  );
  return 0;
};

/** "2025-10-01" as the start of that day in Bangkok (UTC+7, no daylight saving). */
function bangkokDate(value: string | undefined, name: string): Date {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value))
    throw new UsageError(`${name} must be a date like 2025-10-01`);
  const date = new Date(`${value}T00:00:00+07:00`);
  if (Number.isNaN(date.getTime())) throw new UsageError(`${name} is not a valid date`);
  return date;
}

if (require.main === module) runMain(run, usage);
