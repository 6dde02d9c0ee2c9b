import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import type { webhook } from "@line/bot-sdk";
import mongoose, { type Connection } from "mongoose";
import { createPseudonymizer } from "../../src/crypto/pseudonym";
import { createSealer } from "../../src/crypto/sealer";
import { connectDatabase, ensureIndexes } from "../../src/data/database";
import { Inbox, inboxModel } from "../../src/events/inbox";
import { MongoNetworkError } from "mongodb";
import { EventProcessor } from "../../src/events/processor";
import type { EventRouter } from "../../src/events/router";
import { sessionOption, Transactions } from "../../src/data/unit-of-work";
import { createLeases, leaseModel, type Leases } from "../../src/jobs/leases";
import { createLogger, type Logger } from "../../src/log";
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

type Apply = EventRouter["apply"];

function textOf(event: webhook.Event): string {
  return (event as webhook.MessageEvent & { message: { text: string } }).message.text;
}

/** One instance: its own lease owner, the shared inbox. `handled` records "instance:text" in order. */
function instance(
  name: string,
  handled: string[],
  options: {
    apply?: Apply;
    leases?: Leases;
    maxConcurrentSources?: number;
    maxStartsPerTurn?: number;
    batchSize?: number;
    delivered?: string[];
    retryWindowMs?: number;
    deliver?: (text: string) => Promise<void>;
    logger?: Logger;
  } = {},
): EventProcessor {
  return new EventProcessor({
    inbox,
    leases: options.leases ?? createLeases(leaseModel(connection), `${name}-${randomUUID()}`, clock.now),
    router: {
      apply:
        options.apply ??
        (async (event) => {
          handled.push(`${name}:${textOf(event)}`);
          return [];
        }),
      localeOf: async () => "en",
    },
    transactions: new Transactions(connection),
    deliver: async (event, _eventId, messages, { purpose }) => {
      if (messages.length === 0) return;
      const text = `${purpose}:${messages.map((m) => (m.type === "text" ? m.text : m.type)).join("|")}`;
      await options.deliver?.(text);
      options.delivered?.push(`${textOf(event)}>${text}`);
    },
    apology: (locale) => [{ type: "text", text: `sorry-${locale}` }],
    logger: options.logger ?? logger,
    retentionMs: 60_000,
    now: clock.now,
    maxConcurrentSources: options.maxConcurrentSources,
    maxStartsPerTurn: options.maxStartsPerTurn,
    batchSize: options.batchSize,
    retryWindowMs: options.retryWindowMs,
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
      apply: async (event) => {
        const text = textOf(event);
        if (text === "first" && failures-- > 0) throw new MongoNetworkError("database away");
        handled.push(text);
        return [];
      },
    });

    processor.schedule(source);
    await processor.idle();
    expect(handled).toEqual([]);

    clock.advance(3_000); // the first retry is due after 1 s
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
      apply: async (event) => {
        const text = textOf(event);
        if (text === "first") {
          firstStarted.resolve();
          await finishFirst.promise;
        }
        handled.push(`holder:${text}`);
        return [];
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
    let most = 0;
    const handled: string[] = [];
    // Chats in hand, not applies at once: the applies of chats ready together run one after
    // another in one group transaction (src/data/unit-of-work.ts).
    const processor: EventProcessor = instance("a", handled, {
      maxConcurrentSources: 2,
      apply: async () => {
        most = Math.max(most, processor.status().chatsRunning);
        await new Promise((resolve) => setTimeout(resolve, 20));
        handled.push("hi");
        return [];
      },
    });

    users.forEach(({ source }) => processor.schedule(source));
    await processor.idle();

    expect(most).toBe(2);
    expect(handled).toHaveLength(6);
  });
  test("when many chats' events are ready together, then they start over several turns of the event loop, so other work (webhooks) runs in between, and every chat keeps its order", async () => {
    const users = Array.from({ length: 24 }, () => newUser());
    for (const { userId } of users) await inbox.accept(messagesFrom(userId, ["one", "two"]), clock.now());
    const handled: string[] = [];
    let started = 0;
    let startedWhenOtherWorkRan: number | undefined;
    const processor = instance("a", handled, {
      maxConcurrentSources: 24,
      maxStartsPerTurn: 3,
      apply: async (event) => {
        // Other work queued at the first start: how many events started before it got the loop?
        if (started++ === 0) setImmediate(() => (startedWhenOtherWorkRan ??= started));
        handled.push(`${event.source?.type === "user" ? event.source.userId : ""}:${textOf(event)}`);
        return [];
      },
    });

    users.forEach(({ source }) => processor.schedule(source));
    await processor.idle();

    // All 24 chats' first events were read by one query and were ready at once; at most three
    // start per turn, so the other work ran after two turns' worth at most (without the limit: 24).
    expect(startedWhenOtherWorkRan).toBeLessThanOrEqual(6);
    expect(handled).toHaveLength(48);
    for (const { userId } of users) {
      expect(handled.filter((entry) => entry.startsWith(`${userId}:`))).toEqual([
        `${userId}:one`,
        `${userId}:two`,
      ]);
    }
  });
});

describe("exactly once", () => {
  test("when a handler fails with a bug, then the event is dead-lettered at once, the person gets an apology in their language, and the chat's next event runs in the same pass", async () => {
    const { userId, source } = newUser();
    await inbox.accept(messagesFrom(userId, ["poison", "next"]), clock.now());
    const handled: string[] = [];
    const delivered: string[] = [];
    const processor = instance("a", handled, {
      delivered,
      apply: async (event) => {
        if (textOf(event) === "poison") throw new TypeError("Cannot read properties of undefined");
        handled.push(textOf(event));
        return [{ type: "text", text: "ok" }];
      },
    });

    processor.schedule(source);
    await processor.idle();

    expect(handled).toEqual(["next"]);
    expect(delivered).toEqual(["poison>apology:sorry-en", "next>turn:ok"]);
    const { count, recent } = await inbox.deadLetters();
    expect(count).toBeGreaterThanOrEqual(1);
    expect(recent.some((letter) => letter.reason === "TypeError" && letter.stage === "apply")).toBe(true);
  });

  test("when delivering the answer fails, then the retry re-sends the recorded answer and does not apply the event again", async () => {
    const { userId, source } = newUser();
    await inbox.accept(messagesFrom(userId, ["hello", "after"]), clock.now());
    const applied: string[] = [];
    const delivered: string[] = [];
    let lineDown = true;
    const processor = instance("a", [], {
      delivered,
      apply: async (event) => {
        applied.push(textOf(event));
        return [{ type: "text", text: `answer to ${textOf(event)} #${applied.length}` }];
      },
      deliver: async () => {
        if (lineDown) throw new TypeError("LINE API request failed: ECONNRESET");
      },
    });

    processor.schedule(source);
    await processor.idle();
    expect(applied).toEqual(["hello"]);
    expect(delivered).toEqual([]);

    lineDown = false;
    clock.advance(2_000);
    processor.schedule(source);
    await processor.idle();

    expect(applied).toEqual(["hello", "after"]);
    expect(delivered).toEqual(["hello>turn:answer to hello #1", "after>turn:answer to after #2"]);
  });

  test("when a handler's writes fail part-way, then none of them stay and the retry applies the event once", async () => {
    const { userId, source } = newUser();
    await inbox.accept(messagesFrom(userId, ["count me"]), clock.now());
    const counters = connection.db!.collection<{ _id: string; n: number }>(`counters_${randomUUID()}`);
    await counters.insertOne({ _id: "c", n: 0 });
    let failOnce = true;
    const processor = instance("a", [], {
      apply: async () => {
        await counters.updateOne({ _id: "c" }, { $inc: { n: 1 } }, sessionOption());
        if (failOnce) {
          failOnce = false;
          throw new MongoNetworkError("connection reset after the first write");
        }
        return [];
      },
    });

    processor.schedule(source);
    await processor.idle();
    expect((await counters.findOne({ _id: "c" }))?.n).toBe(0);

    clock.advance(2_000);
    processor.schedule(source);
    await processor.idle();
    expect((await counters.findOne({ _id: "c" }))?.n).toBe(1);
  });

  test("when transient failures last longer than the retry window, then the event is dead-lettered and the chat moves on", async () => {
    const { userId, source } = newUser();
    await inbox.accept(messagesFrom(userId, ["stuck", "later"]), clock.now());
    const handled: string[] = [];
    const processor = instance("a", handled, {
      retryWindowMs: 10_000,
      apply: async (event) => {
        if (textOf(event) === "stuck") throw new MongoNetworkError("still away");
        handled.push(textOf(event));
        return [];
      },
    });

    processor.schedule(source);
    await processor.idle();
    expect(handled).toEqual([]);

    clock.advance(11_000);
    processor.schedule(source);
    await processor.idle();
    expect(handled).toEqual(["later"]);
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

  test("when takes and releases go to the database together, then each gets its own answer", async () => {
    const [rechecked, plain, othersLive, free] = [1, 2, 3, 4].map(() => `test:${randomUUID()}`) as [
      string,
      string,
      string,
      string,
    ];
    const holder = createLeases(leaseModel(connection), "holder", clock.now);
    const other = createLeases(leaseModel(connection), "other", clock.now);
    expect(await Promise.all([holder.acquire(rechecked, 60_000), holder.acquire(plain, 60_000)])).toEqual([
      true,
      true,
    ]);
    expect(await other.acquire(othersLive, 60_000)).toBe(true);
    expect(await other.requestRecheck(rechecked)).toBe(true);

    // One batch: two releases (one with a recheck asked), a take refused, a take granted.
    const answers = await Promise.all([
      holder.release(rechecked),
      holder.release(plain),
      holder.acquire(othersLive, 60_000),
      holder.acquire(free, 60_000),
    ]);

    expect(answers).toEqual([true, false, false, true]);
    // Both released leases are free now; the refused one is still the other instance's.
    expect(await Promise.all([other.acquire(rechecked, 60_000), other.acquire(plain, 60_000)])).toEqual([
      true,
      true,
    ]);
    expect(await holder.renew(othersLive, 60_000)).toBe(false);
  });

  test("when one of many leases released together had a recheck asked of it, then only the leases still held are asked about, not every one of the batch", async () => {
    // A connection of its own that reports every command, so the test counts what the releases send.
    const monitored = mongoose.createConnection(database.uri, { monitorCommands: true });
    await monitored.asPromise();
    const commands: string[] = [];
    monitored.getClient().on("commandStarted", (event) => commands.push(event.commandName));
    try {
      const names = Array.from({ length: 10 }, () => `test:${randomUUID()}`);
      const holder = createLeases(leaseModel(monitored), "holder", clock.now);
      const other = createLeases(leaseModel(connection), "other", clock.now);
      expect(await Promise.all(names.map((name) => holder.acquire(name, 60_000)))).toEqual(
        names.map(() => true),
      );
      expect(await other.requestRecheck(names[3]!)).toBe(true);
      commands.length = 0;

      const answers = await Promise.all(names.map((name) => holder.release(name)));

      expect(answers).toEqual(names.map((_name, i) => i === 3));
      // One bulk give-back (an update), one read of what is left, one give-back of the rechecked lease (it was 1 + 10).
      expect(commands).toEqual(["update", "find", "findAndModify"]);
      expect(await Promise.all(names.map((name) => other.acquire(name, 60_000)))).toEqual(
        names.map(() => true),
      );
    } finally {
      await monitored.close();
    }
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

  test("when events wait longer than the bound, then the processor says it is behind, logs it once, and says when it caught up", async () => {
    const lines: string[] = [];
    const captured = createLogger({
      level: "info",
      destination: new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }),
    });
    clock.freeze(); // the waits below are the clock's, exactly
    const { userId, source } = newUser();
    await inbox.accept(messagesFrom(userId, ["old"]), clock.now());
    clock.advance(45_000); // the event waited 45 s (a backlog) before it was taken up
    const held = deferred();
    const handled: string[] = [];
    const processor = instance("a", handled, {
      logger: captured,
      apply: async (event) => {
        if (textOf(event) === "old") await held.promise;
        handled.push(textOf(event));
        return [];
      },
    });

    expect(processor.status()).toEqual({ behind: false, lagMs: 0, chatsRunning: 0, chatsWaiting: 0 });
    processor.schedule(source);
    while (!lines.some((line) => line.includes("behind intake"))) await new Promise((r) => setTimeout(r, 10));
    expect(processor.status()).toMatchObject({ behind: true, lagMs: 45_000, chatsRunning: 1 });
    held.resolve();
    await processor.idle();
    expect(processor.status()).toEqual({ behind: false, lagMs: 0, chatsRunning: 0, chatsWaiting: 0 });

    await inbox.accept(messagesFrom(userId, ["fresh"]), clock.now());
    processor.schedule(source);
    await processor.idle();
    expect(handled).toEqual(["old", "fresh"]);
    expect(lines.filter((line) => line.includes("behind intake"))).toHaveLength(1);
    expect(lines.filter((line) => line.includes("caught up"))).toHaveLength(1);
  });
});
