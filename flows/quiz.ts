import { defineFlow, type AskStep, type Transition } from "../src/conversation/flow";
import { quizAnswer, type QuizScenario } from "../src/awareness/quiz";

/**
 * "Is this corruption?" — eight everyday situations. Each answer gets feedback and an explanation
 * (locales/<lang>/awareness.ftl: `quiz-<id>` and `quiz-<id>-explain`), then the next situation;
 * the end shows the score and offers to subscribe or to report.
 */
export const quizScenarios: QuizScenario[] = [
  { id: "tea-money", corrupt: true }, // a clerk asks for "tea money" to speed up a title deed
  { id: "teachers-day", corrupt: false }, // a garland for a teacher on Teacher's Day
  { id: "relative-contract", corrupt: true }, // a contract steered to a relative's company
  { id: "office-car", corrupt: true }, // the office car for a family holiday
  { id: "missing-documents", corrupt: false }, // a request refused for missing documents, with reasons
  { id: "traffic-fine", corrupt: true }, // cash instead of a fine, no receipt
  { id: "nephew-hired", corrupt: true }, // a nephew hired without the selection process
  { id: "seminar-lunch", corrupt: false }, // the lunch every seminar participant gets
];

function quizSteps(): Record<string, AskStep> {
  const steps: Record<string, AskStep> = {};
  quizScenarios.forEach((scenario, index) => {
    const next: Transition = quizScenarios[index + 1]?.id ?? { end: "quiz-score" };
    steps[scenario.id] = {
      kind: "ask",
      prompt: `quiz-${scenario.id}`,
      promptArgs: () => ({ number: index + 1, total: quizScenarios.length }),
      input: quizAnswer(scenario),
      next,
    };
  });
  return steps;
}

export const quizFlow = defineFlow({
  id: "quiz",
  version: 1,
  start: quizScenarios[0]!.id,
  cancelled: "quiz-cancelled",
  steps: quizSteps(),
});
