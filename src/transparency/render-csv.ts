import type { Figure, TransparencyReport } from "./figures";

/**
 * The report as one long CSV table (one figure a line) for spreadsheets: measure, table, row, month
 * ("total" for the whole period), count, status, and for satisfaction the mean rating where it may be shown. A hidden figure has an empty count and its status
 * ("under-k" or "withheld"), so no one mistakes it for a zero.
 */
export function renderCsv(report: TransparencyReport): string {
  const lines = [
    ["measure", "table", "row_id", "row_name_th", "row_name_en", "month", "count", "status", "mean"],
  ];
  const add = (
    measure: string,
    table: string,
    row: { id: string; nameTh: string; nameEn: string },
    month: string,
    figure: Figure,
  ) =>
    lines.push([
      measure,
      table,
      row.id,
      row.nameTh,
      row.nameEn,
      month,
      figure.count === null ? "" : String(figure.count),
      figure.status,
      typeof figure.mean === "number" ? figure.mean.toFixed(1) : "",
    ]);
  for (const measure of report.measures) {
    if (!measure.publishable) {
      lines.push([measure.id, "", "", "", "", "", "", "not-publishable", ""]);
      continue;
    }
    const all = { id: "all", nameTh: "", nameEn: "" };
    measure.monthly.forEach((figure, index) => add(measure.id, "months", all, report.months[index]!, figure));
    add(measure.id, "months", all, "total", measure.total);
    for (const table of measure.tables)
      for (const row of table.rows) {
        row.cells.forEach((figure, index) => add(measure.id, table.id, row, report.months[index]!, figure));
        add(measure.id, table.id, row, "total", row.total);
      }
  }
  return `\uFEFF${lines.map((line) => line.map(csvField).join(",")).join("\r\n")}\r\n`;
}

/** RFC 4180 quoting; a leading =, +, - or @ is defused so spreadsheets do not run it as a formula. */
export function csvField(value: string): string {
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
