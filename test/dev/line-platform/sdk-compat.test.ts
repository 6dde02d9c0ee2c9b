import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Readable } from "node:stream";
import express from "express";
import { HTTPFetchError, messagingApi, middleware, validateSignature, type webhook } from "@line/bot-sdk";
import { createFakeLinePlatform, fakeUserId, type FakeLinePlatform } from "../../../src/dev/line-platform";

const channelSecret = "8c570fa6dd201bb328f1c1eac23a96d8";
const channelAccessToken = "sdk-compat-token";
let platform: FakeLinePlatform;
let client: messagingApi.MessagingApiClient;
let blobClient: messagingApi.MessagingApiBlobClient;
let baseURL: string;

/** A tiny bot: validates signatures with the SDK and answers replies through the SDK client. */
const verdicts: boolean[] = [];
let bot: Server;

function listen(app: express.Express): Promise<Server> {
  return new Promise((resolve) => {
    const server = app.listen(0, "127.0.0.1", () => resolve(server));
  });
}

const urlOf = (server: Server, path: string) =>
  `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function replyTokenFor(userId: string): Promise<string> {
  const { events } = await platform.sendWebhook([platform.textFrom(userId, "hello")]);
  return (events[0] as webhook.MessageEvent).replyToken!;
}

beforeAll(async () => {
  const app = express();
  app.post("/webhook", express.raw({ type: "application/json" }), (req, res) => {
    verdicts.push(validateSignature(req.body as Buffer, channelSecret, req.header("x-line-signature") ?? ""));
    res.sendStatus(200);
  });
  bot = await listen(app);
});

afterAll(async () => {
  bot.closeAllConnections();
  await new Promise((resolve) => bot.close(resolve));
});

beforeEach(async () => {
  verdicts.length = 0;
  platform = createFakeLinePlatform({
    channelSecret,
    channelAccessToken,
    webhookUrl: urlOf(bot, "/webhook"),
  });
  baseURL = await platform.listen();
  client = new messagingApi.MessagingApiClient({ channelAccessToken, baseURL });
  blobClient = new messagingApi.MessagingApiBlobClient({ channelAccessToken, baseURL });
});

afterEach(async () => {
  await platform.close();
});

describe("webhooks against the SDK", () => {
  it("when the platform sends webhooks, then the SDK's validateSignature accepts every body", async () => {
    await platform.sendWebhook([platform.textFrom(fakeUserId(), 'แจ้งเบาะแส 🙏 "quoted" \\ \n')]);
    await platform.sendWebhook([platform.follow(fakeUserId()), platform.unfollow(fakeUserId())]);
    await platform.sendWebhook([]);

    expect(verdicts).toEqual([true, true, true]);
  });

  it("when the platform sends a webhook to the SDK middleware, then it passes and the events are parsed", async () => {
    const seen: unknown[] = [];
    const app = express();
    app.post("/webhook", middleware({ channelSecret }), (req, res) => {
      seen.push(...(req.body as webhook.CallbackRequest).events);
      res.sendStatus(200);
    });
    const server = await listen(app);
    platform.setWebhookUrl(urlOf(server, "/webhook"));

    try {
      const { status, events } = await platform.sendWebhook([platform.textFrom(fakeUserId(), "hi")]);
      expect(status).toBe(200);
      expect(seen).toEqual(events);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("MessagingApiClient against the platform", () => {
  it("when the SDK replies with a fresh token, then it gets sentMessages back", async () => {
    const replyToken = await replyTokenFor(fakeUserId());

    const answer = await client.replyMessage({ replyToken, messages: [{ type: "text", text: "received" }] });

    expect(answer.sentMessages).toEqual([{ id: expect.any(String), quoteToken: expect.any(String) }]);
  });

  it("when the SDK replies with a spent token, then it throws HTTPFetchError 400 with LINE's body", async () => {
    const replyToken = await replyTokenFor(fakeUserId());
    await client.replyMessage({ replyToken, messages: [{ type: "text", text: "one" }] });

    const error = await client
      .replyMessage({ replyToken, messages: [{ type: "text", text: "two" }] })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(HTTPFetchError);
    expect((error as HTTPFetchError).status).toBe(400);
    expect(JSON.parse((error as HTTPFetchError).body)).toEqual({ message: "Invalid reply token" });
  });

  it("when the SDK pushes twice with the same retry key, then the second throws HTTPFetchError 409", async () => {
    const request = { to: fakeUserId(), messages: [{ type: "text" as const, text: "update" }] };
    const retryKey = "7d1f4c52-3b8e-4f0a-9c6d-2e5b8a1f0c3d";
    await client.pushMessage(request, retryKey);

    const error = await client.pushMessage(request, retryKey).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(HTTPFetchError);
    expect((error as HTTPFetchError).status).toBe(409);
    expect((error as HTTPFetchError).headers.get("x-line-accepted-request-id")).toBeTruthy();
    expect(platform.deliveries()).toHaveLength(1);
  });

  it("when the SDK multicasts, then every recipient receives the message", async () => {
    const to = [fakeUserId(), fakeUserId()];

    await client.multicast({ to, messages: [{ type: "text", text: "campaign" }] }, crypto.randomUUID());

    expect(platform.deliveries().map((d) => d.to)).toEqual(to);
  });

  it("when the SDK asks for a profile, then it gets the one set on the platform", async () => {
    const userId = fakeUserId();
    platform.setProfile(userId, { displayName: "Ploy", language: "th" });

    expect(await client.getProfile(userId)).toEqual({ userId, displayName: "Ploy", language: "th" });
  });

  it("when the SDK shows the loading animation, then the platform accepts it", async () => {
    const { httpResponse } = await client.showLoadingAnimationWithHttpInfo({
      chatId: fakeUserId(),
      loadingSeconds: 20,
    });

    expect(httpResponse.status).toBe(202);
  });

  it("when the SDK sends a wrong access token, then it throws HTTPFetchError 401", async () => {
    const intruder = new messagingApi.MessagingApiClient({ channelAccessToken: "wrong", baseURL });

    const error = await intruder.getProfile(fakeUserId()).catch((e: unknown) => e);

    expect((error as HTTPFetchError).status).toBe(401);
  });
});

describe("MessagingApiBlobClient against the platform", () => {
  it("when the SDK downloads content a user sent, then it gets the same bytes", async () => {
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const event = platform.imageFrom(fakeUserId(), bytes, "image/png");
    await platform.sendWebhook([event]);

    const content = await readAll(await blobClient.getMessageContent(event.message.id));

    expect(content).toEqual(bytes);
  });

  it("when the SDK checks transcoding of a ready video, then it reports succeeded", async () => {
    const event = platform.videoFrom(fakeUserId(), Buffer.from("MP4"));

    expect(await blobClient.getMessageContentTranscodingByMessageId(event.message.id)).toEqual({
      status: "succeeded",
    });
  });
});
