import type { messagingApi } from "@line/bot-sdk";
import type { Answers, TextRef } from "./flow";
import type { ActionContext, FlowAction } from "./engine";
import type { IncidentDate } from "./inputs/incident-date";
import { formatThaiOrEnglishDate } from "./inputs/incident-date";
import type { Place } from "./inputs/place";
import { evidenceLocations, storedEvidenceIds, type EvidenceList } from "./inputs/evidence";
import { citizenLimits, type RateLimiter } from "./rate-limit";
import { nameIn, type Locale, type TextArgs, type Translator } from "../i18n";
import { bangkokDate } from "../i18n/bangkok-time";
import type { Message } from "../line/gateway";
import { textMessage } from "../line/messages";
import { commandPostback } from "./postback";
import type { Tip, TipCategory } from "../tips/tip";
import type { TipService } from "../tips/tip-service";

export interface CitizenActionDeps {
  tips: TipService;
  texts: Translator;
  limiter: RateLimiter;
  /** How long a closed report stays in "my reports" (its link to the reporter expires then). */
  closedReportsListedForMs: number;
  /** Officer messages meant for the reporter, shown on a status check (officers module). */
  reporterMessages?: (tip: Tip, locale: Locale) => Promise<string[]>;
  /** Who handles a tip (officers module); without it the reporter is promised nothing. */
  handlerOf?: (tip: Tip) => Promise<TipHandlerInfo>;
  /** Names the tip's district or province in the receipt ("อำเภอสันทราย จังหวัดเชียงใหม่"). */
  placeName?: (tip: Tip, locale: Locale) => string;
}

/** See Officers.handlerOf; declared here so tips do not depend on the officers module. */
export interface TipHandlerInfo {
  level: "district" | "province" | "region" | "national" | "unstaffed";
  region?: { nameTh: string; nameEn: string };
}

/** The report and status flows' named actions. */
export function citizenActions(deps: CitizenActionDeps): Record<string, FlowAction> {
  return {
    "report-declined": async () => ({ key: "report-declined" }),
    "submit-tip": (answers, context) => submitTip(deps, answers, context),
    "show-status": async (answers, context) => {
      const code = answers.code as string;
      const tip = await deps.tips.findByCode(code);
      if (tip) return [await statusCard(deps, tip, context.locale)];
      const check = await deps.limiter.hit(context.key, citizenLimits.wrongCodes, context.now);
      return check.allowed ? { key: "status-not-found", args: { code } } : { key: "limit-wrong-codes" };
    },
  };
}

async function submitTip(
  deps: CitizenActionDeps,
  answers: Answers,
  context: ActionContext,
): Promise<Message[]> {
  const place = answers.place as Place;
  const wantsUpdates = answers.updates === "yes";
  const placed = place.kind === "district" || place.kind === "province" ? place : undefined;
  // Exact coordinates and address only by the reporter's explicit choice; a location in a draft saved
  // before that choice existed has no `exact` and is dropped here.
  const exact = place.kind === "district" ? place.exact : undefined;
  const description = place.kind === "district" ? place.description : undefined;
  const locations = evidenceLocations(answers.evidence as EvidenceList | undefined);
  const tip = await deps.tips.submit(
    {
      reporter: context.key,
      draftStartedAt: context.flow.startedAt,
      category: answers.category as TipCategory,
      agencyType: answers.agencyType as string,
      provinceId: placed?.provinceId ?? null,
      districtId: place.kind === "district" ? place.districtId : null,
      details: {
        agencyName: answers.agencyName as string,
        narrative: answers.narrative as string,
        people: (answers.people as string | null | undefined) ?? null,
        incidentDate: answers.when as IncidentDate,
        ...(exact ? { location: exact } : {}),
        placeDescription: description ?? (answers.placeDescription as string | undefined) ?? null,
        contactPhone: wantsUpdates ? ((answers.contactPhone as string | null | undefined) ?? null) : null,
        ...(locations.length > 0 ? { evidenceLocations: locations } : {}),
      },
      evidenceIds: storedEvidenceIds(answers.evidence as EvidenceList | undefined),
      reporterLocale: context.locale,
      contactUserId: wantsUpdates ? context.userId : undefined,
    },
    context.now,
  );
  await deps.limiter.hit(context.key, citizenLimits.tipsPerDay, context.now);
  const handler = (await deps.handlerOf?.(tip)) ?? { level: "unstaffed" as const };
  return [
    receiptCard(
      deps.texts,
      tip,
      context.locale,
      wantsUpdates,
      handlerText(deps, tip, handler, context.locale),
    ),
  ];
}

/**
 * Who will handle the tip and by when, as true as the routing: a promise of acknowledgement only
 * when someone enrolled will get it (their deadline reminders keep it).
 */
function handlerText(deps: CitizenActionDeps, tip: Tip, handler: TipHandlerInfo, locale: Locale): string {
  const days = Math.max(1, Math.round((tip.acknowledgeBy.getTime() - tip.receivedAt.getTime()) / 86_400_000));
  const args: TextArgs = {
    days,
    place: deps.placeName?.(tip, locale) ?? "",
    office: handler.region ? nameIn(locale, handler.region) : "",
  };
  return deps.texts.t(locale, `receipt-handled-${handler.level}`, args);
}

/** The receipt: the tracking code large, a copy button, who handles it, and what happens next. */
export function receiptCard(
  texts: Translator,
  tip: Tip,
  locale: Locale,
  wantsUpdates: boolean,
  handledBy?: string,
): messagingApi.FlexMessage {
  const t = (key: string, args?: TextArgs) => texts.t(locale, key, args);
  return {
    type: "flex",
    altText: t("receipt-alt", { code: tip.code }),
    contents: {
      type: "bubble",
      body: {
        type: "box",
        layout: "vertical",
        spacing: "md",
        contents: [
          { type: "text", text: t("receipt-title"), weight: "bold", size: "lg", wrap: true },
          { type: "text", text: t("receipt-code-label"), size: "sm", color: "#666666" },
          { type: "text", text: tip.code, weight: "bold", size: "xl", color: "#1a7f37" },
          ...(handledBy ? [{ type: "text" as const, text: handledBy, size: "sm" as const, wrap: true }] : []),
          {
            type: "text",
            text: t(wantsUpdates ? "receipt-next-updates" : "receipt-next-anonymous"),
            size: "sm",
            wrap: true,
          },
          { type: "text", text: t("receipt-how-to-check"), size: "sm", wrap: true, color: "#666666" },
        ],
      },
      footer: {
        type: "box",
        layout: "vertical",
        contents: [
          {
            type: "button",
            style: "primary",
            action: { type: "clipboard", label: t("receipt-copy"), clipboardText: tip.code },
          },
        ],
      },
    },
  };
}

async function statusCard(
  deps: CitizenActionDeps,
  tip: Tip,
  locale: Locale,
): Promise<messagingApi.FlexMessage> {
  const t = (key: string, args?: TextArgs) => deps.texts.t(locale, key, args);
  const last = tip.history.at(-1);
  const messages = (await deps.reporterMessages?.(tip, locale)) ?? [];
  const rows: messagingApi.FlexComponent[] = [
    { type: "text", text: t("status-title", { code: tip.code }), weight: "bold", size: "md", wrap: true },
    {
      type: "text",
      text: t(`tip-status-${tip.status}`),
      weight: "bold",
      size: "xl",
      color: "#1a7f37",
      wrap: true,
    },
    {
      type: "text",
      text: t("status-received-on", { date: formatDay(tip.receivedAt, locale) }),
      size: "sm",
      wrap: true,
    },
    {
      type: "text",
      text: t("status-updated-on", { date: formatDay(last?.at ?? tip.receivedAt, locale) }),
      size: "sm",
      wrap: true,
    },
    {
      type: "text",
      text: t(await statusExplanationKey(deps, tip)),
      size: "sm",
      wrap: true,
      color: "#666666",
    },
  ];
  for (const message of messages.slice(-3)) {
    rows.push({ type: "separator" }, { type: "text", text: message, size: "sm", wrap: true });
  }
  // Officers' questions can be answered from here, also by reporters who did not opt in to pushes;
  // a closed case takes no more answers, so it offers no button that would only be refused.
  const footer: messagingApi.FlexBox | undefined =
    messages.length > 0 && tip.status !== "closed"
      ? {
          type: "box",
          layout: "vertical",
          contents: [
            {
              type: "button",
              style: "primary",
              action: {
                type: "postback",
                label: t("reply-button-answer"),
                data: commandPostback("reply", tip.code),
                displayText: t("reply-button-answer"),
              },
            },
          ],
        }
      : undefined;
  return {
    type: "flex",
    altText: t("status-alt", { code: tip.code, status: t(`tip-status-${tip.status}`) }),
    contents: {
      type: "bubble",
      body: { type: "box", layout: "vertical", spacing: "sm", contents: rows },
      ...(footer ? { footer } : {}),
    },
  };
}

/** A received tip nobody is enrolled to receive gets no "within 7 days" promise. */
async function statusExplanationKey(deps: CitizenActionDeps, tip: Tip): Promise<string> {
  if (tip.status !== "received") return `tip-status-${tip.status}-explained`;
  const handler = await deps.handlerOf?.(tip);
  return handler && handler.level !== "unstaffed"
    ? "tip-status-received-explained"
    : "tip-status-received-unstaffed-explained";
}

/**
 * "My reports": the pseudonym's recent tips, newest first. A closed report drops off the list when
 * its link to the reporter expires; the answer says so, and that its tracking code still works.
 */
export async function myReports(
  deps: CitizenActionDeps,
  reporter: string,
  locale: Locale,
): Promise<Message[] | TextRef> {
  const tips = await deps.tips.listForReporter(reporter, 10);
  const days = Math.max(1, Math.round(deps.closedReportsListedForMs / 86_400_000));
  if (tips.length === 0) return { key: "my-reports-empty", args: { days } };
  const t = (key: string, args?: TextArgs) => deps.texts.t(locale, key, args);
  const lines = tips.map((tip) =>
    t("my-reports-line", {
      code: tip.code,
      status: t(`tip-status-${tip.status}`),
      date: formatDay(tip.receivedAt, locale),
    }),
  );
  return [
    textMessage(`${t("my-reports-title")}\n${lines.join("\n")}\n\n${t("my-reports-closed-note", { days })}`),
  ];
}

export function formatDay(date: Date, locale: Locale): string {
  return formatThaiOrEnglishDate(bangkokDate(date), locale);
}
