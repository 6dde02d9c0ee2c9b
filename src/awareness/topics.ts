/**
 * What subscribers can choose to hear about, and what campaigns target. A campaign reaches a
 * subscriber when they share at least one topic. Kept as data so a topic is added without code
 * (plus its label in locales/<lang>/awareness.ftl).
 */
export const topics = ["news", "knowledge", "reporting", "officials"] as const;
export type Topic = (typeof topics)[number];

/** New subscribers hear about everything until they narrow it down. */
export const defaultTopics: readonly Topic[] = topics;

export function isTopic(value: unknown): value is Topic {
  return topics.includes(value as Topic);
}

/** Locale key of a topic's name (a quick-reply label: at most 20 characters in every language). */
export function topicLabelKey(topic: Topic): string {
  return `awareness-topic-${topic}`;
}
