import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import mongoose, { type Connection } from "mongoose";
import { connectDatabase } from "../../src/data/database";
import { createLeases, leaseModel } from "../../src/jobs/leases";
import { createLogger } from "../../src/log";
import { TestClock } from "../support/harness";
import { startTestDatabase, type TestDatabase } from "../support/database";

const logger = createLogger({
  level: "warn",
  destination: new Writable({ write: (_chunk, _encoding, done) => done() }),
});

let database: TestDatabase;
let connection: Connection;
let clock: TestClock;

beforeAll(async () => {
  database = await startTestDatabase();
  connection = await connectDatabase(database.uri, logger);
});
afterAll(async () => {
  await connection.close();
  await database.stop();
});
beforeEach(() => {
  clock = new TestClock();
  clock.freeze(); // lease times are the clock's only
});

/** A connection that records the commands sent to the leases collection, so a test can count them. */
async function monitoredConnection(): Promise<{
  connection: Connection;
  commands: string[];
  close(): Promise<void>;
}> {
  const monitored = mongoose.createConnection(database.uri, { monitorCommands: true });
  await monitored.asPromise();
  const commands: string[] = [];
  monitored.getClient().on("commandStarted", (event) => {
    const command = event.command as Record<string, unknown>;
    if (command[event.commandName] === "leases") commands.push(event.commandName);
  });
  return { connection: monitored, commands, close: () => monitored.close() };
}

/** An instance's leases with the heartbeat run by hand (the test's clock decides when it is due). */
function leasesOf(owner: string, on: Connection = connection) {
  return createLeases(leaseModel(on), owner, clock.now, { heartbeatTimer: false });
}

const names = (count: number) => Array.from({ length: count }, () => `test:${randomUUID()}`);

describe("held leases and the heartbeat", () => {
  test("when the heartbeat runs every third of the TTL, then a held lease stays the holder's far past one TTL", async () => {
    const [name] = names(1) as [string];
    const holder = leasesOf("holder");
    const other = leasesOf("other");
    expect(await holder.hold(name, 15_000)).toBe(true);

    for (let tick = 0; tick < 6; tick++) {
      clock.advance(5_000);
      await holder.heartbeat();
      expect(await other.acquire(name, 15_000)).toBe(false);
    }

    expect(holder.stillHeld(name)).toBe(true); // 30 s on, twice the TTL
    expect(await holder.release(name)).toBe(false);
    expect(await other.acquire(name, 15_000)).toBe(true);
  });

  test("when the holder dies (no heartbeat), then another instance takes its lease after one TTL, not before", async () => {
    const [name] = names(1) as [string];
    const dead = leasesOf("dead");
    const next = leasesOf("next");
    expect(await dead.hold(name, 15_000)).toBe(true);

    clock.advance(14_000);
    expect(await next.hold(name, 15_000)).toBe(false);
    clock.advance(1_000);
    expect(await next.hold(name, 15_000)).toBe(true);

    // Had the old holder only stalled, its next heartbeat learns the lease is gone and its work stops.
    await dead.heartbeat();
    expect(dead.stillHeld(name)).toBe(false);
    expect(next.stillHeld(name)).toBe(true);
  });

  test("when the heartbeat is late, then the holder no longer counts its lease as held, and a renewal makes it so again", async () => {
    const [name] = names(1) as [string];
    const holder = leasesOf("holder");
    expect(await holder.hold(name, 15_000)).toBe(true);
    clock.advance(15_000);
    expect(holder.stillHeld(name)).toBe(false);
    expect(await holder.renew(name, 15_000)).toBe(true); // nobody took it meanwhile
    expect(holder.stillHeld(name)).toBe(true);
    await holder.release(name);
  });

  test("when many leases are held, then one heartbeat renews all of them in one command, and a released or merely acquired lease is not renewed", async () => {
    const monitored = await monitoredConnection();
    try {
      const held = names(20);
      const [released, cron] = names(2) as [string, string];
      const holder = leasesOf("holder", monitored.connection);
      const other = leasesOf("other");
      expect(await Promise.all([...held, released].map((name) => holder.hold(name, 15_000)))).toEqual(
        [...held, released].map(() => true),
      );
      expect(await holder.acquire(cron, 15_000)).toBe(true); // a cron tick's lease is left to run out
      await holder.release(released);
      monitored.commands.length = 0;

      clock.advance(10_000);
      await holder.heartbeat();

      expect(monitored.commands).toEqual(["update"]);
      clock.advance(10_000);
      expect(await Promise.all(held.map((name) => other.acquire(name, 15_000)))).toEqual(
        held.map(() => false),
      );
      expect(await other.acquire(cron, 15_000)).toBe(true);
    } finally {
      await monitored.close();
    }
  });

  test("when one of the held leases was taken by another instance, then the heartbeat marks only that one lost", async () => {
    const [kept, taken] = names(2) as [string, string];
    const holder = leasesOf("holder");
    const other = leasesOf("other");
    expect(await Promise.all([holder.hold(kept, 15_000), holder.hold(taken, 1_000)])).toEqual([true, true]);
    clock.advance(2_000);
    expect(await other.acquire(taken, 15_000)).toBe(true);

    await holder.heartbeat();

    expect(holder.stillHeld(kept)).toBe(true);
    expect(holder.stillHeld(taken)).toBe(false);
    expect(await holder.renew(taken, 15_000)).toBe(false);
  });

  test("when the heartbeat runs from its timer, then a held lease is renewed without anyone calling it", async () => {
    const name = `test:${randomUUID()}`;
    const holder = createLeases(leaseModel(connection), "timer", clock.now, { heartbeatTimer: true, logger });
    try {
      expect(await holder.hold(name, 900)).toBe(true); // a tick every 300 ms of real time
      clock.advance(60_000);
      // The lease's end moves past the advanced clock once a tick has run; polled, with a generous deadline.
      const deadline = Date.now() + 30_000;
      while (!holder.stillHeld(name) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(holder.stillHeld(name)).toBe(true);
      const stored = await leaseModel(connection).findById(name).lean();
      expect(stored?.until.getTime()).toBeGreaterThan(clock.now().getTime());
    } finally {
      holder.stop();
      await holder.release(name);
    }
  });

  test("when the heartbeat's command fails, then it is logged, the process goes on, and the lease counts as held only until its time runs out", async () => {
    const lines: string[] = [];
    const captured = createLogger({
      level: "warn",
      destination: new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }),
    });
    const [name] = names(1) as [string];
    const failing = await monitoredConnection();
    const holder = createLeases(leaseModel(failing.connection), "failing", clock.now, {
      heartbeatTimer: true,
      logger: captured,
    });
    try {
      expect(await holder.hold(name, 900)).toBe(true);
      await failing.close(); // every heartbeat from now on fails
      const deadline = Date.now() + 30_000;
      while (!lines.some((line) => line.includes("lease heartbeat failed")) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));

      expect(lines.some((line) => line.includes("lease heartbeat failed"))).toBe(true);
      expect(holder.stillHeld(name)).toBe(true); // the clock has not moved: its time is not up
      clock.advance(900);
      expect(holder.stillHeld(name)).toBe(false);
    } finally {
      holder.stop();
    }
  });
});

describe("takes and releases share one command", () => {
  test("when chats' leases are taken and others given back in the same turn, then all of it goes as one update command, and the given-back ones are free at once", async () => {
    const monitored = await monitoredConnection();
    try {
      const before = names(5);
      const after = names(5);
      const holder = leasesOf("holder", monitored.connection);
      const other = leasesOf("other");
      expect(await Promise.all(before.map((name) => holder.hold(name, 15_000)))).toEqual(
        before.map(() => true),
      );
      monitored.commands.length = 0;

      const [released, taken] = await Promise.all([
        Promise.all(before.map((name) => holder.release(name))),
        Promise.all(after.map((name) => holder.hold(name, 15_000))),
      ]);

      expect(monitored.commands).toEqual(["update"]); // was an update and a delete
      expect(released).toEqual(before.map(() => false));
      expect(taken).toEqual(after.map(() => true));
      expect(await Promise.all(before.map((name) => other.acquire(name, 15_000)))).toEqual(
        before.map(() => true),
      );
      expect(await Promise.all(after.map((name) => other.acquire(name, 15_000)))).toEqual(
        after.map(() => false),
      );
    } finally {
      await monitored.close();
    }
  });

  test("when a lease is given back and another taken a turn later, then the release waits for the take and both go as one update command", async () => {
    const monitored = await monitoredConnection();
    try {
      const [first, second] = names(2) as [string, string];
      const holder = leasesOf("holder", monitored.connection);
      expect(await holder.hold(first, 15_000)).toBe(true);
      monitored.commands.length = 0;

      const released = holder.release(first);
      // The next turn: a timer (the release's wait) cannot have fired before this runs, however slow the machine.
      await new Promise((resolve) => setImmediate(resolve));
      const taken = holder.hold(second, 15_000);

      expect(await Promise.all([released, taken])).toEqual([false, true]);
      expect(monitored.commands).toEqual(["update"]); // was a delete and an update
    } finally {
      await monitored.close();
    }
  });

  test("when one chat's lease is given back and taken again in the same turn, then the release lands first and the lease stays taken", async () => {
    const monitored = await monitoredConnection();
    try {
      const [name] = names(1) as [string];
      const holder = leasesOf("holder", monitored.connection);
      const other = leasesOf("other");
      expect(await holder.hold(name, 15_000)).toBe(true);
      monitored.commands.length = 0;

      expect(await Promise.all([holder.release(name), holder.hold(name, 15_000)])).toEqual([false, true]);

      expect(monitored.commands).toEqual(["update", "update"]); // an unordered bulk write keeps no order
      expect(holder.stillHeld(name)).toBe(true);
      expect(await other.acquire(name, 15_000)).toBe(false);
    } finally {
      await monitored.close();
    }
  });

  test("when one chat of a batch had a recheck asked and another chat's take is refused in the same command, then only that release says so and only that take fails", async () => {
    const monitored = await monitoredConnection();
    try {
      const [asked, plain, busy] = names(3) as [string, string, string];
      const holder = leasesOf("holder", monitored.connection);
      const other = leasesOf("other");
      expect(await Promise.all([holder.hold(asked, 15_000), holder.hold(plain, 15_000)])).toEqual([
        true,
        true,
      ]);
      expect(await other.hold(busy, 15_000)).toBe(true);
      expect(await other.requestRecheck(asked)).toBe(true);
      monitored.commands.length = 0;

      const answers = await Promise.all([
        holder.release(asked),
        holder.release(plain),
        holder.hold(busy, 15_000),
      ]);

      expect(answers).toEqual([true, false, false]);
      // The shared update, the read of which leases are left, and the one rechecked lease's give-back.
      expect(monitored.commands).toEqual(["update", "find", "findAndModify"]);
      expect(await other.acquire(asked, 15_000)).toBe(true);
      expect(await other.acquire(plain, 15_000)).toBe(true);
      expect(await other.requestRecheck(busy)).toBe(false); // its own lease: nobody else holds it
    } finally {
      await monitored.close();
    }
  });

  test("when a released lease is given back, then the holder can no longer renew it, and another instance asking for a recheck hears that nobody holds it", async () => {
    const [name] = names(1) as [string];
    const holder = leasesOf("holder");
    const other = leasesOf("other");
    expect(await holder.hold(name, 15_000)).toBe(true);
    expect(await holder.release(name)).toBe(false);

    expect(await other.requestRecheck(name)).toBe(false);
    expect(await holder.renew(name, 15_000)).toBe(false); // a late renewal does not bring it back
    expect(await other.hold(name, 15_000)).toBe(true);
  });

  test("when a lease is given back, then its document is left for the TTL index on until, which the embedded store honours as MongoDB does", async () => {
    await leaseModel(connection).createIndexes(); // as ensureIndexes does at start-up
    const indexes = await leaseModel(connection).collection.indexes();
    expect(indexes.find((index) => index.key.until === 1)?.expireAfterSeconds).toBe(3600);

    const [name] = names(1) as [string];
    const holder = leasesOf("holder");
    expect(await holder.hold(name, 15_000)).toBe(true);
    expect(await holder.release(name)).toBe(false);
    // The store's sweep (every second of real time) removes it; polled, with a generous deadline.
    const deadline = Date.now() + 30_000;
    while ((await leaseModel(connection).exists({ _id: name })) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(await leaseModel(connection).exists({ _id: name })).toBeNull();
  });
});
