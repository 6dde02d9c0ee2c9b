import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import type { webhook } from "@line/bot-sdk";
import type { Connection } from "mongoose";
import { createPseudonymizer } from "../../src/crypto/pseudonym";
import { createSealer } from "../../src/crypto/sealer";
import { connectDatabase, ensureIndexes } from "../../src/data/database";
import { Inbox, inboxModel } from "../../src/events/inbox";
import { EventProcessor, type EventHandler } from "../../src/events/processor";
import { createLeases, leaseModel, type Leases } from "../../src/jobs/leases";
import { createLogger } from "../../src/log";
import { TestClock } from "../support/harness";
import { startTestDatabase, type TestDatabase } from "../support/database";

const logger = createLogger({
  level: "warn",
  destination: new Writable({ write: (_chunk, _encoding, done) => done() }),
});

let database: TestDatabase;
let connection: Connection;
let inbox: Inbox;
let clock: TestClock;
let userCounter = 0;

beforeAll(async () => {
  database = await startTestDatabase();
  connection = await connectDatabase(database.uri, logger);
  inbox = new Inbox(
    inboxModel(connection),
    createSealer([{ id: "t1", key: Buffer.alloc(32, 7) }], "t1"),
    createPseudonymizer(Buffer.alloc(32, 9)),
  );
  leaseModel(connection);
  await ensureIndexes(connection);
});
afterAll(async () => {
  await connection.close();
  await database.stop();
});
beforeEach(() => {
  clock = new TestClock();
});

/** A user's text messages, `timestamps` apart, as LINE would deliver them. */
function messagesFrom(userId: string, texts: string[], startAt = Date.now()): webhook.Event[] {
  return texts.map(
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
}

function newUser(): { userId: string; source: string } {
  userCounter += 1;
  const userId = `U${String(userCounter).padStart(32, "0")}`;
  return { userId, source: createPseudonymizer(Buffer.alloc(32, 9))("source", `user:${userId}`) };
}

/** One instance: its own lease owner, the shared inbox. `handled` records "instance:text" in order. */
function instance(
  name: string,
  handled: string[],
  options: {
    handler?: EventHandler;
    leases?: Leases;
    maxConcurrentSources?: number;
    batchSize?: number;
  } = {},
): EventProcessor {
  return new EventProcessor({
    inbox,
    leases: options.leases ?? createLeases(leaseModel(connection), `${name}-${randomUUID()}`, clock.now),
    handler:
      options.handler ??
      (async (event) => {
        handled.push(
          `${name}:${(event as webhook.MessageEvent & { message: { text: string } }).message.text}`,
        );
      }),
    logger,
    retentionMs: 60_000,
    now: clock.now,
    maxConcurrentSources: options.maxConcurrentSources,
    batchSize: options.batchSize,
  });
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe("event processor", () => {
  test("when a chat has more pending events than one batch, then all are handled once, in occurrence order", async () => {
    const { userId, source } = newUser();
    const texts = Array.from({ length: 23 }, (_, i) => `m${i}`);
    // LINE may deliver out of order: insert newest first.
    await inbox.accept(messagesFrom(userId, texts).reverse(), clock.now());
    const handled: string[] = [];
    const processor = instance("a", handled, { batchSize: 10 });

    processor.schedule(source);
    await processor.idle();

    expect(handled).toEqual(texts.map((text) => `a:${text}`));
  });

  test("when an event fails, then later events of its chat wait until it has been retried", async () => {
    const { userId, source } = newUser();
    await inbox.accept(messagesFrom(userId, ["first", "second"]), clock.now());
    const handled: string[] = [];
    let failures = 1;
    const processor = instance("a", handled, {
      handler: async (event) => {
        const text = (event as webhook.MessageEvent & { message: { text: string } }).message.text;
        if (text === "first" && failures-- > 0) throw new Error("transient");
        handled.push(text);
      },
    });

    processor.schedule(source);
    await processor.idle();
    expect(handled).toEqual([]);

    clock.advance(3_000); // the first retry is due after 2 s
    processor.schedule(source);
    await processor.idle();
    expect(handled).toEqual(["first", "second"]);
  });

  test("when another instance holds the chat's lease, then the event it could not take is handled by the holder before it lets go", async () => {
    const { userId, source } = newUser();
    const [first, second] = messagesFrom(userId, ["first", "second"]);
    await inbox.accept([first!], clock.now());
    const handled: string[] = [];
    const firstStarted = deferred();
    const finishFirst = deferred();
    const holder = instance("holder", handled, {
      handler: async (event) => {
        const text = (event as webhook.MessageEvent & { message: { text: string } }).message.text;
        if (text === "first") {
          firstStarted.resolve();
          await finishFirst.promise;
        }
        handled.push(`holder:${text}`);
      },
    });
    const other = instance("other", handled);

    holder.schedule(source);
    await firstStarted.promise;
    // The second message reaches the other instance while the holder is busy with the first.
    await inbox.accept([second!], clock.now());
    other.schedule(source);
    await other.idle();
    finishFirst.resolve();
    await holder.idle();
    await other.idle();

    expect(handled).toEqual(["holder:first", "holder:second"]);
  });

  test("when more chats have work than the concurrency limit, then no more than the limit run at once and all finish", async () => {
    const users = Array.from({ length: 6 }, () => newUser());
    for (const { userId } of users) await inbox.accept(messagesFrom(userId, ["hi"]), clock.now());
    let running = 0;
    let most = 0;
    const handled: string[] = [];
    const processor = instance("a", handled, {
      maxConcurrentSources: 2,
      handler: async () => {
        most = Math.max(most, ++running);
        await new Promise((resolve) => setTimeout(resolve, 20));
        running--;
        handled.push("hi");
      },
    });

    users.forEach(({ source }) => processor.schedule(source));
    await processor.idle();

    expect(most).toBe(2);
    expect(handled).toHaveLength(6);
  });
});

describe("leases", () => {
  test("when another instance asks the holder to look again, then the holder learns it on release", async () => {
    const name = `test:${randomUUID()}`;
    const holder = createLeases(leaseModel(connection), "holder", clock.now);
    const other = createLeases(leaseModel(connection), "other", clock.now);

    expect(await holder.acquire(name, 60_000)).toBe(true);
    expect(await other.acquire(name, 60_000)).toBe(false);
    expect(await other.requestRecheck(name)).toBe(true);
    expect(await holder.release(name)).toBe(true);
    // Nobody holds it now: the asking instance is told to take it itself, and can.
    expect(await other.requestRecheck(name)).toBe(false);
    expect(await other.acquire(name, 60_000)).toBe(true);
    expect(await other.release(name)).toBe(false);
  });

  test("when a lease has run out, then a request to look again is refused and the lease can be taken over", async () => {
    const name = `test:${randomUUID()}`;
    const holder = createLeases(leaseModel(connection), "holder", clock.now);
    const other = createLeases(leaseModel(connection), "other", clock.now);

    expect(await holder.acquire(name, 1_000)).toBe(true);
    clock.advance(2_000);

    expect(await other.requestRecheck(name)).toBe(false);
    expect(await other.acquire(name, 1_000)).toBe(true);
    expect(await holder.renew(name, 1_000)).toBe(false);
  });
});
