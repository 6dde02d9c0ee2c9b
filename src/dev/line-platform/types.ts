import type { Router } from "express";
import type { webhook } from "@line/bot-sdk";
import type { EffectiveRichMenu, RichMenuSwitchStatus } from "./rich-menus";

/** One Messaging API request the fake platform answered, in arrival order. */
export interface RecordedCall {
  /** Method and path template, e.g. "POST /v2/bot/message/reply" or "GET /v2/bot/profile/{userId}". */
  endpoint: string;
  method: string;
  /** The concrete path, e.g. "/v2/bot/profile/U4af4980629...". */
  path: string;
  /** Query string parameters, when there were any (the statistics endpoints). */
  query?: Record<string, string>;
  /** The parsed JSON request body (undefined for GET and for bodies that could not be read). */
  body: unknown;
  /** Only x-line-retry-key and content-type: the Authorization token is never recorded. */
  headers: Record<string, string>;
  status: number;
  /** ISO time, from the platform's clock. */
  at: string;
}

export interface FakeLinePlatformOptions {
  channelSecret: string;
  /** If set, requests without "Authorization: Bearer <token>" get 401 like LINE. */
  channelAccessToken?: string;
  /** Where sendWebhook posts (can be set later with setWebhookUrl). */
  webhookUrl?: string;
  /** The bot's user id, sent as `destination`; default a fixed U + 32 hex. */
  botUserId?: string;
  /** Clock for reply-token expiry, retry-key validity and event timestamps (default Date.now). */
  now?: () => number;
  /** How many calls calls() keeps, oldest dropped first (default 5,000) so local mode doesn't grow forever. */
  maxRecordedCalls?: number;
  /** How many deliveries deliveries() keeps, oldest dropped first (default 50,000). */
  maxDeliveries?: number;
  /** LINE gives up on a webhook after 2 seconds (error reason request_timeout); default 2,000 ms. */
  webhookTimeoutMs?: number;
}

export interface Delivery {
  /** The user, group or room id that received the messages. */
  to: string;
  via: "reply" | "push" | "multicast";
  messages: unknown[];
  at: string;
}

export interface ContentOptions {
  /** Answer 202 (and "processing" from /content/transcoding) this many times first, like large video or audio. */
  preparingPolls?: number;
  /** Answer 410, as after the user unsent the message. */
  gone?: boolean;
}

export interface Profile {
  displayName: string;
  language?: string;
  pictureUrl?: string;
}

export interface FaultExtra {
  headers?: Record<string, string>;
  body?: unknown;
  /**
   * Simulates a lost response: the request is processed normally (messages delivered, retry key
   * accepted) and only then answered with the injected status. A correct retry with the same
   * X-Line-Retry-Key must then get 409 and deliver nothing twice.
   */
  processed?: boolean;
}

/** A group or room chat an event happens in; omitted for a 1:1 chat with the bot. */
export type ChatRef = { groupId: string } | { roomId: string };

type CommonEventFields = "timestamp" | "mode" | "webhookEventId" | "deliveryContext" | "replyToken";
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Common fields sendWebhook fills when they are missing. */
export interface OptionalCommonFields {
  timestamp?: number;
  mode?: webhook.EventMode;
  webhookEventId?: string;
  deliveryContext?: webhook.DeliveryContext;
  replyToken?: string;
}

/** A webhook event of a given type with its common fields optional. */
export type PendingEvent<T extends webhook.Event> = DistributiveOmit<T, CommonEventFields> &
  OptionalCommonFields;

/**
 * A webhook event with optional common fields. Known event types are checked against the SDK's
 * webhook types; any other `type` is accepted too, so tests can send events LINE adds later.
 */
export type PartialWebhookEvent =
  | PendingEvent<webhook.Event>
  | ({ type: string; source?: webhook.Source; [key: string]: unknown } & OptionalCommonFields);

/** What sendWebhook and redeliver report back. */
export interface WebhookDelivery {
  /** The bot's HTTP status. */
  status: number;
  /** The bot's response body, as text. */
  body: string;
  /** The events exactly as sent (with every common field filled). */
  events: webhook.Event[];
  /** The request body exactly as signed and sent. */
  rawBody: string;
  /** The x-line-signature header sent. */
  signature: string;
}

export type TextEvent = PendingEvent<webhook.MessageEvent> & { message: webhook.TextMessageContent };
export type ImageEvent = PendingEvent<webhook.MessageEvent> & { message: webhook.ImageMessageContent };
export type VideoEvent = PendingEvent<webhook.MessageEvent> & { message: webhook.VideoMessageContent };
export type AudioEvent = PendingEvent<webhook.MessageEvent> & { message: webhook.AudioMessageContent };
export type FileEvent = PendingEvent<webhook.MessageEvent> & { message: webhook.FileMessageContent };
export type LocationEvent = PendingEvent<webhook.MessageEvent> & { message: webhook.LocationMessageContent };
export type StickerEvent = PendingEvent<webhook.MessageEvent> & { message: webhook.StickerMessageContent };

export interface MediaOptions {
  contentType?: string;
  /** Milliseconds, as LINE reports for video and audio. */
  durationMs?: number;
  preparingPolls?: number;
}

export interface StickerOptions {
  packageId?: string;
  stickerId?: string;
  stickerResourceType?: webhook.StickerMessageContent.StickerResourceTypeEnum;
  keywords?: string[];
  text?: string;
}

export interface LocationInput {
  title?: string;
  address?: string;
  latitude: number;
  longitude: number;
}

export interface TextOptions {
  quotedMessageId?: string;
  mention?: webhook.Mention;
  emojis?: webhook.Emoji[];
}

/** Builders for the events the bot handles, as a user (or group) would cause them. */
export interface EventBuilders {
  textFrom(userId: string, text: string, chat?: ChatRef, options?: TextOptions): TextEvent;
  postbackFrom(
    userId: string,
    data: string,
    params?: Record<string, string>,
    chat?: ChatRef,
  ): PendingEvent<webhook.PostbackEvent>;
  /** Registers `bytes` as the content of the generated message id. */
  imageFrom(userId: string, bytes: Buffer, contentType?: string, chat?: ChatRef): ImageEvent;
  videoFrom(userId: string, bytes: Buffer, options?: MediaOptions, chat?: ChatRef): VideoEvent;
  audioFrom(userId: string, bytes: Buffer, options?: MediaOptions, chat?: ChatRef): AudioEvent;
  fileFrom(userId: string, bytes: Buffer, fileName: string, chat?: ChatRef): FileEvent;
  locationFrom(userId: string, location: LocationInput, chat?: ChatRef): LocationEvent;
  stickerFrom(userId: string, sticker?: StickerOptions, chat?: ChatRef): StickerEvent;
  unsendFrom(userId: string, messageId: string, chat?: ChatRef): PendingEvent<webhook.UnsendEvent>;
  follow(userId: string, options?: { isUnblocked?: boolean }): PendingEvent<webhook.FollowEvent>;
  unfollow(userId: string): PendingEvent<webhook.UnfollowEvent>;
  /** The bot was added to a group (or a room, with `{ roomId }`). */
  join(chat: string | ChatRef): PendingEvent<webhook.JoinEvent>;
  leave(chat: string | ChatRef): PendingEvent<webhook.LeaveEvent>;
  memberJoined(groupId: string, userIds: string[]): PendingEvent<webhook.MemberJoinedEvent>;
  memberLeft(groupId: string, userIds: string[]): PendingEvent<webhook.MemberLeftEvent>;
}

export interface FakeLinePlatform extends EventBuilders {
  /** Serves /v2/bot/** (api and api-data endpoints alike) and /dev/line/calls (GET json list, DELETE clears). Mount at "/". */
  readonly router: Router;
  /** The bot's user id, sent as `destination`. */
  readonly botUserId: string;
  /** Starts a standalone server on 127.0.0.1 (port 0 = free); resolves its base URL "http://127.0.0.1:<port>". */
  listen(port?: number): Promise<string>;
  close(): Promise<void>;
  setWebhookUrl(url: string): void;
  /** Fills the common fields, registers reply tokens, signs the body and POSTs it to the webhook URL. */
  sendWebhook(events: PartialWebhookEvent[], opts?: { redeliver?: boolean }): Promise<WebhookDelivery>;
  /**
   * Makes the reply and markAsRead tokens of events the bot received in a webhook signed with the
   * channel secret usable, as LINE accepts any token it issued: in local mode, outside load tools and
   * scripts sign their own webhooks, and their replies must take the reply path, not fail over to push.
   */
  acceptSignedEvents(events: readonly webhook.Event[]): void;
  /** Re-sends earlier events unchanged except deliveryContext.isRedelivery = true. */
  redeliver(events: readonly unknown[]): Promise<WebhookDelivery>;
  putContent(messageId: string, bytes: Buffer, contentType: string, opts?: ContentOptions): void;
  setProfile(userId: string, profile: Profile): void;
  /** The rich menu this user sees (per-user link, else the default), with its image; none without an image. */
  richMenuFor(userId: string): EffectiveRichMenu | undefined;
  /** A richmenuswitch tap: shows the alias's menu to this user, as LINE does; the caller sends the postback. */
  switchRichMenu(userId: string, richMenuAliasId: string): RichMenuSwitchStatus;
  calls(filter?: { endpoint?: string }): RecordedCall[];
  clearCalls(): void;
  failNext(endpoint: string, status: number, times?: number, extra?: FaultExtra): void;
  /** An outage: every call to `endpoint` answers `status` for the next `forMs` (platform clock). */
  failFor(endpoint: string, status: number, forMs: number, extra?: FaultExtra): void;
  deliveries(): Delivery[];
  clearDeliveries(): void;
  on(event: "call", listener: (call: RecordedCall) => void): void;
  off(event: "call", listener: (call: RecordedCall) => void): void;
}

export type { EffectiveRichMenu, RichMenuSwitchStatus, StoredRichMenu } from "./rich-menus";
