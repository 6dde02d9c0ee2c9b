import type { IncomingMessage, ServerResponse } from "node:http";
import express, { type Router } from "express";
import { validateSignature, type webhook } from "@line/bot-sdk";
import type { Logger } from "../log";
import type { Inbox } from "../events/inbox";
import type { EventProcessor } from "../events/processor";
import { requestIdFor } from "./app";
import { errorAnswer, HttpError } from "./errors";
import { parseWebhookBody } from "./webhook-body";

export interface WebhookRouteOptions {
  channelSecret: string;
  bodyLimit: string;
  inbox: Inbox;
  processor: EventProcessor;
  logger: Logger;
  /** False while shutting down: LINE gets a 503 and redelivers (when redelivery is on) to another instance. */
  accepting: () => boolean;
  /** The service's clock: the inbox's times must agree with the processor's. */
  now: () => Date;
  /** Local mode only: the fake LINE platform learns the reply tokens of webhooks it did not send. */
  onSignedEvents?: (events: webhook.Event[]) => void;
  /**
   * How long the inbox write may take before LINE gets a 503 (default 1.5 s, inside LINE's 2 s).
   * Only tests on a loaded machine raise it, so that they prove what the bot does rather than how fast.
   */
  inboxWriteTimeoutMs?: number;
}

/** Answers one webhook request on node's own request and response; `requestId` when express gave one. */
export type WebhookHandler = (req: IncomingMessage, res: ServerResponse, requestId?: string) => void;

/** The path LINE is given; {@link isWebhookRequest} takes exactly it, express's route takes its variants. */
export const webhookPath = "/webhook";

/**
 * Whether the HTTP server should hand a request straight to the webhook handler. Every event is one
 * `POST /webhook`, and express's app, router and request-id middleware around it cost the service
 * several percent of its CPU per event. Only the exact URL is taken here; its variants (`/webhook/`,
 * `/WEBHOOK`, a query string) and other methods go through express as before, so what they get is unchanged.
 */
export function isWebhookRequest(req: IncomingMessage): boolean {
  return req.method === "POST" && req.url === webhookPath;
}

/**
 * `POST /webhook`. Between the request and its 200 there is only the signature check and the inbox
 * write; all processing happens afterwards, so LINE's 2-second timeout is never at risk.
 *
 * A plain node handler, so the HTTP server can call it before express (see {@link isWebhookRequest});
 * its answers are the express app's: the same body reader, error classification and request ids.
 */
export function webhookHandler(options: WebhookRouteOptions): WebhookHandler {
  const { logger } = options;
  // express.raw is body-parser's reader, usable as a plain function: limits (413), content encodings
  // (inflated, or 415), length mismatches and aborted requests behave exactly as they did inside express.
  const readBody = express.raw({ type: () => true, limit: options.bodyLimit });
  const accept = acceptEvents(options);

  return (req, res, requestId = requestIdFor(req)) => {
    const fail = (error: unknown) => answerWithError(logger, error, req, res, requestId);
    readBody(req as express.Request, res as express.Response, (readError?: unknown) => {
      // Every later failure is a rejection of accept's promise, so none escapes into the stream's events.
      if (readError) fail(readError);
      else accept(req, res, requestId).catch(fail);
    });
  };
}

/** The webhook's route inside express, for what {@link isWebhookRequest} leaves to express. */
export function webhookRouter(handler: WebhookHandler): Router {
  const router = express.Router();
  router.post(webhookPath, (req, res) => handler(req, res, req.id));
  return router;
}

function acceptEvents({
  inbox,
  processor,
  logger,
  accepting,
  now,
  onSignedEvents,
  inboxWriteTimeoutMs,
  channelSecret,
}: WebhookRouteOptions): (req: IncomingMessage, res: ServerResponse, requestId: string) => Promise<void> {
  return async (req, res, requestId) => {
    // The reader leaves the raw bytes in req.body; a request without a body (no length, not chunked) has none.
    const raw = (req as { body?: unknown }).body;
    const body = Buffer.isBuffer(raw) ? raw : Buffer.alloc(0);
    // The signature covers the body exactly as sent, so it is checked on the raw bytes before parsing.
    const signature = req.headers["x-line-signature"];
    if (
      typeof signature !== "string" ||
      signature === "" ||
      !validateSignature(body, channelSecret, signature)
    )
      throw new HttpError(401, "invalid signature");
    const parsed = parseJson(body);
    if (!accepting()) throw new HttpError(503, "shutting down");
    const events = parseWebhookBody(parsed);
    onSignedEvents?.(events);
    const result = await inbox.accept(events, now(), inboxWriteTimeoutMs);
    res
      .writeHead(200, {
        "content-type": "application/json; charset=utf-8",
        "content-length": 2,
        "x-request-id": requestId,
      })
      .end("{}");
    if (result.accepted > 0 || result.duplicates > 0) {
      logger.info({ accepted: result.accepted, duplicates: result.duplicates }, "webhook accepted");
    }
    result.sources.forEach((source) => processor.schedule(source));
  };
}

/** The one JSON.parse of a webhook body (the SDK's middleware parsed it here before). */
function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8")) as unknown;
  } catch {
    throw new HttpError(400, "malformed JSON");
  }
}

function answerWithError(
  logger: Logger,
  error: unknown,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
): void {
  const { status, body } = errorAnswer(logger, error, requestId, pathOf(req));
  if (res.headersSent) return;
  const json = JSON.stringify(body);
  res
    .writeHead(status, {
      "content-type": "application/json; charset=utf-8",
      "content-length": Buffer.byteLength(json),
      "x-request-id": requestId,
    })
    .end(json);
}

/** The path without its query, as express's req.path gives it for the error log. */
function pathOf(req: IncomingMessage): string {
  const url = req.url ?? "/";
  const query = url.indexOf("?");
  return query < 0 ? url : url.slice(0, query);
}
