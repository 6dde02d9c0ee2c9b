import { createHash } from "node:crypto";
import type { Locale, TextArgs, Translator } from "../i18n";
import { barChart } from "./bar-chart";
import type { Figure, FigureRow, FigureTable, Measure, MedianDays, TransparencyReport } from "./figures";

/**
 * The transparency page as one server-rendered HTML document per language: no script, no web fonts,
 * no outside resources (the style is inline, allowed by its hash), charts as inline SVG. Phone first:
 * one column, tables scroll sideways inside their own box.
 */
export interface RenderedPage {
  html: string;
  /** For the Content-Security-Policy header: the inline style's hash. */
  styleHash: string;
}

const style = `
:root{color-scheme:light;--ink:#1b1f24;--muted:#57606a;--line:#d0d7de;--bar:#1f6feb;--hidden:#8c959f}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans Thai","Loma","Garuda",sans-serif;color:var(--ink);background:#fff}
main{max-width:60rem;margin:0 auto;padding:1rem}
header p,.muted{color:var(--muted)}
h1{font-size:1.5rem;line-height:1.25;margin:.5rem 0}
h2{font-size:1.25rem;margin:2rem 0 .5rem;border-top:1px solid var(--line);padding-top:1rem}
h3{font-size:1rem;margin:1rem 0 .25rem}
a{color:#0969da}
nav ul{padding-left:1.25rem;margin:.25rem 0}
.lang{float:right;margin-left:1rem}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;border:1px solid var(--line);border-radius:6px}
table{border-collapse:collapse;font-size:.875rem;min-width:100%}
th,td{padding:.35rem .5rem;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left;position:sticky;left:0;background:#fff;white-space:normal;min-width:9rem}
thead th{background:#f6f8fa}
tfoot td{font-weight:600}
.under-k,.withheld{color:var(--hidden)}
svg{display:block;width:100%;height:auto;max-width:40rem}
.total{font-weight:600}
`;

const styleHash = `sha256-${createHash("sha256").update(style).digest("base64")}`;

export function renderPage(report: TransparencyReport, texts: Translator, locale: Locale): RenderedPage {
  const t = (key: string, args?: TextArgs) => escapeHtml(texts.t(locale, key, args));
  const months = report.months.map((month) => monthLabel(month, locale));
  const number = new Intl.NumberFormat(locale === "th" ? "th-TH" : "en-GB");
  const shown = (figure: Figure) => {
    if (figure.status === "published") return escapeHtml(number.format(figure.count!));
    return figure.status === "under-k"
      ? t("transparency-under-k", { k: report.k })
      : t("transparency-withheld");
  };
  const cell = (figure: Figure, tag = "td") => `<${tag} class="${figure.status}">${shown(figure)}</${tag}>`;
  const other = locale === "th" ? "en" : "th";
  const updated = new Intl.DateTimeFormat(locale === "th" ? "th-TH" : "en-GB", {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: "Asia/Bangkok",
  }).format(new Date(report.generatedAt));

  const rowName = (table: FigureTable, row: FigureRow) => {
    if (table.id === "areas") {
      if (row.kind === "elsewhere") return t("transparency-row-elsewhere");
      const name = locale === "th" ? row.nameTh : row.nameEn;
      return row.kind === "pooled" ? t("transparency-row-pooled", { province: name }) : escapeHtml(name);
    }
    if (table.id === "categories") return t(`category-${row.id}`);
    return t(`transparency-outcome-${row.id}`);
  };

  // A mean is shown where it may be; a hidden count keeps its mark, a mean withheld over hidden cells is "—".
  const meanFormat = new Intl.NumberFormat(locale === "th" ? "th-TH" : "en-GB", {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  });
  const meanCell = (figure: Figure, tag = "td") => {
    if (typeof figure.mean === "number")
      return `<${tag} class="published">${escapeHtml(meanFormat.format(figure.mean))}</${tag}>`;
    const status = figure.status === "published" ? "withheld" : figure.status;
    return `<${tag} class="${status}">${shown({ count: null, status })}</${tag}>`;
  };

  /** One table of a measure, months across, rows down; `show` draws each figure (count or mean). */
  const gridHtml = (
    measure: Measure,
    table: FigureTable,
    heading: string,
    dataTable: string,
    show: (figure: Figure) => string,
  ) => `
<h3>${heading}</h3>
<div class="scroll"><table data-measure="${measure.id}" data-table="${dataTable}">
<thead><tr><th scope="col">${t("transparency-column-row", { table: table.id })}</th>${months
    .map((month) => `<th scope="col">${escapeHtml(month)}</th>`)
    .join("")}<th scope="col">${t("transparency-column-total")}</th></tr></thead>
<tbody>${table.rows
    .map(
      (row) =>
        `<tr data-row="${escapeHtml(row.id)}"><th scope="row">${rowName(table, row)}</th>${row.cells
          .map((figure) => show(figure))
          .join("")}${show(row.total)}</tr>`,
    )
    .join("\n")}</tbody>
<tfoot><tr data-row="total"><td>${t("transparency-column-total")}</td>${measure.monthly
    .map((figure) => show(figure))
    .join("")}${show(measure.total)}</tr></tfoot>
</table></div>`;
  const meansHtml = (measure: Measure, table: FigureTable) =>
    gridHtml(measure, table, t("transparency-table-means"), `${table.id}-means`, meanCell);
  const tableHtml = (measure: Measure, table: FigureTable) =>
    gridHtml(measure, table, t(`transparency-table-${table.id}`), table.id, cell);

  const measureHtml = (measure: Measure) => {
    const title = t(`transparency-measure-${measure.id}`);
    const body = measure.publishable
      ? `${chart(measure, months, texts.t(locale, "transparency-chart-label", { measure: texts.t(locale, `transparency-measure-${measure.id}`) }), shown)}
<p class="total">${t("transparency-total", { count: stripTags(shown(measure.total)) })}</p>
${measure.tables.map((table) => tableHtml(measure, table)).join("\n")}
${measure.id === "satisfaction" ? measure.tables.map((table) => meansHtml(measure, table)).join("\n") : ""}`
      : `<p class="muted">${t("transparency-not-publishable", { k: report.k })}</p>`;
    return `<section id="${measure.id}" data-measure="${measure.id}">
<h2>${title}</h2>
<p>${t(`transparency-measure-${measure.id}-explained`)}</p>
${body}
</section>`;
  };

  const medianRow = (label: string, items: MedianDays[]) =>
    `<tr><th scope="row">${label}</th>${items
      .map((item) =>
        item.days === null
          ? `<td class="under-k">${t("transparency-median-too-few", { k: report.k })}</td>`
          : `<td>${t("transparency-median-days", { days: item.days })}</td>`,
      )
      .join("")}</tr>`;

  const how = [
    t("transparency-how-months"),
    t("transparency-how-small", { k: report.k }),
    t("transparency-how-areas", { k: report.k }),
    t("transparency-how-rounding", { above: report.rounding.above, to: report.rounding.to }),
    t("transparency-how-medians", { k: report.k }),
    t("transparency-how-dates"),
    t("transparency-how-satisfaction", { k: report.k }),
    t("transparency-how-updated"),
    t("transparency-how-nothing"),
  ];

  const html = `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t("transparency-title")}</title>
<link rel="alternate" type="application/json" href="/transparency.json">
<link rel="alternate" type="text/csv" href="/transparency.csv">
<style>${style}</style>
</head>
<body>
<main>
<header>
<a class="lang" href="/transparency?lang=${other}" hreflang="${other}" lang="${other}">${t("transparency-other-language")}</a>
<h1>${t("transparency-title")}</h1>
<p>${t("transparency-intro")}</p>
<p class="muted">${t("transparency-period", { from: months[0] ?? "", to: months[months.length - 1] ?? "", updated })}</p>
<p>${t("transparency-downloads")} <a href="/transparency.json">${t("transparency-download-json")}</a> · <a href="/transparency.csv">${t("transparency-download-csv")}</a></p>
<p class="muted" id="legend">${t("transparency-legend", { k: report.k, above: report.rounding.above, to: report.rounding.to })}</p>
<nav><strong>${t("transparency-contents")}</strong><ul>
${report.measures.map((measure) => `<li><a href="#${measure.id}">${t(`transparency-measure-${measure.id}`)}</a></li>`).join("\n")}
<li><a href="#medians">${t("transparency-medians-title")}</a></li>
<li><a href="#how">${t("transparency-how-title")}</a></li>
</ul></nav>
</header>
${report.measures.map(measureHtml).join("\n")}
<section id="medians">
<h2>${t("transparency-medians-title")}</h2>
<div class="scroll"><table>
<thead><tr><th scope="col">${t("transparency-month")}</th>${months.map((month) => `<th scope="col">${escapeHtml(month)}</th>`).join("")}</tr></thead>
<tbody>
${medianRow(t("transparency-median-acknowledge"), report.medians.acknowledge)}
${medianRow(t("transparency-median-close"), report.medians.close)}
</tbody></table></div>
</section>
<section id="how">
<h2>${t("transparency-how-title")}</h2>
${how.map((paragraph) => `<p>${paragraph}</p>`).join("\n")}
</section>
</main>
</body>
</html>
`;
  return { html, styleHash };
}

/**
 * A bar per month. Hidden months get no bar (its height would tell the count), only their mark
 * ("< 5" or "—") at the baseline. The numbers are in the table below, for screen readers too.
 */
function chart(measure: Measure, months: string[], label: string, shown: (figure: Figure) => string): string {
  return barChart({
    label,
    slots: months.map(shortMonth),
    series: [
      {
        label,
        colour: "#1f6feb",
        bars: measure.monthly.map((figure) => ({
          value: figure.status === "published" ? figure.count! : null,
          text: stripTags(shown(figure)),
          className: figure.status,
        })),
      },
    ],
  });
}

/** "ธ.ค. 68" / "Dec 2025": Thai months with Buddhist-era years, as readers write them. */
export function monthLabel(month: string, locale: Locale): string {
  const [year, monthNumber] = month.split("-").map(Number) as [number, number];
  const date = new Date(Date.UTC(year, monthNumber - 1, 15));
  return new Intl.DateTimeFormat(locale === "th" ? "th-TH-u-ca-buddhist" : "en-GB", {
    month: "short",
    year: locale === "th" ? "2-digit" : "numeric",
    timeZone: "UTC",
  }).format(date);
}

/** Under a narrow bar only the month's name fits. */
function shortMonth(label: string): string {
  return label.split(" ")[0] ?? label;
}

function stripTags(html: string): string {
  return html
    .replace(/<[^>]*>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}
