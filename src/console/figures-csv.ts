import type { Figure } from "../transparency/figures";
import { csvField } from "../transparency/render-csv";
import { dimensions, type FigureRow, type SupervisorFigures } from "./figures";
import type { PublishedSatisfaction } from "./figures-routes";
import { rowName, shownFigure, shownMean } from "./figures-page";
import type { PageContext } from "./pages";

const dayMs = 86_400_000;

/** Days with two decimals, empty when nothing was measured: numbers a spreadsheet reads as numbers. */
function csvDays(ms: number | null): string {
  return ms === null ? "" : (ms / dayMs).toFixed(2);
}

/**
 * The figures page as one CSV table: a line per row of each table (dimension, key, name in the
 * officer's language) and the total, the same numbers as the page. UTF-8 with a byte-order mark
 * for spreadsheets; names are defused against formulas.
 */
export function figuresCsv(
  page: Pick<PageContext, "f" | "locale">,
  figures: SupervisorFigures,
  satisfaction?: PublishedSatisfaction,
): string {
  const header = [
    "dimension",
    "key",
    "name",
    "from",
    "to",
    "cases",
    "open",
    "closed",
    "acknowledge_met",
    "acknowledge_missed",
    "acknowledge_pending",
    "feedback_met",
    "feedback_missed",
    "feedback_pending",
    "acknowledge_median_days",
    "acknowledge_p90_days",
    "close_median_days",
    "close_p90_days",
    "satisfaction_answers",
    "satisfaction_mean",
  ];
  const { months } = figures.filters;
  const line = (dimension: string, name: string, row: FigureRow) => [
    dimension,
    row.key,
    name,
    months[0]!,
    months[months.length - 1]!,
    String(row.cases),
    String(row.open),
    String(row.closed),
    String(row.acknowledge.met),
    String(row.acknowledge.missed),
    String(row.acknowledge.pending),
    String(row.feedback.met),
    String(row.feedback.missed),
    String(row.feedback.pending),
    csvDays(row.toAcknowledge.median),
    csvDays(row.toAcknowledge.p90),
    csvDays(row.toClose.median),
    csvDays(row.toClose.p90),
  ];
  // Satisfaction lines carry only the last two columns: the published answers ("< 5", "—" when
  // hidden, as on the transparency page) and mean, per closing month of the office as a whole.
  const published = satisfaction?.measure.publishable ? satisfaction : undefined;
  const satisfactionLine = (key: string, name: string, figure: Figure) => [
    "satisfaction",
    key,
    name,
    ...Array.from({ length: header.length - 5 }, () => ""),
    shownFigure(page, figure),
    shownMean(page, figure),
  ];
  const lines = [
    header,
    [...line("total", page.f.t(page.locale, "console-figures-total"), figures.total), "", ""],
    ...dimensions.flatMap((dimension) =>
      figures.rows[dimension].map((row) => [
        ...line(dimension, rowName(page, dimension, row.key), row),
        "",
        "",
      ]),
    ),
    ...(published
      ? [
          ...published.measure.monthly.map((figure, index) =>
            satisfactionLine(
              published.months[index]!,
              rowName(page, "month", published.months[index]!),
              figure,
            ),
          ),
          satisfactionLine("total", page.f.t(page.locale, "console-figures-total"), published.measure.total),
        ]
      : []),
  ];
  return `\uFEFF${lines.map((fields) => fields.map(csvField).join(",")).join("\r\n")}\r\n`;
}
