import { isLocale, type Locale } from "../i18n";
import type { Vocabulary } from "../i18n/vocabulary";
import { normalizeTrackingCode } from "../tips/tracking-code";
import { parsePostback } from "./postback";
import type { Rating } from "../tips/satisfaction";
import { parseRatingValue } from "./satisfaction";
import type { UserInput } from "./user-input";

/**
 * Commands without a value. `leave` and `stay` answer "leave the half-filled form to do this instead?"
 * (see CitizenChat).
 */
const simpleCommands = [
  "cancel",
  "menu",
  "help",
  "back",
  "report",
  "my-reports",
  "quiz",
  "leave",
  "stay",
] as const;
type SimpleCommand = (typeof simpleCommands)[number];

export type Command =
  | { name: SimpleCommand }
  /** A status check; with a code (a button under a receipt or a list) it needs no question. */
  | { name: "status"; code?: string }
  | { name: "language"; locale?: Locale }
  /** Answer an officer's question about the report with this code (the button under the question). */
  | { name: "reply"; code?: string }
  /** A satisfaction rating for a closed report: a button under the question, or its label typed (no code). */
  | { name: "rate"; rating: Rating; code?: string };

/**
 * The words that work at any step, typed or from a menu: each command's word list
 * (locales/<lang>/words.ftl) and the labels of the buttons that send it, in every language.
 */
const typedCommands: Array<{ keys: string[]; command: Command }> = [
  { keys: ["words-command-cancel", "choice-cancel"], command: { name: "cancel" } },
  { keys: ["words-command-back", "choice-back"], command: { name: "back" } },
  { keys: ["words-command-menu", "awareness-choice-menu"], command: { name: "menu" } },
  { keys: ["words-command-help", "menu-help", "rich-menu-help"], command: { name: "help" } },
  { keys: ["words-command-report", "menu-report", "rich-menu-report"], command: { name: "report" } },
  { keys: ["words-command-status", "menu-status", "rich-menu-status"], command: { name: "status" } },
  {
    keys: ["words-command-my-reports", "menu-my-reports", "rich-menu-my-reports"],
    command: { name: "my-reports" },
  },
  {
    keys: [
      "words-command-quiz",
      "awareness-menu-quiz",
      "awareness-choice-quiz",
      "rich-menu-quiz",
      "quiz-choice-again",
    ],
    command: { name: "quiz" },
  },
  { keys: ["words-command-reply", "reply-button-answer"], command: { name: "reply" } },
  { keys: ["words-command-leave", "choice-leave-confirm"], command: { name: "leave" } },
  { keys: ["words-command-stay", "choice-leave-stay"], command: { name: "stay" } },
  { keys: ["words-command-language"], command: { name: "language" } },
  ...([5, 4, 3, 2, 1] as const).map((rating) => ({
    keys: [`satisfaction-rating-${rating}`],
    command: { name: "rate" as const, rating },
  })),
  { keys: ["words-command-english"], command: { name: "language", locale: "en" } },
  { keys: ["words-command-thai"], command: { name: "language", locale: "th" } },
];

/** A tracking code as shown ("TK-ABCD-EFGH-JKMN") or typed with spaces, inside a longer message. */
const codeInText = /TK[\s-]*(?:[0-9A-Z\u0e50-\u0e59][\s-]*){12}/iu;

/**
 * "ดูสถานะ TK-…" — a status word and a tracking code in one message, which is what the status
 * buttons under a receipt or a status say. A code alone is not a command: in a flow it may be the
 * answer (the status flow asks for one); outside one it is a status check anyway.
 */
function statusWithCode(text: string, words: Vocabulary): Command | undefined {
  const found = codeInText.exec(text);
  const code = found ? normalizeTrackingCode(found[0]) : null;
  if (!found || !code) return undefined;
  const rest = text.replace(found[0], " ");
  return words.says(rest, "words-command-status") ? { name: "status", code } : undefined;
}

const isSimpleCommand = (name: string): name is SimpleCommand =>
  (simpleCommands as readonly string[]).includes(name);

/**
 * The command an input gives, if it is one: a whole typed message, or a command postback
 * (`c=<name>[&v=<value>]`; commands of other features are not this chat's).
 */
export function commandFrom(input: UserInput, words: Vocabulary): Command | undefined {
  if (input.kind === "text") {
    const typed = typedCommands.find(({ keys }) => keys.some((key) => words.says(input.text, key)))?.command;
    return typed ?? statusWithCode(input.text, words);
  }
  if (input.kind !== "postback") return undefined;
  const postback = parsePostback(input.data);
  if (postback.type !== "command") return undefined;
  switch (postback.command) {
    case "language":
      return { name: "language", locale: isLocale(postback.value) ? postback.value : undefined };
    case "status":
    case "reply":
      return { name: postback.command, ...(postback.value ? { code: postback.value } : {}) };
    case "rate": {
      const rated = parseRatingValue(postback.value);
      return rated && { name: "rate", ...rated };
    }
  }
  return isSimpleCommand(postback.command) ? { name: postback.command } : undefined;
}
