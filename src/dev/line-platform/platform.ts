/**
 * A fake LINE platform in-process: the Messaging API endpoints the bot calls (point the SDK clients'
 * baseURL at it) and LINE's side of webhooks (signed POSTs to the bot). Used by local mode and by
 * integration tests; never loaded in production.
 */
import { EventEmitter } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import type { webhook } from "@line/bot-sdk";
import { createApiRouter } from "./api-router";
import { BoundedList, BoundedSet } from "./bounded-list";
import { chatRoutes } from "./chat-routes";
import { ContentStore } from "./content-store";
import { createEventBuilders } from "./event-builders";
import { FaultInjector, normalizeEndpoint } from "./faults";
import { IdFactory } from "./ids";
import { InsightStore, insightRoutes } from "./insight";
import { messageRoutes } from "./message-routes";
import type { PlatformState } from "./platform-state";
import { ReplyTokenRegistry } from "./reply-tokens";
import { RetryKeyStore } from "./retry-keys";
import { richMenuRoutes } from "./rich-menu-routes";
import { RichMenuStore } from "./rich-menus";
import type {
  Delivery,
  FakeLinePlatform,
  FakeLinePlatformOptions,
  PartialWebhookEvent,
  Profile,
  RecordedCall,
  WebhookDelivery,
} from "./types";
import { asRedelivery, chatIdOf, completeEvent, markAsReadTokenOf, replyTokenOf } from "./webhook-events";
import { postWebhook, signWebhookBody } from "./webhook-sender";

export const DEFAULT_BOT_USER_ID = "U0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const DEFAULT_MAX_RECORDED_CALLS = 5_000;
const DEFAULT_MAX_DELIVERIES = 50_000;
/** LINE's webhook timeout (LINE-FACTS §2: request_timeout after 2 seconds). */
const DEFAULT_WEBHOOK_TIMEOUT_MS = 2_000;
const MAX_MARK_AS_READ_TOKENS = 50_000;

let lastTime = Number.NaN;
let lastIso = "";
/** A multicast delivers to 500 users at the same instant: format that instant once, not 500 times. */
function isoTime(time: number): string {
  if (time !== lastTime) {
    lastTime = time;
    lastIso = new Date(time).toISOString();
  }
  return lastIso;
}

export function createFakeLinePlatform(options: FakeLinePlatformOptions): FakeLinePlatform {
  if (!options.channelSecret)
    throw new Error("createFakeLinePlatform needs a channelSecret to sign webhooks");
  const now = options.now ?? Date.now;
  const botUserId = options.botUserId ?? DEFAULT_BOT_USER_ID;
  const webhookTimeoutMs = options.webhookTimeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
  let webhookUrl = options.webhookUrl;

  const ids = new IdFactory();
  const recorded = new BoundedList<RecordedCall>(options.maxRecordedCalls ?? DEFAULT_MAX_RECORDED_CALLS);
  const delivered = new BoundedList<Delivery>(options.maxDeliveries ?? DEFAULT_MAX_DELIVERIES);
  const emitter = new EventEmitter();
  const faults = new FaultInjector();
  const state: PlatformState = {
    now,
    ids,
    replyTokens: new ReplyTokenRegistry(now),
    retryKeys: new RetryKeyStore(now),
    contents: new ContentStore(),
    profiles: new Map<string, Profile>(),
    markAsReadTokens: new BoundedSet(MAX_MARK_AS_READ_TOKENS),
    richMenus: new RichMenuStore(),
    insight: new InsightStore(),
    deliver(to, via, messages) {
      delivered.push({ to, via, messages, at: isoTime(now()) });
    },
  };

  const matchesEndpoint = (call: RecordedCall, endpoint: string): boolean => {
    const wanted = normalizeEndpoint(endpoint);
    return call.endpoint === wanted || `${call.method} ${call.path}` === wanted;
  };
  const calls = (filter?: { endpoint?: string }): RecordedCall[] => {
    const all = recorded.toArray();
    const endpoint = filter?.endpoint;
    return endpoint === undefined ? all : all.filter((call) => matchesEndpoint(call, endpoint));
  };

  const router = createApiRouter({
    routes: [
      ...messageRoutes(state),
      ...chatRoutes(state),
      ...richMenuRoutes(state),
      ...insightRoutes(state),
    ],
    channelAccessToken: options.channelAccessToken,
    faults,
    ids,
    now,
    record(call) {
      recorded.push(call);
      emitter.emit("call", call);
    },
    calls,
    clearCalls: () => recorded.clear(),
  });

  /** Makes the events' reply and markAsRead tokens usable, as LINE does for the tokens it issues. */
  function issueTokens(events: readonly webhook.Event[], redelivery: readonly boolean[]): void {
    events.forEach((event, i) => {
      const replyToken = replyTokenOf(event);
      if (replyToken) {
        state.replyTokens.issue(replyToken, chatIdOf(event.source), event.timestamp, redelivery[i] ?? false);
      }
      const markAsReadToken = markAsReadTokenOf(event);
      if (markAsReadToken) state.markAsReadTokens.add(markAsReadToken);
    });
  }

  /** Signs and posts events already complete; reply and markAsRead tokens are live before the bot sees them. */
  async function post(events: webhook.Event[], redelivery: boolean[]): Promise<WebhookDelivery> {
    if (!webhookUrl) throw new Error("no webhook URL: pass webhookUrl or call setWebhookUrl() first");
    issueTokens(events, redelivery);
    // Compact JSON, as LINE sends it; the signature covers exactly these bytes.
    const rawBody = JSON.stringify({ destination: botUserId, events });
    const signature = signWebhookBody(rawBody, options.channelSecret);
    const response = await postWebhook(webhookUrl, rawBody, signature, webhookTimeoutMs);
    return { ...response, events, rawBody, signature };
  }

  let server: Server | undefined;

  const platform: FakeLinePlatform = {
    router,
    botUserId,
    ...createEventBuilders({ ids, putContent: (...args) => state.contents.put(...args) }),

    async listen(port = 0) {
      if (server) throw new Error("the fake LINE platform is already listening");
      const app = express();
      app.disable("x-powered-by");
      app.use(router);
      const started = createServer(app);
      // Node's 5 s default closes idle keep-alive sockets as clients reuse them: under load that race
      // is an ECONNRESET the client did not cause. LINE's own servers keep connections far longer.
      started.keepAliveTimeout = 65_000;
      await new Promise<void>((resolve, reject) => {
        started.once("error", reject);
        started.listen(port, "127.0.0.1", () => resolve());
      });
      server = started;
      return `http://127.0.0.1:${(started.address() as AddressInfo).port}`;
    },

    async close() {
      const stopping = server;
      server = undefined;
      if (!stopping) return;
      await new Promise<void>((resolve, reject) => {
        stopping.close((error) => (error ? reject(error) : resolve()));
        // fetch keeps connections alive; drop them so close() doesn't wait for their idle timeout.
        stopping.closeAllConnections();
      });
    },

    setWebhookUrl(url) {
      webhookUrl = url;
    },

    sendWebhook(partials: PartialWebhookEvent[], opts = {}) {
      const at = now();
      const redelivery = partials.map(
        (p) => opts.redeliver === true || p.deliveryContext?.isRedelivery === true,
      );
      const events = partials.map((partial, i) =>
        completeEvent(partial, { now: at, ids, redelivery: redelivery[i] ?? false }),
      );
      return post(events, redelivery);
    },

    acceptSignedEvents(events) {
      issueTokens(
        events,
        events.map((event) => event.deliveryContext?.isRedelivery === true),
      );
    },

    redeliver(earlier) {
      const events = earlier.map(asRedelivery);
      return post(
        events,
        events.map(() => true),
      );
    },

    putContent(messageId, bytes, contentType, opts) {
      state.contents.put(messageId, bytes, contentType, opts);
    },

    setProfile(userId, profile) {
      state.profiles.set(userId, { ...profile });
    },

    richMenuFor: (userId) => state.richMenus.effectiveFor(userId),
    switchRichMenu: (userId, aliasId) => state.richMenus.switchTo(userId, aliasId),

    calls,
    clearCalls: () => recorded.clear(),

    failNext(endpoint, status, times = 1, extra = {}) {
      faults.add(endpoint, status, times, extra);
    },

    failFor(endpoint, status, forMs, extra = {}) {
      faults.addOutage(endpoint, status, now() + forMs, extra);
    },

    deliveries: () => delivered.toArray(),
    clearDeliveries: () => delivered.clear(),

    on(event, listener) {
      emitter.on(event, listener);
    },
    off(event, listener) {
      emitter.off(event, listener);
    },
  };
  return platform;
}
