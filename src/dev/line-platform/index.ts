export { createFakeLinePlatform, DEFAULT_BOT_USER_ID } from "./platform";
export { signWebhookBody } from "./webhook-sender";
export { fakeGroupId, fakeRoomId, fakeUserId } from "./ids";
export { LIMITS, graphemeLength } from "./validation";
export { REPLY_TOKEN_LIFETIME_MS, REDELIVERY_WINDOW_MS } from "./reply-tokens";
export { RETRY_KEY_VALIDITY_MS } from "./retry-keys";
export { BODY_LIMIT_BYTES } from "./api-router";
export type * from "./types";
