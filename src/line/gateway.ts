import { randomUUID } from "node:crypto";
import type { Readable } from "node:stream";
import { HTTPFetchError, messagingApi } from "@line/bot-sdk";
import type { Logger } from "../log";
import { decideRetry, defaultRetryPolicy, type RetryPolicy } from "./retry";

export type Message = messagingApi.Message;

export interface LineGatewayOptions {
  channelAccessToken: string;
  apiBaseUrl: string;
  dataApiBaseUrl: string;
  logger: Logger;
  retry?: Partial<RetryPolicy>;
  /** Injected so tests do not wait through real backoff. */
  sleep?: (ms: number) => Promise<void>;
}

export type SendOutcome = "sent" | "already-sent";

export type ContentResult =
  | { kind: "ready"; stream: Readable; contentType: string; length?: number }
  | { kind: "preparing" }
  | { kind: "gone" };

/**
 * The only door to the Messaging API. It adds what every caller needs and the SDK leaves out:
 * bounded retries with backoff, 429 handling, retry keys on push/multicast (the same key on every
 * attempt, so LINE drops a duplicate), and logs that carry status and x-line-request-id but never
 * message content or user ids.
 */
export class LineGateway {
  private readonly api: messagingApi.MessagingApiClient;
  private readonly blob: messagingApi.MessagingApiBlobClient;
  private readonly policy: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly logger: Logger;

  constructor(options: LineGatewayOptions) {
    this.api = new messagingApi.MessagingApiClient({
      channelAccessToken: options.channelAccessToken,
      baseURL: options.apiBaseUrl,
    });
    this.blob = new messagingApi.MessagingApiBlobClient({
      channelAccessToken: options.channelAccessToken,
      baseURL: options.dataApiBaseUrl,
    });
    this.policy = { ...defaultRetryPolicy, ...options.retry };
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.logger = options.logger.child({ component: "line" });
  }

  /** Replies with up to 5 messages. Throws InvalidReplyTokenError when the token is spent or expired. */
  async reply(replyToken: string, messages: Message[]): Promise<void> {
    try {
      // Reply takes no retry key; a retried reply whose first attempt landed fails with "Invalid reply token", which is harmless.
      await this.call("reply", () => this.api.replyMessageWithHttpInfo({ replyToken, messages }));
    } catch (error) {
      if (
        error instanceof HTTPFetchError &&
        error.status === 400 &&
        /invalid reply token/i.test(error.body)
      ) {
        throw new InvalidReplyTokenError();
      }
      throw error;
    }
  }

  /** Pushes to one user, group or room. `retryKey` must be stable for the logical message (see newRetryKey). */
  async push(to: string, messages: Message[], retryKey: string): Promise<SendOutcome> {
    return this.callWithRetryKey("push", () => this.api.pushMessageWithHttpInfo({ to, messages }, retryKey));
  }

  /** Multicasts to at most 500 users. */
  async multicast(to: string[], messages: Message[], retryKey: string): Promise<SendOutcome> {
    return this.callWithRetryKey("multicast", () =>
      this.api.multicastWithHttpInfo({ to, messages }, retryKey),
    );
  }

  async showLoading(chatId: string, seconds = 20): Promise<void> {
    try {
      await this.call("loading", () =>
        this.api.showLoadingAnimationWithHttpInfo({ chatId, loadingSeconds: seconds }),
      );
    } catch (error) {
      // A missing animation is cosmetic; never let it break a conversation turn.
      this.logger.warn({ err: summarize(error) }, "loading animation failed");
    }
  }

  async getProfileLanguage(userId: string): Promise<string | undefined> {
    try {
      const { body } = await this.call("profile", () => this.api.getProfileWithHttpInfo(userId));
      return body.language;
    } catch (error) {
      if (error instanceof HTTPFetchError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** Content a user sent. 202 means LINE is still preparing (large video/audio); 404/410 mean it is gone. */
  async getContent(messageId: string): Promise<ContentResult> {
    try {
      const { httpResponse, body } = await this.call("content", () =>
        this.blob.getMessageContentWithHttpInfo(messageId),
      );
      if (httpResponse.status === 202) {
        body.destroy();
        return { kind: "preparing" };
      }
      const length = Number(httpResponse.headers.get("content-length"));
      return {
        kind: "ready",
        stream: body,
        contentType: httpResponse.headers.get("content-type") ?? "application/octet-stream",
        length: Number.isFinite(length) && length > 0 ? length : undefined,
      };
    } catch (error) {
      if (error instanceof HTTPFetchError && (error.status === 404 || error.status === 410))
        return { kind: "gone" };
      throw error;
    }
  }

  private async callWithRetryKey(
    operation: string,
    send: () => Promise<{ httpResponse: Response }>,
  ): Promise<SendOutcome> {
    try {
      await this.call(operation, send);
      return "sent";
    } catch (error) {
      // 409: a request with this key was already accepted (ours, earlier) — the message went out once.
      if (error instanceof HTTPFetchError && error.status === 409) {
        this.logger.info(
          { operation, acceptedRequestId: error.headers.get("x-line-accepted-request-id") },
          "retry key already accepted",
        );
        return "already-sent";
      }
      throw error;
    }
  }

  private async call<T extends { httpResponse: Response }>(
    operation: string,
    send: () => Promise<T>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      try {
        const result = await send();
        this.logger.debug(
          {
            operation,
            status: result.httpResponse.status,
            requestId: result.httpResponse.headers.get("x-line-request-id"),
            ms: Math.round(performance.now() - started),
          },
          "line api call",
        );
        return result;
      } catch (error) {
        const decision = decideRetry(error, attempt, this.policy);
        this.logger.warn(
          {
            operation,
            attempt,
            err: summarize(error),
            retryInMs: decision.retry ? decision.delayMs : undefined,
          },
          "line api call failed",
        );
        if (!decision.retry) throw error;
        await this.sleep(decision.delayMs);
      }
    }
  }
}

export class InvalidReplyTokenError extends Error {
  constructor() {
    super("reply token spent or expired");
    this.name = "InvalidReplyTokenError";
  }
}

/** A fresh UUID for a push that has no natural key; deterministic keys come from uuidFromKey. */
export function newRetryKey(): string {
  return randomUUID();
}

/** Status, LINE request id and LINE's error message — never the request body, which holds user content. */
function summarize(error: unknown): Record<string, unknown> {
  if (error instanceof HTTPFetchError) {
    let lineMessage: string | undefined;
    try {
      lineMessage = (JSON.parse(error.body) as { message?: string }).message;
    } catch {
      lineMessage = undefined; // not JSON: leave it out rather than log an arbitrary body
    }
    return { status: error.status, requestId: error.headers.get("x-line-request-id"), lineMessage };
  }
  if (error instanceof Error) return { type: error.name, reason: error.message };
  return { type: typeof error };
}
