import type { InputKind, QuickChoice } from "../flow";

export interface ChoiceOption {
  value: string;
  /** Locale key of the button label (max 20 characters in LINE); typing it is the same as tapping it. */
  label: string;
  /** Locale key of more words a citizen may type for it (a `words-*` list in locales/<lang>/words.ftl). */
  words?: string;
}

/** One of a few options, offered as quick-reply buttons (LINE shows at most 13). */
export function choice(options: ChoiceOption[], settings: { errorKey?: string } = {}): InputKind<string> {
  const errorKey = settings.errorKey ?? "input-choose-option";
  return {
    type: "choice",
    textKeys: [
      errorKey,
      ...options.flatMap((option) => [option.label, ...(option.words ? [option.words] : [])]),
    ],
    parse(input, { words }) {
      if (input.kind === "choice" && options.some((option) => option.value === input.value)) {
        return { ok: true, value: input.value };
      }
      if (input.kind === "text") {
        const option = options.find(
          (candidate) =>
            words.says(input.text, candidate.label) ||
            (candidate.words !== undefined && words.says(input.text, candidate.words)),
        );
        if (option) return { ok: true, value: option.value };
      }
      return { ok: false, error: { key: errorKey } };
    },
    choices: () =>
      options.map((option): QuickChoice => ({ kind: "answer", value: option.value, label: option.label })),
    format: (value, { t }) => {
      const option = options.find((candidate) => candidate.value === value);
      return option ? t(option.label) : String(value);
    },
  };
}
