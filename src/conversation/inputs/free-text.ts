import type { InputKind } from "../flow";
import { isSkipWord, readText, textCheckKeys } from "./text-checks";

/** A typed answer within bounds. Optional texts offer a "skip" button and accept "ไม่มี"/"skip". */
export function freeText(bounds: { min: number; max: number; optional?: boolean }): InputKind<string | null> {
  return {
    type: "text",
    optional: bounds.optional,
    textKeys: [...textCheckKeys, "choice-skip", "review-not-given", "words-skip"],
    parse(input, { words }) {
      if (bounds.optional && input.kind === "choice" && input.value === "skip")
        return { ok: true, value: null };
      if (bounds.optional && input.kind === "text" && isSkipWord(input.text, words))
        return { ok: true, value: null };
      const result = readText(input, bounds);
      return result.ok ? { ok: true, value: result.text } : result;
    },
    choices: () => (bounds.optional ? [{ kind: "answer", value: "skip", label: "choice-skip" }] : []),
    format: (value, { t }) => (value === null ? t("review-not-given") : value),
  };
}
