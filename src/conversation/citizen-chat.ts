import type { webhook } from "@line/bot-sdk";
import type { Feature } from "../events/router";
import type { Turn } from "../line/turn";
import type { Logger } from "../log";
import type { LineGateway, Message } from "../line/gateway";
import type { Pseudonymizer } from "../crypto/pseudonym";
import {
  defaultLocale,
  localeFromLanguageTag,
  otherLocale,
  type Locale,
  type TextArgs,
  type Translator,
} from "../i18n";
import { commandPostback } from "./postback";
import { postbackButton, textMessage, withQuickReplies } from "../line/messages";
import { commandFrom, type Command } from "./commands";
import type { ConversationEngine, FlowAction, StepOutcome, TurnContext } from "./engine";
import type { ConversationState, ConversationStore } from "./state";
import { citizenLimits, type RateLimiter } from "./rate-limit";
import { userInputFrom, type UserInput } from "./user-input";
import { normalizeTrackingCode } from "../tips/tracking-code";
import { parsePostback } from "./postback";
import type { TextRef } from "./flow";

export interface CitizenChatDeps {
  engine: ConversationEngine;
  store: ConversationStore;
  limiter: RateLimiter;
  texts: Translator;
  line: LineGateway;
  pseudonym: Pseudonymizer;
  logger: Logger;
  now: () => Date;
  actions: Record<string, FlowAction>;
  myReports: (reporter: string, locale: Locale) => Promise<Message[] | TextRef>;
  /** Called when a draft ends without a tip (cancel), to discard its evidence. */
  discardDraft: (owner: string) => Promise<void>;
  /** Extra menu buttons other features contribute (awareness: subscribe). */
  menuExtras?: (locale: Locale) => Array<{ label: string; data: string }>;
  /** Shows the rich menu of the citizen's language (the default one is Thai). */
  richMenus?: { showCitizenMenu(userId: string, locale: Locale): Promise<void> };
}

/**
 * The citizen's 1:1 chat: global commands at any step, the active flow otherwise, and a menu when
 * nothing is going on. State is keyed by the reporter pseudonym, never the LINE user id.
 */
export class CitizenChat implements Feature {
  readonly name = "citizen-chat";

  constructor(private readonly deps: CitizenChatDeps) {}

  handles(event: webhook.Event): boolean {
    return (
      event.source?.type === "user" &&
      (event.type === "message" || event.type === "postback" || event.type === "follow")
    );
  }

  async localeOf(event: webhook.Event): Promise<Locale | undefined> {
    const userId = event.source?.type === "user" ? event.source.userId : undefined;
    if (!userId) return undefined;
    const state = await this.deps.store.read(this.deps.pseudonym("reporter", userId), this.deps.now());
    return state.locale;
  }

  async handle(turn: Turn): Promise<void> {
    const { store, pseudonym, now: clock } = this.deps;
    const userId = (turn.event.source as webhook.UserSource).userId;
    if (!userId) return;
    const now = clock();
    const key = pseudonym("reporter", userId);

    const { state, check } = await store.readCounting(key, now, citizenLimits.messages);
    const known = state.locale;
    const locale = known ?? (await this.profileLocale(userId)) ?? defaultLocale;
    if (!check.allowed) {
      if (check.firstRefusal) turn.say(this.text(locale, "limit-messages"));
      return;
    }

    const context: TurnContext = { userId, now, showLoading: () => this.deps.line.showLoading(userId, 60) };
    const outcome = await this.decide({ ...state, locale }, turn.event, context);
    // A newly learned language is kept with the next save; saving now would outdate the buttons just drawn.
    if (outcome.save || (!known && !outcome.state.flow)) await store.write(outcome.state, now);
    if (state.flow && !outcome.state.flow && outcome.cancelled) await this.deps.discardDraft(key);
    const shownMenu = known ?? defaultLocale; // everyone starts with the default (Thai) rich menu
    if (outcome.state.locale && outcome.state.locale !== shownMenu)
      await this.deps.richMenus?.showCitizenMenu(userId, outcome.state.locale);
    turn.say(...outcome.messages);
  }

  private async decide(
    state: ConversationState,
    event: webhook.Event,
    context: TurnContext,
  ): Promise<StepOutcome & { cancelled?: boolean }> {
    const locale = state.locale ?? defaultLocale;
    if (event.type === "follow") return this.idle(state, [this.text(locale, "welcome")]);
    const input = userInputFrom(event);
    const command = commandFrom(input);
    if (state.flow) return this.inFlow(state, input, command, context);
    return this.withoutFlow(state, input, command, context);
  }

  private async inFlow(
    state: ConversationState,
    input: UserInput,
    command: Command | undefined,
    context: TurnContext,
  ): Promise<StepOutcome & { cancelled?: boolean }> {
    const { engine } = this.deps;
    const locale = state.locale ?? defaultLocale;
    switch (command?.name) {
      case "cancel":
        return {
          save: true,
          cancelled: true,
          state: { ...state, flow: undefined },
          messages: this.menu(locale, [this.text(locale, engine.cancelledText(state.flow!.id))]),
        };
      case "back":
        return engine.back(state, context);
      case "menu":
      case "help":
        return engine.reprompt(state, [this.text(locale, "help-in-flow")], context);
      case "report":
      case "status":
      case "my-reports":
      case "reply":
      case "quiz":
        return engine.reprompt(state, [this.text(locale, "flow-in-progress")], context);
      case "language": {
        const next = command.locale ?? otherLocale(locale);
        return engine.redraw({ ...state, locale: next }, [this.text(next, "language-changed")], context);
      }
      default:
        return engine.advance(state, input, context);
    }
  }

  private async withoutFlow(
    state: ConversationState,
    input: UserInput,
    command: Command | undefined,
    context: TurnContext,
  ): Promise<StepOutcome> {
    const { engine, limiter } = this.deps;
    const locale = state.locale ?? defaultLocale;
    switch (command?.name) {
      case "report": {
        const underLimit = await limiter.peek(state.key, citizenLimits.tipsPerDay, context.now);
        if (!underLimit) return this.idle(state, [this.text(locale, "limit-tips-per-day")]);
        return engine.start(state, "report", context);
      }
      case "status":
        return engine.start(state, "status", context);
      case "quiz":
        return engine.start(state, "quiz", context);
      case "reply":
        if (!engine.hasFlow("reporter-reply")) return this.idle(state, []);
        return engine.start(state, "reporter-reply", context, [], { code: command.code });
      case "my-reports": {
        const result = await this.deps.myReports(state.key, locale);
        return this.idle(
          state,
          Array.isArray(result) ? result : [this.text(locale, result.key, result.args)],
        );
      }
      case "language": {
        const next = command.locale ?? otherLocale(locale);
        return {
          save: true,
          state: { ...state, locale: next },
          messages: this.menu(next, [this.text(next, "language-changed")]),
        };
      }
      case "help":
        return this.idle(state, [this.text(locale, "help")]);
      case "cancel":
      case "back":
        return this.idle(state, [this.text(locale, "nothing-to-cancel")]);
      case "menu":
        return this.idle(state, []);
    }
    if (input.kind === "text") {
      // A tracking code typed on its own is a status check.
      const code = normalizeTrackingCode(input.text);
      if (code) {
        const result = await this.deps.actions["show-status"]!(
          { code },
          {
            key: state.key,
            userId: context.userId,
            locale,
            now: context.now,
            flow: {
              id: "status",
              version: 0,
              step: "code",
              history: [],
              editing: false,
              answers: {},
              startedAt: context.now,
            },
          },
        );
        return this.idle(
          state,
          Array.isArray(result) ? result : [this.text(locale, result.key, result.args)],
        );
      }
    }
    if (input.kind === "postback" && parsePostback(input.data).type === "answer") {
      return this.idle(state, [this.text(locale, "stale-button-no-flow")]);
    }
    return this.idle(state, [this.text(locale, "idle-prompt")]);
  }

  private idle(state: ConversationState, messages: Message[]): StepOutcome {
    return { save: false, state, messages: this.menu(state.locale ?? defaultLocale, messages) };
  }

  /** The main menu as quick replies, attached to the last message. */
  private menu(locale: Locale, messages: Message[]): Message[] {
    const t = (key: string) => this.deps.texts.t(locale, key);
    const shown = messages.length > 0 ? messages : [this.text(locale, "idle-prompt")];
    return withQuickReplies(shown, [
      postbackButton(t("menu-report"), commandPostback("report")),
      postbackButton(t("menu-status"), commandPostback("status")),
      postbackButton(t("menu-my-reports"), commandPostback("my-reports")),
      ...(this.deps.menuExtras?.(locale) ?? []).map((extra) => postbackButton(extra.label, extra.data)),
      postbackButton(t("menu-language"), commandPostback("language", otherLocale(locale))),
      postbackButton(t("menu-help"), commandPostback("help")),
    ]);
  }

  private async profileLocale(userId: string): Promise<Locale | undefined> {
    try {
      return localeFromLanguageTag(await this.deps.line.getProfileLanguage(userId));
    } catch {
      return undefined; // the profile is a nicety: Thai is the default
    }
  }

  private text(locale: Locale, key: string, args?: TextArgs): Message {
    return textMessage(this.deps.texts.t(locale, key, args));
  }
}
