import type { Message } from "../line/gateway";
import { defaultLocale, type Locale, type TextArgs, type Translator } from "../i18n";
import {
  clip,
  datePickerButton,
  locationButton,
  postbackButton,
  textMessage,
  withQuickReplies,
  type QuickReplyButton,
} from "../line/messages";
import {
  transitionFor,
  type Answers,
  type AskStep,
  type FlowDefinition,
  type InputServices,
  type ReviewStep,
  type StepInput,
  type TextRef,
} from "./flow";
import { answerPostback, parsePostback } from "./postback";
import type { ActiveFlow, ConversationState } from "./state";
import type { UserInput } from "./user-input";

/** What a flow's named action (e.g. "submit-tip") gets and gives back. */
export interface ActionContext {
  key: string;
  /** The LINE user id — only for actions that store an opted-in contact, encrypted. Never logged. */
  userId: string;
  locale: Locale;
  now: Date;
  flow: ActiveFlow;
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

const reviewNarrativeLength = 300;

/**
 * Interprets flows declared in flows/. One call handles one input: validate it against the current
 * step, move on (or re-prompt with a translated reason, leaving the draft untouched), and draw the
 * next prompt with buttons fingerprinted by the revision they were drawn for.
 */
export class ConversationEngine {
  private readonly flows: Map<string, FlowDefinition>;

  constructor(
    flows: FlowDefinition[],
    private readonly actions: Record<string, FlowAction>,
    private readonly texts: Translator,
    private readonly services: InputServices,
  ) {
    this.flows = new Map(flows.map((flow) => [flow.id, flow]));
  }

  hasFlow(id: string): boolean {
    return this.flows.has(id);
  }

  /** The locale key a flow says goodbye with when cancelled. */
  cancelledText(flowId: string): string {
    return this.flow(flowId).cancelled;
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

    const stepInput = this.answerFromPostback(input, current);
    if (stepInput === "stale") return this.reprompt(current, [this.text(locale, "stale-button")], context);

    if (step.kind === "review") return this.review(current, step, stepInput, context);

    const result = await step.input.parse(stepInput, {
      locale,
      now: context.now,
      owner: current.key,
      current: active.answers[active.step],
      services: this.services,
      showLoading: context.showLoading,
    });
    if (!result.ok)
      return this.reprompt(current, [this.text(locale, result.error.key, result.error.args)], context);

    const answers = { ...active.answers, [active.step]: result.value };
    const said = result.reply ? [this.text(locale, result.reply.key, result.reply.args)] : [];
    if (result.stay) {
      const next: ConversationState = { ...current, flow: { ...active, answers } };
      // Starting or ending a follow-up question changes what is asked, so the whole prompt is drawn.
      const followUp = (value: unknown) => step.input.followUp?.(value, this.services);
      if (followUp(result.value) || followUp(active.answers[active.step]))
        return this.moveTo(next, said, context);
      return { save: true, state: next, messages: this.choicesOnly(next, said, context) };
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
      input.kind === "choice" ? input.value : input.kind === "text" ? reviewWord(input.text) : undefined;
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
    const action = this.actions[actionName];
    if (!action) throw new Error(`flow action "${actionName}" is not registered`);
    const locale = state.locale ?? defaultLocale;
    const result = await action(state.flow!.answers, {
      key: state.key,
      userId: context.userId,
      locale,
      now: context.now,
      flow: state.flow!,
    });
    const messages = Array.isArray(result) ? result : [this.text(locale, result.key, result.args)];
    return { save: true, state: { ...state, flow: undefined }, messages: [...said, ...messages] };
  }

  private moveTo(state: ConversationState, before: Message[], context: TurnContext): StepOutcome {
    // Buttons are drawn for the revision this save will create.
    return { save: true, state, messages: this.prompt(state, state.revision + 1, before, context) };
  }

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
    const t = (key: string, args?: TextArgs) => this.texts.t(locale, key, args);
    const button = (value: string) => answerPostback(active.id, active.step, revision, value);
    if (step.kind === "review") {
      const summary = this.reviewCard(flow, active, locale, button);
      return withQuickReplies(
        [...before, summary],
        [postbackButton(t("choice-submit"), button("submit")), ...this.navigationButtons(active, locale)],
      );
    }
    const format = { t, locale, services: this.services, button };
    const followUp = step.input.followUp?.(active.answers[active.step], this.services);
    const extra = (followUp ? followUp.extraMessages?.(format) : step.input.extraMessages?.(format)) ?? [];
    const promptText = textMessage(
      followUp
        ? t(followUp.prompt.key, followUp.prompt.args)
        : t(step.prompt, step.promptArgs?.(active.answers)),
    );
    return withQuickReplies([...before, ...extra, promptText].slice(-5), [
      ...this.stepButtons(step, active, locale, revision, context),
      ...this.navigationButtons(active, locale),
    ]);
  }

  /** After an accepted item on a step that stays open: a short acknowledgement with the step's buttons. */
  private choicesOnly(state: ConversationState, said: Message[], context: TurnContext): Message[] {
    const active = state.flow!;
    const step = this.flow(active.id).steps[active.step] as AskStep;
    const locale = state.locale ?? defaultLocale;
    return withQuickReplies(said, [
      ...this.stepButtons(step, active, locale, state.revision + 1, context),
      ...this.navigationButtons(active, locale),
    ]);
  }

  private stepButtons(
    step: AskStep,
    active: ActiveFlow,
    locale: Locale,
    revision: number,
    context: TurnContext,
  ): QuickReplyButton[] {
    const t = (key: string, args?: TextArgs) => this.texts.t(locale, key, args);
    const data = (value: string) => answerPostback(active.id, active.step, revision, value);
    return step.input
      .choices({ now: context.now, current: active.answers[active.step], services: this.services })
      .map((choice) => {
        if (choice.kind === "location") return locationButton(t(choice.label));
        if (choice.kind === "date-picker") {
          return datePickerButton(t(choice.label), data(choice.value), { min: choice.min, max: choice.max });
        }
        return postbackButton(t(choice.label, choice.labelArgs), data(choice.value));
      });
  }

  private navigationButtons(active: ActiveFlow, locale: Locale): QuickReplyButton[] {
    const t = (key: string) => this.texts.t(locale, key);
    const buttons: QuickReplyButton[] = [];
    if (active.history.length > 0) buttons.push(postbackButton(t("choice-back"), "c=back"));
    buttons.push(postbackButton(t("choice-cancel"), "c=cancel"));
    return buttons;
  }

  private reviewCard(
    flow: FlowDefinition,
    active: ActiveFlow,
    locale: Locale,
    button: (value: string) => string,
  ): Message {
    const t = (key: string, args?: TextArgs) => this.texts.t(locale, key, args);
    const format = { t, locale, services: this.services };
    const rows = Object.entries(flow.steps)
      .filter((entry): entry is [string, AskStep] => entry[1].kind === "ask" && Boolean(entry[1].reviewLabel))
      .filter(([id]) => id in active.answers)
      .map(([id, step]) => ({
        type: "box" as const,
        layout: "horizontal" as const,
        spacing: "sm" as const,
        contents: [
          {
            type: "box" as const,
            layout: "vertical" as const,
            flex: 5,
            contents: [
              { type: "text" as const, text: t(step.reviewLabel!), size: "xs" as const, color: "#888888" },
              {
                type: "text" as const,
                text: clip(step.input.format(active.answers[id], format) || "-", reviewNarrativeLength),
                size: "sm" as const,
                wrap: true,
              },
            ],
          },
          {
            type: "button" as const,
            flex: 2,
            height: "sm" as const,
            style: "link" as const,
            action: {
              type: "postback" as const,
              label: t("choice-edit"),
              data: button(`edit:${id}`),
              displayText: `${t("choice-edit")}: ${t(step.reviewLabel!)}`,
            },
          },
        ],
      }));
    return {
      type: "flex",
      altText: t("review-title"),
      contents: {
        type: "bubble",
        header: {
          type: "box",
          layout: "vertical",
          contents: [{ type: "text", text: t("review-title"), weight: "bold", size: "lg", wrap: true }],
        },
        body: { type: "box", layout: "vertical", spacing: "md", contents: rows },
        footer: {
          type: "box",
          layout: "vertical",
          spacing: "sm",
          contents: [
            {
              type: "text",
              text: t(flow.steps[active.step]!.prompt),
              size: "xs",
              wrap: true,
              color: "#666666",
            },
            {
              type: "button",
              style: "primary",
              action: {
                type: "postback",
                label: t("choice-submit"),
                data: button("submit"),
                displayText: t("choice-submit"),
              },
            },
          ],
        },
      },
    };
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
      if (step.input.followUp?.(active.answers[stepId], this.services)) break; // still being answered
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
    return textMessage(this.texts.t(locale, key, args));
  }
}

function reviewWord(text: string): string | undefined {
  return /^(ส่ง|ยืนยัน|ส่งเรื่อง|submit|send|confirm)$/i.test(text.trim()) ? "submit" : undefined;
}
