import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { messagingApi, validateSignature, type webhook } from "@line/bot-sdk";
import { createFakeLinePlatform, type FakeLinePlatform } from "../../../src/dev/line-platform";
import { createEmulatorRouter, type EmulatorOptions } from "../../../src/dev/emulator";

export const CHANNEL_SECRET = "emulator-test-secret";
export const CHANNEL_ACCESS_TOKEN = "emulator-test-token";

/** The quick replies the stub bot attaches to every text reply. */
export const STUB_QUICK_REPLY: messagingApi.QuickReply = {
  items: [
    {
      type: "action",
      action: { type: "postback", label: "ยืนยัน", data: "step=confirm", displayText: "ยืนยัน" },
    },
    {
      type: "action",
      action: { type: "datetimepicker", label: "เลือกวันที่", data: "step=date", mode: "date" },
    },
    { type: "action", action: { type: "location", label: "ส่งตำแหน่ง" } },
  ],
};

/**
 * A bot as small as can be, but honest about the path: it checks the x-line-signature like the SDK
 * middleware, answers 200 first, then replies through the fake platform's Messaging API with the SDK.
 * Text "fail" makes it answer the webhook with 500.
 */
export interface StubBot {
  events: webhook.Event[];
  rejectedSignatures: number;
  /** Content downloaded for image and file events, by message id. */
  downloads: Map<string, Buffer>;
  api: messagingApi.MessagingApiClient;
  /** Replies still in flight; close() waits for them so none outlives its test. */
  pending: Set<Promise<void>>;
}

export interface EmulatorApp {
  base: string;
  platform: FakeLinePlatform;
  bot: StubBot;
  get(path: string): Promise<Response>;
  post(path: string, body?: unknown): Promise<Response>;
  close(): Promise<void>;
}

export async function startEmulatorApp(options: EmulatorOptions = {}): Promise<EmulatorApp> {
  const platform = createFakeLinePlatform({
    channelSecret: CHANNEL_SECRET,
    channelAccessToken: CHANNEL_ACCESS_TOKEN,
  });
  const app = express();
  let base = "";
  const bot: StubBot = {
    events: [],
    rejectedSignatures: 0,
    downloads: new Map(),
    pending: new Set(),
    api: undefined as unknown as messagingApi.MessagingApiClient,
  };

  app.post("/webhook", express.raw({ type: () => true }), (req, res) => {
    const raw = req.body as Buffer;
    if (!validateSignature(raw, CHANNEL_SECRET, req.get("x-line-signature") ?? "")) {
      bot.rejectedSignatures++;
      res.status(401).end();
      return;
    }
    const events = (JSON.parse(raw.toString("utf8")) as webhook.CallbackRequest).events;
    bot.events.push(...events);
    const fail = events.some(
      (e) => e.type === "message" && e.message.type === "text" && e.message.text === "fail",
    );
    res.status(fail ? 500 : 200).end();
    if (fail) return;
    const answering = Promise.all(events.map((event) => answer(bot, base, event))).then(() => undefined);
    bot.pending.add(answering);
    void answering.finally(() => bot.pending.delete(answering));
  });
  app.use(platform.router);
  app.use(createEmulatorRouter(platform, options));

  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  platform.setWebhookUrl(`${base}/webhook`);
  bot.api = new messagingApi.MessagingApiClient({ channelAccessToken: CHANNEL_ACCESS_TOKEN, baseURL: base });

  return {
    base,
    platform,
    bot,
    get: (path) => fetch(`${base}${path}`),
    post: (path, body) =>
      fetch(`${base}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body ?? {}),
      }),
    close: async () => {
      await Promise.all(bot.pending);
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

async function answer(bot: StubBot, base: string, event: webhook.Event): Promise<void> {
  if (!("replyToken" in event) || !event.replyToken) return;
  let text = `event: ${event.type}`;
  if (event.type === "message" && event.message.type === "text") {
    text = `ได้รับแล้ว: ${event.message.text}\nบรรทัดที่สอง`;
  } else if (event.type === "message" && (event.message.type === "image" || event.message.type === "file")) {
    const blob = new messagingApi.MessagingApiBlobClient({
      channelAccessToken: CHANNEL_ACCESS_TOKEN,
      baseURL: base,
    });
    const chunks: Buffer[] = [];
    for await (const chunk of await blob.getMessageContent(event.message.id)) chunks.push(chunk as Buffer);
    bot.downloads.set(event.message.id, Buffer.concat(chunks));
    text = `received ${event.message.type}`;
  }
  await bot.api.replyMessage({
    replyToken: event.replyToken,
    messages: [{ type: "text", text, quickReply: STUB_QUICK_REPLY }],
  });
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000, // generous: a loaded CI machine can take seconds for an in-process round trip
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting for a condition");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
