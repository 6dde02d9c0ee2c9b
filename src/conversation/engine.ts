import type { Message } from "../line/gateway";
import { defaultLocale, type Locale, type TextArgs, type Translator } from "../i18n";
import type { Vocabulary } from "../i18n/vocabulary";
import { textMessage } from "../line/messages";
import { promptMessages, reviewCard, type PromptButton, type ReviewView } from "../line/prompts";
import {
  transitionFor,
  type Answers,
  type AskStep,
  type FlowDefinition,
  type InputServices,
  type QuickChoice,
  type ReviewStep,
  type StepInput,
  type TextRef,
} from "./flow";
import { answerPostback, commandPostback, parsePostback } from "./postback";
import type { ActiveFlow, ConversationState } from "./state";
import type { UserInput } from "./user-input";

/** What a flow's named action (e.g. "submit-tip") gets and gives back. */
export interface ActionContext {
  key: string;
  /** The LINE user id — only for actions that store an opted-in contact, encrypted. Never logged. */
  userId: string;
  locale: Locale;
  now: Date;
  /** When the flow was started: one draft submitted twice (a retried event) is one submission. */
  startedAt: Date;
}
export type FlowAction = (answers: Answers, context: ActionContext) => Promise<Message[] | TextRef>;

export interface TurnContext {
  userId: string;
  now: Date;
  /** LINE's loading animation in this chat, for slow steps (evidence downloads). */
  showLoading: () => Promise<void>;
}

/** The result of one step: messages to send and, if `save`, the state to write. */
export interface StepOutcome {
  save: boolean;
  state: ConversationState;
  messages: Message[];
}

export interface EngineDeps {
  flows: FlowDefinition[];
  actions: Record<string, FlowAction>;
  texts: Translator;
  services: InputServices;
  words: Vocabulary;
}

/**
 * Interprets flows declared in flows/. One call handles one input: validate it against the current
 * step, move on (or re-prompt with a translated reason, leaving the draft untouched), and describe
 * the next question in words — its text and the answers offered, fingerprinted by the revision they
 * are drawn for. How that looks in LINE is line/prompts.ts's business.
 *
 * What a button says is also an answer when typed: a typed label (in either language, spacing and
 * case aside) counts as a tap on the button shown with it.
 */
export class ConversationEngine {
  private readonly flows: Map<string, FlowDefinition>;

  constructor(private readonly deps: EngineDeps) {
    this.flows = new Map(deps.flows.map((flow) => [flow.id, flow]));
  }

  hasFlow(id: string): boolean {
    return this.flows.has(id);
  }

  /** The locale key a flow says goodbye with when cancelled. */
  cancelledText(flowId: string): string {
    return this.flow(flowId).cancelled;
  }

  /** Whether leaving the active flow now would lose answers the citizen gave (see FlowDefinition.confirmLeaving). */
  losesWork(state: ConversationState): boolean {
    const active = state.flow;
    return Boolean(active && this.flow(active.id).confirmLeaving && active.history.length > 0);
  }

  /** Starts a flow; `seed` pre-fills answers the flow needs from outside (e.g. which report a reply is for). */
  start(
    state: ConversationState,
    flowId: string,
    context: TurnContext,
    intro: Message[] = [],
    seed: Answers = {},
  ): StepOutcome {
    const flow = this.flow(flowId);
    const active: ActiveFlow = {
      id: flow.id,
      version: flow.version,
      step: flow.start,
      history: [],
      editing: false,
      answers: { ...seed },
      startedAt: context.now,
    };
    return this.moveTo({ ...state, flow: active }, intro, context);
  }

  /** Handles one input inside the active flow. */
  async advance(state: ConversationState, input: UserInput, context: TurnContext): Promise<StepOutcome> {
    const active = this.migrate(state.flow!);
    const flow = this.flow(active.id);
    const step = flow.steps[active.step]!;
    const current: ConversationState = { ...state, flow: active };
    const locale = state.locale ?? defaultLocale;
    // The form changed under this draft: the input was meant for a question that is gone, so ask anew.
    if (active !== state.flow) return this.moveTo(current, [this.text(locale, "flow-updated")], context);

    const tapped = this.answerFromPostback(input, current);
    if (tapped === "stale") return this.reprompt(current, [this.text(locale, "stale-button")], context);

    if (step.kind === "review") return this.review(current, step, tapped, context);

    const shown = this.shownChoices(step, active, context);
    const stepInput = tapped.kind === "text" ? this.typedButton(tapped.text, shown) : tapped;
    if (stepInput.kind === "device-button") {
      // LINE opens its map or calendar only from the button itself; the typed label cannot.
      const label = this.deps.texts.t(locale, stepInput.choice.label);
      const hint = stepInput.choice.kind === "location" ? "input-typed-location" : "input-typed-date-picker";
      return this.reprompt(current, [this.text(locale, hint, { label })], context);
    }

    const result = await step.input.parse(stepInput, {
      locale,
      now: context.now,
      owner: current.key,
      current: active.answers[active.step],
      services: this.deps.services,
      words: this.deps.words,
      showLoading: context.showLoading,
    });
    if (!result.ok)
      return this.reprompt(current, [this.text(locale, result.error.key, result.error.args)], context);

    const answers = { ...active.answers, [active.step]: result.value };
    const said = result.reply ? [this.text(locale, result.reply.key, result.reply.args)] : [];
    if (result.stay) {
      const next: ConversationState = { ...current, flow: { ...active, answers } };
      // Starting or ending a follow-up question changes what is asked, so the whole prompt is drawn.
      const followUp = (value: unknown) => step.input.followUp?.(value, this.deps.services);
      if (followUp(result.value) || followUp(active.answers[active.step]))
        return this.moveTo(next, said, context);
      return { save: true, state: next, messages: this.acknowledgement(next, said, context) };
    }
    const transition = active.editing ? this.reviewStepId(flow) : transitionFor(step, result.value, answers);
    const history = [...active.history, active.step];
    if (typeof transition === "object")
      return this.finish(
        { ...current, flow: { ...active, answers, history } },
        transition.end,
        said,
        context,
      );
    return this.moveTo(
      { ...current, flow: { ...active, answers, history, step: transition, editing: false } },
      said,
      context,
    );
  }

  back(state: ConversationState, context: TurnContext): StepOutcome {
    const active = this.migrate(state.flow!);
    const previous = active.history.at(-1);
    if (!previous)
      return this.reprompt(
        { ...state, flow: active },
        [this.text(state.locale ?? defaultLocale, "back-at-start")],
        context,
      );
    return this.moveTo(
      { ...state, flow: { ...active, step: previous, history: active.history.slice(0, -1), editing: false } },
      [],
      context,
    );
  }

  /** Draws the current step anew and saves (e.g. after a language switch: old buttons become stale). */
  redraw(state: ConversationState, before: Message[], context: TurnContext): StepOutcome {
    return this.moveTo({ ...state, flow: this.migrate(state.flow!) }, before, context);
  }

  /** The current prompt again, e.g. after "help" or when a citizen returns hours later. */
  reprompt(state: ConversationState, before: Message[], context: TurnContext): StepOutcome {
    return { save: false, state, messages: this.prompt(state, state.revision, before, context) };
  }

  private async review(
    state: ConversationState,
    step: ReviewStep,
    input: StepInput,
    context: TurnContext,
  ): Promise<StepOutcome> {
    const active = state.flow!;
    const locale = state.locale ?? defaultLocale;
    const choice =
      input.kind === "choice"
        ? input.value
        : input.kind === "text"
          ? this.typedReviewChoice(input.text, active)
          : undefined;
    if (choice === "submit") return this.finish(state, step.submit, [], context);
    const field = choice?.startsWith("edit:") ? choice.slice("edit:".length) : undefined;
    if (field && this.flow(active.id).steps[field]?.kind === "ask") {
      return this.moveTo({ ...state, flow: { ...active, step: field, editing: true } }, [], context);
    }
    return this.reprompt(state, [this.text(locale, "input-review")], context);
  }

  private async finish(
    state: ConversationState,
    actionName: string,
    said: Message[],
    context: TurnContext,
  ): Promise<StepOutcome> {
    const action = this.deps.actions[actionName];
    if (!action) throw new Error(`flow action "${actionName}" is not registered`);
    const locale = state.locale ?? defaultLocale;
    const result = await action(state.flow!.answers, {
      key: state.key,
      userId: context.userId,
      locale,
      now: context.now,
      startedAt: state.flow!.startedAt,
    });
    const messages = Array.isArray(result) ? result : [this.text(locale, result.key, result.args)];
    return { save: true, state: { ...state, flow: undefined }, messages: [...said, ...messages] };
  }

  private moveTo(state: ConversationState, before: Message[], context: TurnContext): StepOutcome {
    // Buttons are drawn for the revision this save will create.
    return { save: true, state, messages: this.prompt(state, state.revision + 1, before, context) };
  }

  /** The question on screen: what comes before it, its text, and the answers offered. */
  private prompt(
    state: ConversationState,
    revision: number,
    before: Message[],
    context: TurnContext,
  ): Message[] {
    const active = state.flow!;
    const flow = this.flow(active.id);
    const step = flow.steps[active.step]!;
    const locale = state.locale ?? defaultLocale;
    const t = (key: string, args?: TextArgs) => this.deps.texts.t(locale, key, args);
    const button = (value: string) => answerPostback(active.id, active.step, revision, value);
    if (step.kind === "review") {
      const review = this.reviewView(flow, active, locale, button);
      return promptMessages(
        [...before, reviewCard(review)],
        [{ kind: "postback", ...review.submit }, ...this.navigation(active, locale)],
      );
    }
    const format = { t, locale, services: this.deps.services, button };
    const followUp = step.input.followUp?.(active.answers[active.step], this.deps.services);
    const extra = (followUp ? followUp.extraMessages?.(format) : step.input.extraMessages?.(format)) ?? [];
    const question = followUp
      ? t(followUp.prompt.key, followUp.prompt.args)
      : t(step.prompt, step.promptArgs?.(active.answers));
    return promptMessages(
      [...before, ...extra, textMessage(question)],
      [...this.answerButtons(step, active, locale, revision, context), ...this.navigation(active, locale)],
    );
  }

  /** After an accepted item on a step that stays open: a short acknowledgement with the step's buttons. */
  private acknowledgement(state: ConversationState, said: Message[], context: TurnContext): Message[] {
    const active = state.flow!;
    const step = this.flow(active.id).steps[active.step] as AskStep;
    const locale = state.locale ?? defaultLocale;
    return promptMessages(said, [
      ...this.answerButtons(step, active, locale, state.revision + 1, context),
      ...this.navigation(active, locale),
    ]);
  }

  /** The answers the step offers now (a pending follow-up offers its own). */
  private shownChoices(step: AskStep, active: ActiveFlow, context: TurnContext): QuickChoice[] {
    return step.input.choices({
      now: context.now,
      current: active.answers[active.step],
      services: this.deps.services,
    });
  }

  private answerButtons(
    step: AskStep,
    active: ActiveFlow,
    locale: Locale,
    revision: number,
    context: TurnContext,
  ): PromptButton[] {
    const t = (key: string, args?: TextArgs) => this.deps.texts.t(locale, key, args);
    const data = (value: string) => answerPostback(active.id, active.step, revision, value);
    return this.shownChoices(step, active, context).map((choice): PromptButton => {
      switch (choice.kind) {
        case "location":
          return { kind: "location", label: t(choice.label) };
        case "date-picker":
          return {
            kind: "date-picker",
            label: t(choice.label),
            data: data(choice.value),
            min: choice.min,
            max: choice.max,
          };
        case "answer":
          return { kind: "postback", label: t(choice.label, choice.labelArgs), data: data(choice.value) };
      }
    });
  }

  private navigation(active: ActiveFlow, locale: Locale): PromptButton[] {
    const t = (key: string) => this.deps.texts.t(locale, key);
    const buttons: PromptButton[] = [];
    if (active.history.length > 0)
      buttons.push({ kind: "postback", label: t("choice-back"), data: commandPostback("back") });
    buttons.push({ kind: "postback", label: t("choice-cancel"), data: commandPostback("cancel") });
    return buttons;
  }

  private reviewView(
    flow: FlowDefinition,
    active: ActiveFlow,
    locale: Locale,
    button: (value: string) => string,
  ): ReviewView {
    const t = (key: string, args?: TextArgs) => this.deps.texts.t(locale, key, args);
    const format = { t, locale, services: this.deps.services };
    return {
      title: t("review-title"),
      rows: this.reviewedSteps(flow, active).map(([id, step]) => ({
        label: t(step.reviewLabel!),
        value: step.input.format(active.answers[id], format),
        edit: {
          label: t("choice-edit"),
          data: button(`edit:${id}`),
          displayText: t("review-edit-field", { field: t(step.reviewLabel!) }),
        },
      })),
      footnote: t(flow.steps[active.step]!.prompt),
      submit: { label: t("choice-submit"), data: button("submit") },
    };
  }

  /** The answered steps the review screen lists, in the flow's order. */
  private reviewedSteps(flow: FlowDefinition, active: ActiveFlow): Array<[string, AskStep]> {
    return Object.entries(flow.steps)
      .filter((entry): entry is [string, AskStep] => entry[1].kind === "ask" && Boolean(entry[1].reviewLabel))
      .filter(([id]) => id in active.answers);
  }

  /**
   * A typed text that says one of the shown buttons' labels is that button's answer. The location and
   * date-picker buttons only work on the phone: their typed labels are told so.
   */
  private typedButton(
    text: string,
    shown: QuickChoice[],
  ): StepInput | { kind: "device-button"; choice: QuickChoice } {
    const choice = shown.find((candidate) =>
      this.deps.words.says(
        text,
        candidate.label,
        candidate.kind === "answer" ? candidate.labelArgs : undefined,
      ),
    );
    if (!choice) return { kind: "text", text };
    if (choice.kind !== "answer") return { kind: "device-button", choice };
    return { kind: "choice", value: choice.value };
  }

  /** "ส่งเรื่อง", "ยืนยัน", "แก้ไข สถานที่" or just "สถานที่" on the review screen. */
  private typedReviewChoice(text: string, active: ActiveFlow): string | undefined {
    const { words, texts } = this.deps;
    if (words.says(text, "choice-submit") || words.says(text, "words-review-submit")) return "submit";
    const flow = this.flow(active.id);
    const field = this.reviewedSteps(flow, active).find(
      ([, step]) =>
        words.says(text, step.reviewLabel!) ||
        words.saysIn(text, (locale) =>
          texts.t(locale, "review-edit-field", { field: texts.t(locale, step.reviewLabel!) }),
        ),
    );
    return field ? `edit:${field[0]}` : undefined;
  }

  /** A tapped answer button becomes a "choice" input if it belongs to the prompt on screen now. */
  private answerFromPostback(input: UserInput, state: ConversationState): StepInput | "stale" {
    if (input.kind !== "postback") return input;
    const postback = parsePostback(input.data);
    if (postback.type !== "answer") return "stale";
    const active = state.flow!;
    if (postback.flow !== active.id || postback.step !== active.step || postback.revision !== state.revision)
      return "stale";
    return { kind: "choice", value: postback.value, params: input.params };
  }

  /**
   * A draft saved under an older flow definition: keep its answers and resume at the first step
   * the new definition still needs — a deploy never crashes or silently loses a draft.
   */
  private migrate(active: ActiveFlow): ActiveFlow {
    const flow = this.flow(active.id);
    if (active.version === flow.version && flow.steps[active.step]) return active;
    const history: string[] = [];
    let stepId: string = flow.start;
    for (let guard = 0; guard < Object.keys(flow.steps).length; guard++) {
      const step = flow.steps[stepId];
      if (!step || step.kind === "review" || !(stepId in active.answers)) break;
      if (step.input.followUp?.(active.answers[stepId], this.deps.services)) break; // still being answered
      const next = transitionFor(step, active.answers[stepId], active.answers);
      if (typeof next === "object") break;
      history.push(stepId);
      stepId = next;
    }
    return { ...active, version: flow.version, step: stepId, history, editing: false };
  }

  private reviewStepId(flow: FlowDefinition): string {
    const id = Object.entries(flow.steps).find(([, step]) => step.kind === "review")?.[0];
    if (!id) throw new Error(`flow "${flow.id}" has no review step to return to`);
    return id;
  }

  private flow(id: string): FlowDefinition {
    const flow = this.flows.get(id);
    if (!flow) throw new Error(`unknown flow "${id}"`);
    return flow;
  }

  private text(locale: Locale, key: string, args?: TextArgs): Message {
    return textMessage(this.deps.texts.t(locale, key, args));
  }
}
