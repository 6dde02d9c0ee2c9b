import path from "node:path";
import { quizFlow, quizScenarios } from "../../flows/quiz";
import { awarenessActions } from "../../src/awareness/quiz";
import type { StepOutcome, TurnContext } from "../../src/conversation/engine";
import { testEngine } from "../support/engine";
import { validateFlows } from "../../src/conversation/flow";
import { answerPostback } from "../../src/conversation/postback";
import type { ConversationState } from "../../src/conversation/state";
import type { UserInput } from "../../src/conversation/user-input";
import { loadTranslator, type Locale } from "../../src/i18n";
import { projectRoot } from "../../src/service";
import { textOf } from "../support/test-user";

const texts = loadTranslator(path.join(projectRoot, "locales"));
const actions = awarenessActions({ texts });
const engine = testEngine([quizFlow], actions);
const context: TurnContext = {
  userId: "U0123456789abcdef0123456789abcdef",
  now: new Date(),
  showLoading: async () => undefined,
};

/** Plays the quiz the way the citizen chat does: each saved state survives serialisation and gets the next revision. */
class QuizPlayer {
  state: ConversationState;
  last: StepOutcome;

  constructor(locale: Locale) {
    this.last = engine.start({ key: "quiz-player", revision: 0, locale }, "quiz", context);
    this.state = this.saved(this.last);
  }

  async answer(value: "corrupt" | "not-corrupt"): Promise<string> {
    const flow = this.state.flow!;
    return this.send({
      kind: "postback",
      data: answerPostback("quiz", flow.step, this.state.revision, value),
    });
  }

  async send(input: UserInput): Promise<string> {
    this.last = await engine.advance(this.state, input, context);
    if (this.last.save) this.state = this.saved(this.last);
    return this.last.messages.map(textOf).join("\n");
  }

  buttons(): string[] {
    const last = this.last.messages.at(-1) as {
      quickReply?: { items: Array<{ action: { data?: string } }> };
    };
    return (last.quickReply?.items ?? []).map((item) => item.action.data ?? "");
  }

  private saved(outcome: StepOutcome): ConversationState {
    return structuredClone({ ...outcome.state, revision: outcome.state.revision + 1 });
  }
}

test("when the quiz flow is checked like every flow at start-up, then its steps, texts and action exist", () => {
  expect(() =>
    validateFlows(
      [quizFlow],
      new Set(Object.keys(actions)),
      (key) => texts.has("th", key) && texts.has("en", key),
    ),
  ).not.toThrow();
  expect(quizScenarios.length).toBeGreaterThanOrEqual(6);
});

test("when the quiz starts, then the first situation is asked with corruption / not corruption buttons", () => {
  const player = new QuizPlayer("th");

  expect(player.last.messages.map(textOf).join("\n")).toContain("ค่าน้ำร้อนน้ำชา");
  expect(player.buttons()).toEqual([
    answerPostback("quiz", "tea-money", 1, "corrupt"),
    answerPostback("quiz", "tea-money", 1, "not-corrupt"),
    "c=cancel",
  ]);
});

test("when an answer is right, then the reply says so, explains why and asks the next situation", async () => {
  const player = new QuizPlayer("en");

  const reply = await player.answer("corrupt");

  expect(reply).toContain("✅ Correct.");
  expect(reply).toContain("soliciting a bribe");
  expect(reply).toContain("Teacher's Day");
});

test("when an answer is wrong, then the reply says so and still explains", async () => {
  const player = new QuizPlayer("th");
  await player.answer("corrupt");

  const reply = await player.answer("corrupt"); // the Teacher's Day garland is not corruption

  expect(reply).toContain(texts.t("th", "quiz-verdict", { result: "wrong" }));
  expect(reply).toContain("3,000 บาท");
});

test("when the answer is typed, then Thai and English words are understood, negatives included", async () => {
  const player = new QuizPlayer("th");

  expect(await player.send({ kind: "text", text: "ทุจริต" })).toContain("✅");
  expect(await player.send({ kind: "text", text: "ไม่ทุจริต" })).toContain("✅");
  expect(await player.send({ kind: "text", text: "maybe" })).toContain(texts.t("th", "quiz-choose"));
});

test("when every situation is answered, then the score is shown with offers to subscribe and to report", async () => {
  const player = new QuizPlayer("th");
  let reply = "";
  for (const scenario of quizScenarios)
    reply = await player.answer(
      scenario.id === "seminar-lunch" ? "corrupt" : scenario.corrupt ? "corrupt" : "not-corrupt",
    );

  expect(reply).toContain(
    texts.t("th", "quiz-score", {
      score: quizScenarios.length - 1,
      total: quizScenarios.length,
      band: "high",
    }),
  );
  expect(player.buttons()).toEqual(["c=subscribe", "c=report", "c=quiz"]);
  expect(player.state.flow).toBeUndefined();
});
