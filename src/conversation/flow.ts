import type { Message } from "../line/gateway";
import type { Locale, TextArgs } from "../i18n";
import type { Vocabulary } from "../i18n/vocabulary";
import type { Geography } from "../geo";
import type { EvidenceStore } from "../tips/evidence";
import type { UserInput } from "./user-input";

/** A button offered with a prompt (LINE quick reply). Labels are locale keys. */
export type QuickChoice =
  | { kind: "answer"; value: string; label: string; labelArgs?: TextArgs }
  | { kind: "location"; label: string }
  | { kind: "date-picker"; value: string; label: string; max?: string; min?: string };

/** What a step receives: the citizen's input, with answer buttons already checked for staleness. */
export type StepInput = UserInput | { kind: "choice"; value: string; params?: { date?: string } };

export type InputResult<T> =
  | {
      ok: true;
      value: T;
      /** stay on this step (e.g. evidence: one more item) */ stay?: boolean;
      reply?: TextRef;
    }
  | { ok: false; error: TextRef };

export interface TextRef {
  key: string;
  args?: TextArgs;
}

/** What an input kind gets while parsing one answer. */
export interface InputContext {
  locale: Locale;
  now: Date;
  /** The draft owner's pseudonym (evidence is stored under it until submission). */
  owner: string;
  /** The value already given at this step (evidence accumulates). */
  current: unknown;
  services: InputServices;
  /** What typed words mean (locales/<lang>/words.ftl and every button label, in every language). */
  words: Vocabulary;
  showLoading: () => Promise<void>;
}

/**
 * The domain services input kinds use, provided by the composition root: the country's districts (the
 * place step, locations sent as evidence) and the evidence store (media downloaded as they arrive).
 */
export interface InputServices {
  geography: Geography;
  evidence: Pick<EvidenceStore, "storeFromLine">;
}

export interface FormatContext {
  locale: Locale;
  t: (key: string, args?: TextArgs) => string;
  services: InputServices;
}

/**
 * An input kind: how a step reads the citizen's answer. Parsing errors are locale keys, so every
 * re-prompt is translated; the engine never saves a step whose parse failed.
 */
export interface InputKind<T = unknown> {
  readonly type: string;
  parse(input: StepInput, context: InputContext): Promise<InputResult<T>> | InputResult<T>;
  choices(context: { now: Date; current: unknown; services: InputServices }): QuickChoice[];
  /** Messages shown before the prompt text (e.g. a district picker). */
  extraMessages?(context: FormatContext & { button: (value: string) => string }): Message[];
  /**
   * A question the kind still has to ask before its answer is complete ("อำเภอสันทราย: ถูกต้องหรือไม่"
   * after a shared location). While the step's value is such a pending answer, the engine asks this
   * instead of the step's prompt and extra messages, keeps the step open, and never follows the
   * step's transition with it — a draft migrated by a deploy stops here too.
   */
  followUp?(value: unknown, services: InputServices): FollowUp | undefined;
  format(value: T, context: FormatContext): string;
  /** Whether "skip" is offered and accepted. */
  readonly optional?: boolean;
  /** Locale keys this kind uses, for the unused-key check. */
  readonly textKeys: readonly string[];
}

/** See {@link InputKind.followUp}. */
export interface FollowUp {
  prompt: TextRef;
  /** Messages shown before the question (e.g. the districts of the province the citizen named). */
  extraMessages?(context: FormatContext & { button: (value: string) => string }): Message[];
}

export type Answers = Record<string, unknown>;

/** Where a step goes next: another step id, or the end of the flow with a named action. */
export type Transition = string | { end: string };

/** A fork decided by the answer: `pick` names one of `to`'s keys, so every target is visible (and checked). */
export interface Branch {
  pick: (value: unknown, answers: Answers) => string;
  to: Record<string, Transition>;
}

export interface AskStep {
  kind: "ask";
  prompt: string;
  promptArgs?: (answers: Answers) => TextArgs;
  input: InputKind;
  next: Transition | Branch;
  /** Locale key of the field's name on the review screen; steps without one are not shown there. */
  reviewLabel?: string;
}

export interface ReviewStep {
  kind: "review";
  prompt: string;
  /** Action run on confirm. */
  submit: string;
}

export type Step = AskStep | ReviewStep;

export interface FlowDefinition {
  id: string;
  /** Bump when steps change meaning; drafts of another version are migrated by their answers. */
  version: number;
  start: string;
  steps: Record<string, Step>;
  /** Locale key of the message shown when the citizen cancels. */
  cancelled: string;
  /**
   * Leaving it loses the citizen's work (a half-filled report): a command that would start something
   * else asks first. Flows without it (a status check, the quiz) simply give way.
   */
  confirmLeaving?: boolean;
}

export function defineFlow(flow: FlowDefinition): FlowDefinition {
  return flow;
}

export class FlowDefinitionError extends Error {
  constructor(problems: string[]) {
    super(`invalid flow definitions:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "FlowDefinitionError";
  }
}

/**
 * Checked at start-up: every transition names a step, every action exists, every locale key exists
 * in every language. A broken flow stops the deploy instead of a citizen's conversation.
 */
export function validateFlows(
  flows: FlowDefinition[],
  actions: ReadonlySet<string>,
  hasText: (key: string) => boolean,
): void {
  const problems: string[] = [];
  for (const flow of flows) {
    const where = (step: string) => `${flow.id}.${step}`;
    if (!flow.steps[flow.start]) problems.push(`${flow.id}: start step "${flow.start}" does not exist`);
    if (!hasText(flow.cancelled)) problems.push(`${flow.id}: missing text "${flow.cancelled}"`);
    for (const [id, step] of Object.entries(flow.steps)) {
      if (!hasText(step.prompt)) problems.push(`${where(id)}: missing text "${step.prompt}"`);
      if (step.kind === "review") {
        if (!actions.has(step.submit)) problems.push(`${where(id)}: unknown action "${step.submit}"`);
        continue;
      }
      if (step.reviewLabel && !hasText(step.reviewLabel))
        problems.push(`${where(id)}: missing text "${step.reviewLabel}"`);
      for (const key of step.input.textKeys)
        if (!hasText(key)) problems.push(`${where(id)}: missing text "${key}"`);
      const targets = isBranch(step.next) ? Object.values(step.next.to) : [step.next];
      for (const target of targets) {
        if (typeof target === "string" && !flow.steps[target])
          problems.push(`${where(id)}: next step "${target}" does not exist`);
        if (typeof target === "object" && !actions.has(target.end))
          problems.push(`${where(id)}: unknown action "${target.end}"`);
      }
    }
  }
  if (problems.length > 0) throw new FlowDefinitionError(problems);
}

export function isBranch(next: Transition | Branch): next is Branch {
  return typeof next === "object" && "pick" in next;
}

/** The transition an answer leads to. */
export function transitionFor(step: AskStep, value: unknown, answers: Answers): Transition {
  if (!isBranch(step.next)) return step.next;
  const target = step.next.to[step.next.pick(value, answers)];
  if (target === undefined) throw new Error(`branch of step "${step.prompt}" picked an unknown target`);
  return target;
}
