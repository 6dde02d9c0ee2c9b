/**
 * What every reliability drill reports, so one runner can run them all and print one table.
 * `sent`: writes or events the drill sent; `acknowledged`: those the system confirmed;
 * `processed`: acknowledged ones found (or handled) afterwards; `lost`: acknowledged but missing;
 * `duplicated`: applied more than once. `ok` is the drill's own verdict.
 */
export interface DrillResult {
  drill: string;
  sent: number;
  acknowledged: number;
  processed: number;
  lost: number;
  duplicated: number;
  ok: boolean;
  details?: Record<string, unknown>;
}

const COLUMNS = ["drill", "sent", "acknowledged", "processed", "lost", "duplicated", "ok"] as const;

/** A plain-text table: a header line and one line per drill. */
export function formatDrillTable(results: DrillResult[]): string {
  const rows = results.map((result) =>
    COLUMNS.map((column) => (column === "ok" ? (result.ok ? "yes" : "NO") : String(result[column]))),
  );
  const widths = COLUMNS.map((column, i) => Math.max(column.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ");
  return [line(COLUMNS), ...rows.map(line)].join("\n");
}
