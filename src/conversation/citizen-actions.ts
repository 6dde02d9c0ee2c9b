import type { Answers } from "./flow";
import type { ActionContext, FlowAction } from "./engine";
import type { IncidentDate } from "./inputs/incident-date";
import type { Place } from "./inputs/place";
import { evidenceLocations, storedEvidenceIds, type EvidenceList } from "./inputs/evidence";
import { citizenLimits, retryTimeArgs, type RateLimiter } from "./rate-limit";
import { nameIn, type Locale, type TextArgs, type Translator } from "../i18n";
import { formatBangkokDay } from "../i18n/bangkok-time";
import type { Message } from "../line/gateway";
import { textMessage } from "../line/messages";
import { receiptCard, statusCard } from "../line/citizen-cards";
import { promptMessages, type CardButton, type PromptButton } from "../line/prompts";
import { commandPostback } from "./postback";
import type { Tip, TipCategory } from "../tips/tip";
import type { TipService } from "../tips/tip-service";

export interface CitizenActionDeps {
  tips: TipService;
  texts: Translator;
  limiter: RateLimiter;
  /** How long a closed report stays in "my reports" (its link to the reporter expires then). */
  closedReportsListedForMs: number;
  /** Officers' questions to the reporter, shown on a status check (officers module). */
  reporterQuestions?: (tip: Tip) => Promise<ReporterQuestion[]>;
  /** Who handles a tip (officers module); without it the reporter is promised nothing. */
  handlerOf?: (tip: Tip) => Promise<TipHandlerInfo>;
  /**
   * The satisfaction question after the status card of the reporter's own closed case, the first
   * time they check it (src/conversation/satisfaction.ts); empty when it is not the moment.
   */
  satisfactionQuestion?: (tip: Tip, reporter: string, locale: Locale, now: Date) => Promise<Message[]>;
  /** Names the tip's district or province in the receipt ("อำเภอสันทราย จังหวัดเชียงใหม่"). */
  placeName?: (tip: Tip, locale: Locale) => string;
}

/** See Officers.handlerOf; declared here so this module does not depend on the officers module. */
export interface TipHandlerInfo {
  level: "district" | "province" | "region" | "national" | "unstaffed";
  region?: { nameTh: string; nameEn: string };
}

/** An officer's question as the reporter sees it at a status check. */
export interface ReporterQuestion {
  text: string;
  at: Date;
  /** The reporter has answered since it was asked (see reporter-relay.ts). */
  answered: boolean;
}

/** What the citizen's chat does with tips: submit one, check one, list one's own. */
export interface CitizenActions {
  /** The report and status flows' named actions: "report-declined", "submit-tip", "show-status". */
  actions: Record<string, FlowAction>;
  /** A status check by tracking code: typed on its own, from the status flow, or a button carrying it. */
  status(code: string, who: { key: string; locale: Locale; now: Date }): Promise<Message[]>;
  /** "My reports": the pseudonym's recent reports, each with a button to its status. */
  myReports(reporter: string, locale: Locale): Promise<Message[]>;
}

/** How many reports "my reports" offers a status button for (quick replies leave room for the menu). */
const reportButtons = 8;

export function citizenActions(deps: CitizenActionDeps): CitizenActions {
  const t = (locale: Locale, key: string, args?: TextArgs) => deps.texts.t(locale, key, args);

  async function status(code: string, who: { key: string; locale: Locale; now: Date }): Promise<Message[]> {
    const tip = await deps.tips.findByCode(code);
    if (tip)
      return [
        await statusMessage(deps, tip, who.locale),
        ...((await deps.satisfactionQuestion?.(tip, who.key, who.locale, who.now)) ?? []),
      ];
    const check = await deps.limiter.hit(who.key, citizenLimits.wrongCodes, who.now);
    return check.allowed
      ? [textMessage(t(who.locale, "status-not-found", { code }))]
      : [
          textMessage(
            t(who.locale, "limit-wrong-codes", retryTimeArgs(citizenLimits.wrongCodes, who.now, who.locale)),
          ),
        ];
  }

  async function myReports(reporter: string, locale: Locale): Promise<Message[]> {
    const tips = await deps.tips.listForReporter(reporter, 10);
    const days = Math.max(1, Math.round(deps.closedReportsListedForMs / 86_400_000));
    if (tips.length === 0) return [textMessage(t(locale, "my-reports-empty", { days }))];
    const lines = tips.map((tip) =>
      t(locale, "my-reports-line", {
        code: tip.code,
        status: t(locale, `tip-status-${tip.status}`),
        date: formatBangkokDay(tip.receivedAt, locale),
      }),
    );
    const text = [t(locale, "my-reports-title"), ...lines, "", t(locale, "my-reports-closed-note", { days })];
    const buttons = tips.slice(0, reportButtons).map((tip): PromptButton => ({
      kind: "postback",
      label: tip.code,
      data: commandPostback("status", tip.code),
      displayText: t(locale, "status-check-display", { code: tip.code }),
    }));
    return promptMessages([textMessage(text.join("\n"))], buttons);
  }

  return {
    actions: {
      "report-declined": async () => ({ key: "report-declined" }),
      "submit-tip": (answers, context) => submitTip(deps, answers, context),
      "show-status": (answers, context) => status(String(answers.code), context),
    },
    status,
    myReports,
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
      draftStartedAt: context.startedAt,
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
  return [receipt(deps, tip, context.locale, wantsUpdates, handler)];
}

/** The receipt: the tracking code large, a copy button, who handles it, what happens next, and its status. */
function receipt(
  deps: CitizenActionDeps,
  tip: Tip,
  locale: Locale,
  wantsUpdates: boolean,
  handler: TipHandlerInfo,
): Message {
  const t = (key: string, args?: TextArgs) => deps.texts.t(locale, key, args);
  return receiptCard({
    altText: t("receipt-alt", { code: tip.code }),
    title: t("receipt-title"),
    codeLabel: t("receipt-code-label"),
    code: tip.code,
    handledBy: handlerText(deps, tip, handler, locale),
    next: t(wantsUpdates ? "receipt-next-updates" : "receipt-next-anonymous"),
    howToCheck: t("receipt-how-to-check"),
    copyLabel: t("receipt-copy"),
    buttons: [statusButton(deps, tip, locale)],
  });
}

/**
 * Who will handle the tip and by when, as true as the routing: a promise of acknowledgement only
 * when someone enrolled will get it (their deadline reminders keep it).
 */
function handlerText(deps: CitizenActionDeps, tip: Tip, handler: TipHandlerInfo, locale: Locale): string {
  const args: TextArgs = {
    days: daysBetween(tip.receivedAt, tip.acknowledgeBy),
    place: deps.placeName?.(tip, locale) ?? "",
    office: handler.region ? nameIn(locale, handler.region) : "",
  };
  return deps.texts.t(locale, `receipt-handled-${handler.level}`, args);
}

/** A report's status, officers' questions (answered ones marked), and what can be done next. */
async function statusMessage(deps: CitizenActionDeps, tip: Tip, locale: Locale): Promise<Message> {
  const t = (key: string, args?: TextArgs) => deps.texts.t(locale, key, args);
  const last = tip.history.at(-1);
  const questions = ((await deps.reporterQuestions?.(tip)) ?? []).slice(-3);
  const open = questions.some((question) => !question.answered);
  const buttons: CardButton[] = [];
  // A closed case takes no more answers, so it offers no button that would only be refused.
  if (open && tip.status !== "closed")
    buttons.push({
      label: t("reply-button-answer"),
      data: commandPostback("reply", tip.code),
    });
  buttons.push(statusButton(deps, tip, locale));
  return statusCard({
    altText: t("status-alt", { code: tip.code, status: t(`tip-status-${tip.status}`) }),
    title: t("status-title", { code: tip.code }),
    status: t(`tip-status-${tip.status}`),
    dates: [
      t("status-received-on", { date: formatBangkokDay(tip.receivedAt, locale) }),
      t("status-updated-on", { date: formatBangkokDay(last?.at ?? tip.receivedAt, locale) }),
    ],
    explanation: t(await statusExplanationKey(deps, tip), statusExplanationArgs(tip, locale)),
    questions: questions.map((question) => ({
      text: t("status-question", { date: formatBangkokDay(question.at, locale), question: question.text }),
      state: t(question.answered ? "status-question-answered" : "status-question-open"),
      answered: question.answered,
    })),
    buttons,
  });
}

/** "ดูสถานะ TK-…": the code is in the label, so typing what the button says checks the same report. */
function statusButton(deps: CitizenActionDeps, tip: Tip, locale: Locale): CardButton {
  return {
    label: deps.texts.t(locale, "status-button", { code: tip.code }),
    data: commandPostback("status", tip.code),
    displayText: deps.texts.t(locale, "status-check-display", { code: tip.code }),
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
 * The dates a status explanation promises ("acknowledged by…", "feedback by…"), from the tip's own
 * deadlines rather than numbers written in the texts. Officers' status pushes use the same words.
 */
export function statusExplanationArgs(
  tip: Pick<Tip, "acknowledgeBy" | "feedbackBy">,
  locale: Locale,
): TextArgs {
  return {
    acknowledgeBy: formatBangkokDay(tip.acknowledgeBy, locale),
    feedbackBy: tip.feedbackBy ? formatBangkokDay(tip.feedbackBy, locale) : "-",
  };
}

function daysBetween(from: Date, to: Date): number {
  return Math.max(1, Math.round((to.getTime() - from.getTime()) / 86_400_000));
}
