import { choice } from "./choice";

/** Yes/no with the words people type: ใช่, ได้, ตกลง, ไม่, yes, no… */
export function yesNo(labels: { yes: string; no: string }) {
  return choice(
    [
      {
        value: "yes",
        label: labels.yes,
        words: ["ใช่", "ได้", "ตกลง", "ยอมรับ", "ยินยอม", "yes", "y", "ok", "agree"],
      },
      { value: "no", label: labels.no, words: ["ไม่", "ไม่ใช่", "ไม่ได้", "ไม่ยินยอม", "no", "n"] },
    ],
    { errorKey: "input-yes-no" },
  );
}
