import fs from "node:fs";
import path from "node:path";
import { createHmac } from "node:crypto";
import { startHarness, testChannelSecret, type Harness } from "../support/harness";
import { Inbox, inboxModel } from "../../src/events/inbox";
import { createSealer } from "../../src/crypto/sealer";
import { createPseudonymizer } from "../../src/crypto/pseudonym";

const fixtures = path.join(__dirname, "../fixtures/line-webhooks");
const manifest = JSON.parse(fs.readFileSync(path.join(fixtures, "MANIFEST.json"), "utf8")) as {
  files: Record<string, { "x-line-signature": string; eventTypes: string[] }>;
};
const corpus = Object.entries(manifest.files)
  .filter(([file]) => file.startsWith("events-normalized/"))
  .map(([file, entry]) => ({
    file,
    body: fs.readFileSync(path.join(fixtures, file)),
    signature: entry["x-line-signature"],
  }));

function sign(body: string | Buffer): string {
  return createHmac("sha256", testChannelSecret).update(body).digest("base64");
}

describe("POST /webhook", () => {
  let harness: Harness;
  const post = (body: string | Buffer, signature?: string) =>
    fetch(`${harness.service.url}/webhook`, {
      method: "POST",
      headers: {
        "content-type": "application/json; charset=utf-8",
        ...(signature ? { "x-line-signature": signature } : {}),
      },
      body,
    });

  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness.stop();
  });

  test("when the corpus holds 79 bodies, then the normalized set has one per original", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(39);
  });

  test.each(corpus.map((entry) => [entry.file, entry] as const))(
    "when LINE posts %s with its signature, then the answer is 200",
    async (_file, entry) => {
      const response = await post(entry.body, entry.signature);
      expect(response.status).toBe(200);
      await harness.settle();
    },
  );

  test("when the whole corpus has been processed, then no event failed or waits for a retry", async () => {
    await harness.settle();
    const inbox = harness.service.context.connection.collection("webhook_events");
    expect(await inbox.countDocuments({ $or: [{ status: { $ne: "done" } }, { attempts: { $gt: 0 } }] })).toBe(
      0,
    );
    expect(harness.logs.filter((line) => JSON.parse(line).level >= 50)).toEqual([]);
  });

  test("when the corpus's 1:1 text and follow events were processed, then each user got an answer and group chats got none", () => {
    const recipients = new Set(harness.platform.deliveries().map((delivery) => delivery.to));
    type CorpusEvent = {
      webhookEventId: string;
      type: string;
      mode?: string;
      source?: { type: string; userId?: string; groupId?: string };
      message?: { type: string };
    };
    const bodies = corpus.map(
      (entry) => JSON.parse(entry.body.toString("utf8")) as { events: CorpusEvent[] },
    );
    // Several corpus files reuse one webhookEventId: only its first delivery is an event; the rest are duplicates.
    const byId = new Map<string, CorpusEvent>();
    for (const event of bodies.flatMap((body) => body.events))
      if (!byId.has(event.webhookEventId)) byId.set(event.webhookEventId, event);
    const events = [...byId.values()];
    const answered = events.filter(
      (event) =>
        event.source?.type === "user" &&
        event.mode === "active" &&
        (event.type === "follow" || (event.type === "message" && event.message?.type === "text")),
    );
    expect(answered.length).toBeGreaterThanOrEqual(2);
    for (const event of answered) expect(recipients).toContain(event.source!.userId);
    for (const event of events.filter((e) => e.source?.type === "group"))
      expect(recipients).not.toContain(event.source!.groupId);
    for (const event of events.filter((e) => e.mode === "standby")) {
      if (event.source?.userId) expect(recipients).not.toContain(event.source.userId);
    }
  });

  test("when one character of the signature is changed, then the answer is 401", async () => {
    const entry = corpus.find((e) => e.file.endsWith("message_text_user_sdk_python.json"))!;
    const flipped = (entry.signature[0] === "A" ? "B" : "A") + entry.signature.slice(1);
    const response = await post(entry.body, flipped);
    expect(response.status).toBe(401);
  });

  test("when the signature header is missing, then the answer is 401", async () => {
    const response = await post('{"destination":"U0","events":[]}');
    expect(response.status).toBe(401);
  });

  test("when the body is truncated but validly signed, then the answer is 400", async () => {
    const entry = corpus.find((e) => e.file.endsWith("follow_added_friend.json"))!;
    const truncated = entry.body.subarray(0, entry.body.length - 10);
    const response = await post(truncated, sign(truncated));
    expect(response.status).toBe(400);
  });

  test("when a signed body has no events array, then the answer is 400", async () => {
    const body = '{"destination":"U8e742f61d673b39c7fff3cecb7536ef0"}';
    expect((await post(body, sign(body))).status).toBe(400);
  });

  test("when the console's Verify sends LINE's published vector, then the answer is 200", async () => {
    const body = '{"destination":"U8e742f61d673b39c7fff3cecb7536ef0","events":[]}';
    const response = await post(body, "GhRKmvmHys4Pi8DxkF4+EayaH0OqtJtaZxgTD9fMDLs=");
    expect(response.status).toBe(200);
  });

  test("when the body is larger than the limit, then the answer is 413", async () => {
    const body = JSON.stringify({ destination: "U0", events: [], padding: "x".repeat(1_100_000) });
    const response = await post(body, sign(body));
    expect(response.status).toBe(413);
  });

  test("when an unknown event type arrives, then the answer is 200 and nothing is sent", async () => {
    harness.platform.clearDeliveries();
    const body = JSON.stringify({
      destination: "U8e742f61d673b39c7fff3cecb7536ef0",
      events: [
        {
          type: "somethingNew",
          webhookEventId: "01UNKNOWNTYPE0000000000000",
          timestamp: Date.now(),
          mode: "active",
          deliveryContext: { isRedelivery: false },
        },
      ],
    });
    expect((await post(body, sign(body))).status).toBe(200);
    await harness.settle();
    expect(harness.platform.deliveries()).toHaveLength(0);
  });

  test("when a follow event arrives, then the new friend is welcomed", async () => {
    const userId = "U" + "a".repeat(32);
    harness.platform.clearDeliveries();
    const delivery = await harness.platform.sendWebhook([harness.platform.follow(userId)]);
    expect(delivery.status).toBe(200);
    await harness.settle();
    const sent = harness.platform.deliveries().filter((d) => d.to === userId);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.via).toBe("reply");
    expect(JSON.stringify(sent[0]!.messages)).toContain("ยินดีต้อนรับ");
  });

  test("when the same event is posted twice, then it is processed once", async () => {
    const userId = "U" + "b".repeat(32);
    harness.platform.clearDeliveries();
    const first = await harness.platform.sendWebhook([harness.platform.textFrom(userId, "เมนู")]);
    await harness.settle();
    const again = await post(first.rawBody, first.signature);
    expect(again.status).toBe(200);
    await harness.settle();
    expect(harness.platform.deliveries().filter((d) => d.to === userId)).toHaveLength(1);
  });

  test("when LINE redelivers an event already processed, then it is not processed again", async () => {
    const userId = "U" + "c".repeat(32);
    harness.platform.clearDeliveries();
    const first = await harness.platform.sendWebhook([harness.platform.textFrom(userId, "help")]);
    await harness.settle();
    const redelivery = await harness.platform.redeliver(first.events);
    expect(redelivery.status).toBe(200);
    await harness.settle();
    expect(harness.platform.deliveries().filter((d) => d.to === userId)).toHaveLength(1);
  });

  test("when an event is processed, then the inbox keeps only its id and no payload", async () => {
    const userId = "U" + "d".repeat(32);
    const delivery = await harness.platform.sendWebhook([harness.platform.textFrom(userId, "เมนู")]);
    await harness.settle();
    const id = delivery.events[0]!.webhookEventId;
    const record = await harness.service.context.connection
      .collection("webhook_events")
      .findOne({ _id: id as never });
    expect(record).toMatchObject({ status: "done" });
    expect(record).not.toHaveProperty("payload");
    expect(record!.expiresAt).toBeInstanceOf(Date);
    expect(JSON.stringify(record)).not.toContain(userId);
  });

  test("when events were accepted but not processed before a crash, then they are processed at start-up", async () => {
    const userId = "U" + "e".repeat(32);
    const { config, connection } = harness.service.context;
    const inbox = new Inbox(
      inboxModel(connection),
      createSealer(config.encryption.keys, config.encryption.currentKeyId),
      createPseudonymizer(config.pseudonymKey),
    );
    const event = {
      ...harness.platform.textFrom(userId, "เมนู"),
      webhookEventId: "01CRASHLEFTOVER00000000000",
      timestamp: Date.now(),
      mode: "active",
      replyToken: "expired-token",
      deliveryContext: { isRedelivery: false },
    };
    await inbox.accept([event as never]);
    const pending = await connection
      .collection("webhook_events")
      .findOne({ _id: "01CRASHLEFTOVER00000000000" as never });
    expect(pending).toMatchObject({ status: "pending" });
    expect(JSON.stringify(pending)).not.toContain(userId);
    harness.platform.clearDeliveries();

    await harness.restart();
    await harness.settle();

    // The reply token is long gone, so the answer arrives by push with a retry key.
    const sent = harness.platform.deliveries().filter((d) => d.to === userId);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.via).toBe("push");
  });

  describe("hostile but signed bodies", () => {
    const event = (overrides: Record<string, unknown>) => ({
      type: "message",
      mode: "active",
      timestamp: Date.now(),
      webhookEventId: `01HOSTILE${Math.random().toString(36).slice(2, 12).toUpperCase().padEnd(17, "0")}`,
      deliveryContext: { isRedelivery: false },
      source: { type: "user", userId: "U" + "c".repeat(32) },
      replyToken: "hostile-reply-token",
      message: { id: "1", type: "text", quoteToken: "q", text: "สวัสดี" },
      ...overrides,
    });
    const signed = (events: unknown[]) => {
      const body = JSON.stringify({ destination: "U8e742f61d673b39c7fff3cecb7536ef0", events });
      return post(body, sign(body));
    };

    test.each([
      ["an object as webhookEventId", { webhookEventId: { $gt: "" } }],
      ["a number as webhookEventId", { webhookEventId: 42 }],
      ["a 10,000-character webhookEventId", { webhookEventId: "A".repeat(10_000) }],
      ["an object as the source's userId", { source: { type: "user", userId: { $ne: null } } }],
      ["a string timestamp", { timestamp: "yesterday" }],
      ["a missing type", { type: undefined }],
    ])("when an event has %s, then the answer is 400 and nothing is stored", async (_what, overrides) => {
      const before = await harness.service.context.connection.collection("webhook_events").countDocuments();
      const response = await signed([event(overrides)]);
      expect(response.status).toBe(400);
      expect(await harness.service.context.connection.collection("webhook_events").countDocuments()).toBe(
        before,
      );
    });

    test("when a body is nested 10,000 deep, then the answer is 400, not a 500", async () => {
      const deep = "[".repeat(10_000) + "]".repeat(10_000);
      const body = `{"destination":"U8e742f61d673b39c7fff3cecb7536ef0","events":[{"type":"message","x":${deep}}]}`;
      expect((await post(body, sign(body))).status).toBe(400);
    });

    test("when a message event has no message, then it is dead-lettered at once and the chat's next event is answered in the same pass", async () => {
      const userId = "U" + "d".repeat(32);
      harness.platform.clearDeliveries();
      const broken = event({ source: { type: "user", userId }, message: undefined, replyToken: undefined });
      const next = {
        ...harness.platform.textFrom(userId, "เมนู"),
        webhookEventId: "01NEXTAFTERBROKEN000000000",
        timestamp: (broken.timestamp as number) + 1,
        mode: "active",
        replyToken: "next-reply-token",
        deliveryContext: { isRedelivery: false },
      };
      expect((await signed([broken, next])).status).toBe(200);
      await harness.settle(); // one pass: no retry waits, no clock moved
      const answers = harness.platform.deliveries().filter((d) => d.to === userId);
      expect(answers.length).toBeGreaterThanOrEqual(1);
      const failed = await harness.service.context.connection
        .collection("webhook_events")
        .findOne({ _id: broken.webhookEventId as never });
      expect(failed).toMatchObject({ status: "failed", failedAt: "apply" });
      const done = await harness.service.context.connection
        .collection("webhook_events")
        .findOne({ _id: next.webhookEventId as never });
      expect(done).toMatchObject({ status: "done" });
    });

    test("when texts and postbacks carry NoSQL operators and __proto__, then they are answered as text and nothing breaks", async () => {
      const userId = "U" + "e".repeat(32);
      harness.platform.clearDeliveries();
      const hostile = [
        '{"$gt": ""}',
        "__proto__",
        '{"__proto__": {"polluted": true}}',
        "TK-$where-1==1",
        "\u0000\ud800",
      ];
      for (const text of hostile) {
        expect((await harness.platform.sendWebhook([harness.platform.textFrom(userId, text)])).status).toBe(
          200,
        );
        await harness.settle();
      }
      for (const data of ["__proto__=1", "c[$ne]=x", "o=ack&t[$gt]=", "constructor=prototype"]) {
        expect(
          (await harness.platform.sendWebhook([harness.platform.postbackFrom(userId, data)])).status,
        ).toBe(200);
        await harness.settle();
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(harness.platform.deliveries().filter((d) => d.to === userId)).toHaveLength(hostile.length + 4);
      const source = createPseudonymizer(harness.config.pseudonymKey)("source", `user:${userId}`);
      const failed = await harness.service.context.connection
        .collection("webhook_events")
        .countDocuments({ source, status: { $ne: "done" } });
      expect(failed).toBe(0);
    });

    test("when a signed body carries invalid UTF-8, then it is answered like any text", async () => {
      const userId = "U" + "f".repeat(32);
      const prefix = Buffer.from(
        JSON.stringify({
          destination: "U8e742f61d673b39c7fff3cecb7536ef0",
          events: [
            event({
              source: { type: "user", userId },
              webhookEventId: "01INVALIDUTF8000000000000A",
              message: { id: "2", type: "text", quoteToken: "q", text: "XX" },
            }),
          ],
        }),
      );
      const at = prefix.indexOf("XX");
      const body = Buffer.concat([
        prefix.subarray(0, at),
        Buffer.from([0xff, 0xfe, 0xc3]),
        prefix.subarray(at + 2),
      ]);
      expect((await post(body, sign(body))).status).toBe(200);
      await harness.settle();
    });

    test("when a body carries 1,000 events from 1,000 users, then it is accepted and every one is answered once", async () => {
      harness.platform.clearDeliveries();
      const users = Array.from({ length: 1_000 }, (_, i) => `U${i.toString(16).padStart(32, "0")}`);
      const delivery = await harness.platform.sendWebhook(
        users.map((userId) => harness.platform.follow(userId)),
      );
      expect(delivery.status).toBe(200);
      await harness.settle();
      const answered = new Set(harness.platform.deliveries().map((d) => d.to));
      expect(users.every((userId) => answered.has(userId))).toBe(true);
      expect(harness.platform.deliveries().filter((d) => users.includes(d.to))).toHaveLength(1_000);
    }, 600_000); // a generous deadline: CI machines are shared and sometimes heavily loaded
  });
});
