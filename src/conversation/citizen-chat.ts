import type { webhook } from "@line/bot-sdk";
import type { Feature } from "../events/router";
import type { ReadHint } from "../data/unit-of-work";
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
import type { Vocabulary } from "../i18n/vocabulary";
import { textMessage } from "../line/messages";
import { promptMessages, type PromptButton } from "../line/prompts";
import { commandPostback, parsePostback } from "./postback";
import { commandFrom, type Command } from "./commands";
import type { ConversationEngine, StepOutcome, TurnContext } from "./engine";
import type { ConversationState, ConversationStore } from "./state";
import { citizenLimits, retryTimeArgs, type RateLimiter } from "./rate-limit";
import { userInputFrom, type UserInput } from "./user-input";
import type { CitizenActions } from "./citizen-actions";
import type { TextRef } from "./flow";
import { normalizeTrackingCode } from "../tips/tracking-code";
import { ratingPostback, type SatisfactionChat } from "./satisfaction";

export interface CitizenChatDeps {
  engine: ConversationEngine;
  store: ConversationStore;
  limiter: RateLimiter;
  texts: Translator;
  words: Vocabulary;
  line: LineGateway;
  pseudonym: Pseudonymizer;
  logger: Logger;
  now: () => Date;
  citizen: Pick<CitizenActions, "status" | "myReports">;
  /** Called when a draft ends without a tip (cancel, or leaving it for something else), to discard its evidence. */
  discardDraft: (owner: string) => Promise<void>;
  /**
   * Why this reporter cannot answer officers about this report now (a closed case, not theirs), said
   * before the reply flow starts rather than after the answer is typed (officers module).
   */
  replyRefusal?: (reporter: string, code: string) => Promise<TextRef | undefined>;
  /** The codes of this reporter's reports with an officer's question waiting: "ตอบคำถาม" typed (officers module). */
  awaitingAnswer?: (reporter: string) => Promise<string[]>;
  /** The satisfaction question's answers (ratings, then the comment flow). */
  satisfaction?: SatisfactionChat;
  /** Extra menu buttons other features contribute (awareness: subscribe). */
  menuExtras?: (locale: Locale) => Array<{ label: string; data: string }>;
  /** Shows the rich menu of the citizen's language (the default one is Thai). */
  richMenus?: { showCitizenMenu(userId: string, locale: Locale): Promise<void> };
}

type ChatOutcome = StepOutcome & { cancelled?: boolean };

/** Commands that start a flow, and the flow each starts. */
const flowOf: Partial<Record<Command["name"], string>> = {
  report: "report",
  status: "status",
  quiz: "quiz",
  reply: "reporter-reply",
};

/**
 * The citizen's 1:1 chat: global commands at any step, the active flow otherwise, and a menu when
 * nothing is going on. State is keyed by the reporter pseudonym, never the LINE user id.
 *
 * A command that starts something else works inside any flow: a status check or a quiz simply gives
 * way, a half-filled report first asks whether to leave it (the question is kept in the flow's state
 * as `leaving`, so the typed answer works as the tapped one does). "Cancel" always works, even past
 * the message limit.
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

  /** Every turn reads the chat's state first: its group reads those of all its chats at once. */
  prepare(event: webhook.Event): ReadHint[] {
    const userId = event.source?.type === "user" ? event.source.userId : undefined;
    if (!userId || !this.handles(event)) return [];
    return [this.deps.store.hint(this.deps.pseudonym("reporter", userId))];
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
    const input = userInputFrom(turn.event);
    const command = turn.event.type === "follow" ? undefined : commandFrom(input, this.deps.words);
    // Past the limit only "cancel" is heard: nobody is kept in a form they want to leave.
    if (!check.allowed && command?.name !== "cancel") {
      if (check.firstRefusal)
        turn.say(this.text(locale, "limit-messages", retryTimeArgs(citizenLimits.messages, now, locale)));
      return;
    }

    const context: TurnContext = { userId, now, showLoading: () => this.deps.line.showLoading(userId, 60) };
    const outcome = await this.decide({ ...state, locale }, turn.event, input, command, context);
    // A newly learned language is kept with the next save; saving now would outdate the buttons just drawn.
    if (outcome.save || (!known && !outcome.state.flow)) await store.write(outcome.state, now);
    if (state.flow && !outcome.state.flow && outcome.cancelled) await this.deps.discardDraft(key);
    const shownMenu = known ?? defaultLocale; // everyone starts with the default (Thai) rich menu
    if (outcome.state.locale && outcome.state.locale !== shownMenu)
      await this.deps.richMenus?.showCitizenMenu(userId, outcome.state.locale);
    // Whatever ended a flow (a receipt, a status, a goodbye) is followed by the menu: no dead end.
    const ended = state.flow && !outcome.state.flow;
    turn.say(...(ended ? this.withMenu(outcome.state, outcome.messages) : outcome.messages));
  }

  private async decide(
    state: ConversationState,
    event: webhook.Event,
    input: UserInput,
    command: Command | undefined,
    context: TurnContext,
  ): Promise<ChatOutcome> {
    const locale = state.locale ?? defaultLocale;
    if (event.type === "follow") return this.idle(state, [this.text(locale, "welcome")]);
    if (state.flow) return this.inFlow(state, input, command, context);
    return this.withoutFlow(state, input, command, context);
  }

  private async inFlow(
    given: ConversationState,
    input: UserInput,
    command: Command | undefined,
    context: TurnContext,
  ): Promise<ChatOutcome> {
    const { engine } = this.deps;
    const locale = given.locale ?? defaultLocale;
    const leaving = given.flow!.leaving;
    // Anything but an answer to "leave the form?" takes the question back.
    const state: ConversationState =
      leaving && command?.name !== "leave" && command?.name !== "stay"
        ? { ...given, flow: { ...given.flow!, leaving: undefined } }
        : given;
    switch (command?.name) {
      case "cancel":
        return this.cancel(state);
      case "leave":
        return leaving ? this.leave(state, leaving, context) : this.cancel(state);
      case "stay":
        return leaving
          ? engine.redraw({ ...state, flow: { ...state.flow!, leaving: undefined } }, [], context)
          : engine.reprompt(state, [], context);
      case "back":
        return engine.back(state, context);
      case "menu":
      case "help":
        return engine.reprompt(
          state,
          [this.text(locale, "help-in-flow", { back: state.flow!.history.length > 0 ? "yes" : "no" })],
          context,
        );
      case "language": {
        const next = command.locale ?? otherLocale(locale);
        return engine.redraw({ ...state, locale: next }, [this.text(next, "language-changed")], context);
      }
      // Looking something up needs no leaving: the answer, then the question again.
      case "my-reports":
        return engine.reprompt(state, await this.deps.citizen.myReports(state.key, locale), context);
      case "status":
        if (command.code)
          return engine.reprompt(state, await this.status(state, command.code, context), context);
        return this.startInstead(state, command, context);
      case "report":
      case "quiz":
      case "reply":
      case "rate":
        return this.startInstead(state, command, context);
      default:
        return engine.advance(state, input, context);
    }
  }

  /** A command that starts another flow while one is open: give way, or first ask to leave a half-filled form. */
  private async startInstead(
    state: ConversationState,
    command: Command,
    context: TurnContext,
  ): Promise<ChatOutcome> {
    const { engine } = this.deps;
    const locale = state.locale ?? defaultLocale;
    const active = state.flow!;
    if (
      flowOf[command.name] === active.id &&
      !(command.name === "reply" && command.code !== active.answers.code)
    )
      return engine.reprompt(state, [this.text(locale, "flow-already-open", { flow: active.id })], context);
    if (!engine.losesWork(state)) return this.leave(state, command, context);
    const asking: ConversationState = { ...state, flow: { ...active, leaving: command } };
    const t = (key: string) => this.deps.texts.t(locale, key);
    return {
      save: true,
      state: asking,
      messages: promptMessages(
        [this.text(locale, "leave-confirm", { flow: active.id, target: command.name })],
        [
          { kind: "postback", label: t("choice-leave-confirm"), data: commandPostback("leave") },
          { kind: "postback", label: t("choice-leave-stay"), data: commandPostback("stay") },
        ],
      ),
    };
  }

  /** Drops the open flow (and its draft's files) and does what was asked instead. */
  private async leave(
    state: ConversationState,
    command: Command,
    context: TurnContext,
  ): Promise<ChatOutcome> {
    const locale = state.locale ?? defaultLocale;
    const goodbye = this.text(locale, this.deps.engine.cancelledText(state.flow!.id));
    const next = await this.withoutFlow(
      { ...state, flow: undefined },
      { kind: "unsupported" },
      command,
      context,
    );
    return { ...next, save: true, cancelled: true, messages: [goodbye, ...next.messages].slice(-5) };
  }

  private cancel(state: ConversationState): ChatOutcome {
    const locale = state.locale ?? defaultLocale;
    const goodbye = this.text(locale, this.deps.engine.cancelledText(state.flow!.id));
    return { save: true, cancelled: true, state: { ...state, flow: undefined }, messages: [goodbye] };
  }

  private async withoutFlow(
    state: ConversationState,
    input: UserInput,
    command: Command | undefined,
    context: TurnContext,
  ): Promise<ChatOutcome> {
    const { engine, limiter } = this.deps;
    const locale = state.locale ?? defaultLocale;
    switch (command?.name) {
      case "report": {
        const underLimit = await limiter.peek(state.key, citizenLimits.tipsPerDay, context.now);
        if (!underLimit)
          return this.idle(state, [
            this.text(
              locale,
              "limit-tips-per-day",
              retryTimeArgs(citizenLimits.tipsPerDay, context.now, locale),
            ),
          ]);
        return engine.start(state, "report", context);
      }
      case "status":
        if (command.code) return this.idle(state, await this.status(state, command.code, context));
        return engine.start(state, "status", context);
      case "quiz":
        return engine.start(state, "quiz", context);
      case "reply":
        return this.reply(state, command.code, context);
      case "rate":
        return this.rate(state, command, context);
      case "my-reports":
        return this.idle(state, await this.deps.citizen.myReports(state.key, locale));
      case "language": {
        const next = command.locale ?? otherLocale(locale);
        const changed = { ...state, locale: next };
        return {
          save: true,
          state: changed,
          messages: this.withMenu(changed, [this.text(next, "language-changed")]),
        };
      }
      case "help":
        return this.idle(state, [this.text(locale, "help")]);
      case "cancel":
      case "back":
      case "leave":
        return this.idle(state, [this.text(locale, "nothing-to-cancel")]);
      case "stay":
      case "menu":
        return this.idle(state, []);
    }
    if (input.kind === "text") {
      // A tracking code typed on its own is a status check.
      const code = normalizeTrackingCode(input.text);
      if (code) return this.idle(state, await this.status(state, code, context));
    }
    if (input.kind === "postback" && parsePostback(input.data).type === "answer") {
      return this.idle(state, [this.text(locale, "stale-button-no-flow")]);
    }
    return this.idle(state, [this.text(locale, "idle-prompt")]);
  }

  /** Answering an officer: for the report named, or the one report with a question waiting. */
  private async reply(
    state: ConversationState,
    code: string | undefined,
    context: TurnContext,
  ): Promise<ChatOutcome> {
    const { engine } = this.deps;
    const locale = state.locale ?? defaultLocale;
    if (!engine.hasFlow("reporter-reply")) return this.idle(state, []);
    if (!code) {
      const waiting = (await this.deps.awaitingAnswer?.(state.key)) ?? [];
      if (waiting.length === 0) return this.idle(state, [this.text(locale, "reply-none-waiting")]);
      if (waiting.length > 1) {
        const buttons = waiting.map((waitingCode): PromptButton => ({
          kind: "postback",
          label: waitingCode,
          data: commandPostback("reply", waitingCode),
          displayText: this.deps.texts.t(locale, "reply-choose-display", { code: waitingCode }),
        }));
        return { save: false, state, messages: promptMessages([this.text(locale, "reply-choose")], buttons) };
      }
      return this.reply(state, waiting[0], context);
    }
    const refusal = await this.deps.replyRefusal?.(state.key, code);
    if (refusal) return this.idle(state, [this.text(locale, refusal.key, refusal.args)]);
    return engine.start(state, "reporter-reply", context, [], { code });
  }

  /** A satisfaction rating: for the report its button names, or the one report whose question waits. */
  private async rate(
    state: ConversationState,
    command: Extract<Command, { name: "rate" }>,
    context: TurnContext,
  ): Promise<ChatOutcome> {
    const survey = this.deps.satisfaction;
    const locale = state.locale ?? defaultLocale;
    if (!survey) return this.idle(state, []);
    if (!command.code) {
      const waiting = await survey.awaitingRating(state.key, context.now);
      if (waiting.length === 0) return this.idle(state, [this.text(locale, "satisfaction-none-waiting")]);
      if (waiting.length > 1) {
        const buttons = waiting.map((code): PromptButton => ({
          kind: "postback",
          label: code,
          data: ratingPostback(command.rating, code),
        }));
        return {
          save: false,
          state,
          messages: promptMessages([this.text(locale, "satisfaction-choose")], buttons),
        };
      }
      return this.rate(state, { ...command, code: waiting[0] }, context);
    }
    const rated = await survey.rate(state.key, command.code, command.rating, context.now);
    if (!rated.ok) return this.idle(state, [this.text(locale, rated.refusal.key, rated.refusal.args)]);
    return this.deps.engine.start(
      state,
      "satisfaction-comment",
      context,
      [this.text(locale, "satisfaction-thanks")],
      rated.seed,
    );
  }

  private status(state: ConversationState, code: string, context: TurnContext): Promise<Message[]> {
    return this.deps.citizen.status(code, {
      key: state.key,
      locale: state.locale ?? defaultLocale,
      now: context.now,
    });
  }

  private idle(state: ConversationState, messages: Message[]): ChatOutcome {
    return { save: false, state, messages: this.withMenu(state, messages) };
  }

  /**
   * The main menu as quick replies on the last message, unless that message brings its own (a list of
   * reports to pick from, the quiz's "again"). Nothing to say: the idle prompt.
   */
  private withMenu(state: ConversationState, messages: Message[]): Message[] {
    const locale = state.locale ?? defaultLocale;
    const shown = messages.length > 0 ? messages : [this.text(locale, "idle-prompt")];
    if (shown.at(-1)?.quickReply) return shown;
    const t = (key: string) => this.deps.texts.t(locale, key);
    const button = (label: string, data: string): PromptButton => ({ kind: "postback", label, data });
    return promptMessages(shown, [
      button(t("menu-report"), commandPostback("report")),
      button(t("menu-status"), commandPostback("status")),
      button(t("menu-my-reports"), commandPostback("my-reports")),
      ...(this.deps.menuExtras?.(locale) ?? []).map((extra) => button(extra.label, extra.data)),
      button(t("menu-language"), commandPostback("language", otherLocale(locale))),
      button(t("menu-help"), commandPostback("help")),
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
