import path from "node:path";
import { testEngine } from "../support/engine";
import {
  defineFlow,
  FlowDefinitionError,
  validateFlows,
  type FlowDefinition,
} from "../../src/conversation/flow";
import { freeText } from "../../src/conversation/inputs/free-text";
import { flows } from "../../flows";
import { loadTranslator } from "../../src/i18n";
import type { ConversationState } from "../../src/conversation/state";

const texts = loadTranslator(path.join(__dirname, "../../locales"));
const context = { userId: "U0", now: new Date("2026-11-25T03:00:00Z"), showLoading: async () => undefined };

function twoStepFlow(version: number, steps: FlowDefinition["steps"]): FlowDefinition {
  return defineFlow({
    id: "report",
    version,
    start: Object.keys(steps)[0]!,
    cancelled: "report-cancelled",
    steps,
  });
}

describe("flow validation at start-up", () => {
  const hasText = (key: string) => texts.has("th", key) && texts.has("en", key);

  test("when the shipped flows are validated, then they pass", () => {
    expect(() =>
      validateFlows(flows, new Set(["report-declined", "submit-tip", "show-status"]), hasText),
    ).not.toThrow();
  });

  test("when a step points to a step that does not exist, then start-up fails naming it", () => {
    const broken = twoStepFlow(1, {
      agencyName: {
        kind: "ask",
        prompt: "report-agency-name",
        input: freeText({ min: 2, max: 10 }),
        next: "nowhere",
      },
    });
    expect(() => validateFlows([broken], new Set(), hasText)).toThrow(
      /report\.agencyName: next step "nowhere" does not exist/,
    );
  });

  test("when a prompt has no text, then start-up fails naming the key", () => {
    const broken = twoStepFlow(1, {
      agencyName: {
        kind: "ask",
        prompt: "no-such-text",
        input: freeText({ min: 2, max: 10 }),
        next: { end: "submit-tip" },
      },
    });
    expect(() => validateFlows([broken], new Set(["submit-tip"]), hasText)).toThrow(FlowDefinitionError);
  });
});

describe("drafts across a deploy that changed the flow", () => {
  const v1 = twoStepFlow(1, {
    agencyName: {
      kind: "ask",
      prompt: "report-agency-name",
      input: freeText({ min: 2, max: 200 }),
      next: "oldStep",
    },
    oldStep: {
      kind: "ask",
      prompt: "report-people",
      input: freeText({ min: 2, max: 200 }),
      next: "narrative",
    },
    narrative: {
      kind: "ask",
      prompt: "report-narrative",
      input: freeText({ min: 2, max: 200 }),
      next: { end: "submit-tip" },
    },
  });
  const v2 = twoStepFlow(2, {
    agencyName: {
      kind: "ask",
      prompt: "report-agency-name",
      input: freeText({ min: 2, max: 200 }),
      next: "narrative",
    },
    narrative: {
      kind: "ask",
      prompt: "report-narrative",
      input: freeText({ min: 2, max: 200 }),
      next: { end: "submit-tip" },
    },
  });
  const action = async () => ({ key: "report-declined" });

  test("when a draft sits on a step the new version removed, then it resumes at the first unanswered step with its answers kept", async () => {
    const before = testEngine([v1], { "submit-tip": action });
    let state: ConversationState = { key: "k", revision: 0, locale: "th" };
    state = { ...before.start(state, "report", context).state, revision: 1 };
    state = {
      ...(await before.advance(state, { kind: "text", text: "อบต.แม่ริม" }, context)).state,
      revision: 2,
    };
    expect(state.flow!.step).toBe("oldStep");

    const after = testEngine([v2], { "submit-tip": action });
    const outcome = await after.advance(
      structuredClone(state),
      { kind: "text", text: "คำตอบที่ตั้งใจให้คำถามเก่า" },
      context,
    );
    expect(outcome.state.flow).toMatchObject({
      version: 2,
      step: "narrative",
      answers: { agencyName: "อบต.แม่ริม" },
    });
    expect(outcome.state.flow!.answers).not.toHaveProperty("narrative");
    expect(JSON.stringify(outcome.messages)).toContain(texts.t("th", "flow-updated"));
  });
});
