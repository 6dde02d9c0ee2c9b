import { createHmac, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import type { webhook } from "@line/bot-sdk";
import {
  BODY_LIMIT_BYTES,
  createFakeLinePlatform,
  type FakeLinePlatform,
  type PartialWebhookEvent,
  type RecordedCall,
} from "../../../src/dev/line-platform";
import { ulid } from "../../../src/dev/line-platform/ids";
import type { Ledger, WebhookAttempt } from "./ledger";
import { sleep } from "./time";

/** The Messaging API calls a drill slows down or watches. */
export type Endpoint = "reply" | "push" | "multicast" | "content" | "other";

export function endpointOf(method: string, path: string): Endpoint {
  if (method === "POST" && path === "/v2/bot/message/reply") return "reply";
  if (method === "POST" && path === "/v2/bot/message/push") return "push";
  if (method === "POST" && path === "/v2/bot/message/multicast") return "multicast";
  if (method === "GET" && /^\/v2\/bot\/message\/[^/]+\/content$/.test(path)) return "content";
  return "other";
}

/** The fake platform's name for each endpoint, for its outages (failFor). */
export const endpointTemplates: Record<Exclude<Endpoint, "other">, string> = {
  reply: "POST /v2/bot/message/reply",
  push: "POST /v2/bot/message/push",
  multicast: "POST /v2/bot/message/multicast",
  content: "GET /v2/bot/message/{messageId}/content",
};

/**
 * Our model of LINE's webhook redelivery (LINE does not publish its count or intervals): an event
 * the bot did not answer 2xx — an error status, a refused connection, no answer within 2 s — is
 * sent again unchanged but for `isRedelivery: true`, after these waits. About four minutes in all.
 */
export const defaultRedeliveryDelaysMs = [
  5_000, 10_000, 20_000, 30_000, 30_000, 30_000, 30_000, 30_000, 30_000,
];

/** Event types LINE sends with a reply token. */
const replyable = new Set(["message", "follow", "join", "memberJoined", "postback"]);

export interface DrillLineOptions {
  channelSecret: string;
  channelAccessToken: string;
  ledger: Ledger;
  /** Tells a reply that is the bot's apology for a dead-lettered event from a normal answer. */
  isApology: (messages: unknown[]) => boolean;
  redeliveryDelaysMs?: number[];
}

/**
 * LINE for the drills: the fake platform's Messaging API on its own port, behind a thin layer that
 * can slow endpoints down (so a kill lands mid-download or mid-multicast) and reports requests as
 * they arrive; and LINE's side of webhooks — signed posts to the bot, redelivered like LINE does.
 * Every accepted reply or push is entered in the ledger.
 */
export class DrillLine {
  readonly platform: FakeLinePlatform;
  private server: Server | undefined;
  private readonly latencies = new Map<Endpoint, number>();
  private readonly arrivals = new Set<(endpoint: Endpoint) => void>();
  private readonly callWatchers = new Set<(call: RecordedCall) => void>();
  private readonly deliveries = new Set<Promise<void>>();
  readonly inFlight: Record<Endpoint, number> = { reply: 0, push: 0, multicast: 0, content: 0, other: 0 };
  private readonly redeliveryDelaysMs: number[];
  private botUrl = "";
  url = "";

  constructor(private readonly options: DrillLineOptions) {
    this.redeliveryDelaysMs = options.redeliveryDelaysMs ?? defaultRedeliveryDelaysMs;
    this.platform = createFakeLinePlatform({
      channelSecret: options.channelSecret,
      channelAccessToken: options.channelAccessToken,
      // Campaigns deliver to thousands: the drills count calls as they happen instead of keeping them.
      maxDeliveries: 1_000,
      maxRecordedCalls: 1_000,
    });
    this.platform.on("call", (call) => this.account(call));
  }

  async start(port: number): Promise<string> {
    const app = express();
    app.disable("x-powered-by");
    // The body is read before any latency: a request LINE has received is processed even if the bot
    // dies while waiting for the answer — the case that tests "delivered, but the bot never knew".
    app.use(express.raw({ type: () => true, limit: BODY_LIMIT_BYTES }));
    app.use((req, res, next) => {
      const endpoint = endpointOf(req.method, req.path);
      this.inFlight[endpoint]++;
      res.once("close", () => this.inFlight[endpoint]--);
      this.arrivals.forEach((listener) => listener(endpoint));
      const delay = this.latencies.get(endpoint) ?? 0;
      if (delay > 0) setTimeout(next, delay);
      else next();
    });
    app.use(this.platform.router);
    const server = createServer(app);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.url;
  }

  /** Where LINE posts webhooks: the bot's base URL (the same across restarts). */
  setBot(botUrl: string): void {
    this.botUrl = botUrl;
    this.platform.setWebhookUrl(`${botUrl}/webhook`);
  }

  /** Every call to `endpoint` waits `ms` before LINE handles it (0 restores normal speed). */
  setLatency(endpoint: Endpoint, ms: number): void {
    this.latencies.set(endpoint, ms);
  }

  /** LINE answers `status` on these endpoints for `forMs` (the fake platform's outages). */
  outage(endpoints: Array<Exclude<Endpoint, "other">>, status: number, forMs: number): void {
    for (const endpoint of endpoints) this.platform.failFor(endpointTemplates[endpoint], status, forMs);
  }

  /** Called as each Messaging API request arrives, before any latency: drills time their kills by it. */
  onRequest(listener: (endpoint: Endpoint) => void): () => void {
    this.arrivals.add(listener);
    return () => this.arrivals.delete(listener);
  }

  /** Resolves true when the next request to `endpoint` arrives, false if none came within `timeoutMs`. */
  nextRequest(endpoint: Endpoint, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        stop();
        resolve(false);
      }, timeoutMs);
      const stop = this.onRequest((seen) => {
        if (seen !== endpoint) return;
        clearTimeout(timer);
        stop();
        resolve(true);
      });
    });
  }

  /** Called for every answered Messaging API call (after the ledger saw it). */
  onCall(listener: (call: RecordedCall) => void): () => void {
    this.callWatchers.add(listener);
    return () => this.callWatchers.delete(listener);
  }

  /**
   * Completes the event as LINE would (webhook event id, reply token, timestamp), enters it in the
   * ledger and delivers it in the background with redelivery. Returns the event id at once.
   */
  send(partial: PartialWebhookEvent, label: string, answered = true): string {
    return this.sendMany([partial], label, answered)[0]!;
  }

  /** Several events in one webhook body (LINE batches events of different chats). */
  sendMany(partials: PartialWebhookEvent[], label: string, answered = true): string[] {
    const events = partials.map((partial) => completeEvent(partial));
    for (const event of events) this.options.ledger.register(event, label, answered);
    const delivery = this.deliver(events).finally(() => this.deliveries.delete(delivery));
    this.deliveries.add(delivery);
    return events.map((event) => event.webhookEventId);
  }

  /**
   * A signed body exactly as given (hostile shapes the platform's builders would not make). No
   * redelivery: it tells what the bot answered this one request. `signature` overrides a good one.
   * The wait is generous by default: a refusal is judged by its status, not by LINE's 2 seconds.
   */
  async postRaw(body: string | Buffer, signature?: string, timeoutMs = 30_000): Promise<WebhookAttempt> {
    const started = Date.now();
    const webhookUrl = `${this.botUrl}/webhook`;
    try {
      const response = await fetch(webhookUrl, {
        method: "POST",
        headers: {
          "content-type": "application/json; charset=utf-8",
          "x-line-signature": signature ?? this.sign(body),
        },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.arrayBuffer();
      return { at: started, ms: Date.now() - started, status: response.status, redelivery: false };
    } catch (error) {
      const status =
        (error as { name?: string }).name === "TimeoutError" ? "request_timeout" : "could_not_connect";
      return { at: started, ms: Date.now() - started, status, redelivery: false };
    }
  }

  /** LINE's signature over the body's bytes (a Buffer with invalid UTF-8 is signed as it is). */
  sign(body: string | Buffer): string {
    return createHmac("sha256", this.options.channelSecret).update(body).digest("base64");
  }

  /** Resolves when every webhook, redeliveries included, has been acknowledged or given up on. */
  async idle(): Promise<void> {
    while (this.deliveries.size > 0) await Promise.allSettled([...this.deliveries]);
  }

  get pendingDeliveries(): number {
    return this.deliveries.size;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async deliver(events: webhook.Event[]): Promise<void> {
    const ids = events.map((event) => event.webhookEventId);
    for (let attempt = 0; ; attempt++) {
      const redelivery = attempt > 0;
      const started = Date.now();
      let status: WebhookAttempt["status"];
      try {
        const response = redelivery
          ? await this.platform.redeliver(events)
          : await this.platform.sendWebhook(events);
        status = response.status;
      } catch (error) {
        status = /did not answer/.test((error as Error).message) ? "request_timeout" : "could_not_connect";
      }
      this.options.ledger.recordAttempt(ids, { at: started, ms: Date.now() - started, status, redelivery });
      if (typeof status === "number" && status >= 200 && status < 300) return;
      const wait = this.redeliveryDelaysMs[attempt];
      if (wait === undefined) return; // LINE gives up on the event
      await sleep(wait);
    }
  }

  /** Messaging API calls answered, by endpoint and status ("reply 200", "multicast 409"...): what LINE saw. */
  readonly answeredCalls: Record<string, number> = {};

  private account(call: RecordedCall): void {
    const key = `${endpointOf(call.method, call.path)} ${call.status}`;
    this.answeredCalls[key] = (this.answeredCalls[key] ?? 0) + 1;
    const body = call.body as { replyToken?: string; messages?: unknown[] } | undefined;
    if (call.status === 200 && body?.messages) {
      if (call.endpoint === endpointTemplates.reply && body.replyToken) {
        this.options.ledger.recordReply(body.replyToken, body.messages, this.options.isApology);
      } else if (call.endpoint === endpointTemplates.push && call.headers["x-line-retry-key"]) {
        this.options.ledger.recordPush(call.headers["x-line-retry-key"], body.messages);
      }
    }
    this.callWatchers.forEach((watch) => watch(call));
  }
}

/** The common fields LINE fills, decided here so the ledger knows the ids before the bot does. */
function completeEvent(partial: PartialWebhookEvent): webhook.Event {
  const now = Date.now();
  const type = (partial as { type: string }).type;
  return {
    ...(replyable.has(type) ? { replyToken: randomBytes(16).toString("hex") } : {}),
    mode: "active",
    timestamp: now,
    webhookEventId: ulid(now),
    deliveryContext: { isRedelivery: false },
    ...partial,
  } as webhook.Event;
}
