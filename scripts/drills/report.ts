import os from "node:os";
import type { DrillResult } from "./drill";

/** The results table printed at the end of a run (and pasted into docs/RELIABILITY.md). */
export function resultsTable(results: DrillResult[]): string {
  const header = [
    "drill",
    "result",
    "sent",
    "acked",
    "processed",
    "lost",
    "duplicated",
    "kills",
    "bot alive",
    "503s (slowest ms)",
    "took",
  ];
  const rows = results.map((result) => [
    result.drill + (result.fast ? " (fast)" : ""),
    result.passed ? "pass" : "FAIL",
    String(result.counts.sent),
    String(result.counts.acknowledged),
    String(result.counts.processed),
    String(result.counts.lost),
    String(result.counts.duplicated),
    String(result.bot.kills),
    result.bot.unexpectedExits === 0 ? "yes" : `no (${result.bot.unexpectedExits} exits)`,
    `${result.webhooks.byStatus["503"] ?? 0} (${result.webhooks.max503Ms})`,
    `${Math.round(result.durationMs / 1000)} s`,
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** Effects and failed checks under the table, one line each. */
export function resultDetails(results: DrillResult[]): string {
  const lines: string[] = [];
  for (const result of results) {
    const effects = Object.entries(result.effects)
      .map(
        ([name, effect]) =>
          `${name} ${effect.expected} expected, ${effect.lost} lost, ${effect.duplicated} duplicated`,
      )
      .join("; ");
    lines.push(
      `${result.drill}: ${effects || "no effects counted"}; dead letters ${result.events.deadLettered}`,
    );
    for (const check of result.checks.filter((c) => !c.ok))
      lines.push(
        `  FAILED ${check.name}${check.speed ? " (speed)" : ""}${check.detail ? `: ${check.detail}` : ""}`,
      );
    for (const id of [...result.evidence.lostEvents, ...result.evidence.duplicatedEvents].slice(0, 10))
      lines.push(`  event ${id}`);
  }
  return lines.join("\n");
}

/** Which machine a run was made on, for the results table's heading. */
export function machine(): string {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model.trim() ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}, load ${os
    .loadavg()
    .map((n) => n.toFixed(1))
    .join(" ")}`;
}
