import type { Locale } from "../i18n";
import type { AuditEntry } from "../officers/audit";
import type { CaseView } from "../officers/cases";
import type { CaseFormatter } from "../officers/format";
import type { Officer } from "../officers/models";
import { closeReasons } from "../officers/postback";
import { mayRunCampaigns, roleAtLeast } from "../officers/roles";
import { tipCategories, tipStatuses, type Tip, type TipStatus } from "../tips/tip";
import { html, type Html } from "./html";
import { assignmentStates, type DeadlineState, type QueuePage, type QueueQuery } from "./queue";

/** What every page needs: texts, the officer (when signed in) and the session's CSRF token for forms. */
export interface PageContext {
  f: CaseFormatter;
  locale: Locale;
  officer?: Officer;
  csrf?: string;
}

const t = (page: PageContext, key: string, args?: Record<string, string | number>) =>
  page.f.t(page.locale, key, args);

/** The frame of every console page: no script at all, one same-origin stylesheet, phone-first. */
export function layout(page: PageContext, title: string, body: Html): string {
  const signedIn =
    page.officer && page.csrf
      ? html`<nav class="console-nav">
            ${
              roleAtLeast(page.officer.role, "officer")
                ? html`<a href="/console">${t(page, "console-nav-cases")}</a>`
                : ""
            }
            ${
              mayRunCampaigns(page.officer.role)
                ? html`<a href="/console/campaigns">${t(page, "console-nav-campaigns")}</a>`
                : ""
            }
          </nav>
          <form method="post" action="/console/sign-out" class="sign-out">
            <span class="who">${page.officer.label ?? page.f.role(page.officer.role, page.locale)}</span>
            <input type="hidden" name="csrf" value="${page.csrf}" />
            <button type="submit">${t(page, "console-sign-out")}</button>
          </form>`
      : "";
  // Supervisors and admins have figures; an officer is not shown a link that would answer 403.
  const figuresLink =
    page.officer && roleAtLeast(page.officer.role, "supervisor")
      ? html`<a class="nav" href="/console/figures">${t(page, "console-figures-title")}</a>`
      : "";
  return html`<!doctype html>
    <html lang="${page.locale}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>${title} · ${t(page, "console-app-name")}</title>
        <link rel="stylesheet" href="/console/assets/console.css" />
      </head>
      <body>
        <header>
          <a class="brand" href="/console">${t(page, "console-app-name")}</a>${figuresLink}${signedIn}
        </header>
        <main>${body}</main>
      </body>
    </html> `.value;
}

/** A page that only says something: sign-in needed, link used, not found. */
export function messagePage(page: PageContext, titleKey: string, textKey: string, extra?: Html): string {
  return layout(
    page,
    t(page, titleKey),
    html`<section class="message">
      <h1>${t(page, titleKey)}</h1>
      <p>${t(page, textKey)}</p>
      ${extra}
    </section>`,
  );
}

/** The step between opening the link and the session: a link preview fetching the URL does not use it up. */
export function signInPage(page: PageContext, token: string): string {
  return layout(
    page,
    t(page, "console-sign-in-title"),
    html`<section class="message">
      <h1>${t(page, "console-sign-in-title")}</h1>
      <p>${t(page, "console-sign-in-text")}</p>
      <form method="post" action="/console/sign-in">
        <input type="hidden" name="token" value="${token}" />
        <button type="submit" class="primary">${t(page, "console-sign-in-button")}</button>
      </form>
    </section>`,
  );
}

/**
 * An audit code (action, channel, outcome, reason) in the officer's words. The log keeps codes, and
 * a code without a text yet (a new action) is shown as it is rather than hidden.
 */
function auditLabel(
  page: PageContext,
  kind: "action" | "channel" | "outcome" | "reason",
  code: string,
): string {
  const key = `console-audit-${kind}-${code}`;
  return page.f.has(page.locale, key) ? t(page, key) : code;
}

function deadlineBadge(page: PageContext, state: DeadlineState, dueAt: Date | undefined): Html | "" {
  if (!dueAt || state === "none") return "";
  return html`<span class="due ${state}"
    >${t(page, `console-deadline-${state}`)} · ${page.f.dateTime(dueAt, page.locale)}</span
  >`;
}

function option(value: string, label: string, selected: boolean): Html {
  return html`<option value="${value}" ${selected ? html` selected` : ""}>${label}</option>`;
}

function queueLink(
  query: QueueQuery,
  changes: Partial<Record<keyof QueueQuery, string | number | undefined>>,
): string {
  const params = new URLSearchParams();
  const merged: Record<string, string | number | undefined> = { ...query, ...changes };
  for (const [key, value] of Object.entries(merged)) {
    if (
      value === undefined ||
      value === "" ||
      (key === "status" && value === "open") ||
      (key === "page" && value === 1)
    )
      continue;
    params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `/console?${search}` : "/console";
}

/** The case queue: filters with their counts, the deadline chips, the page of cases, paging. */
export function queuePage(page: PageContext, query: QueueQuery, queue: QueuePage): string {
  const { counts } = queue;
  const { f, locale } = page;
  const counted = (label: string, n: number | undefined) => `${label} (${n ?? 0})`;
  const statuses = (["open", "all", ...tipStatuses] as const).map((choice) =>
    option(
      choice,
      counted(
        choice === "open" || choice === "all"
          ? t(page, `console-status-${choice}`)
          : f.status(choice, locale),
        counts.status[choice],
      ),
      query.status === choice,
    ),
  );
  const districts = Object.keys(counts.district)
    .map((id) => ({ id, name: f.district({ districtId: id }, locale) }))
    .sort((a, b) => a.name.localeCompare(b.name, locale));
  const chips = (["overdue", "due-soon"] as const).map(
    (state) =>
      html`<a
        class="chip ${state}${query.deadline === state ? " active" : ""}"
        href="${queueLink(query, {
          deadline: query.deadline === state ? undefined : state,
          page: 1,
        })}"
        >${t(page, `console-deadline-${state}`)} <b>${counts.deadline[state]}</b></a
      >`,
  );
  const rows = queue.rows.map(
    (row) =>
      html`<li class="case ${row.deadline}">
        <a href="/console/cases/${row.tip.ref}"><span class="code">${row.tip.code}</span></a>
        <span class="status s-${row.tip.status}">${f.status(row.tip.status, locale)}</span>
        ${deadlineBadge(page, row.deadline, row.dueAt)}
        <span class="meta">${f.category(row.tip, locale)} · ${f.district(row.tip, locale)}</span>
        <span class="meta"
          >${t(page, "console-received")}
          ${f.dateTime(row.tip.receivedAt, locale)}${
            row.tip.assignedTo
              ? html` ·
                ${t(page, row.tip.assignedTo === page.officer?._id ? "console-assigned-me" : "console-assigned-other")}`
              : ""
          }</span
        >
      </li>`,
  );
  const paging =
    queue.pages > 1
      ? html`<nav class="paging">
          ${queue.page > 1 ? html`<a href="${queueLink(query, { page: queue.page - 1 })}">${t(page, "console-page-previous")}</a>` : ""}
          <span>${t(page, "console-page-of", { page: queue.page, pages: queue.pages })}</span>
          ${queue.page < queue.pages ? html`<a href="${queueLink(query, { page: queue.page + 1 })}">${t(page, "console-page-next")}</a>` : ""}
        </nav>`
      : "";
  return layout(
    page,
    t(page, "console-queue-title"),
    html`<h1>${t(page, "console-queue-title")}</h1>
      <p class="scope">${page.officer ? f.scope(page.officer.scope, locale) : ""}</p>
      <div class="chips">${chips}</div>
      <form method="get" action="/console" class="filters">
        <label
          >${t(page, "officer-field-status")}<select name="status">
            ${statuses}
          </select></label
        >
        <label
          >${t(page, "officer-field-district")}<select name="district">
            ${option("", t(page, "console-any"), !query.district)}
            ${districts.map((d) => option(d.id, counted(d.name, counts.district[d.id]), query.district === d.id))}
          </select></label
        >
        <label
          >${t(page, "officer-field-category")}<select name="category">
            ${option("", t(page, "console-any"), !query.category)}
            ${tipCategories.map((c) => option(c, counted(f.category({ category: c }, locale), counts.category[c]), query.category === c))}
          </select></label
        >
        <label
          >${t(page, "console-deadline")}<select name="deadline">
            ${option("", t(page, "console-any"), !query.deadline)}
            ${(["overdue", "due-soon"] as const).map((d) => option(d, counted(t(page, `console-deadline-${d}`), counts.deadline[d]), query.deadline === d))}
          </select></label
        >
        <label
          >${t(page, "console-assignment")}<select name="assigned">
            ${option("", t(page, "console-any"), !query.assigned)}
            ${assignmentStates.map((a) => option(a, counted(t(page, `console-assigned-filter-${a}`), counts.assigned[a]), query.assigned === a))}
          </select></label
        >
        <label
          >${t(page, "console-search-code")}<input
            type="search"
            name="q"
            value="${query.q ?? ""}"
            maxlength="40"
            placeholder="TK-"
        /></label>
        <button type="submit">${t(page, "console-filter")}</button>
      </form>
      <p class="total">${t(page, "console-total", { count: queue.total })}</p>
      ${
        queue.rows.length === 0
          ? html`<p class="empty">${t(page, "console-queue-empty")}</p>`
          : html`<ul class="cases">
              ${rows}
            </ul>`
      }
      ${paging}`,
  );
}

export interface CasePageData {
  tip: Tip;
  view: CaseView;
  /** Evidence with the console-relative URL of its signed link. */
  evidence: Array<{ item: CaseView["evidence"][number]; url: string }>;
  /** Thread evidence ids → the links above, so an answer shows what came with it. */
  evidenceUrlById: Map<string, string>;
  deadline: { state: DeadlineState; dueAt?: Date };
  nextStatuses: TipStatus[];
  canClose: boolean;
  assignees: Array<{ id: string; label: string }>;
  audit: AuditEntry[];
  /** Who an actor string is, as colleagues may see it (officer labels), never a LINE id. */
  actorName: (actor: string) => string;
  notice?: string;
}

/** The case file: report fields, evidence, the anonymous thread, notes, actions and the audit trail. */
export function casePage(page: PageContext, data: CasePageData): string {
  const { f, locale } = page;
  const { tip, view } = data;
  const details = view.details;
  const csrf = html`<input type="hidden" name="csrf" value="${page.csrf ?? ""}" />`;
  const action = (verb: string) => `/console/cases/${tip.ref}/${verb}`;
  const field = (key: string, value: string | Html | null | undefined) =>
    value
      ? html`<dt>${t(page, key)}</dt>
          <dd>${value}</dd>`
      : "";
  const closed = tip.status === "closed";

  const evidence = data.evidence.map(({ item, url }) => {
    if (item.kind === "image")
      return html`<figure><img src="${url}" alt="${t(page, "console-evidence-image")}" /></figure>`;
    if (item.kind === "video")
      return html`<figure><video controls preload="none" src="${url}"></video></figure>`;
    if (item.kind === "audio")
      return html`<figure><audio controls preload="none" src="${url}"></audio></figure>`;
    return html`<p>
      <a href="${url}" download>${t(page, "console-evidence-file", { type: item.contentType })}</a>
    </p>`;
  });
  const thread = view.thread.map(
    (message) =>
      html`<li class="${message.direction}">
        <span class="from"
          >${t(page, message.direction === "to-reporter" ? "console-thread-officer" : "console-thread-reporter")}${
            message.direction === "to-reporter" ? html` · ${data.actorName(message.author)}` : ""
          }
          · ${f.dateTime(message.at, locale)}</span
        >
        <p>${message.text}</p>
        ${message.evidenceIds
          .map((id) => data.evidenceUrlById.get(id))
          .filter((url): url is string => Boolean(url))
          .map(
            (url) => html`<a class="attachment" href="${url}">${t(page, "console-thread-attachment")}</a> `,
          )}
      </li>`,
  );
  const notes = view.notes.map(
    (note) =>
      html`<li>
        <span class="from">${data.actorName(note.author)} · ${f.dateTime(note.at, locale)}</span>
        <p>${note.text}</p>
      </li>`,
  );
  const audit = data.audit.map(
    (entry) =>
      html`<tr>
        <td>${f.dateTime(entry.at, locale)}</td>
        <td>${data.actorName(entry.actor)}</td>
        <td>${auditLabel(page, "action", entry.action)}</td>
        <td>${auditLabel(page, "channel", entry.channel)}</td>
        <td>
          ${auditLabel(page, "outcome", entry.outcome)}${entry.reason ? ` (${auditLabel(page, "reason", entry.reason)})` : ""}
        </td>
      </tr>`,
  );
  const statusForm =
    !closed && data.nextStatuses.length > 0
      ? html`<form method="post" action="${action("status")}" class="action">
          ${csrf}
          <label
            >${t(page, "console-status-change")}<select name="status">
              ${data.nextStatuses.map((status) => option(status, f.status(status, locale), false))}
            </select></label
          >
          ${
            data.canClose
              ? html`<label
                    >${t(page, "officer-field-close-reason")}<select name="reason">
                      ${option("", t(page, "console-close-reason-typed"), true)}
                      ${closeReasons.map((reason) => option(reason, f.closeReason(reason, locale), false))}
                    </select></label
                  >
                  <label
                    >${t(page, "console-close-reason-text")}<input
                      type="text"
                      name="reasonText"
                      maxlength="500"
                  /></label>`
              : ""
          }
          <button type="submit">${t(page, "console-status-apply")}</button>
        </form>`
      : "";
  const assignForm =
    !closed && data.assignees.length > 0
      ? html`<form method="post" action="${action("assign")}" class="action">
          ${csrf}
          <label
            >${t(page, "console-assign-to")}<select name="officer">
              ${data.assignees.map((a) => option(a.id, a.label, a.id === tip.assignedTo))}
            </select></label
          >
          <button type="submit">${t(page, "console-assign")}</button>
        </form>`
      : "";

  return layout(
    page,
    tip.code,
    html`<p><a href="/console">← ${t(page, "console-queue-title")}</a></p>
      ${data.notice ? html`<p class="notice" role="status">${data.notice}</p>` : ""}
      <h1>${tip.code} <span class="status s-${tip.status}">${f.status(tip.status, locale)}</span></h1>
      ${deadlineBadge(page, data.deadline.state, data.deadline.dueAt)}
      <section>
        <h2>${t(page, "console-report")}</h2>
        <dl>
          ${field("officer-field-category", f.category(tip, locale))}
          ${field("officer-field-agency", `${f.agencyType(tip, locale)} · ${details.agencyName}`)}
          ${field("officer-field-district", f.district(tip, locale))}
          ${field("officer-field-place", details.placeDescription)}
          ${field("officer-field-location", details.location && f.exactLocation(details.location, locale))}
          ${field("officer-field-evidence-locations", details.evidenceLocations?.length ? f.evidenceLocations(details.evidenceLocations, locale) : null)}
          ${field("officer-field-incident-date", f.incidentDate(details, locale))}
          ${field("officer-field-people", details.people)}
          ${field("officer-field-received", f.dateTime(tip.receivedAt, locale))}
          ${field("officer-field-ack-by", f.dateTime(tip.acknowledgeBy, locale))}
          ${field("officer-field-feedback-by", tip.feedbackBy && f.dateTime(tip.feedbackBy, locale))}
          ${field("officer-field-closed", tip.closedAt && f.dateTime(tip.closedAt, locale))}
          ${field("officer-field-close-reason", tip.closeReason && f.closeReason(tip.closeReason, locale))}
          ${field("console-assigned", tip.assignedTo && data.actorName(`officer:${tip.assignedTo}`))}
        </dl>
        <h3>${t(page, "console-narrative")}</h3>
        <p class="narrative">${details.narrative}</p>
      </section>
      <section>
        <h2>${t(page, "officer-field-evidence")} (${data.evidence.length})</h2>
        ${evidence}
      </section>
      <section>
        <h2>${t(page, "console-actions")}</h2>
        ${tip.status === "received" ? html`<form method="post" action="${action("acknowledge")}" class="action">${csrf}<button type="submit" class="primary">${t(page, "officer-button-ack")}</button></form>` : ""}
        ${statusForm}${assignForm}
      </section>
      <section>
        <h2>${t(page, "console-thread")}</h2>
        <p class="hint">${t(page, "console-thread-hint")}</p>
        ${
          thread.length > 0
            ? html`<ul class="thread">
                ${thread}
              </ul>`
            : html`<p class="empty">${t(page, "console-thread-empty")}</p>`
        }
        ${
          closed
            ? ""
            : html`<form method="post" action="${action("ask")}" class="action">
                ${csrf}
                <label
                  >${t(page, "console-ask")}<textarea
                    name="text"
                    rows="3"
                    maxlength="2000"
                    required
                  ></textarea>
                </label>
                <button type="submit">${t(page, "console-ask-send")}</button>
              </form>`
        }
      </section>
      <section>
        <h2>${t(page, "console-notes")}</h2>
        <p class="hint">${t(page, "console-notes-hint")}</p>
        ${
          notes.length > 0
            ? html`<ul class="notes">
                ${notes}
              </ul>`
            : ""
        }
        <form method="post" action="${action("note")}" class="action">
          ${csrf}
          <label
            >${t(page, "console-note")}<textarea name="text" rows="3" maxlength="2000" required></textarea>
          </label>
          <button type="submit">${t(page, "console-note-add")}</button>
        </form>
      </section>
      <section>
        <h2>${t(page, "console-audit")}</h2>
        <div class="scroll">
          <table class="audit">
            <thead>
              <tr>
                <th scope="col">${t(page, "console-audit-column-at")}</th>
                <th scope="col">${t(page, "console-audit-column-actor")}</th>
                <th scope="col">${t(page, "console-audit-column-action")}</th>
                <th scope="col">${t(page, "console-audit-column-channel")}</th>
                <th scope="col">${t(page, "console-audit-column-outcome")}</th>
              </tr>
            </thead>
            <tbody>
              ${audit}
            </tbody>
          </table>
        </div>
      </section>`,
  );
}
