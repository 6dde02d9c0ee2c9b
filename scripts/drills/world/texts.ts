import path from "node:path";
import { loadTranslator, type TextArgs, type Translator } from "../../../src/i18n";
import { repositoryRoot } from "./bot";

/** The bot's own texts, so scripted people can tell which prompt an answer is. */
export const texts: Translator = loadTranslator(path.join(repositoryRoot, "locales"));

export const t = (key: string, args?: TextArgs): string => texts.t("th", key, args);

/** The visible text of messages: text messages and every text node of Flex messages. */
export function textOf(messages: unknown[]): string {
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      const record = node as Record<string, unknown>;
      if (typeof record.text === "string") found.push(record.text);
      for (const [key, value] of Object.entries(record))
        if (key !== "quickReply" && key !== "text") walk(value);
    }
  };
  walk(messages);
  return found.join("\n");
}

/** Postback buttons anywhere in some messages (quick replies and Flex), by label. */
export function postbackButtons(messages: unknown[]): Array<{ label: string; data: string }> {
  const found: Array<{ label: string; data: string }> = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      const record = node as Record<string, unknown>;
      if (record.type === "postback" && typeof record.data === "string")
        found.push({ label: typeof record.label === "string" ? record.label : "", data: record.data });
      Object.values(record).forEach(walk);
    }
  };
  walk(messages);
  return found;
}

const apologyText = t("event-failed-apology");

/** The translated apology for a dead-lettered event, in either language. */
export function isApology(messages: unknown[]): boolean {
  const text = textOf(messages);
  return text.includes(apologyText) || text.includes(texts.t("en", "event-failed-apology"));
}

/** A tracking code as the receipt shows it. */
export const trackingCodePattern = /TK-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}/g;

/** The longest fixed stretch of a text with parameters: what every rendering of it contains. */
export function opening(key: string): string {
  const marker = "\u0000";
  const rendered = t(key, { scope: marker, code: marker, count: marker, max: marker, title: marker });
  return rendered
    .split(marker)
    .reduce((longest, part) => (part.length > longest.length ? part : longest), "");
}
