import { parsePostback } from "./postback";
import type { UserInput } from "./user-input";

export type Command =
  | { name: "cancel" | "menu" | "help" | "back" | "report" | "status" | "my-reports" | "quiz" }
  | { name: "language"; locale?: "th" | "en" }
  /** Answer an officer's question about the report with this tracking code (button under the question). */
  | { name: "reply"; code: string };

/** Words that work at any step, in Thai and English, typed or from the rich menu. */
const words: Array<[RegExp, Command]> = [
  [/^(ยกเลิก|ยกเลิกการแจ้ง|cancel)$/i, { name: "cancel" }],
  [/^(เมนู|เมนูหลัก|menu)$/i, { name: "menu" }],
  [/^(ช่วยเหลือ|วิธีใช้|help|\?)$/i, { name: "help" }],
  [/^(ย้อนกลับ|กลับ|back)$/i, { name: "back" }],
  [/^(แจ้งเบาะแส|แจ้งเรื่อง|ร้องเรียน|report)$/i, { name: "report" }],
  [/^(สถานะ|ติดตามเรื่อง|ตรวจสอบสถานะ|status)$/i, { name: "status" }],
  [/^(เรื่องของฉัน|my reports)$/i, { name: "my-reports" }],
  [/^(แบบทดสอบ|ทำแบบทดสอบ|quiz)$/i, { name: "quiz" }],
  [/^(ภาษา|language)$/i, { name: "language" }],
  [/^(english|ภาษาอังกฤษ)$/i, { name: "language", locale: "en" }],
  [/^(ภาษาไทย|thai)$/i, { name: "language", locale: "th" }],
];

const commandNames = new Set([
  "cancel",
  "menu",
  "help",
  "back",
  "report",
  "status",
  "my-reports",
  "quiz",
  "language",
  "reply",
]);

export function commandFrom(input: UserInput): Command | undefined {
  if (input.kind === "text") {
    const text = input.text.trim().replace(/\s+/g, " ");
    return words.find(([pattern]) => pattern.test(text))?.[1];
  }
  if (input.kind === "postback") {
    const postback = parsePostback(input.data);
    if (postback.type !== "command" || !commandNames.has(postback.command)) return undefined;
    if (postback.command === "language") {
      return {
        name: "language",
        locale: postback.value === "th" || postback.value === "en" ? postback.value : undefined,
      };
    }
    if (postback.command === "reply")
      return postback.value ? { name: "reply", code: postback.value } : undefined;
    return { name: postback.command as Exclude<Command["name"], "language" | "reply"> };
  }
  return undefined;
}
