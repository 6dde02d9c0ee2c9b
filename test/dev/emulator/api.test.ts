import type { webhook } from "@line/bot-sdk";
import { fakeUserId } from "../../../src/dev/line-platform";
import { stableId, type ChatSummary, type TimelineEntry } from "../../../src/dev/emulator";
import { eventually, startEmulatorApp, STUB_QUICK_REPLY, type EmulatorApp } from "./emulator-app";

const API = "/dev/emulator/api";
const SOMCHAI = stableId("U", "citizen-somchai");
const ALEX = stableId("U", "citizen-alex");
const WIPA = stableId("U", "officer-wipa");
const GROUP = stableId("C", "group-mueang");

let app: EmulatorApp;

beforeEach(async () => {
  app = await startEmulatorApp();
});

afterEach(async () => {
  await app.close();
});

interface MessagesAnswer {
  chat: ChatSummary;
  messages: TimelineEntry[];
}

async function messagesOf(chatId: string): Promise<MessagesAnswer> {
  const response = await app.get(`${API}/chats/${chatId}/messages`);
  expect(response.status).toBe(200);
  return (await response.json()) as MessagesAnswer;
}

/** Waits until the chat holds `count` bot messages, and answers the whole timeline. */
function botMessagesIn(chatId: string, count = 1): Promise<TimelineEntry[]> {
  return eventually(async () => {
    const { messages } = await messagesOf(chatId);
    return messages.filter((entry) => entry.from === "bot").length >= count ? messages : undefined;
  });
}

const lastEvent = (): webhook.Event => app.bot.events.at(-1)!;

describe("sending as a citizen", () => {
  it("when text is sent, then the bot gets a signed webhook from that user and its reply with quick replies shows in the chat", async () => {
    const response = await app.post(`${API}/chats/citizen-somchai/text`, { text: "สวัสดีครับ" });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ webhook: { status: 200 } });
    expect(app.bot.rejectedSignatures).toBe(0);
    expect(lastEvent()).toMatchObject({
      type: "message",
      source: { type: "user", userId: SOMCHAI },
      message: { type: "text", text: "สวัสดีครับ" },
    });
    const messages = await botMessagesIn("citizen-somchai");
    expect(messages).toEqual([
      expect.objectContaining({
        from: "user",
        userId: SOMCHAI,
        senderName: "สมชาย ใจดี",
        message: { type: "text", text: "สวัสดีครับ" },
      }),
      expect.objectContaining({
        from: "bot",
        via: "reply",
        message: { type: "text", text: "ได้รับแล้ว: สวัสดีครับ\nบรรทัดที่สอง", quickReply: STUB_QUICK_REPLY },
      }),
    ]);
  });

  it("when a quick-reply postback with displayText is sent, then the bot gets the postback and the chat shows the displayText as the user's", async () => {
    await app.post(`${API}/chats/citizen-somchai/postback`, { data: "step=confirm", displayText: "ยืนยัน" });

    expect(lastEvent()).toMatchObject({ type: "postback", postback: { data: "step=confirm" } });
    const messages = await botMessagesIn("citizen-somchai");
    expect(messages[0]).toMatchObject({
      from: "user",
      message: { type: "postback", data: "step=confirm", displayText: "ยืนยัน" },
    });
  });

  it("when a date is picked, then the bot gets a postback with params.date", async () => {
    await app.post(`${API}/chats/citizen-somchai/postback`, {
      data: "step=date",
      params: { date: "2024-08-26" },
    });

    expect(lastEvent()).toMatchObject({
      type: "postback",
      postback: { data: "step=date", params: { date: "2024-08-26" } },
    });
  });

  it("when a location is sent, then the bot gets a location message with its title and coordinates", async () => {
    const location = {
      title: "ที่ว่าการอำเภอสันทราย",
      address: "อำเภอสันทราย",
      latitude: 18.8453,
      longitude: 99.0397,
    };

    await app.post(`${API}/chats/citizen-somchai/location`, location);

    expect(lastEvent()).toMatchObject({ type: "message", message: { type: "location", ...location } });
  });

  it("when a sticker is sent, then the bot gets a sticker message with its package and sticker ids", async () => {
    await app.post(`${API}/chats/citizen-somchai/sticker`, {
      packageId: "446",
      stickerId: "1989",
      keywords: ["OK"],
    });

    expect(lastEvent()).toMatchObject({
      type: "message",
      message: { type: "sticker", packageId: "446", stickerId: "1989", keywords: ["OK"] },
    });
  });

  it("when follow and then unfollow are pressed, then the bot gets follow and unfollow events and the chat notes both", async () => {
    await app.post(`${API}/chats/citizen-alex/follow`);
    await app.post(`${API}/chats/citizen-alex/unfollow`);

    expect(app.bot.events.map((event) => [event.type, event.source?.userId])).toEqual([
      ["follow", ALEX],
      ["unfollow", ALEX],
    ]);
    const { messages } = await messagesOf("citizen-alex");
    expect(messages.filter((entry) => entry.from === "system").map((entry) => entry.at)).toHaveLength(2);
  });
});

describe("media", () => {
  it("when a photo is uploaded, then the bot gets an image event whose content the platform serves byte for byte", async () => {
    const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5]);

    const response = await fetch(`${app.base}${API}/chats/citizen-somchai/media`, {
      method: "POST",
      headers: { "content-type": "image/jpeg", "x-file-name": "photo.jpg" },
      body: bytes,
    });

    expect(response.status).toBe(200);
    const event = lastEvent() as webhook.MessageEvent;
    expect(event).toMatchObject({ type: "message", message: { type: "image" } });
    const downloaded = await eventually(() => app.bot.downloads.get(event.message.id));
    expect(downloaded.equals(bytes)).toBe(true);
    const { entry } = (await response.json()) as { entry: { message: { mediaId: string } } };
    const own = await app.get(`${API}/media/${entry.message.mediaId}`);
    expect([own.status, own.headers.get("content-type")]).toEqual([200, "image/jpeg"]);
    expect(Buffer.from(await own.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it("when a file with a Thai name is uploaded as a file, then the bot gets a file event with that name and size", async () => {
    const bytes = Buffer.from("%PDF-1.7 หลักฐาน");

    await fetch(`${app.base}${API}/chats/citizen-somchai/media?as=file`, {
      method: "POST",
      headers: { "content-type": "application/pdf", "x-file-name": encodeURIComponent("ใบเสร็จ.pdf") },
      body: bytes,
    });

    expect(lastEvent()).toMatchObject({
      type: "message",
      message: { type: "file", fileName: "ใบเสร็จ.pdf", fileSize: bytes.length },
    });
  });

  it("when an upload is over the limit, then it answers 413 and nothing is sent to the bot", async () => {
    await app.close();
    app = await startEmulatorApp({ uploadLimitBytes: 1024 });

    const response = await fetch(`${app.base}${API}/chats/citizen-somchai/media`, {
      method: "POST",
      headers: { "content-type": "image/png", "x-file-name": "big.png" },
      body: Buffer.alloc(2048),
    });

    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: expect.stringMatching(/too large/) });
    expect(app.bot.events).toEqual([]);
  });

  it("when an upload has no X-File-Name header (as a cross-site form post would), then it answers 400 and nothing is sent", async () => {
    const response = await fetch(`${app.base}${API}/chats/citizen-somchai/media`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "x",
    });

    expect(response.status).toBe(400);
    expect(app.bot.events).toEqual([]);
  });
});

describe("the officer group", () => {
  it("when the bot is added to the group, then the bot gets a join event from the group", async () => {
    await app.post(`${API}/chats/group-mueang/join`);

    expect(lastEvent()).toMatchObject({ type: "join", source: { type: "group", groupId: GROUP } });
  });

  it("when the member writes in the group, then the event comes from the group and member, and the reply shows in the group, not in the member's 1:1 chat", async () => {
    await app.post(`${API}/chats/group-mueang/text`, { text: "/enroll ABC123" });

    expect(lastEvent()).toMatchObject({ source: { type: "group", groupId: GROUP, userId: WIPA } });
    const messages = await botMessagesIn("group-mueang");
    expect(messages[0]).toMatchObject({ from: "user", userId: WIPA, senderName: "วิภา (เจ้าหน้าที่)" });
    expect((await messagesOf("officer-wipa")).messages).toEqual([]);
  });
});

describe("what the bot sends on its own", () => {
  it("when the bot pushes to one citizen and multicasts to two, then each chat shows the message with how it came", async () => {
    const MALEE = stableId("U", "citizen-malee");

    await app.bot.api.pushMessage({ to: SOMCHAI, messages: [{ type: "text", text: "แจ้งความคืบหน้า" }] });
    await app.bot.api.multicast({
      to: [SOMCHAI, MALEE],
      messages: [{ type: "text", text: "ข่าวสารธรรมาภิบาล" }],
    });

    const somchai = (await messagesOf("citizen-somchai")).messages;
    const malee = (await messagesOf("citizen-malee")).messages;
    expect(somchai.map((entry) => entry.from === "bot" && [entry.via, entry.message])).toEqual([
      ["push", { type: "text", text: "แจ้งความคืบหน้า" }],
      ["multicast", { type: "text", text: "ข่าวสารธรรมาภิบาล" }],
    ]);
    expect(malee).toHaveLength(1);
  });

  it("when the bot pushes to a user who is no persona, then the chat list shows a read-only chat for it that refuses sending", async () => {
    const stranger = fakeUserId();
    await app.bot.api.pushMessage({ to: stranger, messages: [{ type: "text", text: "hello" }] });

    const { chats } = (await (await app.get(`${API}/chats`)).json()) as { chats: ChatSummary[] };
    const other = chats.find((chat) => chat.target === stranger);

    expect(other).toMatchObject({ kind: "other", readOnly: true, botMessages: 1, lastPreview: "hello" });
    expect((await messagesOf(other!.id)).messages).toHaveLength(1);
    expect((await app.post(`${API}/chats/${other!.id}/text`, { text: "hi" })).status).toBe(409);
  });
});

describe("the chat list and profiles", () => {
  it("when the chats are listed, then the personas and the group come in order with their ids and languages", async () => {
    const { chats } = (await (await app.get(`${API}/chats`)).json()) as { chats: ChatSummary[] };

    expect(chats.map((chat) => [chat.id, chat.kind, chat.target, chat.language])).toEqual([
      ["citizen-somchai", "citizen", SOMCHAI, "th"],
      ["citizen-malee", "citizen", stableId("U", "citizen-malee"), "th"],
      ["citizen-alex", "citizen", ALEX, "en"],
      ["officer-wipa", "officer", WIPA, "th"],
      ["group-mueang", "group", GROUP, undefined],
      ["group-national", "group", stableId("C", "group-national"), undefined],
    ]);
  });

  it("when the router is made, then each persona's LINE profile carries its language", async () => {
    expect(await app.bot.api.getProfile(ALEX)).toMatchObject({ displayName: "Alex Turner", language: "en" });
  });

  it("when a persona's language is switched, then the bot's Get profile answers the new language", async () => {
    const response = await app.post(`${API}/chats/citizen-somchai/profile`, { language: "en" });

    expect(response.status).toBe(200);
    expect(await app.bot.api.getProfile(SOMCHAI)).toMatchObject({ language: "en" });
  });
});

describe("bad requests and a bot that fails", () => {
  it("when the text is empty, then it answers 400 and nothing is sent", async () => {
    const response = await app.post(`${API}/chats/citizen-somchai/text`, { text: "" });

    expect(response.status).toBe(400);
    expect(app.bot.events).toEqual([]);
  });

  it("when JSON arrives as text/plain (a cross-site form post), then it answers 400 and nothing is sent", async () => {
    const response = await fetch(`${app.base}${API}/chats/citizen-somchai/text`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify({ text: "hi" }),
    });

    expect(response.status).toBe(400);
    expect(app.bot.events).toEqual([]);
  });

  it("when the chat is unknown, then it answers 404", async () => {
    expect((await app.post(`${API}/chats/nobody/text`, { text: "hi" })).status).toBe(404);
  });

  it("when a group action is asked of a 1:1 chat, then it answers 409", async () => {
    expect((await app.post(`${API}/chats/citizen-somchai/join`)).status).toBe(409);
  });

  it("when the bot answers the webhook with 500, then the send reports it and the chat shows an error note", async () => {
    const response = await app.post(`${API}/chats/citizen-somchai/text`, { text: "fail" });

    expect(await response.json()).toMatchObject({ webhook: { status: 500 } });
    const { messages } = await messagesOf("citizen-somchai");
    expect(messages.at(-1)).toMatchObject({
      from: "system",
      level: "error",
      text: expect.stringMatching(/HTTP 500/),
    });
  });

  it("when the bot cannot be reached, then the send answers 502 and the chat keeps the message with an error note", async () => {
    app.platform.setWebhookUrl("http://127.0.0.1:1/webhook");

    const response = await app.post(`${API}/chats/citizen-somchai/text`, { text: "ยังอยู่ไหม" });

    expect(response.status).toBe(502);
    const { messages } = await messagesOf("citizen-somchai");
    expect(messages.map((entry) => entry.from)).toEqual(["user", "system"]);
  });
});
