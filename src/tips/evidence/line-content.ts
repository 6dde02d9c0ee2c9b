import type { Readable } from "node:stream";
import { HTTPFetchError } from "@line/bot-sdk";
import type { LineGateway } from "../../line/gateway";
import type { Logger } from "../../log";

/** The one gateway call the evidence store needs; tests may wrap it to observe the download. */
export type ContentSource = Pick<LineGateway, "getContent">;

export type FetchedContent =
  | { kind: "ready"; stream: Readable; contentType: string; length?: number }
  | { kind: "unavailable"; reason: "gone" | "preparing" | "failed" };

export interface PreparingPolicy {
  retries: number;
  delayMs: number;
  sleep: (ms: number) => Promise<void>;
}

/**
 * Asks LINE for the content, waiting out "202 still preparing" a bounded number of times (large
 * video/audio). When LINE is unavailable (5xx, 429, no connection) even after the gateway's own
 * retries, the failure is thrown: the turn fails as transient and the event processor tries it again
 * with backoff, so a photo sent during a LINE incident is stored once LINE is back instead of being
 * dropped with "please send it again". A refusal (other 4xx) is "failed". Logs carry the status and
 * LINE request id only — never the message id.
 */
export async function fetchLineContent(
  line: ContentSource,
  messageId: string,
  preparing: PreparingPolicy,
  logger: Logger,
): Promise<FetchedContent> {
  for (let attempt = 0; ; attempt++) {
    let result: Awaited<ReturnType<ContentSource["getContent"]>>;
    try {
      result = await line.getContent(messageId);
    } catch (error) {
      if (lineUnavailable(error)) {
        logger.warn(describeFailure(error), "evidence download failed; the turn will be retried");
        throw error;
      }
      logger.warn(describeFailure(error), "evidence download failed");
      return { kind: "unavailable", reason: "failed" };
    }
    if (result.kind === "ready") return result;
    if (result.kind === "gone") return { kind: "unavailable", reason: "gone" };
    if (attempt >= preparing.retries) return { kind: "unavailable", reason: "preparing" };
    await preparing.sleep(preparing.delayMs);
  }
}

/** Failures that say "not now" rather than "never": the gateway's retryable ones, after its retries. */
function lineUnavailable(error: unknown): boolean {
  if (error instanceof HTTPFetchError)
    return error.status >= 500 || (error.status === 429 && !/monthly limit/i.test(error.body));
  return error instanceof TypeError || (error instanceof Error && error.name === "AbortError");
}

function describeFailure(error: unknown): Record<string, unknown> {
  if (error instanceof HTTPFetchError) {
    return { reason: "line-error", status: error.status, requestId: error.headers.get("x-line-request-id") };
  }
  return { reason: error instanceof Error ? error.name : typeof error };
}
