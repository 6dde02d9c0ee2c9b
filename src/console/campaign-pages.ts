import { supportedLocales, type Locale } from "../i18n";
import type { Message } from "../line/gateway";
import type { CampaignSummary, RunSummary } from "../awareness/campaign-service";
import type { CampaignDocument } from "../awareness/campaigns";
import { topics } from "../awareness/topics";
import { html, type Html } from "./html";
import { layout, type PageContext } from "./pages";
import {
  messageField,
  messageKinds,
  problemText,
  slotsOf,
  value,
  values,
  type CampaignForm,
} from "./campaign-form";
import { linePreview } from "./line-preview";

const t = (page: PageContext, key: string, args?: Record<string, string | number>) =>
  page.f.t(page.locale, key, args);

/** A run as the pages show it: the run's own counters and what it still has to send. */
export type RunRow = RunSummary & { remaining: number };

export interface CampaignRow {
  summary: CampaignSummary;
  lastRun?: RunRow;
}

const when = (page: PageContext, iso: string | undefined) =>
  iso ? page.f.dateTime(new Date(iso), page.locale) : "—";

function statusBadge(page: PageContext, status: CampaignDocument["status"]): Html {
  return html`<span class="status c-${status}">${t(page, `console-campaign-status-${status}`)}</span>`;
}

function scheduleText(page: PageContext, summary: CampaignSummary): string {
  if (!summary.schedule) return t(page, "console-campaign-schedule-none");
  if ("at" in summary.schedule)
    return t(page, "console-campaign-schedule-once", { at: when(page, summary.schedule.at) });
  return t(page, "console-campaign-schedule-cron", { cron: summary.schedule.cron });
}

function progress(page: PageContext, run: RunRow): Html {
  const c = run.counts;
  return html`<span class="progress">
    <span class="p-sent">${t(page, "console-run-sent", { n: c.sent })}</span>
    <span class="p-failed">${t(page, "console-run-failed", { n: c.failed })}</span>
    <span class="p-remaining">${t(page, "console-run-remaining", { n: run.remaining })}</span>
    ${c.skipped > 0 ? html`<span class="p-skipped">${t(page, "console-run-skipped", { n: c.skipped })}</span>` : ""}
  </span>`;
}

function notice(text: string | undefined): Html | "" {
  return text ? html`<p class="notice" role="status">${text}</p>` : "";
}

/** Campaign staff's home: every campaign with its status, next run and the last run's progress. */
export function campaignListPage(page: PageContext, rows: CampaignRow[], message?: string): string {
  return layout(
    page,
    t(page, "console-campaigns-title"),
    html`<h1>${t(page, "console-campaigns-title")}</h1>
      ${notice(message)}
      <p><a class="button primary" href="/console/campaigns/new">${t(page, "console-campaign-new")}</a></p>
      ${
        rows.length === 0
          ? html`<p class="hint">${t(page, "console-campaigns-empty")}</p>`
          : html`<ul class="campaigns">
              ${rows.map(
                ({ summary, lastRun }) =>
                  html`<li class="campaign">
                    <a class="name" href="/console/campaigns/${summary.id}">${summary.name}</a>
                    ${statusBadge(page, summary.status)}
                    <span class="meta">${scheduleText(page, summary)}</span>
                    <span class="meta"
                      >${t(page, "console-campaign-next-run")}: ${when(page, summary.nextRunAt)}</span
                    >
                    <span class="meta"
                      >${t(page, "console-campaign-last-run")}:
                      ${
                        lastRun
                          ? html`${when(page, lastRun.scheduledAt)} ·
                            ${t(page, `console-run-status-${lastRun.status}`)} ${progress(page, lastRun)}`
                          : "—"
                      }</span
                    >
                  </li>`,
              )}
            </ul>`
      }`,
  );
}

export interface ComposerView {
  /** Where the form posts: /console/campaigns/new or /console/campaigns/<id>/edit. */
  action: string;
  isNew: boolean;
  form: CampaignForm;
  /** Problems by form field name ("" for the campaign as a whole). */
  problems: Map<string, string[]>;
  /** The draft drawn as LINE draws it, per language, after "Preview". */
  preview?: Partial<Record<Locale, Message[]>>;
  message?: string;
  status?: CampaignDocument["status"];
  /** The provinces staff may limit the audience to, named in their language. */
  provinces: Array<{ id: string; name: string }>;
}

/** The composer: every field of the campaign schema, problems next to their fields, the preview beside. */
export function composerPage(page: PageContext, view: ComposerView): string {
  const { form } = view;
  const errors = (field: string): Html | "" => {
    const list = view.problems.get(field);
    if (!list?.length) return "";
    return html`<span class="field-error" id="err-${field}"
      >${list.map((text) => html`<span>${text}</span>`)}</span
    >`;
  };
  const invalid = (field: string) => (view.problems.has(field) ? html` aria-invalid="true"` : "");
  const text = (field: string, label: string, extra: Html | "" = "") =>
    html`<label
      >${label}<input
        type="text"
        name="${field}"
        value="${value(form, field)}"
        ${invalid(field)}
        ${extra}
      />${errors(field)}</label
    >`;
  const checked = (on: boolean) => (on ? html` checked` : "");
  const selected = (on: boolean) => (on ? html` selected` : "");
  const title = view.isNew ? t(page, "console-campaign-new") : t(page, "console-campaign-edit");
  const scheduleKind = value(form, "scheduleKind") || "none";

  const slot = (locale: Locale, index: number) => {
    const field = (name: string) => messageField(locale, index, name);
    const kind = value(form, field("type"));
    return html`<fieldset class="message-slot">
      <legend>${t(page, "console-campaign-message", { n: index + 1 })}</legend>
      <label
        >${t(page, "console-campaign-message-kind")}
        <select name="${field("type")}">
          <option value="" ${selected(!kind)}>${t(page, "console-campaign-kind-none")}</option>
          ${messageKinds.map(
            (k) =>
              html`<option value="${k}" ${selected(kind === k)}>
                ${t(page, `console-campaign-kind-${k}`)}
              </option>`,
          )}
        </select>
        ${errors(field("type"))}
      </label>
      ${errors(messageField(locale, index, "").slice(0, -1))}
      <label class="only-text"
        >${t(page, "console-campaign-text")}<textarea
          name="${field("text")}"
          rows="5"
          ${invalid(field("text"))}
        >
${value(form, field("text"))}</textarea
        >${errors(field("text"))}</label
      >
      <div class="only-image">
        ${text(field("originalContentUrl"), t(page, "console-campaign-image-url"), html`inputmode="url"`)}
        ${text(field("previewImageUrl"), t(page, "console-campaign-image-preview-url"), html`inputmode="url"`)}
      </div>
      <div class="only-flex">
        ${text(field("altText"), t(page, "console-campaign-flex-alt"))}
        <label
          >${t(page, "console-campaign-flex-json")}<textarea
            name="${field("contents")}"
            rows="8"
            class="code-input"
            spellcheck="false"
            ${invalid(field("contents"))}
          >
${value(form, field("contents"))}</textarea
          >${errors(field("contents"))}</label
        >
      </div>
    </fieldset>`;
  };

  const localeSection = (locale: Locale) =>
    html`<section class="locale-content">
      <h2>${t(page, `console-campaign-content-${locale}`)}</h2>
      ${errors(`content.${locale}`)}
      ${Array.from({ length: slotsOf(form, locale) }, (_, index) => slot(locale, index))}
      <p class="hint">${t(page, "console-campaign-content-hint")}</p>
    </section>`;

  const previewSection = view.preview
    ? html`<section class="preview" id="preview">
        <h2>${t(page, "console-campaign-preview")}</h2>
        <p class="hint">${t(page, "console-campaign-preview-hint")}</p>
        <div class="previews">
          ${supportedLocales.map((locale) =>
            view.preview![locale]
              ? html`<div class="phone">
                  <h3>${t(page, `console-campaign-content-${locale}`)}</h3>
                  ${linePreview(view.preview![locale]!, {
                    image: t(page, "console-campaign-preview-image"),
                    emptyFlex: t(page, "console-campaign-preview-empty-flex"),
                  })}
                </div>`
              : "",
          )}
        </div>
      </section>`
    : "";

  return layout(
    page,
    title,
    html`<p><a href="/console/campaigns">← ${t(page, "console-campaigns-title")}</a></p>
      <h1>${title}</h1>
      ${notice(view.message)}
      ${
        view.problems.size > 0
          ? html`<p class="problems" role="alert">
              ${t(page, "console-campaign-has-problems", { n: [...view.problems.values()].flat().length })}
            </p>`
          : ""
      }
      ${errors("")} ${previewSection}
      <form method="post" action="${view.action}" class="composer" novalidate>
        <input type="hidden" name="csrf" value="${page.csrf ?? ""}" />
        <section>
          <h2>${t(page, "console-campaign-about")}</h2>
          ${text("name", t(page, "console-campaign-name"))}
          ${
            view.isNew
              ? text("id", t(page, "console-campaign-id"), html`autocapitalize="off"`)
              : html`<input type="hidden" name="id" value="${value(form, "id")}" />
                  <p class="hint">${t(page, "console-campaign-id")}: <code>${value(form, "id")}</code></p>`
          }
          ${view.isNew ? html`<p class="hint">${t(page, "console-campaign-id-hint")}</p>` : ""}
          <label
            >${t(page, "console-campaign-description")}<textarea name="description" rows="2">
${value(form, "description")}</textarea
            >${errors("description")}</label
          >
        </section>
        ${errors("content")} ${supportedLocales.map(localeSection)}
        <section>
          <h2>${t(page, "console-campaign-audience")}</h2>
          <fieldset class="choices" ${invalid("topics")}>
            <legend>${t(page, "console-campaign-topics")}</legend>
            ${topics.map(
              (topic) =>
                html`<label class="inline"
                  ><input
                    type="checkbox"
                    name="topics"
                    value="${topic}"
                    ${checked(values(form, "topics").includes(topic))}
                  />
                  ${t(page, `awareness-topic-${topic}`)}</label
                >`,
            )}
            ${errors("topics")}
          </fieldset>
          <label
            >${t(page, "console-campaign-default-locale")}
            <select name="defaultLocale">
              ${supportedLocales.map(
                (locale) =>
                  html`<option value="${locale}" ${selected(value(form, "defaultLocale") === locale)}>
                    ${t(page, `console-campaign-content-${locale}`)}
                  </option>`,
              )}
            </select>
            ${errors("defaultLocale")}
          </label>
          <p class="hint">${t(page, "console-campaign-audience-hint")}</p>
          <details
            class="provinces"
            ${values(form, "audience.provinces").length > 0 || view.problems.has("audience.provinces") ? html` open` : ""}
          >
            <summary>
              ${t(page, "console-campaign-provinces")}:
              ${
                values(form, "audience.provinces").length > 0
                  ? t(page, "console-campaign-provinces-some", {
                      n: values(form, "audience.provinces").length,
                    })
                  : t(page, "console-campaign-provinces-all")
              }
            </summary>
            <p class="hint">${t(page, "console-campaign-provinces-hint")}</p>
            <div class="province-list">
              ${view.provinces.map(
                (province) =>
                  html`<label class="inline"
                    ><input
                      type="checkbox"
                      name="audience.provinces"
                      value="${province.id}"
                      ${checked(values(form, "audience.provinces").includes(province.id))}
                    />
                    ${province.name}</label
                  >`,
              )}
            </div>
            ${errors("audience.provinces")} ${errors("audience")}
          </details>
        </section>
        <section>
          <h2>${t(page, "console-campaign-schedule")}</h2>
          ${errors("schedule")}
          <fieldset class="choices">
            <legend>${t(page, "console-campaign-schedule-kind")}</legend>
            ${(["none", "once", "cron"] as const).map(
              (kind) =>
                html`<label class="inline"
                  ><input
                    type="radio"
                    name="scheduleKind"
                    value="${kind}"
                    ${checked(scheduleKind === kind)}
                  />
                  ${t(page, `console-campaign-schedule-kind-${kind}`)}</label
                >`,
            )}
          </fieldset>
          <label
            >${t(page, "console-campaign-at")}<input
              type="datetime-local"
              name="schedule.at"
              value="${value(form, "schedule.at")}"
              ${invalid("schedule.at")}
            />${errors("schedule.at")}</label
          >
          ${text("schedule.cron", t(page, "console-campaign-cron"), html`autocapitalize="off" placeholder="0 10 * * 2"`)}
          <p class="hint">${t(page, "console-campaign-cron-hint")}</p>
          <div class="pair">
            <label
              >${t(page, "console-campaign-start-at")}<input
                type="datetime-local"
                name="startAt"
                value="${value(form, "startAt")}"
                ${invalid("startAt")}
              />${errors("startAt")}</label
            >
            <label
              >${t(page, "console-campaign-end-at")}<input
                type="datetime-local"
                name="endAt"
                value="${value(form, "endAt")}"
                ${invalid("endAt")}
              />${errors("endAt")}</label
            >
          </div>
          <p class="hint">${t(page, "console-campaign-time-zone")}</p>
          <label class="inline"
            ><input
              type="checkbox"
              name="quietHours.enabled"
              value="on"
              ${checked(Boolean(value(form, "quietHours.enabled")))}
            />
            ${t(page, "console-campaign-quiet-hours")}</label
          >
          <div class="pair">
            <label
              >${t(page, "console-campaign-quiet-start")}<input
                type="time"
                name="quietHours.start"
                value="${value(form, "quietHours.start")}"
                ${invalid("quietHours.start")}
              />${errors("quietHours.start")}</label
            >
            <label
              >${t(page, "console-campaign-quiet-end")}<input
                type="time"
                name="quietHours.end"
                value="${value(form, "quietHours.end")}"
                ${invalid("quietHours.end")}
              />${errors("quietHours.end")}</label
            >
          </div>
          ${errors("quietHours")}
          <p class="hint">${t(page, "console-campaign-quiet-hint")}</p>
        </section>
        <section class="composer-actions">
          <button type="submit" name="intent" value="preview">
            ${t(page, "console-campaign-do-preview")}
          </button>
          <button type="submit" name="intent" value="test">${t(page, "console-campaign-do-test")}</button>
          <label class="inline"
            >${t(page, "console-campaign-test-language")}
            <select name="testLocale">
              ${supportedLocales.map(
                (locale) =>
                  html`<option value="${locale}" ${selected(locale === page.locale)}>
                    ${t(page, `console-campaign-content-${locale}`)}
                  </option>`,
              )}
            </select></label
          >
          <button type="submit" name="intent" value="save">${t(page, "console-campaign-do-save")}</button>
          ${
            !view.status || view.status === "draft"
              ? html`<button type="submit" name="intent" value="schedule" class="primary">
                  ${t(page, "console-campaign-do-schedule")}
                </button>`
              : ""
          }
          <p class="hint">${t(page, "console-campaign-actions-hint")}</p>
        </section>
      </form>`,
  );
}

export interface CampaignView {
  campaign: CampaignDocument;
  summary: CampaignSummary;
  runs: RunRow[];
  /** Opened and clicked from LINE's statistics (the reach job), as shown texts; per run by run key. */
  reach: { campaign: ReachShown; runs: Map<string, ReachShown> };
  provinceName(id: string): string;
  preview: Partial<Record<Locale, Message[]>>;
  message?: string;
}

type ReachShown = { opened: string; clicked: string };

const actionsFor: Record<CampaignDocument["status"], Array<"schedule" | "pause" | "resume" | "cancel">> = {
  draft: ["schedule", "cancel"],
  scheduled: ["pause", "cancel"],
  paused: ["resume", "cancel"],
  done: [],
  cancelled: [],
};

/** One campaign: what it is, what it sends (drawn as LINE draws it), its actions and its runs. */
export function campaignPage(page: PageContext, view: CampaignView): string {
  const { campaign, summary } = view;
  const editable = ["draft", "scheduled", "paused"].includes(campaign.status);
  const base = `/console/campaigns/${campaign._id}`;
  return layout(
    page,
    campaign.name,
    html`<p><a href="/console/campaigns">← ${t(page, "console-campaigns-title")}</a></p>
      <h1>${campaign.name}</h1>
      ${notice(view.message)}
      <section>
        <dl>
          <dt>${t(page, "console-campaign-status")}</dt>
          <dd>${statusBadge(page, campaign.status)}</dd>
          <dt>${t(page, "console-campaign-schedule")}</dt>
          <dd>${scheduleText(page, summary)}</dd>
          <dt>${t(page, "console-campaign-next-run")}</dt>
          <dd>${when(page, summary.nextRunAt)}</dd>
          <dt>${t(page, "console-campaign-topics")}</dt>
          <dd>${campaign.topics.map((topic) => t(page, `awareness-topic-${topic}`)).join(", ")}</dd>
          <dt>${t(page, "console-campaign-provinces")}</dt>
          <dd>
            ${
              campaign.audience?.provinces?.length
                ? campaign.audience.provinces.map((id) => view.provinceName(id)).join(", ")
                : t(page, "console-campaign-provinces-all")
            }
          </dd>
          <dt>${t(page, "console-campaign-reach")}</dt>
          <dd>${reachText(page, view.reach.campaign)}</dd>
          <dt>${t(page, "console-campaign-quiet-hours")}</dt>
          <dd>
            ${
              campaign.quietHours
                ? `${campaign.quietHours.start}–${campaign.quietHours.end}`
                : t(page, "console-campaign-quiet-off")
            }
          </dd>
        </dl>
        <div class="campaign-actions">
          ${editable ? html`<a class="button" href="${base}/edit">${t(page, "console-campaign-edit")}</a>` : ""}
          ${actionsFor[campaign.status].map(
            (action) =>
              html`<form method="post" action="${base}/${action}">
                <input type="hidden" name="csrf" value="${page.csrf ?? ""}" />
                <button type="submit" ${action === "schedule" ? html` class="primary"` : ""}>
                  ${t(page, `console-campaign-do-${action}`)}
                </button>
              </form>`,
          )}
        </div>
      </section>
      <section class="runs">
        <h2>${t(page, "console-runs")}</h2>
        <p><a href="${base}">${t(page, "console-runs-refresh")}</a></p>
        ${
          view.runs.length === 0
            ? html`<p class="hint">${t(page, "console-runs-empty")}</p>`
            : html`<ul class="runs">
                ${view.runs.map(
                  (run) =>
                    html`<li class="run r-${run.status}">
                      <span>${when(page, run.scheduledAt)}</span>
                      <span class="status">${t(page, `console-run-status-${run.status}`)}</span>
                      ${progress(page, run)}
                      ${
                        view.reach.runs.get(run.runKey)
                          ? html`<span class="meta"
                              >${reachText(page, view.reach.runs.get(run.runKey)!)}</span
                            >`
                          : ""
                      }
                      ${run.reason ? html`<span class="meta">${runReason(page, run.reason)}</span>` : ""}
                    </li>`,
                )}
              </ul>`
        }
      </section>
      <section class="preview">
        <h2>${t(page, "console-campaign-preview")}</h2>
        <div class="previews">
          ${supportedLocales.map((locale) =>
            view.preview[locale]
              ? html`<div class="phone">
                  <h3>${t(page, `console-campaign-content-${locale}`)}</h3>
                  ${linePreview(view.preview[locale]!, {
                    image: t(page, "console-campaign-preview-image"),
                    emptyFlex: t(page, "console-campaign-preview-empty-flex"),
                  })}
                </div>`
              : "",
          )}
        </div>
      </section>`,
  );
}

function reachText(page: PageContext, reach: ReachShown): string {
  return t(page, "console-campaign-reach-figures", { opened: reach.opened, clicked: reach.clicked });
}

/** The scheduler's reasons for a run's state, in the staff's language; another (a delivery error) as its code. */
const runReasons: Array<[RegExp, string]> = [
  [/^quiet hours$/, "quiet-hours"],
  [/^superseded by a newer run$/, "superseded"],
  [/^campaign cancelled$/, "cancelled"],
  [/^missed; campaign ended before it could run$/, "missed"],
  [/^campaign ended before the run could start$/, "ended"],
  [/^gave up after (\d+) attempts$/, "gave-up"],
];

function runReason(page: PageContext, reason: string): Html | string {
  for (const [pattern, name] of runReasons) {
    const found = pattern.exec(reason);
    if (found) return t(page, `console-run-reason-${name}`, { n: found[1] ?? "" });
  }
  return html`<code>${reason}</code>`;
}

/** Problems grouped by the form field they are shown at, localized. */
export function problemsByField(
  page: PageContext,
  problems: Array<{ field: string; path: string; message: string }>,
): Map<string, string[]> {
  const byField = new Map<string, string[]>();
  for (const problem of problems) {
    const { key, args } = problemText(problem);
    const label = problem.path ? `${problem.path}: ` : "";
    const list = byField.get(problem.field) ?? [];
    list.push(label + page.f.t(page.locale, key, args));
    byField.set(problem.field, list);
  }
  return byField;
}
