import { defineFlow } from "../src/conversation/flow";
import { freeText } from "../src/conversation/inputs/free-text";

/**
 * After a rating (src/conversation/satisfaction.ts): an optional comment on how the report was
 * handled, or "skip". Seeded with the month and the rating only — never the report's code — so the
 * comment is stored beside nothing that names the case.
 */
export const satisfactionCommentFlow = defineFlow({
  id: "satisfaction-comment",
  version: 1,
  start: "comment",
  cancelled: "satisfaction-comment-cancelled",
  steps: {
    comment: {
      kind: "ask",
      prompt: "satisfaction-ask-comment",
      input: freeText({ min: 2, max: 1000, optional: true }),
      next: { end: "record-satisfaction-comment" },
    },
  },
});
