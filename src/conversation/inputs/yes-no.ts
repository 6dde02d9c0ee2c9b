import { choice } from "./choice";

/**
 * Yes/no with the words people type (ใช่, ได้, ตกลง, ไม่, yes, no… in words.ftl). `error` names the
 * step's own two buttons, so a refusal never mentions a button that is not on screen.
 */
export function yesNo(labels: { yes: string; no: string; error: string }) {
  return choice(
    [
      { value: "yes", label: labels.yes, words: "words-yes" },
      { value: "no", label: labels.no, words: "words-no" },
    ],
    { errorKey: labels.error },
  );
}
