import type { Locale } from "../i18n";
import { tipCategories, type TipCategory, type TipStatus } from "../tips/tip";
import { barChart, type BarSeries } from "../transparency/bar-chart";
import { monthLabel } from "../transparency/render-page";
import type { Figure } from "../transparency/figures";
import type { Dimension, FigureRow, FiguresFilters, SupervisorFigures, Timing } from "./figures";
import type { PublishedSatisfaction } from "./figures-routes";
import { html, Html } from "./html";
import { layout, type PageContext } from "./pages";

const dayMs = 86_400_000;

const t = (page: PageContext, key: string, args?: Record<string, string | number>) =>
  page.f.t(page.locale, key, args);

/** A duration as days with one decimal, the unit both deadlines are set in; "–" when nothing was measured. */
export function days(page: Pick<PageContext, "f" | "locale">, ms: number | null): string {
  if (ms === null) return "–";
  return page.f.t(page.locale, "console-figures-days", { days: (ms / dayMs).toFixed(1) });
}

/** What a row's key is called: a month, a district, a category or a status, in the officer's language. */
export function rowName(page: Pick<PageContext, "f" | "locale">, dimension: Dimension, key: string): string {
  const { f, locale } = page;
  if (dimension === "month") return monthLabel(key, locale);
  if (dimension === "district")
    return key === "none" ? f.t(locale, "place-outside-label") : f.district({ districtId: key }, locale);
  if (dimension === "category") return f.category({ category: key as TipCategory }, locale);
  return f.status(key as TipStatus, locale);
}

/** The query string of the current filters, for the CSV link and the filter form. */
export function figuresSearch(filters: FiguresFilters): string {
  const params = new URLSearchParams({
    from: filters.months[0]!,
    to: filters.months[filters.months.length - 1]!,
  });
  if (filters.district) params.set("district", filters.district);
  if (filters.category) params.set("category", filters.category);
  return params.toString();
}

function select(name: string, label: string, options: Array<[string, string]>, chosen?: string): Html {
  return html`<label
    >${label}<select name="${name}">
      ${options.map(
        ([value, text]) =>
          html`<option value="${value}" ${value === (chosen ?? "") ? html` selected` : ""}>${text}</option>`,
      )}
    </select></label
  >`;
}

function timingCells(page: PageContext, timing: Timing): Html {
  return html`<td>${days(page, timing.median)}</td>
    <td>${days(page, timing.p90)}</td>`;
}

function table(page: PageContext, dimension: Dimension, rows: FigureRow[], total: FigureRow): Html {
  const row = (cells: FigureRow, name: string, tag: "th" | "td") =>
    html`<tr data-key="${cells.key}">
      ${tag === "th" ? html`<th scope="row">${name}</th>` : html`<td>${name}</td>`}
      <td>${cells.cases}</td>
      <td>${cells.open}</td>
      <td>${cells.closed}</td>
      <td class="met">${cells.acknowledge.met}</td>
      <td class="missed">${cells.acknowledge.missed}</td>
      <td>${cells.acknowledge.pending}</td>
      <td class="met">${cells.feedback.met}</td>
      <td class="missed">${cells.feedback.missed}</td>
      <td>${cells.feedback.pending}</td>
      ${timingCells(page, cells.toAcknowledge)} ${timingCells(page, cells.toClose)}
    </tr>`;
  const heading = (key: string) => html`<th scope="col">${t(page, key)}</th>`;
  return html`<section>
    <h2>${t(page, `console-figures-by-${dimension}`)}</h2>
    <div class="scroll">
      <table class="figures" data-dimension="${dimension}">
        <thead>
          <tr>
            ${heading(`console-figures-column-${dimension}`)} ${heading("console-figures-column-cases")}
            ${heading("console-figures-column-open")} ${heading("console-figures-column-closed")}
            ${heading("console-figures-column-ack-met")} ${heading("console-figures-column-ack-missed")}
            ${heading("console-figures-column-ack-pending")} ${heading("console-figures-column-feedback-met")}
            ${heading("console-figures-column-feedback-missed")}
            ${heading("console-figures-column-feedback-pending")}
            ${heading("console-figures-column-ack-median")} ${heading("console-figures-column-ack-p90")}
            ${heading("console-figures-column-close-median")} ${heading("console-figures-column-close-p90")}
          </tr>
        </thead>
        <tbody>
          ${rows.map((cells) => row(cells, rowName(page, dimension, cells.key), "th"))}
        </tbody>
        <tfoot>
          ${row(total, t(page, "console-figures-total"), "td")}
        </tfoot>
      </table>
    </div>
  </section>`;
}

/** Two bars a month, met and missed, for one deadline rule. */
function deadlineChart(
  page: PageContext,
  figures: SupervisorFigures,
  rule: "acknowledge" | "feedback",
): Html {
  const months = figures.rows.month;
  const series = (kind: "met" | "missed", colour: string): BarSeries => ({
    label: t(page, `console-figures-chart-${kind}`),
    colour,
    bars: months.map((row) => ({ value: row[rule][kind], text: String(row[rule][kind]), className: kind })),
  });
  return new Html(
    barChart({
      label: t(page, `console-figures-chart-${rule}`),
      slots: months.map((row) => shortMonth(row.key, page.locale)),
      series: [series("met", "#1a7f37"), series("missed", "#d93025")],
    }),
  );
}

function shortMonth(month: string, locale: Locale): string {
  return monthLabel(month, locale).split(" ")[0] ?? month;
}

/** A published figure as the transparency page shows it: the count, "< 5" or "—". */
export function shownFigure(page: Pick<PageContext, "f" | "locale">, figure: Figure): string {
  if (figure.status === "published") return String(figure.count);
  return figure.status === "under-k"
    ? page.f.t(page.locale, "transparency-under-k", { k: 5 })
    : page.f.t(page.locale, "transparency-withheld");
}

/** A published mean rating with one decimal, or "—" where it may not be shown. */
export function shownMean(page: Pick<PageContext, "f" | "locale">, figure: Figure): string {
  return typeof figure.mean === "number"
    ? figure.mean.toFixed(1)
    : page.f.t(page.locale, "transparency-withheld");
}

/** Satisfaction by closing month for the whole office, exactly as published (k = 5). */
function satisfactionSection(page: PageContext, published: PublishedSatisfaction | undefined): Html | "" {
  if (!published) return "";
  const { months, measure } = published;
  const row = (name: string, figure: Figure, key: string) =>
    html`<tr data-key="${key}">
      <th scope="row">${name}</th>
      <td>${shownFigure(page, figure)}</td>
      <td>${shownMean(page, figure)}</td>
    </tr>`;
  return html`<section>
    <h2>${t(page, "transparency-measure-satisfaction")}</h2>
    <p class="hint">${t(page, "console-figures-satisfaction-explained")}</p>
    ${
      measure.publishable
        ? html`<div class="scroll">
            <table class="figures" data-dimension="satisfaction">
              <thead>
                <tr>
                  <th scope="col">${t(page, "console-figures-satisfaction-month")}</th>
                  <th scope="col">${t(page, "console-figures-satisfaction-answers")}</th>
                  <th scope="col">${t(page, "console-figures-satisfaction-mean")}</th>
                </tr>
              </thead>
              <tbody>
                ${measure.monthly.map((figure, index) => row(monthLabel(months[index]!, page.locale), figure, months[index]!))}
              </tbody>
              <tfoot>
                ${row(t(page, "console-figures-total"), measure.total, "total")}
              </tfoot>
            </table>
          </div>`
        : html`<p class="empty">${t(page, "console-figures-satisfaction-none")}</p>`
    }
  </section>`;
}

/**
 * The supervisors' figures page: filters, the headline numbers, charts drawn on the server as SVG
 * (the console's CSP allows no script) and one table per dimension, with a CSV of the same figures.
 */
export function figuresPage(
  page: PageContext,
  figures: SupervisorFigures,
  choices: { districts: string[]; satisfaction?: PublishedSatisfaction | undefined },
): string {
  const { f, locale } = page;
  const { filters, total } = figures;
  const months = figures.rows.month;
  const casesChart = new Html(
    barChart({
      label: t(page, "console-figures-chart-cases"),
      slots: months.map((row) => shortMonth(row.key, locale)),
      series: [
        {
          label: t(page, "console-figures-chart-cases"),
          colour: "#1f6feb",
          bars: months.map((row) => ({ value: row.cases, text: String(row.cases), className: "cases" })),
        },
      ],
    }),
  );
  const districtOptions: Array<[string, string]> = [
    ["", t(page, "console-any")],
    ...choices.districts
      .map((id): [string, string] => [id, f.district({ districtId: id }, locale)])
      .sort((a, b) => a[1].localeCompare(b[1], locale)),
  ];
  const categoryOptions: Array<[string, string]> = [
    ["", t(page, "console-any")],
    ...tipCategories.map((category): [string, string] => [category, f.category({ category }, locale)]),
  ];
  const headline = (key: string, value: string | number) =>
    html`<div class="figure"><span class="label">${t(page, key)}</span><b>${value}</b></div>`;
  return layout(
    page,
    t(page, "console-figures-title"),
    html`<p><a href="/console">← ${t(page, "console-queue-title")}</a></p>
      <h1>${t(page, "console-figures-title")}</h1>
      <p class="scope">${page.officer ? f.scope(page.officer.scope, locale) : ""}</p>
      <form method="get" action="/console/figures" class="filters">
        <label
          >${t(page, "console-figures-from")}<input
            type="month"
            name="from"
            value="${filters.months[0]!}"
            required
        /></label>
        <label
          >${t(page, "console-figures-to")}<input
            type="month"
            name="to"
            value="${filters.months[filters.months.length - 1]!}"
            required
        /></label>
        ${select("district", t(page, "officer-field-district"), districtOptions, filters.district)}
        ${select("category", t(page, "officer-field-category"), categoryOptions, filters.category)}
        <button type="submit">${t(page, "console-filter")}</button>
      </form>
      <p>
        <a href="/console/figures.csv?${figuresSearch(filters)}" download
          >${t(page, "console-figures-csv")}</a
        >
      </p>
      <section class="headline">
        ${headline("console-figures-column-cases", total.cases)}
        ${headline("console-figures-column-open", total.open)}
        ${headline("console-figures-column-closed", total.closed)}
        ${headline("console-figures-ack-met-of", `${total.acknowledge.met} / ${total.acknowledge.met + total.acknowledge.missed}`)}
        ${headline("console-figures-feedback-met-of", `${total.feedback.met} / ${total.feedback.met + total.feedback.missed}`)}
        ${headline("console-figures-column-ack-median", days(page, total.toAcknowledge.median))}
        ${headline("console-figures-column-ack-p90", days(page, total.toAcknowledge.p90))}
        ${headline("console-figures-column-close-median", days(page, total.toClose.median))}
        ${headline("console-figures-column-close-p90", days(page, total.toClose.p90))}
      </section>
      <p class="hint">${t(page, "console-figures-explained")}</p>
      <section class="charts">
        <figure>${casesChart}</figure>
        <figure>${deadlineChart(page, figures, "acknowledge")}</figure>
        <figure>${deadlineChart(page, figures, "feedback")}</figure>
      </section>
      ${(["month", "district", "category", "status"] as const).map((dimension) =>
        table(page, dimension, figures.rows[dimension], total),
      )}
      ${satisfactionSection(page, choices.satisfaction)}`,
  );
}
