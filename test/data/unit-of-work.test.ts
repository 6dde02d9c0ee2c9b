import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import type { webhook } from "@line/bot-sdk";
import type { Connection } from "mongoose";
import { createPseudonymizer } from "../../src/crypto/pseudonym";
import { createSealer } from "../../src/crypto/sealer";
import { connectDatabase, ensureIndexes } from "../../src/data/database";
import { afterCommit, sessionOption, Transactions } from "../../src/data/unit-of-work";
import { ConversationStore, conversationModel, StateConflictError } from "../../src/conversation/state";
import { EventAlreadyAppliedError, Inbox, inboxModel } from "../../src/events/inbox";
import { createLogger } from "../../src/log";
import { startTestDatabase, type TestDatabase } from "../support/database";
import { failCommand, exceededTimeLimit } from "../support/fail-points";

/**
 * Group commit and deferred writes (src/data/unit-of-work.ts) against the embedded store over TCP:
 * the works that arrive together commit as one transaction, and when anything in the group fails
 * each work runs again alone, so every caller gets exactly its own outcome, once.
 */
const logger = createLogger({
  level: "warn",
  destination: new Writable({ write: (_chunk, _encoding, done) => done() }),
});
const sealer = createSealer([{ id: "t1", key: Buffer.alloc(32, 7) }], "t1");
const limit = { name: "messages", max: 30, windowMs: 60_000 };

let database: TestDatabase;
let connection: Connection;
let store: ConversationStore;
let inbox: Inbox;

beforeAll(async () => {
  database = await startTestDatabase();
  connection = await connectDatabase(database.uri, logger);
  store = new ConversationStore(conversationModel(connection), sealer, {
    draftTtlMs: 3_600_000,
    preferenceTtlMs: 86_400_000,
  });
  inbox = new Inbox(inboxModel(connection), sealer, createPseudonymizer(Buffer.alloc(32, 9)));
  await ensureIndexes(connection);
});
afterAll(async () => {
  await failCommand(database.uri, "off");
  await connection.close();
  await database.stop();
});

const things = () => connection.collection<{ _id: string; by: string }>("things");

/** A work that inserts a document of its own (a duplicate would fail on the unique _id) and notes its effect. */
function inserting(id: string, effects: string[], calls: Map<string, number>) {
  return async () => {
    calls.set(id, (calls.get(id) ?? 0) + 1);
    await things().insertOne({ _id: id, by: id }, sessionOption());
    afterCommit(() => effects.push(id));
    return `result-${id}`;
  };
}

/** A pending inbox event of a new chat, as the webhook stores it. */
async function pendingEvent(): Promise<string> {
  const id = randomUUID();
  const event = {
    type: "message",
    mode: "active",
    timestamp: Date.now(),
    webhookEventId: id,
    deliveryContext: { isRedelivery: false },
    source: { type: "user", userId: `U${randomUUID().replace(/-/g, "")}` },
    replyToken: "t",
    message: { id: "1", type: "text", quoteToken: "q", text: "hi" },
  } as webhook.Event;
  await inbox.accept([event]);
  return id;
}

/** A clock that never moves: a group's time budget (tested on its own below) cannot split a group on a slow machine. */
const stillClock = { clock: () => 0 };

describe("group commit", () => {
  test("works that arrive together commit as one group, each resolving to its own result with its effects run once", async () => {
    const transactions = new Transactions(connection, stillClock);
    const effects: string[] = [];
    const calls = new Map<string, number>();
    const ids = Array.from({ length: 10 }, () => randomUUID());

    const results = await Promise.all(ids.map((id) => transactions.run(inserting(id, effects, calls))));

    expect(results).toEqual(ids.map((id) => `result-${id}`));
    expect(transactions.counts).toMatchObject({ groups: 1, grouped: 10, fallbacks: 0 });
    expect(effects.sort()).toEqual([...ids].sort());
    expect(await things().countDocuments({ _id: { $in: ids } })).toBe(10);
    expect([...calls.values()]).toEqual(ids.map(() => 1));
  });

  test("when one work of a group fails, the others commit once and it gets its own error, each having run again alone", async () => {
    const transactions = new Transactions(connection, stillClock);
    const effects: string[] = [];
    const calls = new Map<string, number>();
    const ids = Array.from({ length: 6 }, () => randomUUID());
    const bug = new TypeError("a flow's bug");
    let failingCalls = 0;
    const failing = async () => {
      failingCalls += 1;
      await things().insertOne({ _id: randomUUID(), by: "failing" }, sessionOption());
      afterCommit(() => effects.push("failing"));
      throw bug;
    };

    const outcomes = await Promise.allSettled([
      ...ids.slice(0, 3).map((id) => transactions.run(inserting(id, effects, calls))),
      transactions.run(failing),
      ...ids.slice(3).map((id) => transactions.run(inserting(id, effects, calls))),
    ]);

    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      "fulfilled",
      "fulfilled",
      "fulfilled",
      "rejected",
      "fulfilled",
      "fulfilled",
      "fulfilled",
    ]);
    expect((outcomes[3] as PromiseRejectedResult).reason).toBe(bug);
    expect(failingCalls).toBe(2); // in the group, then alone
    // The three before it ran in the group and again alone; the three after it only alone.
    expect(ids.map((id) => calls.get(id))).toEqual([2, 2, 2, 1, 1, 1]);
    expect(transactions.counts).toMatchObject({ groups: 0, fallbacks: 7 });
    expect(effects.sort()).toEqual([...ids].sort());
    expect(await things().countDocuments({ _id: { $in: ids } })).toBe(6);
    expect(await things().countDocuments({ by: "failing" })).toBe(0);
  });

  test("when the group's commit fails, nothing is lost or doubled: each work commits once alone", async () => {
    const transactions = new Transactions(connection, stillClock);
    const effects: string[] = [];
    const calls = new Map<string, number>();
    const ids = Array.from({ length: 5 }, () => randomUUID());
    await failCommand(database.uri, { times: 1 }, { failCommands: ["commitTransaction"], errorCode: exceededTimeLimit });

    const results = await Promise.all(ids.map((id) => transactions.run(inserting(id, effects, calls))));

    expect(results).toEqual(ids.map((id) => `result-${id}`));
    expect(transactions.counts).toMatchObject({ groups: 0, fallbacks: 5 });
    expect(effects.sort()).toEqual([...ids].sort());
    expect(await things().countDocuments({ _id: { $in: ids } })).toBe(5);
  });

  test("when the connection drops at the group's commit, nothing is lost or doubled", async () => {
    const transactions = new Transactions(connection, stillClock);
    const effects: string[] = [];
    const calls = new Map<string, number>();
    const ids = Array.from({ length: 5 }, () => randomUUID());
    await failCommand(
      database.uri,
      { times: 1 },
      { failCommands: ["commitTransaction"], closeConnection: true },
    );

    const outcomes = await Promise.allSettled(ids.map((id) => transactions.run(inserting(id, effects, calls))));

    // Each either committed once (alone) or failed with the database's error, for the caller's retry.
    const committed = ids.filter((_id, i) => outcomes[i]!.status === "fulfilled");
    expect(await things().countDocuments({ _id: { $in: ids } })).toBe(committed.length);
    expect(effects.sort()).toEqual([...committed].sort());
    expect(committed.length).toBeGreaterThan(0);
  });

  test("past the group's budget, the works not yet started run alone and every caller is answered once", async () => {
    let now = 0;
    const transactions = new Transactions(connection, { groupBudgetMs: 100, clock: () => now });
    const effects: string[] = [];
    const calls = new Map<string, number>();
    const ids = Array.from({ length: 5 }, () => randomUUID());
    const slow = (id: string) => async () => {
      const result = await inserting(id, effects, calls)();
      now += 150; // this work took longer than the whole group may
      return result;
    };

    const results = await Promise.all([
      transactions.run(inserting(ids[0]!, effects, calls)),
      transactions.run(slow(ids[1]!)),
      ...ids.slice(2).map((id) => transactions.run(inserting(id, effects, calls))),
    ]);

    expect(results).toEqual(ids.map((id) => `result-${id}`));
    expect(transactions.counts).toMatchObject({ groups: 1, grouped: 2, fallbacks: 0 });
    expect(ids.map((id) => calls.get(id))).toEqual([1, 1, 1, 1, 1]);
    expect(effects.sort()).toEqual([...ids].sort());
  });

  test("a write conflict with another transaction is retried alone, as without groups", async () => {
    const transactions = new Transactions(connection, stillClock);
    const id = randomUUID();
    await things().insertOne({ _id: id, by: "nobody" });
    let attempts = 0;
    const contested = async () => {
      attempts += 1;
      await things().updateOne({ _id: id }, { $set: { by: "contested" } }, sessionOption());
      return "ok";
    };
    let raced = false;
    const racing = async () => {
      await things().findOne({ _id: "anything" }, sessionOption()); // the group's snapshot is taken here
      if (!raced) {
        raced = true;
        // Someone else changes the document after the snapshot: the group's write to it conflicts.
        await connection.collection<{ _id: string; by: string }>("things").updateOne({ _id: id }, { $set: { by: "outside" } });
      }
      return "racing";
    };

    const results = await Promise.all([transactions.run(racing), transactions.run(contested)]);

    expect(results).toEqual(["racing", "ok"]);
    expect(attempts).toBe(2);
    expect(transactions.counts.fallbacks).toBe(2);
    expect((await things().findOne({ _id: id }))?.by).toBe("contested");
  });
});

/** A promise the test settles by hand, to hold a work in flight for as long as it wants. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** Lets `turns` turns of the event loop run (setImmediate): what was scheduled in them has started. */
async function turns(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe("groups formed while a commit is in flight", () => {
  test("works that arrive in different turns while a group is in flight wait and then go as one group", async () => {
    const transactions = new Transactions(connection, { ...stillClock, maxGroupsInFlight: 1 });
    const effects: string[] = [];
    const calls = new Map<string, number>();
    const held = gate();
    const first = randomUUID();
    const holding = transactions.run(async () => {
      const result = await inserting(first, effects, calls)();
      await held.opened;
      return result;
    });
    const ids = Array.from({ length: 6 }, () => randomUUID());
    const results: Array<Promise<string>> = [];
    for (const id of ids) {
      await turns(2);
      results.push(transactions.run(inserting(id, effects, calls)));
    }
    await turns(5);
    expect(calls.size).toBe(1); // only the first has started: the place is taken

    held.open();

    expect(await holding).toBe(`result-${first}`);
    expect(await Promise.all(results)).toEqual(ids.map((id) => `result-${id}`));
    expect(transactions.counts).toMatchObject({ alone: 1, groups: 1, grouped: 6, fallbacks: 0 });
    expect(effects.sort()).toEqual([first, ...ids].sort());
    expect(await things().countDocuments({ _id: { $in: [first, ...ids] } })).toBe(7);
  });

  test("with a place free, a work arriving while another group is in flight starts without waiting for it", async () => {
    const transactions = new Transactions(connection, { ...stillClock, maxGroupsInFlight: 2 });
    const held = gate();
    let firstDone = false;
    const holding = transactions.run(async () => {
      await held.opened;
      firstDone = true;
    });
    await turns(2);

    // Were it waiting for the first, this would never resolve (the first waits for the test).
    await transactions.run(async () => things().findOne({ _id: "anything" }, sessionOption()));

    expect(firstDone).toBe(false);
    held.open();
    await holding;
    expect(transactions.counts).toMatchObject({ alone: 2, groups: 0 });
  });

  test("a group in flight past its budget no longer holds its place: the works waiting behind it start", async () => {
    let now = 0;
    const transactions = new Transactions(connection, { groupBudgetMs: 100, clock: () => now, maxGroupsInFlight: 1 });
    const held = gate();
    const holding = transactions.run(async () => {
      await held.opened; // a slow work: an evidence download
    });
    await turns(2);
    let started = false;
    const waiting = transactions.run(async () => {
      started = true;
    });
    await turns(5);
    expect(started).toBe(false);

    now += 150;
    // The group looks again (a timer) once its budget has passed; poll, with a deadline far beyond it.
    for (const deadline = Date.now() + 30_000; !started && Date.now() < deadline; )
      await new Promise((resolve) => setTimeout(resolve, 20));

    expect(started).toBe(true);
    await waiting;
    held.open();
    await holding;
    expect(transactions.counts).toMatchObject({ alone: 2, groups: 0 });
  });

  test("a lone work with nothing in flight runs alone in the turn it arrived in, as before", async () => {
    const transactions = new Transactions(connection, stillClock);
    let started = false;
    const running = transactions.run(async () => {
      started = true;
      await things().findOne({ _id: "anything" }, sessionOption());
    });
    await turns(2); // the turn it arrived in has ended, and its group has started
    expect(started).toBe(true);
    await running;
    expect(transactions.counts).toMatchObject({ alone: 1, groups: 0 });
  });

  test("more works than a group holds wait for the next place, and every one commits once", async () => {
    const transactions = new Transactions(connection, { ...stillClock, maxGroup: 4, maxGroupsInFlight: 1 });
    const effects: string[] = [];
    const calls = new Map<string, number>();
    const ids = Array.from({ length: 10 }, () => randomUUID());

    const results = await Promise.all(ids.map((id) => transactions.run(inserting(id, effects, calls))));

    expect(results).toEqual(ids.map((id) => `result-${id}`));
    // 4 + 4 + 2, one group after the other
    expect(transactions.counts).toMatchObject({ groups: 3, grouped: 10, alone: 0, fallbacks: 0 });
    expect(effects.sort()).toEqual([...ids].sort());
    expect([...calls.values()]).toEqual(ids.map(() => 1));
  });

  test("a group failing while others wait still answers every caller once, and the waiting ones go next", async () => {
    const transactions = new Transactions(connection, { ...stillClock, maxGroupsInFlight: 1 });
    const effects: string[] = [];
    const calls = new Map<string, number>();
    const held = gate();
    const bug = new TypeError("a flow's bug");
    const [a, b, c, d] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const holding = transactions.run(async () => {
      await held.opened;
    });
    await turns(2);
    // These form the next group, which fails on its second work and reruns each alone.
    const queued = [
      transactions.run(inserting(a, effects, calls)),
      transactions.run(async () => {
        throw bug;
      }),
      transactions.run(inserting(b, effects, calls)),
    ];
    await turns(2);
    held.open();
    await holding;
    const outcomes = await Promise.allSettled(queued);
    const after = await Promise.all([
      transactions.run(inserting(c, effects, calls)),
      transactions.run(inserting(d, effects, calls)),
    ]);

    expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBe(bug);
    expect(after).toEqual([`result-${c}`, `result-${d}`]);
    expect(transactions.counts).toMatchObject({ groups: 1, grouped: 2, fallbacks: 3 });
    expect(effects.sort()).toEqual([a, b, c, d].sort());
    expect(await things().countDocuments({ _id: { $in: [a, b, c, d] } })).toBe(4);
  });
});

describe("deferred writes in a group", () => {
  test("chats' counters and states are written as one command each, with the same results as one at a time", async () => {
    const transactions = new Transactions(connection, stillClock);
    const now = new Date();
    const keys = Array.from({ length: 8 }, () => randomUUID());
    // Half the chats have saved state before; the other half are new.
    for (const key of keys.slice(0, 4))
      await transactions.run(async () => {
        const { state } = await store.readCounting(key, now, limit);
        await store.write({ ...state, locale: "en" }, now);
      });

    const turns = await Promise.all(
      keys.map((key, i) =>
        transactions.run(async () => {
          const { state, check } = await store.readCounting(key, now, limit);
          // Odd chats save state; even ones do not (their counter is still written).
          if (i % 2 === 1) await store.write({ ...state, locale: "th" }, now);
          return { revision: state.revision, check };
        }),
      ),
    );

    expect(transactions.counts.groups).toBeGreaterThanOrEqual(1);
    expect(turns.map((turn) => turn.revision)).toEqual([1, 1, 1, 1, 0, 0, 0, 0]);
    const docs = await Promise.all(keys.map((key) => store.readCounting(key, now, limit)));
    // Counted twice before this read for the first four chats, once for the others; this read is one more.
    expect(docs.map((doc) => doc.check)).toEqual(keys.map(() => ({ allowed: true })));
    const raw = await connection
      .collection("conversations")
      .find({ _id: { $in: keys as never[] } })
      .toArray();
    const byKey = new Map(raw.map((doc) => [String(doc._id), doc]));
    expect(keys.map((key) => byKey.get(key)?.messages?.count)).toEqual([3, 3, 3, 3, 2, 2, 2, 2]);
    expect(keys.map((key) => byKey.get(key)?.revision)).toEqual([1, 2, 1, 2, 0, 1, 0, 1]);
    expect(keys.map((key) => byKey.get(key)?.locale)).toEqual(["en", "th", "en", "th", undefined, "th", undefined, "th"]);
    // A chat that never saved state holds only the counter, expiring with its window.
    expect(byKey.get(keys[4]!)?.stateVersion).toBeUndefined();
  });

  test("the message limit counts every message of a fixed window, in groups as alone", async () => {
    const transactions = new Transactions(connection, stillClock);
    const now = new Date(Math.floor(Date.now() / 60_000) * 60_000 + 1_000);
    const key = randomUUID();
    const checks = [];
    for (let i = 0; i < 32; i++) {
      // Each message of this chat in a group with another chat's.
      const [check] = await Promise.all([
        transactions.run(async () => (await store.readCounting(key, now, limit)).check),
        transactions.run(async () => (await store.readCounting(randomUUID(), now, limit)).check),
      ]);
      checks.push(check);
    }
    expect(checks.slice(0, 30).every((check) => check.allowed)).toBe(true);
    expect(checks[30]).toEqual({ allowed: false, firstRefusal: true });
    expect(checks[31]).toEqual({ allowed: false, firstRefusal: false });
    const next = new Date(now.getTime() + 60_000);
    expect(await transactions.run(async () => (await store.readCounting(key, next, limit)).check)).toEqual({
      allowed: true,
    });
  });

  test("a stale revision in a group is a StateConflictError for its own caller only", async () => {
    const transactions = new Transactions(connection, stillClock);
    const now = new Date();
    const stale = randomUUID();
    await transactions.run(async () => {
      const { state } = await store.readCounting(stale, now, limit);
      await store.write({ ...state, locale: "en" }, now);
    });
    const others = Array.from({ length: 3 }, () => randomUUID());

    const outcomes = await Promise.allSettled([
      ...others.map((key) =>
        transactions.run(async () => {
          const { state } = await store.readCounting(key, now, limit);
          return store.write({ ...state, locale: "th" }, now);
        }),
      ),
      // Saves over revision 0 although the chat is at 1 (a turn that read before another saved).
      transactions.run(() => store.write({ key: stale, revision: 0, locale: "th" }, now)),
      // And over a revision it never had.
      transactions.run(() => store.write({ key: stale, revision: 5, locale: "th" }, now)),
    ]);

    expect(outcomes.slice(0, 3)).toEqual(others.map(() => ({ status: "fulfilled", value: 1 })));
    expect((outcomes[3] as PromiseRejectedResult).reason).toBeInstanceOf(StateConflictError);
    expect((outcomes[4] as PromiseRejectedResult).reason).toBeInstanceOf(StateConflictError);
    expect(transactions.counts.fallbacks).toBe(5);
    const saved = await transactions.run(() => store.read(stale, now));
    expect(saved).toMatchObject({ revision: 1, locale: "en" });
  });

  test("an event already applied is found in a group, and only its caller hears EventAlreadyAppliedError", async () => {
    const transactions = new Transactions(connection, stillClock);
    const applied = await pendingEvent();
    await transactions.run(() => inbox.markApplied(applied, [{ type: "text", text: "first" }]));
    const others = await Promise.all(Array.from({ length: 3 }, () => pendingEvent()));

    const outcomes = await Promise.allSettled([
      ...others.map((id) => transactions.run(() => inbox.markApplied(id, [{ type: "text", text: id }]))),
      transactions.run(() => inbox.markApplied(applied, [{ type: "text", text: "second" }])),
    ]);

    expect(outcomes.slice(0, 3).map((outcome) => outcome.status)).toEqual(["fulfilled", "fulfilled", "fulfilled"]);
    expect((outcomes[3] as PromiseRejectedResult).reason).toBeInstanceOf(EventAlreadyAppliedError);
    const records = await connection
      .collection("webhook_events")
      .find({ _id: { $in: [applied, ...others] as never[] } })
      .toArray();
    const answers = new Map(
      records.map((record) => [String(record._id), inbox.openAnswer(record as never)?.[0]]),
    );
    expect(answers.get(applied)).toEqual({ type: "text", text: "first" });
    for (const id of others) expect(answers.get(id)).toEqual({ type: "text", text: id });
  });

  test("a read after a deferred write of the same chat sees it", async () => {
    const transactions = new Transactions(connection, stillClock);
    const now = new Date();
    const key = randomUUID();
    const seen = await transactions.run(async () => {
      const { state } = await store.readCounting(key, now, limit);
      await store.write({ ...state, locale: "en" }, now);
      return store.read(key, now);
    });
    expect(seen).toMatchObject({ revision: 1, locale: "en" });
  });

  test("with hints, a group reads its chats' states as one query ahead, with the same results as without", async () => {
    const transactions = new Transactions(connection, stillClock);
    const now = new Date();
    const keys = Array.from({ length: 8 }, () => randomUUID());
    for (const key of keys.slice(0, 4))
      await transactions.run(async () => {
        const { state } = await store.readCounting(key, now, limit);
        await store.write({ ...state, locale: "en" }, now);
      });
    const hitsBefore = transactions.counts.prefetchHits;

    const turn = (key: string, i: number) => async () => {
      const { state, check } = await store.readCounting(key, now, limit);
      if (i % 2 === 1) await store.write({ ...state, locale: "th" }, now);
      return { revision: state.revision, locale: state.locale, check };
    };
    const turns = await Promise.all(keys.map((key, i) => transactions.run(turn(key, i), [store.hint(key)])));

    expect(transactions.counts).toMatchObject({ groups: 1, grouped: 8, fallbacks: 0 });
    expect(transactions.counts.prefetchHits - hitsBefore).toBe(8); // not one read of its own
    expect(turns.map((t) => [t.revision, t.locale])).toEqual([
      [1, "en"],
      [1, "en"],
      [1, "en"],
      [1, "en"],
      [0, undefined],
      [0, undefined],
      [0, undefined],
      [0, undefined],
    ]);
    const raw = await connection
      .collection("conversations")
      .find({ _id: { $in: keys as never[] } })
      .toArray();
    const byKey = new Map(raw.map((doc) => [String(doc._id), doc]));
    expect(keys.map((key) => byKey.get(key)?.messages?.count)).toEqual([2, 2, 2, 2, 1, 1, 1, 1]);
    expect(keys.map((key) => byKey.get(key)?.revision)).toEqual([1, 2, 1, 2, 0, 1, 0, 1]);
  });

  test("a chat changed by someone else after its group read it ahead is a conflict: its turn reruns alone and counts once", async () => {
    const transactions = new Transactions(connection, stillClock);
    const now = new Date(Math.floor(Date.now() / 60_000) * 60_000 + 1_000);
    const key = randomUUID();
    await transactions.run(async () => {
      const { state } = await store.readCounting(key, now, limit);
      await store.write({ ...state, locale: "en" }, now);
    });
    let raced = false;
    // The first work of the group: another instance saves this chat after the group's read-ahead.
    const racing = async () => {
      if (!raced) {
        raced = true;
        // Without a session: not in the group's transaction (as the "write conflict" test above).
        await connection
          .collection("conversations")
          .updateOne({ _id: key as never }, { $set: { locale: "th" }, $inc: { revision: 1, "messages.count": 1 } });
      }
      return "racing";
    };
    let turns = 0;
    const turn = async () => {
      turns += 1;
      const { state, check } = await store.readCounting(key, now, limit);
      await store.write({ ...state }, now);
      return { revision: state.revision, locale: state.locale, check };
    };

    const [first, second] = await Promise.all([
      transactions.run(racing),
      transactions.run(turn, [store.hint(key)]),
    ]);

    expect(first).toBe("racing");
    expect(turns).toBe(2); // in the group on the stale read-ahead, then alone
    expect(transactions.counts.fallbacks).toBe(2);
    expect(second).toMatchObject({ revision: 2, locale: "th" }); // what the other instance saved
    const raw = await connection.collection("conversations").findOne({ _id: key as never });
    expect(raw).toMatchObject({ revision: 3, locale: "th", messages: { count: 3 } });
  });

  test("a read after a write of the same chat in a group sees the write, not what was read ahead", async () => {
    const transactions = new Transactions(connection, stillClock);
    const now = new Date();
    const [key, other] = [randomUUID(), randomUUID()];

    const [seen] = await Promise.all([
      transactions.run(async () => {
        await store.write({ key, revision: 0, locale: "en" }, now);
        return store.read(key, now);
      }, [store.hint(key)]),
      transactions.run(async () => store.read(other, now), [store.hint(other), store.hint(randomUUID())]),
    ]);

    expect(transactions.counts.groups).toBe(1);
    expect(seen).toMatchObject({ revision: 1, locale: "en" });
  });

  test("outside a transaction the writes are sent at once, with the same guards", async () => {
    const now = new Date();
    const key = randomUUID();
    const { state, check } = await store.readCounting(key, now, limit);
    expect(check).toEqual({ allowed: true });
    expect(await store.write({ ...state, locale: "en" }, now)).toBe(1);
    await expect(store.write({ ...state, locale: "th" }, now)).rejects.toBeInstanceOf(StateConflictError);
    const id = await pendingEvent();
    await inbox.markApplied(id, []);
    await expect(inbox.markApplied(id, [])).rejects.toBeInstanceOf(EventAlreadyAppliedError);
  });
});
