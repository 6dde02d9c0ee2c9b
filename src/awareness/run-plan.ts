import { supportedLocales, type Locale, type Translator } from "../i18n";
import type { Message } from "../line/gateway";
import { postbackButton, withQuickReplies } from "../line/messages";
import { commandPostback } from "../conversation/postback";
import type { CampaignDocument } from "./campaigns";
import type { NewRun, RunSegment } from "./runs";

/**
 * What a run will send, frozen from the campaign at the moment the run is created: one segment per
 * content language (subscribers of a language without content get the default language's), and
 * the messages with an opt-out button, so every campaign message can be answered with "stop".
 */
export function planRun(
  campaign: CampaignDocument,
  scheduledAt: Date,
  trigger: NewRun["trigger"],
  texts: Translator,
): NewRun {
  const audiences = new Map<Locale, Locale[]>();
  for (const locale of supportedLocales) {
    const contentLocale = campaign.content[locale] ? locale : campaign.defaultLocale;
    audiences.set(contentLocale, [...(audiences.get(contentLocale) ?? []), locale]);
  }
  const segments: RunSegment[] = [...audiences].map(([locale, audience]) => ({ locale, audience }));
  const messages: NewRun["messages"] = {};
  for (const { locale } of segments) messages[locale] = campaignMessages(campaign, locale, texts);
  return {
    campaignId: campaign._id,
    campaignRevision: campaign.revision,
    scheduledAt,
    trigger,
    topics: campaign.topics,
    ...(campaign.audience?.provinces ? { provinces: campaign.audience.provinces } : {}),
    segments,
    messages,
  };
}

/** The campaign's messages in one language, the last one carrying "unsubscribe" and "report" buttons. */
export function campaignMessages(
  campaign: Pick<CampaignDocument, "content" | "defaultLocale">,
  locale: Locale,
  texts: Translator,
): Message[] {
  const messages = campaign.content[locale] ?? campaign.content[campaign.defaultLocale] ?? [];
  const last = messages.at(-1) as (Message & { quickReply?: unknown }) | undefined;
  if (!last || last.quickReply) return messages;
  return withQuickReplies(messages, [
    postbackButton(texts.t(locale, "awareness-choice-unsubscribe"), commandPostback("unsubscribe")),
    postbackButton(texts.t(locale, "menu-report"), commandPostback("report")),
  ]);
}
