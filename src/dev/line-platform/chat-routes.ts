/** Content users sent, profiles, the loading animation and mark-as-read (LINE-FACTS §8, §10, §11). */
import { lineError, ok, validationError, type ApiRequest, type ApiResponse } from "./api-response";
import { USER_ID } from "./ids";
import { bodyObject, type PlatformState, type Route } from "./platform-state";
import { Checker } from "./validation";

function param(req: ApiRequest, name: string): string {
  return req.params[name] ?? "";
}

function getContent(state: PlatformState, req: ApiRequest): ApiResponse {
  const content = state.contents.poll(param(req, "messageId"));
  switch (content.state) {
    case "missing":
      return lineError(404, "not found");
    case "gone":
      // The user unsent the message.
      return lineError(410, "The content is gone");
    case "preparing":
      // Large video or audio: LINE answers 202 until it is ready; poll /content/transcoding.
      return { status: 202 };
    case "ready":
      return { status: 200, binary: { bytes: content.bytes, contentType: content.contentType } };
  }
}

function getTranscoding(state: PlatformState, req: ApiRequest): ApiResponse {
  const content = state.contents.poll(param(req, "messageId"));
  switch (content.state) {
    case "missing":
      return lineError(404, "not found");
    case "gone":
      return lineError(410, "The content is gone");
    case "preparing":
      return ok({ status: "processing" });
    case "ready":
      return ok({ status: "succeeded" });
  }
}

function getProfile(state: PlatformState, req: ApiRequest): ApiResponse {
  const userId = param(req, "userId");
  const profile = state.profiles.get(userId);
  if (!profile) return lineError(404, "Not found");
  return ok({ userId, ...profile });
}

/** One-on-one chats only; 5..60 seconds in steps of 5, default 20 (LINE-FACTS §10). */
function startLoading(req: ApiRequest): ApiResponse {
  const body = bodyObject(req.body);
  const c = new Checker();
  c.string(body["chatId"], "chatId", { max: 100 });
  const chatId = body["chatId"];
  if (typeof chatId === "string" && chatId !== "" && !USER_ID.test(chatId)) {
    return lineError(400, "Only user id is acceptable, chatId must be a user id");
  }
  const seconds = body["loadingSeconds"] ?? 20;
  if (typeof seconds !== "number" || !Number.isInteger(seconds)) {
    c.add("loadingSeconds", "Must be an integer");
  } else {
    if (seconds < 5 || seconds > 60) c.add("loadingSeconds", "Must be between 5 and 60");
    if (seconds % 5 !== 0) c.add("loadingSeconds", "must be a multiple of five");
  }
  if (c.details.length > 0) return validationError(c.details);
  return ok({}, 202);
}

function markAsRead(state: PlatformState, req: ApiRequest): ApiResponse {
  const body = bodyObject(req.body);
  const c = new Checker();
  c.string(body["markAsReadToken"], "markAsReadToken", { max: 1000 });
  if (c.details.length > 0) return validationError(c.details);
  if (!state.markAsReadTokens.has(body["markAsReadToken"] as string)) {
    return lineError(
      400,
      "Invalid markAsReadToken. Tokens must be used by the bot that received them via Webhook.",
    );
  }
  return ok({});
}

export function chatRoutes(state: PlatformState): Route[] {
  return [
    {
      method: "GET",
      template: "/v2/bot/message/{messageId}/content",
      handle: (req) => getContent(state, req),
    },
    {
      method: "GET",
      template: "/v2/bot/message/{messageId}/content/transcoding",
      handle: (req) => getTranscoding(state, req),
    },
    { method: "GET", template: "/v2/bot/profile/{userId}", handle: (req) => getProfile(state, req) },
    { method: "POST", template: "/v2/bot/chat/loading/start", handle: (req) => startLoading(req) },
    { method: "POST", template: "/v2/bot/chat/markAsRead", handle: (req) => markAsRead(state, req) },
  ];
}
