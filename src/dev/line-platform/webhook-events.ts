/** Turning partial events into what LINE really sends (LINE-FACTS §2; shapes as in test/fixtures/line-webhooks). */
import type { webhook } from "@line/bot-sdk";
import type { IdFactory } from "./ids";
import { ulid } from "./ids";
import type { PartialWebhookEvent } from "./types";

/** Event types that come with a replyToken (DOCS-REF webhook event objects); others never have one. */
const REPLYABLE_TYPES = new Set([
  "message",
  "follow",
  "join",
  "memberJoined",
  "postback",
  "beacon",
  "accountLink",
  "videoPlayComplete",
  "membership",
  "things",
]);

type Obj = Record<string, unknown>;

/** The chat a reply to this source lands in: the group or room, else the user. */
export function chatIdOf(source: unknown): string {
  const s = (source ?? {}) as Obj;
  const id = s["type"] === "group" ? s["groupId"] : s["type"] === "room" ? s["roomId"] : s["userId"];
  return typeof id === "string" ? id : "";
}

/**
 * Fills the common fields LINE always sends: webhookEventId (a ULID), timestamp, mode "active",
 * deliveryContext and, for event types that have one, a fresh replyToken. In standby mode a module
 * channel has chat control and the event carries no replyToken (LINE-FACTS §2).
 * Fields the caller gave are kept. Key order follows LINE's own bodies.
 */
export function completeEvent(
  partial: PartialWebhookEvent,
  ctx: { now: number; ids: IdFactory; redelivery: boolean },
): webhook.Event {
  const { type, replyToken, mode, timestamp, source, webhookEventId, deliveryContext, ...rest } =
    partial as PartialWebhookEvent & Obj;
  const resolvedMode = mode ?? "active";
  const token =
    replyToken ?? (resolvedMode === "active" && REPLYABLE_TYPES.has(type) ? ctx.ids.replyToken() : undefined);
  return {
    ...(token === undefined ? {} : { replyToken: token }),
    type,
    mode: resolvedMode,
    timestamp: timestamp ?? ctx.now,
    ...(source === undefined ? {} : { source }),
    webhookEventId: webhookEventId ?? ulid(ctx.now),
    deliveryContext: { ...deliveryContext, isRedelivery: ctx.redelivery },
    ...rest,
  } as webhook.Event;
}

/** Marks an earlier event as redelivered; everything else, webhookEventId and replyToken included, stays. */
export function asRedelivery(event: unknown): webhook.Event {
  if (typeof event !== "object" || event === null || typeof (event as Obj)["webhookEventId"] !== "string") {
    throw new TypeError("redeliver() takes events returned by sendWebhook (each needs a webhookEventId)");
  }
  const e = event as Obj;
  return { ...e, deliveryContext: { ...(e["deliveryContext"] as Obj), isRedelivery: true } } as webhook.Event;
}

export function replyTokenOf(event: webhook.Event): string | undefined {
  const token = (event as Obj)["replyToken"];
  return typeof token === "string" ? token : undefined;
}

/** markAsReadTokens in message events, which the bot may later spend on POST /v2/bot/chat/markAsRead. */
export function markAsReadTokenOf(event: webhook.Event): string | undefined {
  const message = (event as Obj)["message"] as Obj | undefined;
  const token = message?.["markAsReadToken"];
  return typeof token === "string" ? token : undefined;
}
