import type { BoundedSet } from "./bounded-list";
import type { ContentStore } from "./content-store";
import type { IdFactory } from "./ids";
import type { InsightStore } from "./insight";
import type { ReplyTokenRegistry } from "./reply-tokens";
import type { RetryKeyStore } from "./retry-keys";
import type { RichMenuStore } from "./rich-menus";
import type { ApiRequest, ApiResponse } from "./api-response";
import type { Delivery, Profile } from "./types";

/** What the endpoint handlers share: LINE's side of the channel. */
export interface PlatformState {
  now(): number;
  ids: IdFactory;
  replyTokens: ReplyTokenRegistry;
  retryKeys: RetryKeyStore;
  contents: ContentStore;
  profiles: Map<string, Profile>;
  /** markAsReadTokens handed out in webhooks; LINE accepts only tokens the bot received. */
  markAsReadTokens: BoundedSet;
  richMenus: RichMenuStore;
  /** Aggregation units: names used per month, who received what under each, the statistics. */
  insight: InsightStore;
  deliver(to: string, via: Delivery["via"], messages: unknown[]): void;
}

export interface Route {
  method: "GET" | "POST" | "DELETE";
  /** Path with {placeholders}, e.g. "/v2/bot/profile/{userId}"; "<method> <template>" names the endpoint. */
  template: string;
  /** Only push, multicast, narrowcast and broadcast take X-Line-Retry-Key; any other API answers 400 (LINE-FACTS §6). */
  acceptsRetryKey?: boolean;
  /** "json" (default): the body is parsed JSON; "raw": the bytes (image uploads); "none": ignored (link, unlink, delete). */
  body?: "json" | "raw" | "none";
  handle(req: ApiRequest): ApiResponse;
}

/** A POST body as an object; anything else reads as empty so validation reports what is missing. */
export function bodyObject(body: unknown): Record<string, unknown> {
  return typeof body === "object" && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : {};
}
