import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import type { webhook } from "@line/bot-sdk";
import mongoose, { type Connection } from "mongoose";
import { createPseudonymizer } from "../../src/crypto/pseudonym";
import { createSealer } from "../../src/crypto/sealer";
import { connectDatabase, ensureIndexes } from "../../src/data/database";
import { Inbox, inboxModel, type InboxRecord } from "../../src/events/inbox";
import { createLogger } from "../../src/log";
import { startTestDatabase, type TestDatabase } from "../support/database";

const logger = createLogger({
  level: "warn",
  destination: new Writable({ write: (_chunk, _encoding, done) => done() }),
});
const pseudonym = createPseudonymizer(Buffer.alloc(32, 9));

let database: TestDatabase;
let connection: Connection;
let inbox: Inbox;
let userCounter = 0;

beforeAll(async () => {
  database = await startTestDatabase();
  connection = await connectDatabase(database.uri, logger);
  inbox = new Inbox(
    inboxModel(connection),
    createSealer([{ id: "t1", key: Buffer.alloc(32, 7) }], "t1"),
    pseudonym,
  );
  await ensureIndexes(connection);
});
afterAll(async () => {
  await connection.close();
  await database.stop();
});

/** A new user's `count` text messages, delivered newest first (LINE may deliver out of order). */
async function chatWith(count: number): Promise<{ source: string; texts: string[] }> {
  userCounter += 1;
  const userId = `U${String(userCounter).padStart(32, "0")}`;
  const startAt = Date.now();
  const texts = Array.from({ length: count }, (_unused, i) => `${userCounter}-${i}`);
  const events = texts.map(
    (text, i) =>
      ({
        type: "message",
        mode: "active",
        timestamp: startAt + i * 1000,
        webhookEventId: randomUUID(),
        deliveryContext: { isRedelivery: false },
        source: { type: "user", userId },
        replyToken: randomUUID(),
        message: { id: String(i), type: "text", quoteToken: "q", text },
      }) as webhook.Event,
  );
  for (const event of [...events].reverse()) await inbox.accept([event]);
  return { source: pseudonym("source", `user:${userId}`), texts };
}

function textsOf(records: Awaited<ReturnType<Inbox["pending"]>>): string[] {
  return records.map(
    (record) =>
      (inbox.openPayload(record) as webhook.MessageEvent & { message: { text: string } }).message.text,
  );
}

describe("inbox pending reads", () => {
  test("when several chats' pending events are read at once, then each gets its own oldest events, in occurrence order", async () => {
    const busy = await chatWith(14);
    const quiet = await chatWith(3);
    const empty = { source: pseudonym("source", "user:nobody-writes") };

    const [ofBusy, ofQuiet, ofEmpty] = await Promise.all([
      inbox.pending(busy.source, 10),
      inbox.pending(quiet.source, 10),
      inbox.pending(empty.source, 10),
    ]);

    expect(textsOf(ofBusy)).toEqual(busy.texts.slice(0, 10));
    expect(textsOf(ofQuiet)).toEqual(quiet.texts);
    expect(ofEmpty).toEqual([]);
  });

  test("when the chats read together hold more than the reads take in all, then a chat the query cut short is read again on its own", async () => {
    // 3 × 12 pending against 3 × 10 wanted: one query returns 30, and whichever chat sorts last comes back short.
    const chats = [await chatWith(12), await chatWith(12), await chatWith(12)];

    const results = await Promise.all(chats.map((chat) => inbox.pending(chat.source, 10)));

    results.forEach((records, i) => expect(textsOf(records)).toEqual(chats[i]!.texts.slice(0, 10)));
  });

  test("when a chat's event is done, then it is no longer pending for a read made together with others", async () => {
    const first = await chatWith(2);
    const second = await chatWith(1);
    const [head] = await inbox.pending(first.source, 10);
    await inbox.markDone(head!._id, 60_000);

    const [ofFirst, ofSecond] = await Promise.all([
      inbox.pending(first.source, 10),
      inbox.pending(second.source, 10),
    ]);

    expect(textsOf(ofFirst)).toEqual(first.texts.slice(1));
    expect(textsOf(ofSecond)).toEqual(second.texts);
  });
});

describe("inbox payloads", () => {
  const keys = [{ id: "t1", key: Buffer.alloc(32, 7) }];
  /** An inbox of its own sealer, counting what that sealer decrypts. */
  function inboxCountingOpens(): { inbox: Inbox; opens: jest.SpyInstance } {
    const sealer = createSealer(keys, "t1");
    return { inbox: new Inbox(inboxModel(connection), sealer, pseudonym), opens: jest.spyOn(sealer, "open") };
  }
  function textEvent(text: string): webhook.Event {
    userCounter += 1;
    return {
      type: "message",
      mode: "active",
      timestamp: Date.now(),
      webhookEventId: randomUUID(),
      deliveryContext: { isRedelivery: false },
      source: { type: "user", userId: `U${String(userCounter).padStart(32, "0")}` },
      replyToken: randomUUID(),
      message: { id: "1", type: "text", quoteToken: "q", text },
    } as webhook.Event;
  }
  async function pendingOf(reader: Inbox, event: webhook.Event) {
    const source = pseudonym("source", `user:${(event.source as webhook.UserSource).userId}`);
    return reader.pending(source, 10);
  }

  test("when the process that took an event in opens its payload, then the event comes back without decrypting it", async () => {
    const { inbox: local, opens } = inboxCountingOpens();
    const event = textEvent("ที่นี่");
    await local.accept([event]);

    const [record] = await pendingOf(local, event);

    expect(local.openPayload(record!)).toEqual(event);
    expect(opens).not.toHaveBeenCalled();
  });

  test("when another inbox took the event in, then its payload is decrypted", async () => {
    const { inbox: elsewhere } = inboxCountingOpens();
    const { inbox: local, opens } = inboxCountingOpens();
    const event = textEvent("ที่อื่น");
    await elsewhere.accept([event]);

    const [record] = await pendingOf(local, event);

    expect(local.openPayload(record!)).toEqual(event);
    expect(opens).toHaveBeenCalledTimes(1);
  });

  test("when an event's payload is opened again (a retry), then it is decrypted from the stored value", async () => {
    const { inbox: local, opens } = inboxCountingOpens();
    const event = textEvent("อีกครั้ง");
    await local.accept([event]);
    const [record] = await pendingOf(local, event);

    local.openPayload(record!);

    expect(local.openPayload(record!)).toEqual(event);
    expect(opens).toHaveBeenCalledTimes(1);
  });

  test("when a duplicate of a stored event was sealed afterwards, then the stored payload is decrypted, not the duplicate's", async () => {
    const { inbox: local, opens } = inboxCountingOpens();
    const event = textEvent("ซ้ำ");
    await local.accept([event]);
    const result = await local.accept([
      { ...event, deliveryContext: { isRedelivery: true } } as webhook.Event,
    ]);
    expect(result.duplicates).toBe(1);

    const [record] = await pendingOf(local, event);

    expect(local.openPayload(record!)).toEqual(event);
    expect(opens).toHaveBeenCalledTimes(1);
  });
});

describe("inbox marks", () => {
  /** An inbox on a connection that records each update sent to webhook_events and its statements' count. */
  async function monitoredInbox() {
    const monitored = mongoose.createConnection(database.uri, { monitorCommands: true });
    await monitored.asPromise();
    const updates: number[] = [];
    monitored.getClient().on("commandStarted", (event) => {
      const command = event.command as { update?: string; updates?: unknown[] };
      if (event.commandName === "update" && command.update === "webhook_events")
        updates.push(command.updates?.length ?? 0);
    });
    const marked = new Inbox(
      inboxModel(monitored),
      createSealer([{ id: "t1", key: Buffer.alloc(32, 7) }], "t1"),
      pseudonym,
    );
    return { inbox: marked, updates, close: () => monitored.close() };
  }

  test("when many events are marked done in one turn, then one update command with one statement marks them all", async () => {
    const chats = [await chatWith(2), await chatWith(3), await chatWith(1)];
    const records = (await Promise.all(chats.map((chat) => inbox.pending(chat.source, 10)))).flat();
    const monitored = await monitoredInbox();
    try {
      await Promise.all(records.map((record) => monitored.inbox.markDone(record._id, 60_000)));

      expect(monitored.updates).toEqual([1]); // was one statement per event
      const stored = await inboxModel(connection)
        .find({ _id: { $in: records.map((record) => record._id) } })
        .lean();
      expect(stored).toHaveLength(6);
      for (const record of stored) {
        expect(record.status).toBe("done");
        expect(record.payload).toBeUndefined();
        expect(record.expiresAt).toBeInstanceOf(Date);
      }
    } finally {
      await monitored.close();
    }
  });

  test("when replies leave for some events while others are marked done in the same turn, then one update command carries both kinds, and an event already done is not marked sent", async () => {
    const chat = await chatWith(4);
    const [a, b, c, d] = (await inbox.pending(chat.source, 10)) as [
      InboxRecord,
      InboxRecord,
      InboxRecord,
      InboxRecord,
    ];
    await inbox.markDone(d._id, 60_000);
    const monitored = await monitoredInbox();
    try {
      await Promise.all([
        monitored.inbox.markReplySent(a._id),
        monitored.inbox.markReplySent(b._id),
        monitored.inbox.markReplySent(d._id),
        monitored.inbox.markDone(c._id, 60_000),
      ]);

      expect(monitored.updates).toEqual([2]); // one statement per kind; was one per event
      const byId = new Map(
        (await inboxModel(connection).find({ source: chat.source }).lean()).map((record) => [
          record._id,
          record,
        ]),
      );
      expect(byId.get(a._id)?.replySentAt).toBeInstanceOf(Date);
      expect(byId.get(b._id)?.replySentAt).toBeInstanceOf(Date);
      expect(byId.get(c._id)?.status).toBe("done");
      expect(byId.get(d._id)?.replySentAt).toBeUndefined();
    } finally {
      await monitored.close();
    }
  });
});
