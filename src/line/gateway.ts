import { randomUUID } from "node:crypto";
import type { Readable } from "node:stream";
import { HTTPFetchError, messagingApi } from "@line/bot-sdk";
import { Pool, type Dispatcher } from "undici";
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

/** The part of LINE's per-unit statistics we read (null: under LINE's privacy threshold of 20). */
export interface UnitStatistics {
  overview: {
    uniqueImpression?: number | null;
    uniqueClick?: number | null;
    uniqueMediaPlayed?: number | null;
    uniqueMediaPlayed100Percent?: number | null;
  };
}

export type ContentResult =
  | { kind: "ready"; stream: Readable; contentType: string; length?: number }
  | { kind: "preparing" }
  | { kind: "gone" };

/**
 * The only door to the Messaging API. JSON calls go through `JsonApi` below, content downloads
 * through the SDK's blob client. It adds what every caller needs and the SDK leaves out:
 * bounded retries with backoff, 429 handling, retry keys on push/multicast (the same key on every
 * attempt, so LINE drops a duplicate), and logs that carry status and x-line-request-id but never
 * message content or user ids.
 */
export class LineGateway {
  private readonly api: JsonApi;
  private readonly blob: messagingApi.MessagingApiBlobClient;
  private readonly policy: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly logger: Logger;

  constructor(options: LineGatewayOptions) {
    this.api = new JsonApi(options.apiBaseUrl, options.channelAccessToken);
    this.blob = new messagingApi.MessagingApiBlobClient({
      channelAccessToken: options.channelAccessToken,
      baseURL: options.dataApiBaseUrl,
    });
    this.policy = { ...defaultRetryPolicy, ...options.retry };
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.logger = options.logger.child({ component: "line" });
  }

  /**
   * Replies with up to 5 messages. Throws InvalidReplyTokenError when the token is spent or expired.
   * Reply takes no retry key, so when an attempt failed in a way that may have delivered it (a 5xx,
   * a lost connection) and the retry then finds the token spent, the earlier attempt delivered it:
   * that counts as sent — falling back to push would show the answer twice. `onSent` is called when
   * an attempt's request has been handed to the network: from then on LINE may act on it.
   */
  async reply(replyToken: string, messages: Message[], onSent?: () => void): Promise<void> {
    let mayHaveLanded = false;
    try {
      await this.call("reply", async () => {
        try {
          return await this.api.post("/v2/bot/message/reply", { replyToken, messages }, {}, onSent);
        } catch (error) {
          if (isAmbiguousFailure(error)) mayHaveLanded = true;
          throw error;
        }
      });
    } catch (error) {
      if (isInvalidReplyToken(error)) {
        if (mayHaveLanded) {
          this.logger.info("reply token spent by an earlier attempt whose answer was lost: delivered once");
          return;
        }
        throw new InvalidReplyTokenError();
      }
      throw error;
    }
  }

  /** Pushes to one user, group or room. `retryKey` must be stable for the logical message (see newRetryKey). */
  async push(to: string, messages: Message[], retryKey: string): Promise<SendOutcome> {
    return this.callWithRetryKey("push", () =>
      this.api.post("/v2/bot/message/push", { to, messages }, { "x-line-retry-key": retryKey }),
    );
  }

  /**
   * Multicasts to at most 500 users. `aggregationUnit` (LINE's customAggregationUnits, one name per
   * request) is what later lets us read opens and clicks for the campaign: multicast has no other.
   */
  async multicast(
    to: string[],
    messages: Message[],
    retryKey: string,
    aggregationUnit?: string,
  ): Promise<SendOutcome> {
    const body = aggregationUnit
      ? { to, messages, customAggregationUnits: [aggregationUnit] }
      : { to, messages };
    return this.callWithRetryKey("multicast", () =>
      this.api.post("/v2/bot/message/multicast", body, { "x-line-retry-key": retryKey }),
    );
  }

  /**
   * A multicast whose JSON body (`to`, `messages`, `customAggregationUnits`) the caller wrote: campaign
   * delivery writes the 500 user ids of a batch straight from their deciphered bytes, since at LINE's
   * rate it sends 100,000 recipients a second.
   */
  async multicastJson(body: Buffer, retryKey: string): Promise<SendOutcome> {
    return this.callWithRetryKey("multicast", () =>
      this.api.postJson("/v2/bot/message/multicast", body, { "x-line-retry-key": retryKey }),
    );
  }

  /**
   * LINE's interaction statistics for one aggregation unit over `from`..`to` (yyyyMMdd, LINE's UTC+9
   * days). Values LINE withholds (fewer than 20 people) come back as null and are kept so.
   */
  async statisticsPerUnit(unit: string, from: string, to: string): Promise<UnitStatistics> {
    const query = new URLSearchParams({ customAggregationUnit: unit, from, to });
    const { body } = await this.call("insight-per-unit", () =>
      this.api.get(`/v2/bot/insight/message/event/aggregation?${query.toString()}`),
    );
    return JSON.parse(body) as UnitStatistics;
  }

  async showLoading(chatId: string, seconds = 20): Promise<void> {
    try {
      await this.call("loading", () =>
        this.api.post("/v2/bot/chat/loading/start", { chatId, loadingSeconds: seconds }),
      );
    } catch (error) {
      // A missing animation is cosmetic; never let it break a conversation turn.
      this.logger.warn({ err: summarize(error) }, "loading animation failed");
    }
  }

  async getProfileLanguage(userId: string): Promise<string | undefined> {
    const notFound = (error: unknown) => error instanceof HTTPFetchError && error.status === 404;
    try {
      const { body } = await this.call(
        "profile",
        () => this.api.get(`/v2/bot/profile/${encodeURIComponent(userId)}`),
        notFound,
      );
      return (JSON.parse(body) as messagingApi.UserProfileResponse).language;
    } catch (error) {
      // Not a friend (any more), or never was: there is simply no profile to read.
      if (notFound(error)) return undefined;
      throw error;
    }
  }

  /** The rich menu linked to this user alone; undefined when the user sees the default (LINE answers 404). */
  async userRichMenu(userId: string): Promise<string | undefined> {
    const notFound = (error: unknown) => error instanceof HTTPFetchError && error.status === 404;
    try {
      const { body } = await this.call(
        "rich-menu-of-user",
        () => this.api.get(`/v2/bot/user/${encodeURIComponent(userId)}/richmenu`),
        notFound,
      );
      return (JSON.parse(body) as messagingApi.RichMenuIdResponse).richMenuId;
    } catch (error) {
      if (notFound(error)) return undefined;
      throw error;
    }
  }

  /** Rich menu alias id → rich menu id, as the channel has them now. */
  async richMenuAliases(): Promise<Map<string, string>> {
    const { body } = await this.call("rich-menu-aliases", () => this.api.get("/v2/bot/richmenu/alias/list"));
    const { aliases } = JSON.parse(body) as messagingApi.RichMenuAliasListResponse;
    return new Map(aliases.map((alias) => [alias.richMenuAliasId, alias.richMenuId]));
  }

  async linkRichMenu(userId: string, richMenuId: string): Promise<void> {
    const path = `/v2/bot/user/${encodeURIComponent(userId)}/richmenu/${encodeURIComponent(richMenuId)}`;
    await this.call("rich-menu-link", () => this.api.send("POST", path));
  }

  /** Back to the channel's default menu. */
  async unlinkRichMenu(userId: string): Promise<void> {
    await this.call("rich-menu-unlink", () =>
      this.api.send("DELETE", `/v2/bot/user/${encodeURIComponent(userId)}/richmenu`),
    );
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

  private async callWithRetryKey(operation: string, send: () => Promise<HttpInfo>): Promise<SendOutcome> {
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

  /** `expected`: failures the caller handles as an answer, logged at debug level rather than as warnings. */
  private async call<T extends HttpInfo>(
    operation: string,
    send: () => Promise<T>,
    expected?: (error: unknown) => boolean,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      try {
        const result = await send();
        if (this.logger.isLevelEnabled("debug")) {
          this.logger.debug(
            {
              operation,
              status: result.httpResponse.status,
              requestId: result.httpResponse.headers.get("x-line-request-id"),
              ms: Math.round(performance.now() - started),
            },
            "line api call",
          );
        }
        return result;
      } catch (error) {
        const decision = decideRetry(error, attempt, this.policy);
        if (!decision.retry && expected?.(error)) {
          this.logger.debug({ operation, err: summarize(error) }, "line api answer handled by the caller");
          throw error;
        }
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

/** What `call` needs to know about a response: the SDK's and `JsonApi`'s both have it. */
interface HttpInfo {
  httpResponse: { status: number; headers: { get(name: string): string | null } };
}

const userAgent = "integrity-tipline (undici)";
/** A call LINE has not answered in this time is abandoned and retried like a network failure. */
const requestTimeoutMs = 30_000;

/**
 * JSON calls to the Messaging API over a keep-alive undici pool. The SDK's client uses fetch, which
 * costs three to four times the CPU of node:http per call, and node:http's client costs about twice
 * undici's dispatcher (docs/PERFORMANCE.md, fourth session); with a reply (and, for a new chat, a
 * profile read) on every event, that is the largest share of the bot's own CPU. Failures look like
 * the SDK's, so one set of retry rules covers everything: an HTTPFetchError for an error status, and
 * a TypeError (as fetch reports them) for a connection that failed.
 */
class JsonApi {
  private readonly pool: Pool;
  private readonly authorization: string;

  constructor(baseUrl: string, accessToken: string) {
    // Like the SDK, only the base URL's origin counts: every path below is absolute.
    this.pool = new Pool(new URL(baseUrl).origin, {
      headersTimeout: requestTimeoutMs,
      bodyTimeout: requestTimeoutMs,
    });
    this.authorization = `Bearer ${accessToken}`;
  }

  get(path: string): Promise<JsonResponse> {
    return this.request("GET", path, undefined, undefined);
  }

  /** `onSent`: the request has been written out in full (LINE may act on it even if no answer comes). */
  post(
    path: string,
    body: unknown,
    headers?: Record<string, string>,
    onSent?: () => void,
  ): Promise<JsonResponse> {
    return this.request("POST", path, JSON.stringify(body), headers, onSent);
  }

  /** A POST whose body is JSON already. */
  postJson(path: string, json: Buffer, headers: Record<string, string>): Promise<JsonResponse> {
    return this.request("POST", path, json, headers);
  }

  /** A call with no request body (rich menu link, unlink). */
  send(method: "POST" | "DELETE", path: string): Promise<JsonResponse> {
    return this.request(method, path, undefined, undefined);
  }

  private request(
    method: Dispatcher.HttpMethod,
    path: string,
    payload: string | Buffer | undefined,
    extraHeaders: Record<string, string> | undefined,
    onSent?: () => void,
  ): Promise<JsonResponse> {
    const headers: Record<string, string> = { authorization: this.authorization, "user-agent": userAgent };
    if (payload !== undefined) headers["content-type"] = "application/json";
    if (extraHeaders) Object.assign(headers, extraHeaders);
    return new Promise((resolve, reject) => {
      this.pool.dispatch({ path, method, headers, body: payload }, new JsonCall(resolve, reject, onSent));
    });
  }
}

/**
 * One call's answer, collected as undici's dispatcher hands it over. undici's documented request()
 * has no signal for "the request has been written", which `reply` needs (docs/RELIABILITY.md), so
 * this uses the dispatcher's handler interface, whose `onBodySent` is that signal for a JSON body.
 */
class JsonCall implements Dispatcher.DispatchHandler {
  private status = 0;
  private statusText = "";
  private rawHeaders: Buffer[] = [];
  private readonly chunks: Buffer[] = [];

  constructor(
    private readonly resolve: (response: JsonResponse) => void,
    private readonly reject: (error: Error) => void,
    private readonly onSent: (() => void) | undefined,
  ) {}

  onConnect(): void {
    // Nothing to hold on to: a call is never aborted from here (the pool's timeouts end a stuck one).
  }

  onBodySent(): void {
    this.onSent?.();
  }

  onHeaders(status: number, rawHeaders: Buffer[], _resume: () => void, statusText: string): boolean {
    this.status = status;
    this.statusText = statusText;
    this.rawHeaders = rawHeaders;
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    const body = Buffer.concat(this.chunks).toString("utf8");
    const headers = responseHeaders(this.rawHeaders);
    if (this.status >= 200 && this.status < 300) {
      this.resolve({ httpResponse: { status: this.status, headers }, body });
    } else {
      this.reject(
        new HTTPFetchError(`${this.status} - ${this.statusText}`, {
          status: this.status,
          statusText: this.statusText,
          headers,
          body,
        }),
      );
    }
  }

  onError(error: Error): void {
    const code = (error as NodeJS.ErrnoException).code;
    this.reject(new TypeError(`LINE API request failed: ${code ?? error.message}`, { cause: error }));
  }
}

/** undici hands headers over as name, value, name, value… Buffers; `Headers` is what HTTPFetchError carries. */
function responseHeaders(raw: Buffer[]): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < raw.length; i += 2)
    headers.append(raw[i]!.toString("latin1"), raw[i + 1]!.toString("latin1"));
  return headers;
}

type JsonResponse = HttpInfo & { body: string };

function isInvalidReplyToken(error: unknown): boolean {
  return error instanceof HTTPFetchError && error.status === 400 && /invalid reply token/i.test(error.body);
}

/** A failure after which LINE may or may not have acted on the request: a 5xx or a broken connection. */
function isAmbiguousFailure(error: unknown): boolean {
  if (error instanceof HTTPFetchError) return error.status >= 500;
  return error instanceof TypeError;
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
