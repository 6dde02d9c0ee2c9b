import express, { type RequestHandler, type Router } from "express";
import { middleware as lineSignature, type webhook } from "@line/bot-sdk";
import type { Logger } from "../log";
import type { Inbox } from "../events/inbox";
import type { EventProcessor } from "../events/processor";
import { HttpError } from "./errors";
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

/**
 * `POST /webhook`. Between the request and its 200 there is only the signature check and the inbox
 * write; all processing happens afterwards, so LINE's 2-second timeout is never at risk.
 */
export function webhookRouter(options: WebhookRouteOptions): Router {
  const router = express.Router();
  router.post(
    "/webhook",
    // Raw bytes first: the signature covers the body exactly as sent. The SDK middleware reads a Buffer body.
    express.raw({ type: () => true, limit: options.bodyLimit }),
    lineSignature({ channelSecret: options.channelSecret }),
    acceptEvents(options),
  );
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
}: WebhookRouteOptions): RequestHandler {
  return async (req, res, next) => {
    try {
      if (!accepting()) throw new HttpError(503, "shutting down");
      const events = parseWebhookBody(req.body);
      onSignedEvents?.(events);
      const result = await inbox.accept(events, now(), inboxWriteTimeoutMs);
      // Written directly: express's res.json (serialiser, charset and ETag handling) is a noticeable share of an ack.
      res
        .writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": 2 })
        .end("{}");
      if (result.accepted > 0 || result.duplicates > 0) {
        logger.info({ accepted: result.accepted, duplicates: result.duplicates }, "webhook accepted");
      }
      result.sources.forEach((source) => processor.schedule(source));
    } catch (error) {
      next(error);
    }
  };
}
