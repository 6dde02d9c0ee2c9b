import type { ErrorRequestHandler } from "express";
import { JSONParseError, SignatureValidationFailed } from "@line/bot-sdk";
import type { Logger } from "../log";

/** An error that already knows its HTTP answer. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/**
 * The one place HTTP errors become responses. Bad input is a 4xx with a short reason; only our own
 * faults are a 5xx, logged with the request id (never the body: it may be a reporter's message).
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const { status, body } = errorAnswer(logger, error, req.id, req.path);
    if (res.headersSent) return;
    res.status(status).json(body);
  };
}

/**
 * An error's answer, logged: what {@link errorHandler} sends, for the webhook's handler too, which
 * answers outside express (http/webhook.ts) and must answer the same.
 */
export function errorAnswer(
  logger: Logger,
  error: unknown,
  requestId: string,
  path: string,
): { status: number; body: { error: string; details?: unknown } } {
  const { status, message, details } = classify(error);
  if (status >= 500) logger.error({ err: error, requestId, path }, "request failed");
  else logger.info({ status, reason: message, requestId, path }, "request rejected");
  return { status, body: details === undefined ? { error: message } : { error: message, details } };
}

function classify(error: unknown): { status: number; message: string; details?: unknown } {
  if (error instanceof HttpError)
    return { status: error.status, message: error.message, details: error.details };
  if (error instanceof SignatureValidationFailed) return { status: 401, message: "invalid signature" };
  if (error instanceof JSONParseError) return { status: 400, message: "malformed JSON" };
  // The database is away (restarting, failing over): LINE should try again later, not see a crash.
  if (isDatabaseUnavailable(error)) return { status: 503, message: "temporarily unavailable" };
  if ((error as { name?: string } | null)?.name === "DatabaseTimeoutError")
    return { status: 503, message: "temporarily unavailable" };
  const bodyParser = error as { type?: string; status?: number; expose?: boolean; message?: string };
  if (bodyParser.type === "entity.too.large") return { status: 413, message: "body too large" };
  if (typeof bodyParser.status === "number" && bodyParser.status >= 400 && bodyParser.status < 500) {
    return {
      status: bodyParser.status,
      message: bodyParser.expose ? (bodyParser.message ?? "bad request") : "bad request",
    };
  }
  return { status: 500, message: "internal error" };
}

function isDatabaseUnavailable(error: unknown): boolean {
  const failure = error as { cause?: unknown; errorResponse?: unknown } | null;
  // The inbox insert of several webhooks at once is a bulk write: when its connection is lost, the
  // driver reports a MongoBulkWriteError that carries the network error inside.
  return [error, failure?.cause, failure?.errorResponse].some((candidate) =>
    /^Mongo(NetworkError|NetworkTimeoutError|ServerSelectionError|NotConnectedError|TopologyClosedError|PoolClearedError)$/.test(
      (candidate as { name?: string } | null)?.name ?? "",
    ),
  );
}
