import { defineFlow } from "../src/conversation/flow";
import { freeText } from "../src/conversation/inputs/free-text";
import { evidence, evidenceCount } from "../src/conversation/inputs/evidence";

/**
 * Answering an officer's question about one report: the citizen tapped "answer" under the question
 * (postback `c=reply&v=<tracking code>`, which seeds `code`), types the answer, may add evidence, and
 * the officers receive it without learning who sent it.
 */
export const reporterReplyFlow = defineFlow({
  id: "reporter-reply",
  version: 1,
  start: "answer",
  cancelled: "reply-cancelled",
  confirmLeaving: true,
  steps: {
    answer: {
      kind: "ask",
      prompt: "reply-ask-answer",
      promptArgs: (answers) => ({ code: String(answers.code ?? "") }),
      input: freeText({ min: 1, max: 2000 }),
      next: "evidence",
    },
    evidence: {
      kind: "ask",
      prompt: "reply-ask-evidence",
      promptArgs: (answers) => ({ count: evidenceCount(answers.evidence) }),
      input: evidence({ max: 5 }),
      next: { end: "relay-reporter-reply" },
    },
  },
});
