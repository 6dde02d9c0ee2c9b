/** Sending messages: reply, push and multicast (LINE-FACTS §3, §4, §6). */
import { lineError, ok, validationError, type ApiRequest, type ApiResponse } from "./api-response";
import { CHAT_ID, USER_ID } from "./ids";
import { RETRY_KEY_FORMAT } from "./retry-keys";
import { bodyObject, type PlatformState, type Route } from "./platform-state";
import { Checker, checkMessages } from "./validation";

export const MAX_MULTICAST_RECIPIENTS = 500;

/** Only messages a user can quote get a quoteToken back (DOCS-REF #send-reply-message-response). */
const QUOTABLE_TYPES = new Set(["text", "textV2", "sticker"]);

function sentMessages(state: PlatformState, messages: unknown[]): Array<{ id: string; quoteToken?: string }> {
  return messages.map((message) => {
    const type = (message as { type?: unknown }).type;
    const id = state.ids.messageId();
    return typeof type === "string" && QUOTABLE_TYPES.has(type)
      ? { id, quoteToken: state.ids.quoteToken() }
      : { id };
  });
}

type RetryKeyCheck = { key?: string; rejection?: ApiResponse };

/** A malformed key is a 400; a key already accepted is a 409 that points at the accepted request. */
function checkRetryKey(state: PlatformState, req: ApiRequest, withSentMessages: boolean): RetryKeyCheck {
  const key = req.header("x-line-retry-key");
  if (key === undefined) return {};
  if (!RETRY_KEY_FORMAT.test(key)) {
    return { rejection: lineError(400, "The value of the X-Line-Retry-Key header must be a UUID") };
  }
  const accepted = state.retryKeys.find(key);
  if (!accepted) return { key };
  const json = withSentMessages
    ? { message: "The retry key is already accepted", sentMessages: accepted.sentMessages ?? [] }
    : { message: "The retry key is already accepted" };
  return { rejection: { status: 409, json, headers: { "x-line-accepted-request-id": accepted.requestId } } };
}

function reply(state: PlatformState, req: ApiRequest): ApiResponse {
  const body = bodyObject(req.body);
  const c = new Checker();
  c.string(body["replyToken"], "replyToken", { max: 1000 });
  checkMessages(c, body["messages"]);
  if (c.details.length > 0) return validationError(c.details);
  // Validation comes first: a rejected body does not spend the token, so the bot can fix and retry.
  const token = state.replyTokens.consume(body["replyToken"] as string);
  if (!token) return lineError(400, "Invalid reply token");
  const messages = body["messages"] as unknown[];
  state.deliver(token.chatId, "reply", messages);
  return ok({ sentMessages: sentMessages(state, messages) });
}

function push(state: PlatformState, req: ApiRequest): ApiResponse {
  const retry = checkRetryKey(state, req, true);
  if (retry.rejection) return retry.rejection;
  const body = bodyObject(req.body);
  const c = new Checker();
  c.string(body["to"], "to", { max: 100 });
  if (typeof body["to"] === "string" && body["to"] !== "" && !CHAT_ID.test(body["to"])) {
    c.add("to", "Must be a user, group or room ID");
  }
  checkMessages(c, body["messages"]);
  if (c.details.length > 0) return validationError(c.details);
  const messages = body["messages"] as unknown[];
  state.deliver(body["to"] as string, "push", messages);
  const sent = sentMessages(state, messages);
  if (retry.key) state.retryKeys.accept(retry.key, req.requestId, sent);
  return ok({ sentMessages: sent });
}

function multicast(state: PlatformState, req: ApiRequest): ApiResponse {
  const retry = checkRetryKey(state, req, false);
  if (retry.rejection) return retry.rejection;
  const body = bodyObject(req.body);
  const c = new Checker();
  // Multicast goes to users only, at most 500 per request (LINE-FACTS §4).
  const to = c.array(body["to"], "to", 1, MAX_MULTICAST_RECIPIENTS);
  to.forEach((id, i) => {
    if (typeof id !== "string" || !USER_ID.test(id)) c.add(`to[${i}]`, "Must be a user ID");
  });
  checkMessages(c, body["messages"]);
  const unit = state.insight.checkUnits(c, body["customAggregationUnits"]);
  if (c.details.length > 0) return validationError(c.details);
  const messages = body["messages"] as unknown[];
  // Duplicates are delivered (and recorded) as many times as listed, so deliveries() exposes them.
  for (const userId of to as string[]) state.deliver(userId, "multicast", messages);
  if (unit) state.insight.assign(unit, state.now(), to as string[], messages);
  if (retry.key) state.retryKeys.accept(retry.key, req.requestId);
  return ok({});
}

export function messageRoutes(state: PlatformState): Route[] {
  return [
    { method: "POST", template: "/v2/bot/message/reply", handle: (req) => reply(state, req) },
    {
      method: "POST",
      template: "/v2/bot/message/push",
      acceptsRetryKey: true,
      handle: (req) => push(state, req),
    },
    {
      method: "POST",
      template: "/v2/bot/message/multicast",
      acceptsRetryKey: true,
      handle: (req) => multicast(state, req),
    },
  ];
}
