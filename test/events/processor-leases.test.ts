import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import type { webhook } from "@line/bot-sdk";
import mongoose, { type Connection } from "mongoose";
import { createPseudonymizer } from "../../src/crypto/pseudonym";
import { createSealer } from "../../src/crypto/sealer";
import { connectDatabase, ensureIndexes } from "../../src/data/database";
import { Transactions } from "../../src/data/unit-of-work";
import { Inbox, inboxModel } from "../../src/events/inbox";
import { EventProcessor } from "../../src/events/processor";
import { createLeases, leaseModel, type Leases } from "../../src/jobs/leases";
import { createLogger } from "../../src/log";
import { TestClock } from "../support/harness";
import { startTestDatabase, type TestDatabase } from "../support/database";

// The processor's chat lease: short, kept alive by the heartbeat, stopping the chat's work when lost.

const logger = createLogger({
  level: "warn",
  destination: new Writable({ write: (_chunk, _encoding, done) => done() }),
});
const pseudonym = createPseudonymizer(Buffer.alloc(32, 9));

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
    pseudonym,
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
  clock.freeze(); // the lease's times are the clock's only
});

function chatSaying(texts: string[]): { source: string; events: webhook.Event[] } {
  userCounter += 1;
  const userId = `U${String(userCounter).padStart(32, "0")}`;
  const events = texts.map(
    (text, i) =>
      ({
        type: "message",
        mode: "active",
        timestamp: clock.now().getTime() + i * 1000,
        webhookEventId: randomUUID(),
        deliveryContext: { isRedelivery: false },
        source: { type: "user", userId },
        replyToken: randomUUID(),
        message: { id: String(i), type: "text", quoteToken: "q", text },
      }) as webhook.Event,
  );
  return { source: pseudonym("source", `user:${userId}`), events };
}

const textOf = (event: webhook.Event) =>
  (event as webhook.MessageEvent & { message: { text: string } }).message.text;

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Resolves once `condition` holds; polled with a generous deadline (never a timing assertion). */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** An instance whose heartbeat the test runs by hand; `handled` records "instance:text". */
function instance(
  name: string,
  handled: string[],
  options: { leases?: Leases; held?: Promise<void>; on?: Connection } = {},
) {
  const leases =
    options.leases ??
    createLeases(leaseModel(options.on ?? connection), `${name}-${randomUUID()}`, clock.now, {
      heartbeatTimer: false,
    });
  const processor = new EventProcessor({
    inbox,
    leases,
    router: {
      apply: async (event) => {
        handled.push(`${name}:${textOf(event)}:start`);
        if (textOf(event) === "long") await options.held;
        handled.push(`${name}:${textOf(event)}`);
        return [];
      },
      localeOf: async () => "en",
    },
    transactions: new Transactions(connection),
    deliver: async () => undefined,
    apology: () => [],
    logger,
    retentionMs: 60_000,
    now: clock.now,
  });
  return { processor, leases };
}

describe("the processor's chat lease", () => {
  test("when a step takes longer than the lease's TTL, then the heartbeat keeps the chat with its holder and no other instance runs it meanwhile", async () => {
    const { source, events } = chatSaying(["long", "next"]);
    await inbox.accept(events, clock.now());
    const step = deferred();
    const handled: string[] = [];
    const a = instance("a", handled, { held: step.promise });
    const b = instance("b", handled);

    a.processor.schedule(source);
    await until(() => handled.includes("a:long:start"));
    for (let tick = 0; tick < 9; tick++) {
      clock.advance(5_000); // 45 s in all: three TTLs of 15 s
      await a.leases.heartbeat();
    }
    b.processor.schedule(source);
    await b.processor.idle();
    step.resolve();
    await a.processor.idle();

    expect(handled).toEqual(["a:long:start", "a:long", "a:next:start", "a:next"]);
  });

  test("when the holder was killed, then another instance takes the chat after one TTL (15 s)", async () => {
    const { source, events } = chatSaying(["hello"]);
    await inbox.accept(events, clock.now());
    const dead = createLeases(leaseModel(connection), "killed", clock.now, { heartbeatTimer: false });
    expect(await dead.hold(`source:${source}`, 15_000)).toBe(true); // it died holding the chat
    const handled: string[] = [];
    const next = instance("next", handled);

    clock.advance(14_000);
    expect(await next.processor.scheduleDueWork()).toBe(1);
    await next.processor.idle();
    expect(handled).toEqual([]);

    clock.advance(1_000);
    await next.processor.scheduleDueWork();
    await next.processor.idle();
    expect(handled).toEqual(["next:hello:start", "next:hello"]);
  });

  test("when the lease ran out during a step and another instance took it, then the holder stops after that step and leaves the chat's later events alone", async () => {
    const { source, events } = chatSaying(["long", "next"]);
    await inbox.accept(events, clock.now());
    const step = deferred();
    const handled: string[] = [];
    const a = instance("a", handled, { held: step.promise });

    a.processor.schedule(source);
    await until(() => handled.includes("a:long:start"));
    clock.advance(20_000); // no heartbeat: the lease ran out
    const thief = createLeases(leaseModel(connection), "thief", clock.now, { heartbeatTimer: false });
    expect(await thief.hold(`source:${source}`, 15_000)).toBe(true);
    step.resolve();
    await a.processor.idle();

    expect(handled).toEqual(["a:long:start", "a:long"]);
    expect((await inbox.pending(source, 10)).map((record) => record._id)).toEqual([
      events[1]!.webhookEventId,
    ]);
    await thief.release(`source:${source}`);
  });

  test("when a chat's events are processed, then its lease costs one take and one give-back, however many events it has (no renewal per event)", async () => {
    const monitored = mongoose.createConnection(database.uri, { monitorCommands: true });
    await monitored.asPromise();
    await leaseModel(monitored).init(); // its collection exists: only the lease's own commands are counted
    const commands: string[] = [];
    monitored.getClient().on("commandStarted", (event) => {
      if ((event.command as Record<string, unknown>)[event.commandName] === "leases")
        commands.push(event.commandName);
    });
    try {
      const texts = Array.from({ length: 12 }, (_, i) => `m${i}`);
      const { source, events } = chatSaying(texts);
      await inbox.accept(events, clock.now());
      const handled: string[] = [];
      const a = instance("a", handled, { on: monitored });
      a.processor.schedule(source);
      await a.processor.idle();

      expect(handled.filter((entry) => !entry.endsWith(":start"))).toEqual(texts.map((text) => `a:${text}`));
      expect(commands).toEqual(["update", "update"]); // the bulk take (an upsert) and the bulk release (an update too)
    } finally {
      await monitored.close();
    }
  });
});
