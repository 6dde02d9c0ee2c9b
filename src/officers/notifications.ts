import { defaultLocale, isLocale, type Locale } from "../i18n";
import type { Sealer } from "../crypto/sealer";
import type { Message } from "../line/gateway";
import { clip, postbackButton, textMessage, withQuickReplies } from "../line/messages";
import { commandPostback } from "../conversation/postback";
import { statusExplanationArgs } from "../conversation/citizen-actions";
import { satisfactionQuestion } from "../conversation/satisfaction";
import type { Tip } from "../tips/tip";
import type { TipService } from "../tips/tip-service";
import { caseCard, type CardAudience } from "./cards";
import type { OfficerDirectory } from "./directory";
import type { CaseFormatter } from "./format";
import type { Notification, Rendered, Renderer } from "./outbox";
import { officerPostback } from "./postback";
import type { CaseThread } from "./thread";

export interface RendererDeps {
  directory: OfficerDirectory;
  tips: TipService;
  thread: CaseThread;
  format: CaseFormatter;
  sealer: Sealer;
}

const excerptLength = 140;

const cardTitles = {
  "new-tip": { title: "officer-card-new-title", tone: "info" },
  "ack-reminder": { title: "officer-card-ack-reminder-title", tone: "warning" },
  "ack-escalation": { title: "officer-card-ack-escalation-title", tone: "danger" },
  "feedback-reminder": { title: "officer-card-feedback-reminder-title", tone: "warning" },
  "feedback-escalation": { title: "officer-card-feedback-escalation-title", tone: "danger" },
} as const;

/**
 * Turns a stored notification into the push it stands for, at send time: the recipient's LINE id is
 * opened from its sealed form here and nowhere else, and a recipient revoked (or a reporter contact
 * deleted) since the notification was queued means it is skipped, not sent.
 */
export function notificationRenderer(deps: RendererDeps): Renderer {
  const { directory, format: f } = deps;

  async function recipient(
    notification: Notification,
  ): Promise<{ to: string; locale: Locale; audience: CardAudience } | { skip: string }> {
    const { target } = notification;
    if (target.type === "group") {
      const group = await directory.group(target.id);
      if (!group || group.status !== "active") return { skip: "recipient-inactive" };
      return { to: directory.openGroupChat(group), locale: defaultLocale, audience: "group" };
    }
    if (target.type === "officer") {
      const officer = await directory.officer(target.id);
      if (!officer || officer.status !== "active") return { skip: "recipient-inactive" };
      return { to: directory.openOfficerChat(officer), locale: officer.locale, audience: "officer" };
    }
    const contact = await deps.tips.contacts.findOne({ tipId: notification.tipId }).lean().exec();
    if (!contact) return { skip: "no-reporter-contact" };
    return {
      to: deps.sealer.openText(contact.userId, "reporter_contacts.userId"),
      locale: isLocale(contact.locale) ? contact.locale : defaultLocale,
      audience: "officer",
    };
  }

  async function messagesFor(
    notification: Notification,
    tip: Tip,
    locale: Locale,
    audience: CardAudience,
  ): Promise<Message[] | { skip: string }> {
    const id = tip.ref;
    switch (notification.kind) {
      case "new-tip":
      case "ack-reminder":
      case "ack-escalation":
      case "feedback-reminder":
      case "feedback-escalation": {
        const { title, tone } = cardTitles[notification.kind];
        const excerpt =
          notification.kind === "new-tip" && audience === "officer"
            ? clip(deps.tips.openDetails(tip).narrative.replace(/\s+/g, " "), excerptLength)
            : undefined;
        return [caseCard(f, tip, locale, { title, tone, audience, excerpt })];
      }
      case "reporter-question": {
        const message = notification.messageId && (await deps.thread.get(notification.messageId));
        if (!message) return { skip: "message-missing" };
        const answer = f.t(locale, "reply-button-answer");
        return withQuickReplies(
          [textMessage(f.t(locale, "reply-question", { code: tip.code, question: message.text }))],
          [postbackButton(answer, commandPostback("reply", tip.code))],
        );
      }
      case "reporter-status": {
        const status = String(notification.params?.status ?? tip.status) as Tip["status"];
        const update = textMessage(
          f.t(locale, "reply-status-update", {
            code: tip.code,
            status: f.status(status, locale),
            explained: f.t(locale, `tip-status-${status}-explained`, statusExplanationArgs(tip, locale)),
          }),
        );
        // The update leads somewhere: the report's status, with its questions and buttons.
        const statusButton = postbackButton(
          f.t(locale, "status-button", { code: tip.code }),
          commandPostback("status", tip.code),
          f.t(locale, "status-check-display", { code: tip.code }),
        );
        // The closing push asks the satisfaction question in the same push (one retry key, in order).
        if (notification.params?.satisfaction === "ask")
          return [
            update,
            ...satisfactionQuestion((key, args) => f.t(locale, key, args), tip.code, [statusButton]),
          ];
        return withQuickReplies([update], [statusButton]);
      }
      case "reporter-answer": {
        // Groups learn only that there is an answer; its text goes to officers in 1:1.
        if (audience === "group")
          return [caseCard(f, tip, locale, { title: "officer-card-answer-title", audience })];
        const message = notification.messageId && (await deps.thread.get(notification.messageId));
        if (!message) return { skip: "message-missing" };
        return withQuickReplies(
          [
            textMessage(
              f.t(locale, "officer-reply-received", {
                code: tip.code,
                text: message.text,
                count: message.evidenceIds.length,
              }),
            ),
          ],
          [
            postbackButton(f.t(locale, "officer-button-view"), officerPostback("view", id)),
            postbackButton(f.t(locale, "officer-button-ask"), officerPostback("ask", id)),
          ],
        );
      }
      case "digest":
        return { skip: "digest-without-tip" };
    }
  }

  return async (notification): Promise<Rendered> => {
    const who = await recipient(notification);
    if ("skip" in who) return who;
    if (notification.kind === "digest")
      return { to: who.to, messages: [digestMessage(f, who.locale, notification)] };
    const tip = notification.tipId && (await deps.tips.tips.findById(notification.tipId).lean<Tip>().exec());
    if (!tip) return { skip: "tip-missing" };
    const messages = await messagesFor(notification, tip, who.locale, who.audience);
    return Array.isArray(messages) ? { to: who.to, messages } : messages;
  };
}

function digestMessage(f: CaseFormatter, locale: Locale, notification: Notification): Message {
  const params = notification.params ?? {};
  const overdueCodes = Array.isArray(params.overdueCodes) ? params.overdueCodes : [];
  const lines = [
    f.t(locale, "officer-digest", {
      date: String(params.day ?? ""),
      open: Number(params.open ?? 0),
      overdue: Number(params.overdue ?? 0),
      received: Number(params.received ?? 0),
    }),
    ...overdueCodes.map((code) => f.t(locale, "officer-digest-overdue-line", { code })),
  ];
  return textMessage(lines.join("\n"));
}
