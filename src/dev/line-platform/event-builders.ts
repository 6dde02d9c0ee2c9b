/**
 * Events as users cause them, shaped like LINE's (compare test/fixtures/line-webhooks/events-normalized).
 * Common fields (timestamp, webhookEventId, replyToken, ...) are left for sendWebhook to fill.
 */
import type { webhook } from "@line/bot-sdk";
import type { IdFactory } from "./ids";
import type { ChatRef, ContentOptions, EventBuilders } from "./types";

export interface BuilderDeps {
  ids: IdFactory;
  putContent(messageId: string, bytes: Buffer, contentType: string, opts?: ContentOptions): void;
}

/** In groups and rooms the sender's userId rides along with the chat id. */
function sourceOf(userId: string, chat?: ChatRef): webhook.Source {
  if (!chat) return { type: "user", userId };
  if ("groupId" in chat) return { type: "group", groupId: chat.groupId, userId };
  return { type: "room", roomId: chat.roomId, userId };
}

/** Join and leave come from the chat alone, without a userId. */
function chatSource(chat: string | ChatRef): webhook.Source {
  const ref = typeof chat === "string" ? { groupId: chat } : chat;
  return "groupId" in ref ? { type: "group", groupId: ref.groupId } : { type: "room", roomId: ref.roomId };
}

const FILE_TYPES: Record<string, string> = {
  pdf: "application/pdf",
  txt: "text/plain",
  csv: "text/csv",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  zip: "application/zip",
  doc: "application/msword",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xls: "application/vnd.ms-excel",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

function contentTypeOfFile(fileName: string): string {
  const extension = fileName.split(".").pop()?.toLowerCase() ?? "";
  return FILE_TYPES[extension] ?? "application/octet-stream";
}

export function createEventBuilders({ ids, putContent }: BuilderDeps): EventBuilders {
  /** Every message event carries an id and a markAsReadToken; quotable ones a quoteToken too. */
  const messageBase = () => ({ id: ids.messageId(), markAsReadToken: ids.markAsReadToken() });

  return {
    textFrom(userId, text, chat, options = {}) {
      const message: webhook.TextMessageContent = {
        ...messageBase(),
        type: "text",
        quoteToken: ids.quoteToken(),
        text,
        ...options,
      };
      return { type: "message", source: sourceOf(userId, chat), message };
    },

    postbackFrom(userId, data, params, chat) {
      return {
        type: "postback",
        source: sourceOf(userId, chat),
        postback: params === undefined ? { data } : { data, params },
      };
    },

    imageFrom(userId, bytes, contentType = "image/jpeg", chat) {
      const message: webhook.ImageMessageContent = {
        ...messageBase(),
        type: "image",
        quoteToken: ids.quoteToken(),
        contentProvider: { type: "line" },
      };
      putContent(message.id, bytes, contentType);
      return { type: "message", source: sourceOf(userId, chat), message };
    },

    videoFrom(userId, bytes, options = {}, chat) {
      const message: webhook.VideoMessageContent = {
        ...messageBase(),
        type: "video",
        quoteToken: ids.quoteToken(),
        duration: options.durationMs ?? 10_000,
        contentProvider: { type: "line" },
      };
      putContent(message.id, bytes, options.contentType ?? "video/mp4", {
        preparingPolls: options.preparingPolls,
      });
      return { type: "message", source: sourceOf(userId, chat), message };
    },

    audioFrom(userId, bytes, options = {}, chat) {
      const message: webhook.AudioMessageContent = {
        ...messageBase(),
        type: "audio",
        duration: options.durationMs ?? 5_000,
        contentProvider: { type: "line" },
      };
      putContent(message.id, bytes, options.contentType ?? "audio/x-m4a", {
        preparingPolls: options.preparingPolls,
      });
      return { type: "message", source: sourceOf(userId, chat), message };
    },

    fileFrom(userId, bytes, fileName, chat) {
      const message: webhook.FileMessageContent = {
        ...messageBase(),
        type: "file",
        fileName,
        fileSize: bytes.length,
      };
      putContent(message.id, bytes, contentTypeOfFile(fileName));
      return { type: "message", source: sourceOf(userId, chat), message };
    },

    locationFrom(userId, location, chat) {
      const message: webhook.LocationMessageContent = { ...messageBase(), type: "location", ...location };
      return { type: "message", source: sourceOf(userId, chat), message };
    },

    stickerFrom(userId, sticker = {}, chat) {
      const message: webhook.StickerMessageContent = {
        ...messageBase(),
        type: "sticker",
        quoteToken: ids.quoteToken(),
        packageId: sticker.packageId ?? "446",
        stickerId: sticker.stickerId ?? "1988",
        stickerResourceType: sticker.stickerResourceType ?? "STATIC",
        ...(sticker.keywords === undefined ? {} : { keywords: sticker.keywords }),
        ...(sticker.text === undefined ? {} : { text: sticker.text }),
      };
      return { type: "message", source: sourceOf(userId, chat), message };
    },

    unsendFrom(userId, messageId, chat) {
      return { type: "unsend", source: sourceOf(userId, chat), unsend: { messageId } };
    },

    follow(userId, options = {}) {
      return {
        type: "follow",
        source: sourceOf(userId),
        follow: { isUnblocked: options.isUnblocked ?? false },
      };
    },

    unfollow(userId) {
      return { type: "unfollow", source: sourceOf(userId) };
    },

    join(chat) {
      return { type: "join", source: chatSource(chat) };
    },

    leave(chat) {
      return { type: "leave", source: chatSource(chat) };
    },

    memberJoined(groupId, userIds) {
      return {
        type: "memberJoined",
        source: chatSource(groupId),
        joined: { members: userIds.map((userId) => ({ type: "user" as const, userId })) },
      };
    },

    memberLeft(groupId, userIds) {
      return {
        type: "memberLeft",
        source: chatSource(groupId),
        left: { members: userIds.map((userId) => ({ type: "user" as const, userId })) },
      };
    },
  };
}
