/**
 * Reads the audit log (every officer view and action, refusals included), newest first.
 *
 *   node dist/scripts/audit.js [--tip TK-XXXX-XXXX-XXXX] [--actor officer:<id>] [--action view] [--outcome refused]
 *        [--from 2025-11-01] [--to 2025-12-01] [--limit 100] [--json]
 */
import { AuditLog, type AuditOutcome } from "../src/officers/audit";
import { normalizeTrackingCode } from "../src/tips/tracking-code";
import { minuteIso } from "../src/tips/coarse-time";
import { parseCommandLine, print, runMain, UsageError, type ScriptRun } from "./lib/cli";

export const usage = `usage:
  audit [--tip CODE] [--actor ACTOR] [--action ACTION] [--outcome ok|unchanged|refused|failed]
        [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--limit N] [--json]`;

const outcomes: AuditOutcome[] = ["ok", "unchanged", "refused", "failed"];

export const run: ScriptRun = async (argv, context) => {
  const { values } = parseCommandLine(argv, {
    tip: { type: "string" },
    actor: { type: "string" },
    action: { type: "string" },
    outcome: { type: "string" },
    from: { type: "string" },
    to: { type: "string" },
    limit: { type: "string" },
    json: { type: "boolean" },
  });
  const tipCode = values.tip ? normalizeTrackingCode(values.tip) : undefined;
  if (values.tip && !tipCode) throw new UsageError(`"${values.tip}" is not a tracking code`);
  if (values.outcome && !outcomes.includes(values.outcome as AuditOutcome))
    throw new UsageError(`--outcome must be one of ${outcomes.join(", ")}`);
  const limit = Number(values.limit ?? "100");
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
    throw new UsageError("--limit must be 1 to 10000");
  const date = (value: string | undefined, name: string) => {
    if (value === undefined) return undefined;
    const parsed = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00+07:00` : value);
    if (Number.isNaN(parsed.getTime())) throw new UsageError(`${name} is not a date`);
    return parsed;
  };

  const audit = new AuditLog(context.connection, context.now);
  const { items, total } = await audit.find(
    {
      ...(tipCode && { tipCode }),
      actor: values.actor,
      action: values.action,
      outcome: values.outcome as AuditOutcome | undefined,
      from: date(values.from, "--from"),
      to: date(values.to, "--to"),
    },
    { skip: 0, limit },
  );
  if (values.json) {
    print(
      context.stdout,
      JSON.stringify(
        { total, items: items.map(({ _id: _id, ...entry }) => ({ ...entry, at: minuteIso(entry.at) })) },
        null,
        2,
      ),
    );
    return 0;
  }
  for (const entry of items) {
    const details = entry.details
      ? ` ${Object.entries(entry.details)
          .map(([key, value]) => `${key}=${value}`)
          .join(" ")}`
      : "";
    print(
      context.stdout,
      `${minuteIso(entry.at)}  ${entry.outcome.padEnd(9)} ${entry.action.padEnd(22)} ${entry.tipCode ?? "-"}  ${entry.actor}  ${entry.channel}${entry.reason ? ` reason=${entry.reason}` : ""}${details}`,
    );
  }
  print(context.stderr, `${items.length} of ${total} entries`);
  return 0;
};

if (require.main === module) runMain(run, usage);
