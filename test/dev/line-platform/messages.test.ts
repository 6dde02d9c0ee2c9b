import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  createFakeLinePlatform,
  fakeGroupId,
  fakeUserId,
  type FakeLinePlatform,
} from "../../../src/dev/line-platform";

const secret = "8c570fa6dd201bb328f1c1eac23a96d8";
let clock = Date.parse("2026-08-01T03:00:00Z");
let platform: FakeLinePlatform;
let baseUrl: string;
let bot: Server;

interface Answer {
  status: number;
  json: Record<string, unknown>;
  headers: Headers;
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    json: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

const text = (t: string) => ({ type: "text", text: t });

/** A reply token as the bot would get it: from a webhook event the platform sent. */
async function replyTokenFor(userId = fakeUserId(), chat?: { groupId: string }): Promise<string> {
  const { events } = await platform.sendWebhook([platform.textFrom(userId, "hello", chat)]);
  return (events[0] as { replyToken: string }).replyToken;
}

const reply = (replyToken: string, messages: unknown[], headers?: Record<string, string>) =>
  post("/v2/bot/message/reply", { replyToken, messages }, headers);

beforeAll(async () => {
  bot = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(200).end());
  });
  await new Promise<void>((resolve) => bot.listen(0, "127.0.0.1", resolve));
});

afterAll(async () => {
  await new Promise((resolve) => bot.close(resolve));
});

beforeEach(async () => {
  clock = Date.parse("2026-08-01T03:00:00Z");
  platform = createFakeLinePlatform({
    channelSecret: secret,
    now: () => clock,
    webhookUrl: `http://127.0.0.1:${(bot.address() as AddressInfo).port}/webhook`,
  });
  baseUrl = await platform.listen();
});

afterEach(async () => {
  await platform.close();
});

describe("reply", () => {
  it("when the bot replies with a token from a webhook, then LINE answers sentMessages with ids and quote tokens", async () => {
    const answer = await reply(await replyTokenFor(), [text("hi"), text("there")]);

    expect(answer.status).toBe(200);
    expect(answer.json["sentMessages"]).toEqual([
      { id: expect.stringMatching(/^\d{18}$/), quoteToken: expect.any(String) },
      { id: expect.stringMatching(/^\d{18}$/), quoteToken: expect.any(String) },
    ]);
  });

  it("when a reply succeeds in a 1:1 chat, then the user is recorded as having received it via reply", async () => {
    const userId = fakeUserId();
    await reply(await replyTokenFor(userId), [text("hi")]);

    expect(platform.deliveries()).toEqual([
      { to: userId, via: "reply", messages: [text("hi")], at: expect.any(String) },
    ]);
  });

  it("when a reply answers a group message, then the group receives it", async () => {
    const groupId = fakeGroupId();
    await reply(await replyTokenFor(fakeUserId(), { groupId }), [text("hi")]);

    expect(platform.deliveries().map((d) => d.to)).toEqual([groupId]);
  });

  it("when a reply token is used a second time, then LINE answers 400 Invalid reply token", async () => {
    const token = await replyTokenFor();
    await reply(token, [text("first")]);

    const second = await reply(token, [text("second")]);

    expect(second.status).toBe(400);
    expect(second.json).toEqual({ message: "Invalid reply token" });
  });

  it("when a reply token was never issued, then LINE answers 400 Invalid reply token", async () => {
    const answer = await reply("00000000000000000000000000000000", [text("hi")]);

    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ message: "Invalid reply token" });
  });

  it("when a reply comes more than a minute after the webhook, then LINE answers 400 Invalid reply token", async () => {
    const token = await replyTokenFor();
    clock += 60_001;

    const answer = await reply(token, [text("late")]);

    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ message: "Invalid reply token" });
  });

  it("when a reply comes exactly a minute after the webhook, then it is still accepted", async () => {
    const token = await replyTokenFor();
    clock += 60_000;

    expect((await reply(token, [text("just in time")])).status).toBe(200);
  });

  it("when a reply carries an X-Line-Retry-Key, then LINE answers 400 because reply does not support it", async () => {
    const answer = await reply(await replyTokenFor(), [text("hi")], {
      "x-line-retry-key": "123e4567-e89b-12d3-a456-426614174000",
    });

    expect(answer.status).toBe(400);
  });

  it("when a reply is rejected for its body, then its token is not spent and a corrected reply succeeds", async () => {
    const token = await replyTokenFor();
    await reply(token, []);

    expect((await reply(token, [text("fixed")])).status).toBe(200);
  });
});

describe("message validation", () => {
  async function rejected(messages: unknown[]): Promise<Answer> {
    const answer = await reply(await replyTokenFor(), messages);
    expect(answer.status).toBe(400);
    return answer;
  }

  it("when a request has 6 messages, then LINE answers 400 with a detail on messages", async () => {
    const answer = await rejected(Array.from({ length: 6 }, (_, i) => text(`m${i}`)));

    expect(answer.json).toEqual({
      message: "The request body has 1 error(s)",
      details: [{ message: "Size must be between 1 and 5", property: "messages" }],
    });
  });

  it("when a request has no messages, then LINE answers 400 with a detail on messages", async () => {
    const answer = await rejected([]);

    expect(answer.json["details"]).toEqual([
      { message: "Size must be between 1 and 5", property: "messages" },
    ]);
  });

  it("when a text has 5,001 UTF-16 code units, then LINE answers 400 on messages[0].text", async () => {
    const answer = await rejected([text("🍎".repeat(2500) + "x")]);

    expect(answer.json["details"]).toEqual([
      { message: "Length must be between 0 and 5000", property: "messages[0].text" },
    ]);
  });

  it("when a text has exactly 5,000 UTF-16 code units, then it is accepted", async () => {
    const answer = await reply(await replyTokenFor(), [text("🍎".repeat(2500))]);

    expect(answer.status).toBe(200);
  });

  it("when a text is empty, then LINE answers 400 May not be empty", async () => {
    const answer = await rejected([text("")]);

    expect(answer.json["details"]).toEqual([{ message: "May not be empty", property: "messages[0].text" }]);
  });

  it("when a message has no type, then LINE answers 400 May not be empty on its type", async () => {
    const answer = await rejected([{ text: "typeless" }]);

    expect(answer.json["details"]).toEqual([{ message: "May not be empty", property: "messages[0].type" }]);
  });

  it("when a message has an unknown type, then LINE answers 400 listing the allowed values", async () => {
    const answer = await rejected([text("ok"), { type: "hologram" }]);

    expect(answer.json["details"]).toEqual([
      {
        message: expect.stringMatching(/^Must be one of the following values: \[text, /),
        property: "messages[1].type",
      },
    ]);
  });

  const quickReplyItem = (label: string) => ({
    type: "action",
    action: { type: "message", label, text: label },
  });

  it("when a quick reply has 14 buttons, then LINE answers 400 on its items", async () => {
    const items = Array.from({ length: 14 }, (_, i) => quickReplyItem(`b${i}`));

    const answer = await rejected([{ ...text("pick"), quickReply: { items } }]);

    expect(answer.json["details"]).toEqual([
      { message: "Size must be between 1 and 13", property: "messages[0].quickReply.items" },
    ]);
  });

  it("when a quick reply label has 21 characters, then LINE answers 400 on that label", async () => {
    const answer = await rejected([
      { ...text("pick"), quickReply: { items: [quickReplyItem("x".repeat(21))] } },
    ]);

    expect(answer.json["details"]).toEqual([
      {
        message: "Length must be between 0 and 20",
        property: "messages[0].quickReply.items[0].action.label",
      },
    ]);
  });

  it("when a quick reply label is 20 Thai graphemes but more UTF-16 units, then it is accepted (labels count graphemes)", async () => {
    const label = "กี่".repeat(10) + "ที่".repeat(10); // each syllable is one grapheme of 3 code units
    expect(label.length).toBe(60);

    const answer = await reply(await replyTokenFor(), [
      { ...text("pick"), quickReply: { items: [quickReplyItem(label)] } },
    ]);

    expect(answer.status).toBe(200);
  });

  it("when a quick reply label is 21 Thai graphemes, then LINE answers 400 on that label", async () => {
    const answer = await rejected([
      { ...text("pick"), quickReply: { items: [quickReplyItem("กี่".repeat(21))] } },
    ]);

    expect(answer.json["details"]).toEqual([
      {
        message: "Length must be between 0 and 20",
        property: "messages[0].quickReply.items[0].action.label",
      },
    ]);
  });

  it("when a quick reply label is 20 emoji with skin tones (four UTF-16 units each), then it is accepted", async () => {
    const answer = await reply(await replyTokenFor(), [
      { ...text("pick"), quickReply: { items: [quickReplyItem("👍🏽".repeat(20))] } },
    ]);

    expect(answer.status).toBe(200);
  });

  it("when a quick reply button has no label, then LINE answers 400 May not be empty", async () => {
    const items = [{ type: "action", action: { type: "postback", data: "a=1" } }];

    const answer = await rejected([{ ...text("pick"), quickReply: { items } }]);

    expect(answer.json["details"]).toEqual([
      { message: "May not be empty", property: "messages[0].quickReply.items[0].action.label" },
    ]);
  });

  it("when postback data has 301 characters, then LINE answers 400 on that data", async () => {
    const items = [{ type: "action", action: { type: "postback", label: "go", data: "d".repeat(301) } }];

    const answer = await rejected([{ ...text("pick"), quickReply: { items } }]);

    expect(answer.json["details"]).toEqual([
      {
        message: "Length must be between 0 and 300",
        property: "messages[0].quickReply.items[0].action.data",
      },
    ]);
  });

  const bubble = { type: "bubble", body: { type: "box", layout: "vertical", contents: [] } };

  it("when a Flex altText has 1,501 characters, then LINE answers 400 on altText", async () => {
    const answer = await rejected([{ type: "flex", altText: "a".repeat(1501), contents: bubble }]);

    expect(answer.json["details"]).toEqual([
      { message: "Length must be between 0 and 1500", property: "messages[0].altText" },
    ]);
  });

  it("when a Flex button's postback data is too long, then LINE answers 400 at its nested path", async () => {
    const button = { type: "button", action: { type: "postback", label: "ok", data: "d".repeat(301) } };
    const contents = { ...bubble, footer: { type: "box", layout: "vertical", contents: [button] } };

    const answer = await rejected([{ type: "flex", altText: "card", contents }]);

    expect(answer.json["details"]).toEqual([
      {
        message: "Length must be between 0 and 300",
        property: "messages[0].contents.footer.contents[0].action.data",
      },
    ]);
  });

  it("when a Flex carousel has 13 bubbles, then LINE answers 400 on its contents", async () => {
    const contents = { type: "carousel", contents: Array.from({ length: 13 }, () => bubble) };

    const answer = await rejected([{ type: "flex", altText: "cards", contents }]);

    expect(answer.json["details"]).toEqual([
      { message: "Size must be between 1 and 12", property: "messages[0].contents.contents" },
    ]);
  });

  it("when an image message uses an http URL, then LINE answers 400 because media must be HTTPS", async () => {
    const answer = await rejected([
      { type: "image", originalContentUrl: "http://x.test/a.jpg", previewImageUrl: "https://x.test/p.jpg" },
    ]);

    expect(answer.json["details"]).toEqual([
      { message: "Must be an HTTPS URL", property: "messages[0].originalContentUrl" },
    ]);
  });
});

describe("push", () => {
  const retryKey = "123e4567-e89b-12d3-a456-426614174000";
  const push = (to: string, messages: unknown[], headers?: Record<string, string>) =>
    post("/v2/bot/message/push", { to, messages }, headers);

  it("when the bot pushes to a user, then LINE answers sentMessages and the user receives it via push", async () => {
    const userId = fakeUserId();

    const answer = await push(userId, [text("update")]);

    expect(answer.status).toBe(200);
    expect(answer.json["sentMessages"]).toEqual([{ id: expect.any(String), quoteToken: expect.any(String) }]);
    expect(platform.deliveries()).toEqual([
      { to: userId, via: "push", messages: [text("update")], at: expect.any(String) },
    ]);
  });

  it("when the bot pushes to a group, then it is accepted", async () => {
    expect((await push(fakeGroupId(), [text("new tip")])).status).toBe(200);
  });

  it("when the push target is not a LINE id, then LINE answers 400 on to", async () => {
    const answer = await push("alice", [text("hi")]);

    expect(answer.status).toBe(400);
    expect(answer.json["details"]).toEqual([{ message: "Must be a user, group or room ID", property: "to" }]);
  });

  it("when a push carries a retry key that is not a UUID, then LINE answers 400 and sends nothing", async () => {
    const answer = await push(fakeUserId(), [text("hi")], { "x-line-retry-key": "not-a-uuid" });

    expect(answer.status).toBe(400);
    expect(platform.deliveries()).toEqual([]);
  });

  it("when a push repeats an accepted retry key, then LINE answers 409 with the first sentMessages and the accepted request id", async () => {
    const userId = fakeUserId();
    const first = await push(userId, [text("once")], { "x-line-retry-key": retryKey });

    const second = await push(userId, [text("once")], { "x-line-retry-key": retryKey });

    expect(second.status).toBe(409);
    expect(second.json).toEqual({
      message: "The retry key is already accepted",
      sentMessages: first.json["sentMessages"],
    });
    expect(second.headers.get("x-line-accepted-request-id")).toBe(first.headers.get("x-line-request-id"));
    expect(second.headers.get("x-line-request-id")).not.toBe(first.headers.get("x-line-request-id"));
  });

  it("when a push repeats an accepted retry key, then the user receives the message only once", async () => {
    const userId = fakeUserId();
    await push(userId, [text("once")], { "x-line-retry-key": retryKey });

    await push(userId, [text("once")], { "x-line-retry-key": retryKey });

    expect(platform.deliveries()).toHaveLength(1);
  });

  it("when a retry key is reused more than 24 hours later, then it counts as a new request", async () => {
    const userId = fakeUserId();
    await push(userId, [text("day one")], { "x-line-retry-key": retryKey });
    clock += 24 * 60 * 60_000;

    const again = await push(userId, [text("day two")], { "x-line-retry-key": retryKey });

    expect(again.status).toBe(200);
    expect(platform.deliveries()).toHaveLength(2);
  });

  it("when a push with a retry key was rejected, then the key is not spent and the corrected push succeeds", async () => {
    const userId = fakeUserId();
    await push(userId, [], { "x-line-retry-key": retryKey });

    expect((await push(userId, [text("fixed")], { "x-line-retry-key": retryKey })).status).toBe(200);
  });
});

describe("multicast", () => {
  const retryKey = "9b2f5b0e-5d4c-4a8e-9d6f-0c1b2a3d4e5f";
  const multicast = (to: unknown[], messages: unknown[], headers?: Record<string, string>) =>
    post("/v2/bot/message/multicast", { to, messages }, headers);

  it("when the bot multicasts to users, then LINE answers {} and each user receives it via multicast", async () => {
    const users = [fakeUserId(), fakeUserId()];

    const answer = await multicast(users, [text("campaign")]);

    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({});
    expect(platform.deliveries().map((d) => [d.to, d.via])).toEqual(users.map((u) => [u, "multicast"]));
  });

  it("when a multicast has 500 recipients, then it is accepted", async () => {
    const answer = await multicast(Array.from({ length: 500 }, fakeUserId), [text("campaign")]);

    expect(answer.status).toBe(200);
  });

  it("when a multicast has 501 recipients, then LINE answers 400 on to and sends nothing", async () => {
    const answer = await multicast(Array.from({ length: 501 }, fakeUserId), [text("campaign")]);

    expect(answer.status).toBe(400);
    expect(answer.json["details"]).toEqual([{ message: "Size must be between 1 and 500", property: "to" }]);
    expect(platform.deliveries()).toEqual([]);
  });

  it("when a multicast lists a group id, then LINE answers 400 because multicast goes to users only", async () => {
    const answer = await multicast([fakeUserId(), fakeGroupId()], [text("campaign")]);

    expect(answer.status).toBe(400);
    expect(answer.json["details"]).toEqual([{ message: "Must be a user ID", property: "to[1]" }]);
  });

  it("when a multicast repeats an accepted retry key, then LINE answers 409 without sentMessages and delivers nothing again", async () => {
    const users = [fakeUserId(), fakeUserId()];
    const first = await multicast(users, [text("campaign")], { "x-line-retry-key": retryKey });

    const second = await multicast(users, [text("campaign")], { "x-line-retry-key": retryKey });

    expect(second.status).toBe(409);
    expect(second.json).toEqual({ message: "The retry key is already accepted" });
    expect(second.headers.get("x-line-accepted-request-id")).toBe(first.headers.get("x-line-request-id"));
    expect(platform.deliveries()).toHaveLength(2);
  });
});
