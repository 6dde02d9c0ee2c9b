import type { messagingApi } from "@line/bot-sdk";
import type { Message } from "./gateway";
import { clip, datePickerButton, limits, locationButton, postbackButton, withQuickReplies } from "./messages";
import { maxMessagesPerRequest } from "./turn";

/**
 * How a conversation looks in LINE. The conversation engine decides what is asked and which answers
 * are offered, already in words; this module decides how that is drawn: quick replies, Flex cards,
 * carousels, LINE's limits. It knows nothing of flows, so a change of look never touches the
 * interpreter, and the interpreter never builds a LINE structure.
 */

/** A button offered under a question: an answer (postback), LINE's location picker, or its date picker. */
export type PromptButton =
  | { kind: "postback"; label: string; data: string; displayText?: string }
  | { kind: "location"; label: string }
  | { kind: "date-picker"; label: string; data: string; min?: string; max?: string };

/**
 * Messages with their buttons as quick replies on the last one (LINE shows only those). A turn sends at
 * most five messages: the newest are kept, since the question a citizen must answer comes last.
 */
export function promptMessages(messages: Message[], buttons: PromptButton[]): Message[] {
  return withQuickReplies(messages.slice(-maxMessagesPerRequest), buttons.map(quickReply));
}

function quickReply(button: PromptButton): messagingApi.QuickReplyItem {
  switch (button.kind) {
    case "location":
      return locationButton(button.label);
    case "date-picker":
      return datePickerButton(button.label, button.data, { min: button.min, max: button.max });
    case "postback":
      return postbackButton(button.label, button.data, button.displayText);
  }
}

/** A Flex postback button that echoes what was tapped in the chat, as a quick reply does. */
export interface CardButton {
  label: string;
  data: string;
  /** What the chat shows as the citizen's message; the label when absent. */
  displayText?: string;
}

function flexAction(button: CardButton): messagingApi.PostbackAction {
  return {
    type: "postback",
    label: clip(button.label, limits.flexActionLabel),
    data: button.data,
    displayText: button.displayText ?? button.label,
  };
}

/** The answers before submission, each with its own edit button. */
export interface ReviewView {
  title: string;
  rows: Array<{ label: string; value: string; edit: CardButton }>;
  /** What to do now ("tap Submit, or Edit next to…"). */
  footnote: string;
  submit: CardButton;
}

/** Long answers are cut on the card (the full text is kept): the card must stay readable on a phone. */
const reviewValueLength = 300;

export function reviewCard(view: ReviewView): messagingApi.FlexMessage {
  const rows = view.rows.map((row): messagingApi.FlexBox => ({
    type: "box",
    layout: "horizontal",
    spacing: "sm",
    contents: [
      {
        type: "box",
        layout: "vertical",
        flex: 5,
        contents: [
          { type: "text", text: row.label, size: "xs", color: "#888888", wrap: true },
          { type: "text", text: clip(row.value || "-", reviewValueLength), size: "sm", wrap: true },
        ],
      },
      { type: "button", flex: 2, height: "sm", style: "link", action: flexAction(row.edit) },
    ],
  }));
  return {
    type: "flex",
    altText: clip(view.title, limits.altText),
    contents: {
      type: "bubble",
      header: {
        type: "box",
        layout: "vertical",
        contents: [{ type: "text", text: view.title, weight: "bold", size: "lg", wrap: true }],
      },
      body: { type: "box", layout: "vertical", spacing: "md", contents: rows },
      footer: {
        type: "box",
        layout: "vertical",
        spacing: "sm",
        contents: [
          { type: "text", text: view.footnote, size: "xs", wrap: true, color: "#666666" },
          { type: "button", style: "primary", action: flexAction(view.submit) },
        ],
      },
    },
  };
}

/** Many answers to pick from (a province's districts): pages of buttons, then a page saying what else works. */
export interface ButtonCarouselView {
  title: string;
  buttons: CardButton[];
  /** The last page's text, e.g. how to name a district that is not listed. */
  closing: string;
}

/** Buttons per page, so a page fits a phone's screen without scrolling inside the bubble. */
const buttonsPerPage = 9;

export function buttonCarousel(view: ButtonCarouselView): messagingApi.FlexMessage {
  const pages: CardButton[][] = [];
  for (let i = 0; i < view.buttons.length; i += buttonsPerPage)
    pages.push(view.buttons.slice(i, i + buttonsPerPage));
  const page = (contents: messagingApi.FlexComponent[]): messagingApi.FlexBubble => ({
    type: "bubble",
    size: "kilo",
    body: { type: "box", layout: "vertical", spacing: "xs", contents },
  });
  const heading = (text: string): messagingApi.FlexText => ({
    type: "text",
    text,
    weight: "bold",
    size: "sm",
    wrap: true,
  });
  const bubbles = pages
    // One bubble of the carousel's twelve is kept for the closing page.
    .slice(0, limits.carouselBubbles - 1)
    .map((buttons) =>
      page([
        heading(view.title),
        ...buttons.map((button): messagingApi.FlexButton => ({
          type: "button",
          style: "secondary",
          height: "sm",
          action: flexAction(button),
        })),
      ]),
    );
  bubbles.push(page([heading(view.closing)]));
  return {
    type: "flex",
    altText: clip(view.title, limits.altText),
    contents: { type: "carousel", contents: bubbles },
  };
}
