import type { Vocabulary } from "../../i18n/vocabulary";
import type { StepInput, TextRef } from "../flow";

const segmenter = new Intl.Segmenter("th", { granularity: "grapheme" });

/** Characters as a reader counts them: Thai vowel and tone marks belong to their consonant. */
export function characterCount(text: string): number {
  let count = 0;
  for (const _ of segmenter.segment(text)) count++;
  return count;
}

/** Only emoji, symbols and punctuation: "👍👍" is not an answer to "what happened?". */
export function hasNoWords(text: string): boolean {
  return !/[\p{L}\p{N}]/u.test(text);
}

/**
 * The checks every free-text step shares, in the order a citizen would want to hear them:
 * wrong kind of message, empty, no words, too short, too long.
 */
export function readText(
  input: StepInput,
  bounds: { min: number; max: number },
): { ok: true; text: string } | { ok: false; error: TextRef } {
  if (input.kind !== "text") return { ok: false, error: { key: "input-expected-text" } };
  const text = input.text.trim().replace(/\r\n/g, "\n");
  if (text.length === 0) return { ok: false, error: { key: "input-empty" } };
  if (hasNoWords(text)) return { ok: false, error: { key: "input-no-words" } };
  const count = characterCount(text);
  if (count < bounds.min)
    return { ok: false, error: { key: "input-too-short", args: { min: bounds.min, count } } };
  if (count > bounds.max)
    return { ok: false, error: { key: "input-too-long", args: { max: bounds.max, count } } };
  return { ok: true, text };
}

export const textCheckKeys = [
  "input-expected-text",
  "input-empty",
  "input-no-words",
  "input-too-short",
  "input-too-long",
] as const;

/** Typed words that mean "skip this optional question" (a lone dash too, as forms are filled in). */
export function isSkipWord(text: string, words: Vocabulary): boolean {
  return /^-+$/.test(text.trim()) || words.says(text, "words-skip");
}
