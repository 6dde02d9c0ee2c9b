/**
 * What a chat shows: the bot's messages are read from the platform's deliveries (reply, push and
 * multicast all land there with their recipient), and what the developer did in the chat is kept
 * here, since the platform records only the bot's side. The two are merged by time.
 */
import type { Delivery } from "../line-platform";

/** The user's side of a chat, as the page shows it (not LINE's webhook shape). */
export type SentMessage =
  | { type: "text"; text: string }
  | { type: "postback"; data: string; displayText?: string; params?: Record<string, string> }
  | { type: "image" | "video" | "audio"; mediaId?: string; contentType: string; size: number }
  | { type: "file"; fileName: string; size: number; mediaId?: string }
  | { type: "location"; latitude: number; longitude: number; title?: string; address?: string }
  | { type: "sticker"; packageId: string; stickerId: string };

export type TimelineEntry =
  | { from: "bot"; at: string; via: Delivery["via"]; message: unknown }
  | { from: "user"; at: string; userId: string; senderName: string; message: SentMessage }
  | { from: "system"; at: string; level: "info" | "error"; text: string };

export type LogEntry = Exclude<TimelineEntry, { from: "bot" }>;

/** The developer's messages and notes per chat, oldest dropped first so local mode doesn't grow forever. */
export class ChatLogs {
  private readonly logs = new Map<string, LogEntry[]>();

  constructor(private readonly maxPerChat: number) {}

  append<E extends LogEntry>(chatId: string, entry: E): E {
    const log = this.logs.get(chatId) ?? [];
    log.push(entry);
    if (log.length > this.maxPerChat) log.splice(0, log.length - this.maxPerChat);
    this.logs.set(chatId, log);
    return entry;
  }

  entries(chatId: string): readonly LogEntry[] {
    return this.logs.get(chatId) ?? [];
  }
}

/**
 * The bot's messages to `target` and the chat's own log, in time order. On equal times the log
 * comes first: the user's message is logged before its webhook is sent, so a reply can't precede it.
 */
export function timeline(
  deliveries: readonly Delivery[],
  target: string,
  log: readonly LogEntry[],
): TimelineEntry[] {
  const bot: TimelineEntry[] = deliveries
    .filter((delivery) => delivery.to === target)
    .flatMap((delivery) =>
      delivery.messages.map((message) => ({
        from: "bot" as const,
        at: delivery.at,
        via: delivery.via,
        message,
      })),
    );
  const merged: TimelineEntry[] = [];
  let b = 0;
  for (const entry of log) {
    while (b < bot.length && Date.parse(bot[b]!.at) < Date.parse(entry.at)) merged.push(bot[b++]!);
    merged.push(entry);
  }
  return merged.concat(bot.slice(b));
}

/** A one-line summary for the sidebar. */
export function previewOf(entry: TimelineEntry): string {
  if (entry.from === "system") return entry.text;
  if (entry.from === "user") return sentPreview(entry.message);
  const message = (entry.message ?? {}) as Record<string, unknown>;
  const type = message["type"];
  if (type === "text" || type === "textV2") return String(message["text"] ?? "");
  if (type === "flex" || type === "template" || type === "imagemap") return String(message["altText"] ?? "");
  return `[${String(type)}]`;
}

function sentPreview(message: SentMessage): string {
  switch (message.type) {
    case "text":
      return message.text;
    case "postback":
      return message.displayText ?? "[postback]";
    case "file":
      return `[file] ${message.fileName}`;
    case "location":
      return `[location] ${message.title ?? `${message.latitude}, ${message.longitude}`}`;
    default:
      return `[${message.type}]`;
  }
}
