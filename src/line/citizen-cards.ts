import type { messagingApi } from "@line/bot-sdk";
import { clip, limits } from "./messages";
import type { CardButton } from "./prompts";

/**
 * The cards a citizen keeps: the receipt with the tracking code, and a report's status. Like
 * line/prompts.ts they get everything in words and only decide the look; each carries buttons for what
 * one would do next, so no card is a dead end.
 */

export interface ReceiptView {
  altText: string;
  title: string;
  codeLabel: string;
  code: string;
  /** Who handles the report and by when, as true as the routing. */
  handledBy?: string;
  next: string;
  howToCheck: string;
  copyLabel: string;
  /** E.g. "check this report": a postback with the code. */
  buttons: CardButton[];
}

export function receiptCard(view: ReceiptView): messagingApi.FlexMessage {
  const small = (text: string, color?: string): messagingApi.FlexText => ({
    type: "text",
    text,
    size: "sm",
    wrap: true,
    ...(color ? { color } : {}),
  });
  return {
    type: "flex",
    altText: clip(view.altText, limits.altText),
    contents: {
      type: "bubble",
      body: {
        type: "box",
        layout: "vertical",
        spacing: "md",
        contents: [
          { type: "text", text: view.title, weight: "bold", size: "lg", wrap: true },
          small(view.codeLabel, "#666666"),
          { type: "text", text: view.code, weight: "bold", size: "xl", color: "#1a7f37", wrap: true },
          ...(view.handledBy ? [small(view.handledBy)] : []),
          small(view.next),
          small(view.howToCheck, "#666666"),
        ],
      },
      footer: {
        type: "box",
        layout: "vertical",
        spacing: "sm",
        contents: [
          {
            type: "button",
            style: "primary",
            action: {
              type: "clipboard",
              label: clip(view.copyLabel, limits.flexActionLabel),
              clipboardText: view.code,
            },
          },
          ...view.buttons.map(cardButton("secondary")),
        ],
      },
    },
  };
}

export interface StatusView {
  altText: string;
  title: string;
  status: string;
  /** "Received on …", "Last update …". */
  dates: string[];
  explanation: string;
  /** Officers' questions, oldest first; an answered one says so. */
  questions: Array<{ text: string; state: string; answered: boolean }>;
  /** Answer a question (only while one is open), refresh… */
  buttons: CardButton[];
}

export function statusCard(view: StatusView): messagingApi.FlexMessage {
  const rows: messagingApi.FlexComponent[] = [
    { type: "text", text: view.title, weight: "bold", size: "md", wrap: true },
    { type: "text", text: view.status, weight: "bold", size: "xl", color: "#1a7f37", wrap: true },
    ...view.dates.map((text): messagingApi.FlexText => ({ type: "text", text, size: "sm", wrap: true })),
    { type: "text", text: view.explanation, size: "sm", wrap: true, color: "#666666" },
  ];
  for (const question of view.questions) {
    rows.push(
      { type: "separator" },
      {
        type: "text",
        text: question.text,
        size: "sm",
        wrap: true,
        ...(question.answered ? { color: "#888888" } : {}),
      },
      {
        type: "text",
        text: question.state,
        size: "xs",
        wrap: true,
        color: question.answered ? "#1a7f37" : "#b35900",
      },
    );
  }
  const primary = view.buttons.slice(0, 1).map(cardButton("primary"));
  const others = view.buttons.slice(1).map(cardButton("secondary"));
  return {
    type: "flex",
    altText: clip(view.altText, limits.altText),
    contents: {
      type: "bubble",
      body: { type: "box", layout: "vertical", spacing: "sm", contents: rows },
      ...(view.buttons.length > 0
        ? { footer: { type: "box", layout: "vertical", spacing: "sm", contents: [...primary, ...others] } }
        : {}),
    },
  };
}

function cardButton(style: "primary" | "secondary") {
  return (button: CardButton): messagingApi.FlexButton => ({
    type: "button",
    style,
    height: "sm",
    action: {
      type: "postback",
      label: clip(button.label, limits.flexActionLabel),
      data: button.data,
      displayText: button.displayText ?? button.label,
    },
  });
}
