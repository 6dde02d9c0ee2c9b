import type { FlowAction } from "../conversation/engine";
import type { Answers, InputKind } from "../conversation/flow";
import type { Translator } from "../i18n";
import { postbackButton, textMessage, withQuickReplies } from "../line/messages";
import { commandPostback } from "../conversation/postback";
import { awarenessCommands } from "./subscription-feature";

/** A quiz answer as stored in the flow's answers: what was chosen and whether it was right. */
export interface QuizAnswer {
  quiz: true;
  answer: "corrupt" | "not-corrupt";
  correct: boolean;
}

export interface QuizScenario {
  /** Step id and key prefix: prompt `quiz-<id>`, explanation `quiz-<id>-explain`. */
  id: string;
  /** Whether the situation described is corruption (or misconduct worth reporting). */
  corrupt: boolean;
}

/**
 * "Is this corruption?" for one scenario. Any answer moves on; the reply (shown before the next
 * question) says whether it was right and explains why, so the quiz teaches rather than grades.
 */
export function quizAnswer(scenario: QuizScenario): InputKind<QuizAnswer> {
  const explanation = `quiz-${scenario.id}-explain`;
  return {
    type: "quiz-answer",
    textKeys: [
      "quiz-choice-corrupt",
      "quiz-choice-not-corrupt",
      "quiz-choose",
      "quiz-verdict",
      "words-quiz-corrupt",
      "words-quiz-not-corrupt",
      explanation,
    ],
    parse(input, { words }) {
      const chosen =
        input.kind === "choice"
          ? input.value
          : input.kind === "text"
            ? words.which(input.text, ["words-quiz-not-corrupt", "words-quiz-corrupt"])
            : undefined;
      const answer =
        chosen === "words-quiz-corrupt"
          ? "corrupt"
          : chosen === "words-quiz-not-corrupt"
            ? "not-corrupt"
            : chosen;
      if (answer !== "corrupt" && answer !== "not-corrupt")
        return { ok: false, error: { key: "quiz-choose" } };
      const correct = (answer === "corrupt") === scenario.corrupt;
      return {
        ok: true,
        value: { quiz: true, answer, correct },
        reply: { key: explanation, args: { result: correct ? "right" : "wrong" } },
      };
    },
    choices: () => [
      { kind: "answer", value: "corrupt", label: "quiz-choice-corrupt" },
      { kind: "answer", value: "not-corrupt", label: "quiz-choice-not-corrupt" },
    ],
    format: (value, { t }) =>
      t(value.answer === "corrupt" ? "quiz-choice-corrupt" : "quiz-choice-not-corrupt"),
  };
}

export function isQuizAnswer(value: unknown): value is QuizAnswer {
  return typeof value === "object" && value !== null && (value as QuizAnswer).quiz === true;
}

/** Score bands for the closing message's encouragement. */
function band(score: number, total: number): "high" | "mid" | "low" {
  const ratio = total === 0 ? 0 : score / total;
  return ratio >= 0.8 ? "high" : ratio >= 0.5 ? "mid" : "low";
}

/**
 * The quiz's named action: the score, and an offer to subscribe or to report (quick replies with
 * the awareness subscribe postback and the citizen chat's report command).
 */
export function awarenessActions(deps: { texts: Translator }): Record<string, FlowAction> {
  return {
    "quiz-score": async (answers: Answers, { locale }) => {
      const given = Object.values(answers).filter(isQuizAnswer);
      const score = given.filter((answer) => answer.correct).length;
      const t = (key: string) => deps.texts.t(locale, key);
      const message = textMessage(
        deps.texts.t(locale, "quiz-score", { score, total: given.length, band: band(score, given.length) }),
      );
      return withQuickReplies(
        [message],
        [
          postbackButton(t("awareness-choice-subscribe"), commandPostback(awarenessCommands.subscribe)),
          postbackButton(t("menu-report"), commandPostback("report")),
          postbackButton(t("quiz-choice-again"), commandPostback("quiz")),
        ],
      );
    },
  };
}
