import type { InputKind, QuickChoice } from "../flow";

export interface ChoiceOption {
  value: string;
  /** Locale key of the button label (max 20 characters in LINE). */
  label: string;
  /** Words a citizen may type instead of tapping (any language). */
  words?: string[];
}

/** One of a few options, offered as quick-reply buttons (LINE shows at most 13). */
export function choice(options: ChoiceOption[], settings: { errorKey?: string } = {}): InputKind<string> {
  const errorKey = settings.errorKey ?? "input-choose-option";
  const byWord = new Map<string, string>();
  for (const option of options)
    for (const word of option.words ?? []) byWord.set(normalize(word), option.value);
  return {
    type: "choice",
    textKeys: [errorKey, ...options.map((option) => option.label)],
    parse(input) {
      if (input.kind === "choice" && options.some((option) => option.value === input.value)) {
        return { ok: true, value: input.value };
      }
      if (input.kind === "text") {
        const value = byWord.get(normalize(input.text));
        if (value) return { ok: true, value };
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

function normalize(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, " ");
}
