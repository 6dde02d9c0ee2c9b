import type { webhook } from "@line/bot-sdk";

/** What the citizen sent, reduced to what flows care about. Anything else is "unsupported". */
export type UserInput =
  | { kind: "text"; text: string }
  | { kind: "postback"; data: string; params?: { date?: string; time?: string; datetime?: string } }
  | { kind: "location"; latitude: number; longitude: number; address?: string; title?: string }
  | {
      kind: "media";
      mediaKind: "image" | "video" | "audio" | "file";
      messageId: string;
      fileName?: string;
      fromLine: boolean;
    }
  | { kind: "sticker" }
  | { kind: "unsupported" };

export function userInputFrom(event: webhook.Event): UserInput {
  if (event.type === "postback") {
    const { data, params } = event.postback;
    return {
      kind: "postback",
      data,
      params: params as { date?: string; time?: string; datetime?: string } | undefined,
    };
  }
  if (event.type !== "message") return { kind: "unsupported" };
  const message = event.message;
  switch (message.type) {
    case "text":
      return { kind: "text", text: message.text };
    case "location":
      return {
        kind: "location",
        latitude: message.latitude,
        longitude: message.longitude,
        address: message.address,
        title: message.title,
      };
    case "image":
    case "video":
    case "audio":
      return {
        kind: "media",
        mediaKind: message.type,
        messageId: message.id,
        fromLine: message.contentProvider.type === "line",
      };
    case "file":
      return {
        kind: "media",
        mediaKind: "file",
        messageId: message.id,
        fileName: message.fileName,
        fromLine: true,
      };
    case "sticker":
      return { kind: "sticker" };
    default:
      return { kind: "unsupported" };
  }
}
