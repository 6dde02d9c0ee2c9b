import type { messagingApi } from "@line/bot-sdk";
import type { Message } from "./gateway";

/** LINE limits (LINE-FACTS §9). */
export const limits = {
  textLength: 5000,
  quickReplyItems: 13,
  actionLabel: 20,
  flexActionLabel: 40,
  postbackData: 300,
  altText: 1500,
  carouselBubbles: 12,
} as const;

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** Cuts to `max` grapheme clusters (LINE counts labels that way), with an ellipsis when cut. */
export function clip(text: string, max: number): string {
  // A grapheme is at least one UTF-16 unit: a text this short cannot be too long (most labels).
  if (text.length <= max) return text;
  const graphemes = [...segmenter.segment(text)].map((s) => s.segment);
  return graphemes.length <= max ? text : `${graphemes.slice(0, max - 1).join("")}…`;
}

export function textMessage(text: string): messagingApi.TextMessage {
  // UTF-16 units are what LINE counts for text; a longer text would be rejected whole.
  return {
    type: "text",
    text: text.length > limits.textLength ? `${text.slice(0, limits.textLength - 1)}…` : text,
  };
}

export type QuickReplyButton = messagingApi.QuickReplyItem;

export function postbackButton(label: string, data: string, displayText?: string): QuickReplyButton {
  return {
    type: "action",
    action: {
      type: "postback",
      label: clip(label, limits.actionLabel),
      data,
      displayText: displayText ?? label,
    },
  };
}

export function locationButton(label: string): QuickReplyButton {
  return { type: "action", action: { type: "location", label: clip(label, limits.actionLabel) } };
}

export function datePickerButton(
  label: string,
  data: string,
  range: { min?: string; max?: string },
): QuickReplyButton {
  return {
    type: "action",
    action: { type: "datetimepicker", label: clip(label, limits.actionLabel), data, mode: "date", ...range },
  };
}

/** Quick replies show only on the last message of a reply, so they are attached there. */
export function withQuickReplies(messages: Message[], buttons: QuickReplyButton[]): Message[] {
  if (messages.length === 0 || buttons.length === 0) return messages;
  const last = messages[messages.length - 1]!;
  return [
    ...messages.slice(0, -1),
    { ...last, quickReply: { items: buttons.slice(0, limits.quickReplyItems) } },
  ];
}
