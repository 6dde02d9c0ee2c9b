import { defineFlow } from "../src/conversation/flow";
import { trackingCodeInput } from "../src/conversation/inputs/tracking-code";

/** Checking a report: the citizen types (or pastes) the tracking code from the receipt. */
export const statusFlow = defineFlow({
  id: "status",
  version: 1,
  start: "code",
  cancelled: "status-cancelled",
  steps: {
    code: {
      kind: "ask",
      prompt: "status-ask-code",
      input: trackingCodeInput(),
      next: { end: "show-status" },
    },
  },
});
