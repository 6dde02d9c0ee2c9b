import type { webhook } from "@line/bot-sdk";
import { HttpError } from "./errors";

/** LINE's webhook bodies nest about 7 deep; far more is not LINE's and breaks recursive code later. */
export const maxWebhookDepth = 64;

/**
 * LINE sends a ULID; its own SDKs' sample bodies use ids like "testwebhookeventid". Both fit this:
 * a short token of URL-safe characters. Anything else (an object, a 10 kB string) is not an id.
 */
const eventIdPattern = /^[A-Za-z0-9_-]{1,64}$/;
const sourceIdFields = ["userId", "groupId", "roomId"] as const;

/**
 * The webhook body, checked for what the inbox relies on before anything is stored: an object with
 * an `events` array of objects, each with a string `type`, a well-formed `webhookEventId` when there
 * is one, a numeric `timestamp`, a `source` of strings, and no absurd nesting. The body is signed, so
 * it is LINE's — but a shape we cannot use is a 400, never a 500 or a poisoned inbox. Unknown event
 * and message types pass: features decide what they handle.
 */
export function parseWebhookBody(body: unknown): webhook.Event[] {
  if (!isPlainObject(body)) throw new HttpError(400, "body must be a JSON object");
  if (nestedDeeperThan(body, maxWebhookDepth)) throw new HttpError(400, "body is nested too deeply");
  const events = body.events;
  if (!Array.isArray(events)) throw new HttpError(400, "body has no events array");
  events.forEach((event, index) => checkEvent(event, index));
  return events as webhook.Event[];
}

function checkEvent(event: unknown, index: number): void {
  const fail = (problem: string) => {
    throw new HttpError(400, `events[${index}]: ${problem}`);
  };
  if (!isPlainObject(event)) return fail("must be an object");
  if (typeof event.type !== "string" || event.type.length === 0 || event.type.length > 64)
    fail("type must be a short string");
  const id = event.webhookEventId;
  if (id !== undefined && (typeof id !== "string" || !eventIdPattern.test(id)))
    fail("webhookEventId must be an id string");
  if (event.timestamp !== undefined && !Number.isFinite(event.timestamp)) fail("timestamp must be a number");
  if (event.mode !== undefined && typeof event.mode !== "string") fail("mode must be a string");
  if (event.replyToken !== undefined && typeof event.replyToken !== "string")
    fail("replyToken must be a string");
  const source = event.source;
  if (source !== undefined) {
    if (!isPlainObject(source) || typeof source.type !== "string")
      fail("source must be an object with a type");
    for (const field of sourceIdFields) {
      const value = (source as Record<string, unknown>)[field];
      if (value !== undefined && (typeof value !== "string" || value.length > 100))
        fail(`source.${field} must be a string`);
    }
  }
  const context = event.deliveryContext;
  if (
    context !== undefined &&
    (!isPlainObject(context) || typeof (context.isRedelivery ?? false) !== "boolean")
  )
    fail("deliveryContext.isRedelivery must be a boolean");
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Iterative, so a hostile body cannot overflow the stack here either. */
function nestedDeeperThan(root: unknown, limit: number): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value: root, depth: 1 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (depth > limit) return true;
    if (typeof value !== "object" || value === null) continue;
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      if (typeof child === "object" && child !== null) stack.push({ value: child, depth: depth + 1 });
    }
  }
  return false;
}
