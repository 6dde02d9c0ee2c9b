import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  createFakeLinePlatform,
  DEFAULT_BOT_USER_ID,
  fakeGroupId,
  fakeUserId,
  signWebhookBody,
  type FakeLinePlatform,
} from "../../../src/dev/line-platform";

const secret = "8c570fa6dd201bb328f1c1eac23a96d8";
const start = Date.parse("2026-08-01T03:00:00Z");
let clock = start;
let platform: FakeLinePlatform;
let baseUrl: string;

/** A stand-in bot: records what arrives and answers with the status a test sets. */
const received: Array<{ headers: IncomingHttpHeaders; rawBody: string }> = [];
let botStatus = 200;
let botDelayMs = 0;
let bot: Server;
let botUrl: string;

type AnyEvent = Record<string, unknown> & { replyToken?: string; webhookEventId: string };

async function reply(replyToken: string): Promise<number> {
  const response = await fetch(`${baseUrl}/v2/bot/message/reply`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ replyToken, messages: [{ type: "text", text: "ok" }] }),
  });
  return response.status;
}

beforeAll(async () => {
  bot = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({ headers: req.headers, rawBody: Buffer.concat(chunks).toString("utf8") });
      setTimeout(
        () => res.writeHead(botStatus, { "content-type": "text/plain" }).end("bot says hi"),
        botDelayMs,
      );
    });
  });
  await new Promise<void>((resolve) => bot.listen(0, "127.0.0.1", resolve));
  botUrl = `http://127.0.0.1:${(bot.address() as AddressInfo).port}/webhook`;
});

afterAll(async () => {
  await new Promise((resolve) => bot.close(resolve));
});

beforeEach(async () => {
  clock = start;
  received.length = 0;
  botStatus = 200;
  botDelayMs = 0;
  platform = createFakeLinePlatform({ channelSecret: secret, now: () => clock, webhookUrl: botUrl });
  baseUrl = await platform.listen();
});

afterEach(async () => {
  await platform.close();
});

const lastBody = () =>
  JSON.parse(received.at(-1)?.rawBody ?? "null") as { destination: string; events: AnyEvent[] };

describe("signing", () => {
  it("when signing LINE's documented test body, then the signature matches LINE's documented one", () => {
    const body = '{"destination":"U8e742f61d673b39c7fff3cecb7536ef0","events":[]}';

    expect(signWebhookBody(body, secret)).toBe("GhRKmvmHys4Pi8DxkF4+EayaH0OqtJtaZxgTD9fMDLs=");
  });

  it("when a webhook is sent, then x-line-signature is the base64 HMAC-SHA256 of the exact body bytes", async () => {
    await platform.sendWebhook([platform.textFrom(fakeUserId(), "สวัสดีครับ 🙏")]);

    const { headers, rawBody } = received[0]!;
    expect(headers["x-line-signature"]).toBe(createHmac("sha256", secret).update(rawBody).digest("base64"));
  });

  it("when a webhook is sent, then it is JSON in UTF-8 as LINE sends it", async () => {
    await platform.sendWebhook([platform.follow(fakeUserId())]);

    expect(received[0]!.headers["content-type"]).toBe("application/json; charset=utf-8");
  });
});

describe("webhook bodies", () => {
  it("when a text event is sent, then the body has the bot as destination and every common field filled", async () => {
    const userId = fakeUserId();

    await platform.sendWebhook([platform.textFrom(userId, "hello")]);

    expect(lastBody()).toEqual({
      destination: DEFAULT_BOT_USER_ID,
      events: [
        {
          replyToken: expect.stringMatching(/^[0-9a-f]{32}$/),
          type: "message",
          mode: "active",
          timestamp: start,
          source: { type: "user", userId },
          webhookEventId: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
          deliveryContext: { isRedelivery: false },
          message: {
            id: expect.stringMatching(/^\d{18}$/),
            markAsReadToken: expect.any(String),
            type: "text",
            quoteToken: expect.any(String),
            text: "hello",
          },
        },
      ],
    });
  });

  it("when several events are sent in one body, then each gets its own webhookEventId and replyToken", async () => {
    await platform.sendWebhook([platform.textFrom(fakeUserId(), "a"), platform.follow(fakeUserId())]);

    const [first, second] = lastBody().events;
    expect(first!.webhookEventId).not.toBe(second!.webhookEventId);
    expect(first!.replyToken).not.toBe(second!.replyToken);
  });

  it("when an unfollow event is sent, then it has no replyToken because LINE gives none", async () => {
    await platform.sendWebhook([platform.unfollow(fakeUserId())]);

    expect(lastBody().events[0]).not.toHaveProperty("replyToken");
  });

  it("when an event is sent in standby mode, then it has no replyToken", async () => {
    await platform.sendWebhook([{ ...platform.textFrom(fakeUserId(), "hi"), mode: "standby" }]);

    expect(lastBody().events[0]).not.toHaveProperty("replyToken");
  });

  it("when a group message is sent, then its source names the group and the sender", async () => {
    const [userId, groupId] = [fakeUserId(), fakeGroupId()];

    await platform.sendWebhook([platform.textFrom(userId, "/enroll ABC", { groupId })]);

    expect(lastBody().events[0]!["source"]).toEqual({ type: "group", groupId, userId });
  });

  it("when the bot joins a group, then the join event's source is the group without a user", async () => {
    const groupId = fakeGroupId();

    await platform.sendWebhook([platform.join(groupId)]);

    expect(lastBody().events[0]).toMatchObject({ type: "join", source: { type: "group", groupId } });
    expect(lastBody().events[0]!["source"]).not.toHaveProperty("userId");
  });

  it("when a postback is sent with params, then the event carries data and params", async () => {
    await platform.sendWebhook([platform.postbackFrom(fakeUserId(), "step=date", { date: "2026-08-01" })]);

    expect(lastBody().events[0]!["postback"]).toEqual({ data: "step=date", params: { date: "2026-08-01" } });
  });

  it("when a file is sent, then the event names it and gives its size", async () => {
    await platform.sendWebhook([platform.fileFrom(fakeUserId(), Buffer.from("%PDF-1.7"), "evidence.pdf")]);

    expect(lastBody().events[0]!["message"]).toMatchObject({
      type: "file",
      fileName: "evidence.pdf",
      fileSize: 8,
    });
  });

  it("when a location is sent, then the event carries its coordinates", async () => {
    const place = { title: "ศาลากลาง", address: "Chiang Mai", latitude: 18.79, longitude: 98.98 };

    await platform.sendWebhook([platform.locationFrom(fakeUserId(), place)]);

    expect(lastBody().events[0]!["message"]).toMatchObject({ type: "location", ...place });
  });

  it("when an image is sent, then its bytes are served as the content of that message id", async () => {
    const event = platform.imageFrom(fakeUserId(), Buffer.from([0xff, 0xd8, 0xff]), "image/jpeg");
    await platform.sendWebhook([event]);

    const response = await fetch(`${baseUrl}/v2/bot/message/${event.message.id}/content`);

    expect(Buffer.from(await response.arrayBuffer())).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
  });

  it("when the bot answers, then sendWebhook reports its status and body", async () => {
    botStatus = 500;

    const delivery = await platform.sendWebhook([platform.follow(fakeUserId())]);

    expect([delivery.status, delivery.body]).toEqual([500, "bot says hi"]);
  });

  it("when no webhook URL is set, then sendWebhook rejects", async () => {
    const silent = createFakeLinePlatform({ channelSecret: secret });

    await expect(silent.sendWebhook([silent.follow(fakeUserId())])).rejects.toThrow(/no webhook URL/);
  });

  it("when the bot takes longer than the webhook timeout, then sendWebhook rejects like LINE's request_timeout", async () => {
    const impatient = createFakeLinePlatform({
      channelSecret: secret,
      webhookUrl: botUrl,
      webhookTimeoutMs: 50,
    });
    botDelayMs = 300;

    await expect(impatient.sendWebhook([impatient.follow(fakeUserId())])).rejects.toThrow(/request_timeout/);
  });

  it("when a message event was sent, then its markAsReadToken is accepted by markAsRead", async () => {
    const { events } = await platform.sendWebhook([platform.textFrom(fakeUserId(), "hi")]);
    const markAsReadToken = (events[0] as { message: { markAsReadToken: string } }).message.markAsReadToken;

    const response = await fetch(`${baseUrl}/v2/bot/chat/markAsRead`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ markAsReadToken }),
    });

    expect([response.status, await response.json()]).toEqual([200, {}]);
  });
});

describe("redelivery", () => {
  it("when events are redelivered, then only deliveryContext.isRedelivery changes", async () => {
    const { events } = await platform.sendWebhook([platform.textFrom(fakeUserId(), "hi")]);
    const original = lastBody();

    await platform.redeliver(events);

    const [event] = original.events;
    expect(lastBody()).toEqual({
      ...original,
      events: [{ ...event, deliveryContext: { isRedelivery: true } }],
    });
  });

  it("when sendWebhook is asked to redeliver, then the events are marked as redelivered", async () => {
    await platform.sendWebhook([platform.follow(fakeUserId())], { redeliver: true });

    expect(lastBody().events[0]!["deliveryContext"]).toEqual({ isRedelivery: true });
  });

  it("when an unused token is redelivered after it expired, then it can be used within a minute of the redelivery", async () => {
    const { events } = await platform.sendWebhook([platform.textFrom(fakeUserId(), "hi")]);
    clock += 5 * 60_000;
    await platform.redeliver(events);
    clock += 30_000;

    expect(await reply((events[0] as AnyEvent).replyToken!)).toBe(200);
  });

  it("when a token already used is redelivered, then it stays invalid", async () => {
    const { events } = await platform.sendWebhook([platform.textFrom(fakeUserId(), "hi")]);
    const token = (events[0] as AnyEvent).replyToken!;
    await reply(token);

    await platform.redeliver(events);

    expect(await reply(token)).toBe(400);
  });

  it("when a token is redelivered more than 20 minutes after its event, then it is invalid", async () => {
    const { events } = await platform.sendWebhook([platform.textFrom(fakeUserId(), "hi")]);
    clock += 20 * 60_000 + 1;

    await platform.redeliver(events);

    expect(await reply((events[0] as AnyEvent).replyToken!)).toBe(400);
  });

  it("when a token is redelivered 19.5 minutes after its event, then it expires at the 20-minute mark, not a minute later", async () => {
    const { events } = await platform.sendWebhook([platform.textFrom(fakeUserId(), "hi")]);
    clock += 19.5 * 60_000;
    await platform.redeliver(events);
    clock += 40_000;

    expect(await reply((events[0] as AnyEvent).replyToken!)).toBe(400);
  });
});

describe("webhooks signed by someone else (acceptSignedEvents)", () => {
  /** A text event as an outside tool builds it, with a token this platform never issued. */
  const outsideEvent = (replyToken: string, isRedelivery = false) =>
    ({
      replyToken,
      type: "message",
      mode: "active",
      timestamp: clock,
      source: { type: "user", userId: fakeUserId() },
      webhookEventId: "01J0000000000000000000TEST",
      deliveryContext: { isRedelivery },
      message: { id: "1", type: "text", quoteToken: "q", text: "hi" },
    }) as const;

  it("when the bot received a token the platform did not issue, then it can reply with it once, within a minute", async () => {
    const once = "a".repeat(32);
    const late = "b".repeat(32);
    platform.acceptSignedEvents([outsideEvent(once), outsideEvent(late)]);

    expect(await reply(once)).toBe(200);
    expect(await reply(once)).toBe(400);
    clock += 60_001;
    expect(await reply(late)).toBe(400);
  });

  it("when a token not accepted this way is used, then it is still refused", async () => {
    expect(await reply("c".repeat(32))).toBe(400);
  });

  it("when an outside tool redelivers an event whose token was used, then the token stays invalid", async () => {
    const token = "d".repeat(32);
    platform.acceptSignedEvents([outsideEvent(token)]);
    await reply(token);

    platform.acceptSignedEvents([outsideEvent(token, true)]);

    expect(await reply(token)).toBe(400);
  });
});
