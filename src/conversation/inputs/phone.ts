import { normalizeThaiDigits } from "../../i18n/thai-digits";
import type { InputKind } from "../flow";
import { isSkipWord } from "./text-checks";

/**
 * An optional Thai phone number: 0XXXXXXXX(X) or +66…, spaces and dashes allowed, Thai digits too.
 * Stored normalised as 0XXXXXXXXX.
 */
export function phone(): InputKind<string | null> {
  return {
    type: "phone",
    optional: true,
    textKeys: ["input-phone", "choice-skip", "review-not-given", "words-skip"],
    parse(input, { words }) {
      if (input.kind === "choice" && input.value === "skip") return { ok: true, value: null };
      if (input.kind !== "text") return { ok: false, error: { key: "input-phone" } };
      if (isSkipWord(input.text, words)) return { ok: true, value: null };
      const number = normalizeThaiPhone(input.text);
      return number ? { ok: true, value: number } : { ok: false, error: { key: "input-phone" } };
    },
    choices: () => [{ kind: "answer", value: "skip", label: "choice-skip" }],
    format: (value, { t }) => value ?? t("review-not-given"),
  };
}

export function normalizeThaiPhone(text: string): string | undefined {
  const compact = normalizeThaiDigits(text).replace(/[\s\-().]/g, "");
  const national = compact.startsWith("+66")
    ? `0${compact.slice(3)}`
    : compact.startsWith("66") && compact.length === 11
      ? `0${compact.slice(2)}`
      : compact;
  // Mobile numbers are 10 digits (06/08/09…), Bangkok and provincial landlines 9 (02…, 053…).
  return /^0\d{8,9}$/.test(national) ? national : undefined;
}
