import type { webhook } from "@line/bot-sdk";
import type { Feature } from "../events/router";
import type { Turn } from "../line/turn";
import type { Logger } from "../log";
import type { LineGateway, Message } from "../line/gateway";
import {
  defaultLocale,
  isLocale,
  localeFromLanguageTag,
  otherLocale,
  type Locale,
  type TextArgs,
  type Translator,
} from "../i18n";
import type { Vocabulary } from "../i18n/vocabulary";
import { listOf } from "../i18n/lists";
import { postbackButton, textMessage, withQuickReplies, type QuickReplyButton } from "../line/messages";
import { commandPostback, parsePostback } from "../conversation/postback";
import type { SubscriberDocument, SubscriberStore } from "./subscribers";
import { isTopic, topicLabelKey, topics, type Topic } from "./topics";
import { nameIn } from "../i18n";
import type { Geography } from "../geo";

/** How long after our question a typed province name is read as its answer (and not as anything else). */
export const provinceAnswerWindowMs = 10 * 60_000;

export interface SubscriptionFeatureDeps {
  subscribers: SubscriberStore;
  texts: Translator;
  words: Vocabulary;
  line: Pick<LineGateway, "getProfileLanguage">;
  /** Province names typed or tapped for local campaigns (src/geo). */
  geography: Geography;
  now: () => Date;
  logger: Logger;
}

/** What a citizen asked of the awareness feature. */
type Intent =
  | { kind: "follow" | "unfollow" | "subscribe" | "unsubscribe" | "settings" | "later" | "topics" }
  | { kind: "toggle-topic"; topic: Topic }
  | { kind: "language"; locale: Locale }
  | { kind: "province-menu" }
  /** null: skip, or no province any more. `typed`: the name was typed, not tapped. */
  | { kind: "province"; province: string | null; typed?: boolean };

/** Postback commands this feature answers (rich menu and quick replies): `c=<command>[&v=<value>]`. */
export const awarenessCommands = {
  subscribe: "subscribe",
  unsubscribe: "unsubscribe",
  settings: "news",
  later: "news-later",
  topics: "topics",
  toggleTopic: "topic",
  language: "news-language",
  province: "news-province",
} as const;

/**
 * Typed keywords (words.ftl) and the labels of this feature's buttons, matched on the whole message in
 * either language. This feature hears them before the citizen chat, even inside a report, so only
 * labels no flow uses are here: the topic buttons (ordinary words) and "done" (the evidence step's
 * word too) are taps only.
 */
const typedIntents: Array<{ keys: string[]; intent: Intent }> = [
  { keys: ["words-news-subscribe", "awareness-choice-subscribe"], intent: { kind: "subscribe" } },
  { keys: ["words-news-unsubscribe", "awareness-choice-unsubscribe"], intent: { kind: "unsubscribe" } },
  { keys: ["words-news-settings", "awareness-menu-news", "rich-menu-news"], intent: { kind: "settings" } },
  { keys: ["awareness-choice-topics"], intent: { kind: "topics" } },
  { keys: ["awareness-choice-later"], intent: { kind: "later" } },
];

/**
 * Subscriptions to awareness campaigns. It answers follow/unfollow, its keywords as whole messages
 * and its own postback commands — nothing else, so every other event falls through to the citizen
 * chat. Records are keyed by the "subscriber" pseudonym; the LINE user id is stored (sealed) only
 * while someone is subscribed, because multicast needs it.
 */
export class SubscriptionFeature implements Feature {
  readonly name = "awareness";

  constructor(private readonly deps: SubscriptionFeatureDeps) {}

  async handles(event: webhook.Event): Promise<boolean> {
    return intentOf(event, this.deps.words) !== undefined || (await this.typedProvince(event)) !== undefined;
  }

  async handle(turn: Turn): Promise<void> {
    const intent = intentOf(turn.event, this.deps.words) ?? (await this.typedProvince(turn.event));
    const userId = (turn.event.source as webhook.UserSource | undefined)?.userId;
    if (!intent || !userId) return;
    const { subscribers, now: clock } = this.deps;
    const key = subscribers.keyFor(userId);
    const now = clock();

    if (intent.kind === "unfollow") {
      await subscribers.blocked(key, now); // nothing can be said: they blocked us
      return;
    }
    const existing = await subscribers.get(key);
    if (intent.kind === "follow") {
      const locale = (await this.profileLocale(userId)) ?? existing?.locale ?? defaultLocale;
      const subscriber = await subscribers.followed(key, locale, now);
      turn.say(...this.greeting(subscriber.locale));
      return;
    }
    const locale = existing?.locale ?? (await this.profileLocale(userId)) ?? defaultLocale;
    switch (intent.kind) {
      case "subscribe": {
        const { wasActive, subscriber } = await subscribers.subscribe(key, userId, locale, now);
        const args = { topics: this.topicList(subscriber) };
        if (!subscriber.provinceAsked) {
          // Asked once, right after the first opt-in; later changes go through the settings menu.
          await subscribers.awaitProvince(key, new Date(now.getTime() + provinceAnswerWindowMs), now);
          turn.say(
            this.text(subscriber.locale, "awareness-subscribed", args),
            ...this.provincePicker(subscriber.locale),
          );
          return;
        }
        turn.say(
          ...this.settingsMenu(subscriber, [
            this.text(
              subscriber.locale,
              wasActive ? "awareness-already-subscribed" : "awareness-subscribed",
              args,
            ),
          ]),
        );
        return;
      }
      case "unsubscribe": {
        const was = await subscribers.unsubscribe(key, now);
        turn.say(...this.offerSubscribe(locale, was ? "awareness-unsubscribed" : "awareness-not-subscribed"));
        return;
      }
      case "later":
        turn.say(
          ...withQuickReplies(
            [this.text(locale, "awareness-later")],
            [this.button(locale, "awareness-choice-menu", "menu")],
          ),
        );
        return;
    }
    if (existing?.status !== "active") {
      turn.say(...this.offerSubscribe(locale, "awareness-not-subscribed"));
      return;
    }
    switch (intent.kind) {
      case "settings":
        turn.say(
          ...this.settingsMenu(existing, [
            this.text(locale, "awareness-settings", {
              topics: this.topicList(existing),
              language: this.deps.texts.t(locale, "awareness-language-name"),
            }),
          ]),
        );
        return;
      case "topics":
        turn.say(...this.topicPicker(existing, "awareness-topics-prompt"));
        return;
      case "toggle-topic": {
        const chosen = existing.topics.includes(intent.topic)
          ? existing.topics.filter((topic) => topic !== intent.topic)
          : topics.filter((topic) => topic === intent.topic || existing.topics.includes(topic));
        if (chosen.length === 0) {
          turn.say(...this.topicPicker(existing, "awareness-topics-need-one"));
          return;
        }
        await subscribers.setTopics(key, chosen, now);
        turn.say(...this.topicPicker({ ...existing, topics: chosen }, "awareness-topics-prompt"));
        return;
      }
      case "province-menu":
        await subscribers.awaitProvince(key, new Date(now.getTime() + provinceAnswerWindowMs), now);
        turn.say(...this.provincePicker(locale));
        return;
      case "province": {
        const province =
          intent.province === null ? undefined : this.deps.geography.findProvince(intent.province);
        if (intent.province !== null && !province) {
          turn.say(...this.provincePicker(locale, "awareness-province-unknown"));
          return;
        }
        await subscribers.setProvince(key, province?.id, now);
        turn.say(
          ...this.settingsMenu(existing, [
            province
              ? this.text(locale, "awareness-province-set", { province: nameIn(locale, province) })
              : this.text(locale, "awareness-province-cleared"),
          ]),
        );
        return;
      }
      case "language": {
        await subscribers.setLocale(key, intent.locale, now);
        const updated = { ...existing, locale: intent.locale };
        turn.say(...this.settingsMenu(updated, [this.text(intent.locale, "awareness-language-changed")]));
        return;
      }
    }
  }

  /** Extra buttons for the citizen chat's main menu. */
  menuExtras(locale: Locale): Array<{ label: string; data: string }> {
    const t = (key: string) => this.deps.texts.t(locale, key);
    return [
      { label: t("awareness-menu-news"), data: commandPostback(awarenessCommands.settings) },
      { label: t("awareness-menu-quiz"), data: commandPostback("quiz") },
    ];
  }

  /** The general welcome, then the opt-in question with its answers. */
  private greeting(locale: Locale): Message[] {
    return withQuickReplies(
      [this.text(locale, "welcome"), this.text(locale, "awareness-opt-in")],
      [
        this.button(locale, "awareness-choice-subscribe", awarenessCommands.subscribe),
        this.button(locale, "awareness-choice-later", awarenessCommands.later),
        this.button(locale, "menu-report", "report"),
        this.button(locale, "awareness-choice-quiz", "quiz"),
      ],
    );
  }

  private settingsMenu(subscriber: SubscriberDocument, before: Message[]): Message[] {
    const locale = subscriber.locale;
    return withQuickReplies(before, [
      this.button(locale, "awareness-choice-topics", awarenessCommands.topics),
      this.button(locale, "awareness-choice-language", awarenessCommands.language, otherLocale(locale)),
      this.button(locale, "awareness-choice-province", awarenessCommands.province),
      this.button(locale, "awareness-choice-unsubscribe", awarenessCommands.unsubscribe),
      this.button(locale, "awareness-choice-menu", "menu"),
    ]);
  }

  private topicPicker(subscriber: SubscriberDocument, key: string): Message[] {
    const locale = subscriber.locale;
    const t = (textKey: string, args?: TextArgs) => this.deps.texts.t(locale, textKey, args);
    const toggles: QuickReplyButton[] = topics.map((topic) => {
      const label = t(topicLabelKey(topic));
      const shown = subscriber.topics.includes(topic)
        ? t("awareness-topic-selected", { topic: label })
        : label;
      return postbackButton(shown, commandPostback(awarenessCommands.toggleTopic, topic));
    });
    return withQuickReplies(
      [this.text(locale, key, { topics: this.topicList(subscriber) })],
      [...toggles, this.button(locale, "awareness-choice-done", awarenessCommands.settings)],
    );
  }

  /**
   * The province question: the pilot's provinces as buttons (77 do not fit LINE's 13 quick
   * replies), any other typed by name, and skip.
   */
  private provincePicker(locale: Locale, key = "awareness-province-question"): Message[] {
    const picks = this.deps.geography.quickPickProvinces.map((province) =>
      postbackButton(nameIn(locale, province), commandPostback(awarenessCommands.province, province.id)),
    );
    return withQuickReplies(
      [this.text(locale, key)],
      [...picks, this.button(locale, "awareness-choice-skip-province", awarenessCommands.province, "none")],
    );
  }

  /**
   * A typed province (or district) name, read as the answer to our province question only while
   * we wait for one: otherwise the same words belong to the citizen chat (a report's place step).
   */
  private async typedProvince(event: webhook.Event): Promise<Intent | undefined> {
    if (event.type !== "message" || event.message.type !== "text" || event.source?.type !== "user") return;
    const userId = event.source.userId;
    if (!userId) return;
    // An exact (normalized) name, not src/geo's fuzzy matchPlace: this runs for every citizen text,
    // and fuzzy matching a sentence costs milliseconds of CPU on the event path.
    const province = this.provinceNames().get(provinceNameKey(event.message.text));
    if (!province) return;
    const subscriber = await this.deps.subscribers.get(this.deps.subscribers.keyFor(userId));
    const waiting = subscriber?.provinceAwaitedUntil && subscriber.provinceAwaitedUntil > this.deps.now();
    return subscriber?.status === "active" && waiting
      ? { kind: "province", province, typed: true }
      : undefined;
  }

  private names?: Map<string, string>;
  /** Thai and English province names (normalized) → province id. */
  private provinceNames(): Map<string, string> {
    this.names ??= new Map(
      this.deps.geography.provinces.flatMap((p) => [
        [provinceNameKey(p.nameTh), p.id],
        [provinceNameKey(p.nameEn), p.id],
      ]),
    );
    return this.names;
  }

  private offerSubscribe(locale: Locale, key: string): Message[] {
    return withQuickReplies(
      [this.text(locale, key)],
      [
        this.button(locale, "awareness-choice-subscribe", awarenessCommands.subscribe),
        this.button(locale, "awareness-choice-menu", "menu"),
      ],
    );
  }

  private topicList(subscriber: SubscriberDocument): string {
    return listOf(
      subscriber.locale,
      subscriber.topics.map((topic) => this.deps.texts.t(subscriber.locale, topicLabelKey(topic))),
    );
  }

  private button(locale: Locale, labelKey: string, command: string, value?: string): QuickReplyButton {
    return postbackButton(this.deps.texts.t(locale, labelKey), commandPostback(command, value));
  }

  private async profileLocale(userId: string): Promise<Locale | undefined> {
    try {
      return localeFromLanguageTag(await this.deps.line.getProfileLanguage(userId));
    } catch (error) {
      this.deps.logger.debug({ err: error }, "profile language unavailable");
      return undefined; // a nicety: Thai is the default
    }
  }

  private text(locale: Locale, key: string, args?: TextArgs): Message {
    return textMessage(this.deps.texts.t(locale, key, args));
  }
}

/** "จ. เชียงใหม่", "จังหวัดเชียงใหม่", "chiang mai province" → one key: no spaces, prefixes or case. */
function provinceNameKey(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/^(จังหวัด|จ\.)/, "")
    .replace(/\s*province$/, "")
    .replace(/[\s.-]/g, "");
}

/** Reads the event as one of this feature's intents, or undefined to let it fall through. */
export function intentOf(event: webhook.Event, words: Vocabulary): Intent | undefined {
  if (event.source?.type !== "user" || !event.source.userId) return undefined;
  if (event.type === "follow") return { kind: "follow" };
  if (event.type === "unfollow") return { kind: "unfollow" };
  if (event.type === "message" && event.message.type === "text") {
    const text = event.message.text;
    // "รับเป็นภาษาอังกฤษ" asks for English, "Receive in Thai" for Thai: the label names the other language.
    for (const locale of ["th", "en"] as const)
      if (words.saysInLocale(text, "awareness-choice-language", locale))
        return { kind: "language", locale: otherLocale(locale) };
    return typedIntents.find(({ keys }) => keys.some((key) => words.says(text, key)))?.intent;
  }
  if (event.type === "postback") {
    const postback = parsePostback(event.postback.data);
    if (postback.type !== "command") return undefined;
    switch (postback.command) {
      case awarenessCommands.subscribe:
        return { kind: "subscribe" };
      case awarenessCommands.unsubscribe:
        return { kind: "unsubscribe" };
      case awarenessCommands.settings:
        return { kind: "settings" };
      case awarenessCommands.later:
        return { kind: "later" };
      case awarenessCommands.topics:
        return { kind: "topics" };
      case awarenessCommands.toggleTopic:
        return isTopic(postback.value) ? { kind: "toggle-topic", topic: postback.value } : undefined;
      case awarenessCommands.language:
        return isLocale(postback.value) ? { kind: "language", locale: postback.value } : undefined;
      case awarenessCommands.province:
        if (postback.value === undefined || postback.value === "") return { kind: "province-menu" };
        return { kind: "province", province: postback.value === "none" ? null : postback.value };
    }
  }
  return undefined;
}
