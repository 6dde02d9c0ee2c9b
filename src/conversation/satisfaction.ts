import type { Locale, TextArgs, Translator } from "../i18n";
import type { Message } from "../line/gateway";
import { postbackButton, textMessage, withQuickReplies, type QuickReplyButton } from "../line/messages";
import { normalizeTrackingCode } from "../tips/tracking-code";
import {
  isRating,
  ratings,
  type Rating,
  type RatingRefusal,
  type SatisfactionSurvey,
} from "../tips/satisfaction";
import type { FlowAction } from "./engine";
import type { TextRef } from "./flow";

/**
 * The reporter's side of the satisfaction question (docs/TRANSPARENCY.md, "Satisfaction"): the
 * question with its five buttons — pushed when the case is closed, or shown after the status card at
 * the next status check — and the comment flow's action. A rating button is a command
 * (`c=rate&v=<rating>:<code>`), valid whenever it is tapped, since the question is not a flow step:
 * typing its label is the same answer, for the one report whose question waits.
 */

/** Postback data of a rating button. */
export function ratingPostback(rating: Rating, code: string): string {
  return new URLSearchParams({ c: "rate", v: `${rating}:${code}` }).toString();
}

/** The command value `<rating>:<code>` (the code is optional: a typed label names no report). */
export function parseRatingValue(value: string | undefined): { rating: Rating; code?: string } | undefined {
  const [first, rest] = (value ?? "").split(":", 2);
  const rating = Number(first);
  if (!isRating(rating)) return undefined;
  const code = rest ? normalizeTrackingCode(rest) : undefined;
  return code ? { rating, code } : { rating };
}

/** The question about one report, with its five rating buttons (and any buttons to add after them). */
export function satisfactionQuestion(
  t: (key: string, args?: TextArgs) => string,
  code: string,
  extra: QuickReplyButton[] = [],
): Message[] {
  const buttons = [...ratings]
    .reverse()
    .map((rating) => postbackButton(t(`satisfaction-rating-${rating}`), ratingPostback(rating, code)));
  return withQuickReplies([textMessage(t("satisfaction-question", { code }))], [...buttons, ...extra]);
}

/** What the citizen chat needs: take a rating, and find the report a typed rating is for. */
export interface SatisfactionChat {
  /** Records the rating; on success the comment flow starts with `seed`. */
  rate(
    reporter: string,
    code: string,
    rating: Rating,
    now: Date,
  ): Promise<{ ok: true; seed: { month: string; rating: Rating } } | { ok: false; refusal: TextRef }>;
  /** Codes of the reporter's closed reports whose question waits (for a typed rating). */
  awaitingRating(reporter: string, now: Date): Promise<string[]>;
}

export interface SatisfactionConversation {
  chat: SatisfactionChat;
  /** The comment flow's action ("record-satisfaction-comment"). */
  actions: Record<string, FlowAction>;
  /** For CitizenActionDeps: the question after a status card, when this is the moment to ask. */
  questionAtStatusCheck(
    tip: Parameters<SatisfactionSurvey["askAtStatusCheck"]>[0],
    reporter: string,
    locale: Locale,
    now: Date,
  ): Promise<Message[]>;
}

const refusalKeys: Record<RatingRefusal, string> = {
  "not-found": "satisfaction-not-found",
  "not-asked": "satisfaction-not-asked",
  expired: "satisfaction-expired",
  "already-rated": "satisfaction-already-rated",
};

export function satisfactionConversation(
  survey: SatisfactionSurvey,
  texts: Translator,
): SatisfactionConversation {
  return {
    chat: {
      async rate(reporter, code, rating, now) {
        const result = await survey.rate(reporter, code, rating, now);
        if (!result.ok) return { ok: false, refusal: { key: refusalKeys[result.refusal] } };
        return { ok: true, seed: { month: result.month, rating: result.rating } };
      },
      awaitingRating: (reporter, now) => survey.awaitingRating(reporter, now),
    },
    actions: {
      "record-satisfaction-comment": async (answers) => {
        const rating = Number(answers.rating);
        const comment = typeof answers.comment === "string" ? answers.comment : null;
        if (comment && isRating(rating) && typeof answers.month === "string")
          await survey.comment(answers.month, rating, comment);
        return { key: comment ? "satisfaction-comment-thanks" : "satisfaction-comment-skipped" };
      },
    },
    async questionAtStatusCheck(tip, reporter, locale, now) {
      if (!(await survey.askAtStatusCheck(tip, reporter, now))) return [];
      return satisfactionQuestion((key, args) => texts.t(locale, key, args), tip.code);
    },
  };
}
