/**
 * The page's JSON API. Every "send" makes the fake platform post a signed webhook to the bot, exactly
 * as LINE would; the bot's answers come back through the Messaging API and are read from the
 * platform's deliveries, never short-circuited.
 */
import express, { type NextFunction, type Request, type Response, type Router } from "express";
import { z } from "zod";
import type { ChatRef, FakeLinePlatform, PartialWebhookEvent } from "../line-platform";
import type { Chat, ChatDirectory, GroupChat, PersonChat } from "./chats";
import type { LiveUpdates } from "./live-updates";
import { bareContentType, fileNameFrom, mediaKindOf, type MediaStore } from "./media";
import {
  previewOf,
  timeline,
  type ChatLogs,
  type LogEntry,
  type SentMessage,
  type TimelineEntry,
} from "./transcript";

export interface ApiDeps {
  platform: FakeLinePlatform;
  chats: ChatDirectory;
  logs: ChatLogs;
  media: MediaStore;
  live: LiveUpdates;
  now: () => number;
  uploadLimitBytes: number;
}

/** One row of the sidebar. */
export interface ChatSummary {
  id: string;
  kind: Chat["kind"];
  title: string;
  /** The user or group id the bot's messages for this chat are addressed to. */
  target: string;
  userId?: string;
  groupId?: string;
  language?: string;
  member?: { userId: string; displayName: string };
  /** Recipients only seen in deliveries can be read but not written in. */
  readOnly: boolean;
  botMessages: number;
  lastAt?: string;
  lastPreview?: string;
}

/** A client mistake, answered as `{ error }` with its status. */
export class EmulatorRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "EmulatorRequestError";
  }
}

/** LINE lets users paste long texts; the bot must cope (the design names a 10,000-character paste). */
const MAX_TEXT_LENGTH = 20_000;
const DEFAULT_TIMELINE_LIMIT = 300;

const textBody = z.object({ text: z.string().min(1).max(MAX_TEXT_LENGTH) });
const postbackBody = z.object({
  data: z.string().min(1).max(300),
  displayText: z.string().min(1).max(300).optional(),
  params: z.record(z.string(), z.string()).optional(),
});
const locationBody = z.object({
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  title: z.string().max(100).optional(),
  address: z.string().max(300).optional(),
});
const stickerBody = z.object({
  packageId: z
    .string()
    .regex(/^\d{1,12}$/)
    .optional(),
  stickerId: z
    .string()
    .regex(/^\d{1,12}$/)
    .optional(),
  keywords: z.array(z.string().max(50)).max(10).optional(),
});
const profileBody = z.object({ language: z.enum(["th", "en"]) });
const richMenuSwitchBody = z.object({
  richMenuAliasId: z.string().min(1).max(32),
  data: z.string().min(1).max(300),
});

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  throw new EmulatorRequestError(400, `${where}${issue?.message ?? "invalid request body"}`);
}

export function createApiRouter(deps: ApiDeps): Router {
  const { platform, chats, logs, media, live } = deps;
  const router = express.Router();
  // Only application/json is parsed, so a cross-site form post finds no body and is refused.
  const json = express.json({ limit: "256kb" });
  const iso = (): string => new Date(deps.now()).toISOString();

  const findChat = (req: Request): Chat => {
    const chat = chats.find(String(req.params["chatId"]));
    if (!chat) throw new EmulatorRequestError(404, `no chat ${String(req.params["chatId"])}`);
    return chat;
  };
  const writableChat = (req: Request): PersonChat | GroupChat => {
    const chat = findChat(req);
    if (chat.kind === "other")
      throw new EmulatorRequestError(409, "this chat is read-only: it is not a persona");
    return chat;
  };
  const personChat = (req: Request): PersonChat => {
    const chat = writableChat(req);
    if (chat.kind === "group") throw new EmulatorRequestError(409, "only a 1:1 chat can do this");
    return chat;
  };
  const groupChat = (req: Request): GroupChat => {
    const chat = writableChat(req);
    if (chat.kind !== "group") throw new EmulatorRequestError(409, "only a group chat can do this");
    return chat;
  };

  const note = (chat: Chat, level: "info" | "error", text: string): LogEntry =>
    logs.append(chat.id, { from: "system", at: iso(), level, text });

  /** Posts the webhook; a bot that is down or slow is a note in the chat and a 502, not a crash. */
  async function post(
    chat: Chat,
    event: PartialWebhookEvent,
    res: Response,
    entry?: LogEntry,
  ): Promise<void> {
    live.chatChanged(chat.id);
    try {
      const delivery = await platform.sendWebhook([event]);
      if (delivery.status < 200 || delivery.status >= 300) {
        note(chat, "error", `The bot answered the webhook with HTTP ${delivery.status}`);
        live.chatChanged(chat.id);
      }
      res.json({ entry, webhook: { status: delivery.status } });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      note(chat, "error", `Webhook not delivered: ${reason}`);
      live.chatChanged(chat.id);
      res.status(502).json({ error: `webhook not delivered: ${reason}`, entry });
    }
  }

  /** Logs what the user sent (before the webhook, so it sorts before the reply) and posts the event. */
  function send(
    chat: PersonChat | GroupChat,
    message: SentMessage,
    event: (userId: string, ref: ChatRef | undefined) => PartialWebhookEvent,
    res: Response,
  ): Promise<void> {
    const sender = senderOf(chat);
    const entry = logs.append(chat.id, {
      from: "user",
      at: iso(),
      userId: sender.userId,
      senderName: sender.displayName,
      message,
    });
    return post(chat, event(sender.userId, chatRefOf(chat)), res, entry);
  }

  router.get("/chats", (_req, res) => {
    res.json({ chats: summaries(deps) });
  });

  router.get("/chats/:chatId/messages", (req, res) => {
    const chat = findChat(req);
    const limit = Math.min(Number(req.query["limit"]) || DEFAULT_TIMELINE_LIMIT, 5_000);
    const entries = timeline(platform.deliveries(), chat.target, logs.entries(chat.id));
    res.json({ chat: summaryOf(chat, entries), messages: entries.slice(-limit) });
  });

  router.post("/chats/:chatId/text", json, (req, res) => {
    const chat = writableChat(req);
    const { text } = parse(textBody, req.body);
    return send(chat, { type: "text", text }, (userId, ref) => platform.textFrom(userId, text, ref), res);
  });

  router.post("/chats/:chatId/postback", json, (req, res) => {
    const chat = writableChat(req);
    const { data, displayText, params } = parse(postbackBody, req.body);
    const message: SentMessage = {
      type: "postback",
      data,
      ...(displayText && { displayText }),
      ...(params && { params }),
    };
    return send(chat, message, (userId, ref) => platform.postbackFrom(userId, data, params, ref), res);
  });

  /** The rich menu this person sees (per-user link, else the default), as LINE would show it; null for none. */
  router.get("/chats/:chatId/richmenu", (req, res) => {
    const chat = findChat(req);
    const shown =
      chat.kind === "citizen" || chat.kind === "officer" ? platform.richMenuFor(chat.userId) : undefined;
    if (!shown) return void res.json({ richMenu: null });
    const { richMenuId, size, chatBarText, selected, areas } = shown.menu;
    res.json({
      richMenu: {
        richMenuId,
        size,
        chatBarText,
        selected,
        areas,
        source: shown.source,
        imageUrl: `image?v=${encodeURIComponent(richMenuId)}`,
      },
    });
  });

  router.get("/chats/:chatId/image", (req, res) => {
    const chat = findChat(req);
    const shown =
      chat.kind === "citizen" || chat.kind === "officer" ? platform.richMenuFor(chat.userId) : undefined;
    if (!shown) throw new EmulatorRequestError(404, "this chat shows no rich menu");
    res.set("Cache-Control", "private, max-age=3600").type(shown.image.contentType).send(shown.image.bytes);
  });

  /** A richmenuswitch tap: LINE swaps the menu for this user, then posts the postback with the outcome. */
  router.post("/chats/:chatId/richmenu-switch", json, (req, res) => {
    const chat = personChat(req);
    const { richMenuAliasId, data } = parse(richMenuSwitchBody, req.body);
    const status = platform.switchRichMenu(chat.userId, richMenuAliasId);
    const params: Record<string, string> =
      status === "SUCCESS" ? { newRichMenuAliasId: richMenuAliasId, status } : { status };
    const message: SentMessage = { type: "postback", data, params };
    return send(chat, message, (userId, ref) => platform.postbackFrom(userId, data, params, ref), res);
  });

  router.post("/chats/:chatId/location", json, (req, res) => {
    const chat = writableChat(req);
    const location = parse(locationBody, req.body);
    return send(
      chat,
      { type: "location", ...location },
      (userId, ref) => platform.locationFrom(userId, location, ref),
      res,
    );
  });

  router.post("/chats/:chatId/sticker", json, (req, res) => {
    const chat = writableChat(req);
    const sticker = parse(stickerBody, req.body);
    const packageId = sticker.packageId ?? "446";
    const stickerId = sticker.stickerId ?? "1988";
    return send(
      chat,
      { type: "sticker", packageId, stickerId },
      (userId, ref) =>
        platform.stickerFrom(userId, { packageId, stickerId, keywords: sticker.keywords }, ref),
      res,
    );
  });

  router.post(
    "/chats/:chatId/media",
    express.raw({ type: () => true, limit: deps.uploadLimitBytes }),
    (req, res) => {
      const chat = writableChat(req);
      // A custom header can't be sent cross-site without CORS approval, so a foreign page can't upload.
      const nameHeader = req.get("x-file-name");
      if (nameHeader === undefined) throw new EmulatorRequestError(400, "send the file name in X-File-Name");
      const bytes: unknown = req.body;
      if (!Buffer.isBuffer(bytes) || bytes.length === 0)
        throw new EmulatorRequestError(400, "the file is empty");
      const contentType = bareContentType(req.get("content-type"));
      const fileName = fileNameFrom(nameHeader);
      const kind = mediaKindOf(contentType, req.query["as"] === "file");
      const mediaId = media.put(bytes, contentType);
      const stored = mediaId === undefined ? {} : { mediaId };
      if (kind === "file") {
        return send(
          chat,
          { type: "file", fileName, size: bytes.length, ...stored },
          (userId, ref) => platform.fileFrom(userId, bytes, fileName, ref),
          res,
        );
      }
      const message: SentMessage = { type: kind, contentType, size: bytes.length, ...stored };
      return send(
        chat,
        message,
        (userId, ref) =>
          kind === "image"
            ? platform.imageFrom(userId, bytes, contentType, ref)
            : kind === "video"
              ? platform.videoFrom(userId, bytes, { contentType }, ref)
              : platform.audioFrom(userId, bytes, { contentType }, ref),
        res,
      );
    },
  );

  router.get("/media/:mediaId", (req, res) => {
    const item = media.get(String(req.params["mediaId"]));
    if (!item) throw new EmulatorRequestError(404, "no such upload (only the most recent are kept)");
    const viewable = /^(image|video|audio)\//.test(item.contentType);
    res.set({
      "Content-Type": item.contentType,
      "Content-Disposition": viewable ? "inline" : "attachment",
      "Content-Security-Policy": "sandbox",
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, max-age=3600",
    });
    res.send(item.bytes);
  });

  router.post("/chats/:chatId/follow", (req, res) => {
    const chat = personChat(req);
    const entry = note(chat, "info", "You added the bot as a friend (follow event)");
    return post(chat, platform.follow(chat.userId), res, entry);
  });

  router.post("/chats/:chatId/unfollow", (req, res) => {
    const chat = personChat(req);
    const entry = note(chat, "info", "You blocked the bot (unfollow event)");
    return post(chat, platform.unfollow(chat.userId), res, entry);
  });

  router.post("/chats/:chatId/join", (req, res) => {
    const chat = groupChat(req);
    const entry = note(chat, "info", "The bot was added to the group (join event)");
    return post(chat, platform.join(chat.groupId), res, entry);
  });

  router.post("/chats/:chatId/leave", (req, res) => {
    const chat = groupChat(req);
    const entry = note(chat, "info", "The bot was removed from the group (leave event)");
    return post(chat, platform.leave(chat.groupId), res, entry);
  });

  router.post("/chats/:chatId/profile", json, (req, res) => {
    const chat = personChat(req);
    const { language } = parse(profileBody, req.body);
    chat.language = language;
    platform.setProfile(chat.userId, { displayName: chat.title, language });
    const entry = note(
      chat,
      "info",
      `Profile language is now "${language}" (the bot reads it with Get profile)`,
    );
    live.chatChanged(chat.id);
    res.json({ entry });
  });

  router.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    const answer = clientErrorOf(error, deps.uploadLimitBytes);
    if (!answer || res.headersSent) return next(error);
    res.status(answer.status).json({ error: answer.message });
  });

  return router;
}

/** Our own 4xx and body-parser 4xx become `{ error }`; anything else goes on to the app's error handler. */
function clientErrorOf(
  error: unknown,
  uploadLimitBytes: number,
): { status: number; message: string } | undefined {
  if (error instanceof EmulatorRequestError) return { status: error.status, message: error.message };
  const { status, type } = (error ?? {}) as { status?: unknown; type?: unknown };
  if (type === "entity.too.large") {
    return {
      status: 413,
      message: `too large: the limit is ${Math.floor(uploadLimitBytes / 1024 / 1024)} MB`,
    };
  }
  if (typeof status === "number" && status >= 400 && status < 500) {
    return { status, message: error instanceof Error ? error.message : "bad request" };
  }
  return undefined;
}

function senderOf(chat: PersonChat | GroupChat): { userId: string; displayName: string } {
  return chat.kind === "group" ? chat.member : { userId: chat.userId, displayName: chat.title };
}

function chatRefOf(chat: PersonChat | GroupChat): ChatRef | undefined {
  return chat.kind === "group" ? { groupId: chat.groupId } : undefined;
}

/** Personas first, in declared order; then recipients seen only in deliveries, most recent first. */
function summaries(deps: ApiDeps): ChatSummary[] {
  const byTarget = new Map<string, { count: number; last?: TimelineEntry }>();
  for (const delivery of deps.platform.deliveries()) {
    const seen = byTarget.get(delivery.to) ?? { count: 0 };
    seen.count += delivery.messages.length;
    const last = delivery.messages.at(-1);
    if (last !== undefined) seen.last = { from: "bot", at: delivery.at, via: delivery.via, message: last };
    byTarget.set(delivery.to, seen);
  }
  const known = deps.chats.known().map((chat) => {
    const bot = byTarget.get(chat.target);
    const logged = deps.logs.entries(chat.id).at(-1);
    const last =
      !bot?.last || (logged && Date.parse(logged.at) >= Date.parse(bot.last.at)) ? logged : bot.last;
    return describe(chat, bot?.count ?? 0, last);
  });
  const observed = [...byTarget.entries()]
    .filter(([target]) => !deps.chats.byLineId(target))
    .map(([target, bot]) => {
      const chat = deps.chats.find(target);
      return chat ? describe(chat, bot.count, bot.last) : undefined;
    })
    .filter((summary): summary is ChatSummary => summary !== undefined)
    .sort((a, b) => (b.lastAt ?? "").localeCompare(a.lastAt ?? ""));
  return [...known, ...observed];
}

function summaryOf(chat: Chat, entries: TimelineEntry[]): ChatSummary {
  return describe(chat, entries.filter((entry) => entry.from === "bot").length, entries.at(-1));
}

function describe(chat: Chat, botMessages: number, last: TimelineEntry | undefined): ChatSummary {
  const summary: ChatSummary = {
    id: chat.id,
    kind: chat.kind,
    title: chat.title,
    target: chat.target,
    readOnly: chat.kind === "other",
    botMessages,
  };
  if (chat.kind === "citizen" || chat.kind === "officer") {
    summary.userId = chat.userId;
    summary.language = chat.language;
  }
  if (chat.kind === "group") {
    summary.groupId = chat.groupId;
    summary.member = chat.member;
  }
  if (last) {
    summary.lastAt = last.at;
    summary.lastPreview = previewOf(last).slice(0, 80);
  }
  return summary;
}
