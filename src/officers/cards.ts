import type { messagingApi } from "@line/bot-sdk";
import type { Locale } from "../i18n";
import type { Message } from "../line/gateway";
import { clip, limits, postbackButton, textMessage, withQuickReplies } from "../line/messages";
import type { Tip, TipDetails, TipStatus } from "../tips/tip";
import type { EvidenceItem } from "../tips/evidence";
import type { CaseFormatter } from "./format";
import { closeReasons, officerPostback, type OfficerVerb } from "./postback";
import type { OpenedMessage } from "./thread";

type FlexComponent = messagingApi.FlexComponent;
type FlexBox = messagingApi.FlexBox;

/** Where a card is shown: group cards carry the minimum and send "view" to the officer's 1:1 chat. */
export type CardAudience = "group" | "officer";

export interface CaseCardOptions {
  /** Locale key of the headline ("officer-card-new-title", "officer-card-reminder-title" …). */
  title: string;
  tone?: "info" | "warning" | "danger";
  excerpt?: string;
  audience: CardAudience;
  /** Buttons in order; defaults follow the case status. */
  verbs?: OfficerVerb[];
}

/** A report carries up to 10 items and each answer up to 5 more; 20 links stay far below Flex's 30 KB. */
const maxEvidenceButtons = 20;

const toneColor = { info: "#1a7f37", warning: "#b35900", danger: "#c62828" } as const;

/** The summary card officers get for a case: code, category, district, received time, deadline. */
export function caseCard(
  f: CaseFormatter,
  tip: Tip,
  locale: Locale,
  options: CaseCardOptions,
): messagingApi.FlexMessage {
  const t = (key: string, args?: Record<string, string>) => f.t(locale, key, args);
  const rows: FlexComponent[] = [
    row(t("officer-field-code"), tip.code, true),
    row(t("officer-field-category"), f.category(tip, locale)),
    row(t("officer-field-district"), f.district(tip, locale)),
    row(t("officer-field-status"), f.status(tip.status, locale)),
    row(t("officer-field-received"), f.dateTime(tip.receivedAt, locale)),
    deadlineRow(f, tip, locale),
  ];
  if (options.excerpt) {
    rows.push(
      { type: "separator" },
      { type: "text", text: options.excerpt, size: "sm", wrap: true, color: "#444444" },
    );
  }
  const verbs = options.verbs ?? defaultVerbs(tip.status, options.audience);
  return {
    type: "flex",
    altText: clip(t("officer-card-alt", { title: t(options.title), code: tip.code }), limits.altText),
    contents: {
      type: "bubble",
      header: box([
        {
          type: "text",
          text: t(options.title),
          weight: "bold",
          size: "md",
          wrap: true,
          color: toneColor[options.tone ?? "info"],
        },
      ]),
      body: box(rows, "sm"),
      ...(verbs.length > 0 && {
        footer: box(
          verbs.map((verb) => caseButton(f, locale, verb, tip, options.audience)),
          "sm",
        ),
      }),
    },
  };
}

function deadlineRow(f: CaseFormatter, tip: Tip, locale: Locale): FlexComponent {
  if (tip.status === "received")
    return row(f.t(locale, "officer-field-ack-by"), f.dateTime(tip.acknowledgeBy, locale));
  if (tip.feedbackBy && tip.status !== "closed")
    return row(f.t(locale, "officer-field-feedback-by"), f.dateTime(tip.feedbackBy, locale));
  if (tip.closedAt) return row(f.t(locale, "officer-field-closed"), f.dateTime(tip.closedAt, locale));
  return row(f.t(locale, "officer-field-ack-by"), f.dateTime(tip.acknowledgeBy, locale));
}

function defaultVerbs(status: TipStatus, audience: CardAudience): OfficerVerb[] {
  if (status === "closed") return ["view"];
  if (audience === "group") return status === "received" ? ["ack", "assign", "view"] : ["assign", "view"];
  return status === "received" ? ["ack", "view", "assign"] : ["view", "ask", "status"];
}

function caseButton(
  f: CaseFormatter,
  locale: Locale,
  verb: OfficerVerb,
  tip: Tip,
  audience: CardAudience,
): FlexComponent {
  const label = f.t(
    locale,
    audience === "group" && verb === "view" ? "officer-button-view-private" : `officer-button-${verb}`,
  );
  return {
    type: "button",
    style: verb === "ack" ? "primary" : "secondary",
    height: "sm",
    action: {
      type: "postback",
      label: clip(label, 40),
      data: officerPostback(verb, tip.ref),
      displayText: label,
    },
  };
}

/** Full details for one officer in 1:1: the case card, the narrative, evidence links and the thread. */
export function detailMessages(
  f: CaseFormatter,
  tip: Tip,
  details: TipDetails,
  locale: Locale,
  evidence: Array<{ item: EvidenceItem; url: string }>,
  thread: OpenedMessage[],
): Message[] {
  const t = (key: string, args?: Record<string, string | number>) => f.t(locale, key, args);
  const notGiven = t("review-not-given");
  const rows: FlexComponent[] = [
    row(t("officer-field-code"), tip.code, true),
    row(t("officer-field-status"), f.status(tip.status, locale)),
    row(t("officer-field-category"), f.category(tip, locale)),
    row(t("officer-field-agency"), `${details.agencyName} (${f.agencyType(tip, locale)})`),
    row(t("officer-field-district"), f.district(tip, locale)),
    ...(details.placeDescription ? [row(t("officer-field-place"), details.placeDescription)] : []),
    ...(details.location
      ? [row(t("officer-field-location"), f.exactLocation(details.location, locale))]
      : []),
    ...(details.evidenceLocations?.length
      ? [row(t("officer-field-evidence-locations"), f.evidenceLocations(details.evidenceLocations, locale))]
      : []),
    row(t("officer-field-incident-date"), f.incidentDate(details, locale)),
    row(t("officer-field-people"), details.people ?? notGiven),
    ...(details.contactPhone ? [row(t("officer-field-contact-phone"), details.contactPhone)] : []),
    row(t("officer-field-evidence"), String(evidence.length)),
    row(t("officer-field-received"), f.dateTime(tip.receivedAt, locale)),
    deadlineRow(f, tip, locale),
    ...(tip.closeReason
      ? [row(t("officer-field-close-reason"), f.closeReason(tip.closeReason, locale))]
      : []),
  ];
  const verbs: OfficerVerb[] =
    tip.status === "closed"
      ? []
      : tip.status === "received"
        ? ["ack", "assign"]
        : ["ask", "status", "assign"];
  const card: messagingApi.FlexMessage = {
    type: "flex",
    altText: clip(t("officer-details-alt", { code: tip.code }), limits.altText),
    contents: {
      type: "bubble",
      header: box([
        {
          type: "text",
          text: t("officer-details-title", { code: tip.code }),
          weight: "bold",
          size: "md",
          wrap: true,
        },
      ]),
      body: box(rows, "sm"),
      ...(verbs.length > 0 && {
        footer: box(
          verbs.map((verb) => caseButton(f, locale, verb, tip, "officer")),
          "sm",
        ),
      }),
    },
  };
  const messages: Message[] = [
    card,
    textMessage(t("officer-details-narrative", { narrative: details.narrative })),
  ];
  if (evidence.length > 0) messages.push(evidenceCard(f, tip, locale, evidence));
  if (thread.length > 0) messages.push(textMessage(threadText(f, locale, thread)));
  return messages;
}

function evidenceCard(
  f: CaseFormatter,
  tip: Tip,
  locale: Locale,
  evidence: Array<{ item: EvidenceItem; url: string }>,
): messagingApi.FlexMessage {
  const t = (key: string, args?: Record<string, string | number>) => f.t(locale, key, args);
  const buttons: FlexComponent[] = evidence.slice(0, maxEvidenceButtons).map(({ item, url }, index) => ({
    type: "button",
    style: "link",
    height: "sm",
    action: {
      type: "uri",
      label: clip(
        t("officer-evidence-item", {
          number: index + 1,
          kind: t(`officer-evidence-kind-${item.kind}`),
          size: formatSize(item.size),
        }),
        40,
      ),
      uri: url,
    },
  }));
  return {
    type: "flex",
    altText: t("officer-evidence-alt", { code: tip.code, count: evidence.length }),
    contents: {
      type: "bubble",
      body: box(
        [
          {
            type: "text",
            text: t("officer-evidence-title", { count: evidence.length }),
            weight: "bold",
            size: "sm",
            wrap: true,
          },
          { type: "text", text: t("officer-evidence-expiry"), size: "xs", color: "#888888", wrap: true },
          ...buttons,
        ],
        "sm",
      ),
    },
  };
}

function threadText(f: CaseFormatter, locale: Locale, thread: OpenedMessage[]): string {
  const lines = thread.map((message) =>
    f.t(locale, message.direction === "to-reporter" ? "officer-thread-question" : "officer-thread-answer", {
      date: f.dateTime(message.at, locale),
      text: message.text,
      count: message.evidenceIds.length,
    }),
  );
  return [f.t(locale, "officer-thread-title"), ...lines].join("\n");
}

/** The next statuses an officer may pick, as quick replies. */
export function statusMenu(f: CaseFormatter, tip: Tip, locale: Locale, next: TipStatus[]): Message[] {
  const buttons = next.map((status) =>
    postbackButton(
      f.t(locale, `officer-set-${status}`),
      officerPostback(status === "closed" ? "close" : "set", tip.ref, { status }),
    ),
  );
  return withQuickReplies(
    [textMessage(f.t(locale, "officer-status-choose", { code: tip.code }))],
    [...buttons, postbackButton(f.t(locale, "officer-button-cancel"), officerPostback("cancel", tip.ref))],
  );
}

/** Asks for a close reason: preset reasons as buttons, or typed text. */
export function closeReasonPrompt(f: CaseFormatter, tip: Tip, locale: Locale): Message[] {
  const id = tip.ref;
  return withQuickReplies(
    [textMessage(f.t(locale, "officer-close-ask-reason", { code: tip.code }))],
    [
      ...closeReasons.map((reason) =>
        postbackButton(f.closeReason(reason, locale), officerPostback("close", id, { reason })),
      ),
      postbackButton(f.t(locale, "officer-button-cancel"), officerPostback("cancel", id)),
    ],
  );
}

export function cancelButton(f: CaseFormatter, tip: Tip, locale: Locale, text: string): Message[] {
  return withQuickReplies(
    [textMessage(text)],
    [postbackButton(f.t(locale, "officer-button-cancel"), officerPostback("cancel", tip.ref))],
  );
}

function row(label: string, value: string, strong = false): FlexBox {
  return {
    type: "box",
    layout: "baseline",
    spacing: "sm",
    contents: [
      { type: "text", text: label, size: "xs", color: "#888888", flex: 3, wrap: true },
      {
        type: "text",
        text: value || "-",
        size: "sm",
        flex: 5,
        wrap: true,
        ...(strong && { weight: "bold" as const }),
      },
    ],
  };
}

function box(contents: FlexComponent[], spacing?: "sm" | "md"): FlexBox {
  return { type: "box", layout: "vertical", contents, ...(spacing && { spacing }) };
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
