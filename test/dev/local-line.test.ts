import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { createLogger } from "../../src/log";
import { startLocalLine } from "../../src/dev/local-line";
import { signWebhookBody, fakeUserId, type RecordedCall } from "../../src/dev/line-platform";
import { ulid } from "../../src/dev/line-platform/ids";
import type { Service } from "../../src/service";
import { startTestDatabase, type TestDatabase } from "../support/database";
import { testAccessToken, testChannelSecret, testConfig } from "../support/harness";

/** Local mode as an outside load tool sees it: it signs its own webhooks with the dev channel secret. */
describe("local mode's LINE (startLocalLine)", () => {
  let database: TestDatabase;
  let service: Service;
  const stops: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    database = await startTestDatabase();
    const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
    // The LINE base URL is replaced by local mode's own address.
    const config = testConfig(database.uri, "http://127.0.0.1:9");
    service = await startLocalLine(config, createLogger({ level: "warn", destination: quiet }), stops);
  }, 180_000);

  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
    await database.stop();
  });

  /** A text message from `userId`, with a reply token the platform never issued. */
  function externalWebhook(userId: string, replyToken: string): string {
    const event = {
      replyToken,
      type: "message",
      mode: "active",
      timestamp: Date.now(),
      source: { type: "user", userId },
      webhookEventId: ulid(Date.now()),
      deliveryContext: { isRedelivery: false },
      message: { id: String(Date.now()), type: "text", quoteToken: "q-external", text: "เมนู" },
    };
    return JSON.stringify({ destination: "U0f1e2d3c4b5a69788796a5b4c3d2e1f0", events: [event] });
  }

  function postWebhook(body: string, signature: string): Promise<Response> {
    return fetch(`${service.url}/webhook`, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8", "x-line-signature": signature },
      body,
    });
  }

  async function callsTo(endpoint: string): Promise<RecordedCall[]> {
    const response = await fetch(`${service.url}/dev/line/calls?endpoint=${encodeURIComponent(endpoint)}`);
    return (await response.json()) as RecordedCall[];
  }

  test("when an outside tool signs a webhook with the channel secret, then the bot's answer goes out as a reply with that token, not as a push", async () => {
    const userId = fakeUserId();
    const token = randomBytes(16).toString("hex");
    const body = externalWebhook(userId, token);

    const response = await postWebhook(body, signWebhookBody(body, testChannelSecret));
    await service.processor.idle();

    expect(response.status).toBe(200);
    const replies = (await callsTo("POST /v2/bot/message/reply")).filter(
      (call) => (call.body as { replyToken?: string }).replyToken === token,
    );
    expect(replies.map((call) => call.status)).toEqual([200]);
    const pushes = (await callsTo("POST /v2/bot/message/push")).filter(
      (call) => (call.body as { to?: string }).to === userId,
    );
    expect(pushes).toEqual([]);
  });

  test("when a webhook's signature is wrong, then the bot refuses it and its reply token stays unknown to the platform", async () => {
    const token = randomBytes(16).toString("hex");
    const body = externalWebhook(fakeUserId(), token);

    const refused = await postWebhook(body, signWebhookBody(body, "not-the-channel-secret"));
    const reply = await fetch(`${service.url}/v2/bot/message/reply`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${testAccessToken}` },
      body: JSON.stringify({ replyToken: token, messages: [{ type: "text", text: "hello" }] }),
    });

    expect(refused.status).toBe(401);
    expect(reply.status).toBe(400);
    expect(await reply.json()).toEqual({ message: "Invalid reply token" });
  });
});
