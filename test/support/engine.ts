import path from "node:path";
import { ConversationEngine, type FlowAction } from "../../src/conversation/engine";
import type { FlowDefinition, InputServices } from "../../src/conversation/flow";
import { loadGeography } from "../../src/geo";
import { loadTranslator } from "../../src/i18n";
import { Vocabulary } from "../../src/i18n/vocabulary";

export const texts = loadTranslator(path.join(__dirname, "../../locales"));

/** Services for an engine driven without a service: the real geography, and no evidence store (a test that sends media uses the harness). */
export const offlineServices: InputServices = {
  geography: loadGeography(),
  evidence: {
    storeFromLine: () => Promise.reject(new Error("no evidence store in an engine-only test")),
  },
};

/** An engine on the real texts and words, for tests of flows that need no database. */
export function testEngine(flows: FlowDefinition[], actions: Record<string, FlowAction>): ConversationEngine {
  return new ConversationEngine({
    flows,
    actions,
    texts,
    services: offlineServices,
    words: new Vocabulary(texts),
  });
}
