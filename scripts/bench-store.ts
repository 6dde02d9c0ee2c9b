/**
 * `npm run bench:store`: what the embedded store costs, with the store in its own process (as a
 * reliability drill or a second service would use it) and its CPU read from /proc.
 *
 * 1. **Durability**: acknowledged single-document inserts per second, memory-only versus journaled
 *    (every acknowledged insert fsynced), at several numbers of concurrent clients; how many writes
 *    shared each fsync (group commit); and the store's CPU per insert.
 * 2. **CPU per operation** (`events`): the commands the bot's event path sends for one webhook
 *    event (traced from `npm run bench` on 2026-12-01; see `oneEvent`), replayed for many events
 *    over concurrent chats, memory-only: the store's CPU per event and per command.
 *
 *   BENCH_STORE_DOCS=20000 BENCH_STORE_CLIENTS=1,8,32,64 BENCH_STORE_ROUNDS=1 npm run bench:store
 *   BENCH_STORE_WORKLOADS=events BENCH_STORE_EVENTS=5000 BENCH_STORE_CHATS=16 npm run bench:store
 *
 * 3. **Streaming** (`stream`): the campaign delivery's audience read (see `measureStream`) over
 *    BENCH_STORE_STREAM_DOCS subscribers (200,000): the store's CPU per streamed document.
 *
 *   BENCH_STORE_WORKLOADS=stream BENCH_STORE_ROUNDS=3 npm run bench:store
 *
 * BENCH_STORE_WORKLOADS picks `inserts`, `events` or `stream` (default: the first two). BENCH_STORE_PROFILE=DIR writes
 * the store's CPU profile of each run there. Numbers move with the machine's load: compare the two
 * columns of one run, not runs on different days. With BENCH_STORE_ROUNDS=n each row alternates
 * memory and journal runs n times and reports the medians, which a shared machine's bursts disturb
 * less. docs/EMBEDDED-STORE.md ("Durability") and docs/PERFORMANCE.md ("Embedded store, CPU per
 * operation") record runs.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { type Db, MongoClient } from "mongodb";
import { cpuMs } from "./bench/proc";

const docs = Number(process.env.BENCH_STORE_DOCS ?? 20_000);
const clientCounts = (process.env.BENCH_STORE_CLIENTS ?? "1,8,32,64").split(",").map(Number);
const rounds = Math.max(1, Number(process.env.BENCH_STORE_ROUNDS ?? 1));
const workloads = new Set((process.env.BENCH_STORE_WORKLOADS ?? "inserts,events").split(","));
const events = Number(process.env.BENCH_STORE_EVENTS ?? 5_000);
const chats = Number(process.env.BENCH_STORE_CHATS ?? 16);
const streamDocs = Number(process.env.BENCH_STORE_STREAM_DOCS ?? 200_000);
const profileDir = process.env.BENCH_STORE_PROFILE;
const storeScript = join(__dirname, "embedded-store.js");

interface Measurement {
  insertsPerSecond: number;
  /** The store's CPU per measured insert, in µs (from /proc, so the warm-up is left out). */
  cpuMicrosPerInsert: number;
  /** Journal batches (one fsync each) and frames written, from the store's stop line. */
  journal?: { batches: number; frames: number; bytes: number };
}

interface RunningStore {
  child: ChildProcess;
  uri: string;
  lines: string[];
}

async function startStore(dataDir: string | undefined, label: string): Promise<RunningStore> {
  const args = ["--port", "0", ...(dataDir ? ["--data-dir", dataDir] : ["--memory"])];
  const profile = profileDir
    ? [
        "--cpu-prof",
        `--cpu-prof-dir=${profileDir}`,
        `--cpu-prof-name=store-${label}-${Date.now()}.cpuprofile`,
      ]
    : [];
  const child = spawn(process.execPath, [...profile, storeScript, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines: string[] = [];
  const uri = await new Promise<string>((resolve, reject) => {
    let partial = "";
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      const parts = (partial + chunk).split("\n");
      partial = parts.pop() ?? "";
      for (const line of parts) {
        lines.push(line);
        const record = parse(line) as { msg?: string; uri?: string };
        if (record.msg === "embedded store listening" && record.uri) resolve(record.uri);
      }
    });
    child.once("exit", (code) => reject(new Error(`store exited with ${code}`)));
  });
  return { child, uri, lines };
}

async function stopStore(store: RunningStore): Promise<void> {
  const exited = new Promise((resolve) => store.child.once("exit", resolve));
  store.child.kill("SIGTERM");
  await exited;
}

function storeCpuMs(store: RunningStore): number {
  const used = cpuMs(store.child.pid!);
  if (used === undefined) throw new Error("the store exited during the run");
  return used;
}

async function measure(clients: number, journaled: boolean): Promise<Measurement> {
  const dataDir = journaled ? mkdtempSync(join(tmpdir(), "bench-store-")) : undefined;
  const store = await startStore(dataDir, journaled ? "journal" : "memory");
  const client = await MongoClient.connect(`${store.uri}bench`, {
    maxPoolSize: clients,
    minPoolSize: clients,
  });
  let insertsPerSecond = 0;
  let cpuMicrosPerInsert = 0;
  try {
    const collection = client.db().collection("events");
    await collection.createIndex({ source: 1, receivedAt: 1 });
    const payload = randomBytes(150).toString("base64"); // about an inbox record's size
    const insert = (n: number) =>
      collection.insertOne({ source: `user-${n % 500}`, receivedAt: new Date(), status: "pending", payload });
    // Warm up: connections open, code paths compiled.
    await Promise.all(Array.from({ length: clients * 20 }, (_, n) => insert(n)));

    let next = 0;
    const cpuBefore = storeCpuMs(store);
    const started = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (next < docs) await insert(next++);
      }),
    );
    insertsPerSecond = docs / ((performance.now() - started) / 1000);
    cpuMicrosPerInsert = ((storeCpuMs(store) - cpuBefore) * 1000) / docs;
  } finally {
    await client.close();
    await stopStore(store);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
  return { insertsPerSecond, cpuMicrosPerInsert, journal: journalOf(store.lines) };
}

function journalOf(lines: string[]): Measurement["journal"] {
  for (const line of lines) {
    const record = parse(line) as { msg?: string; journal?: Measurement["journal"] };
    if (record.msg === "embedded store stopped") return record.journal;
  }
  return undefined;
}

function parse(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return {};
  }
}

async function insertsTable(): Promise<void> {
  const each = rounds > 1 ? `, median of ${rounds} alternating rounds` : "";
  console.log(`acknowledged insertOne, ${docs} documents per run, store in its own process${each}`);
  console.log(
    "clients  memory ins/s  journal ins/s  journal/memory  writes per fsync  store µs/insert memory/journal",
  );
  for (const clients of clientCounts) {
    const memory: Measurement[] = [];
    const journal: Measurement[] = [];
    const perFsync: number[] = [];
    for (let round = 0; round < rounds; round++) {
      memory.push(await measure(clients, false));
      const journaled = await measure(clients, true);
      journal.push(journaled);
      // Each insert is one frame; the warm-up and index creation are in the counts too, as are their fsyncs.
      const stats = journaled.journal;
      if (stats && stats.batches > 0) perFsync.push(stats.frames / stats.batches);
    }
    const memoryRate = median(memory.map((m) => m.insertsPerSecond));
    const journalRate = median(journal.map((m) => m.insertsPerSecond));
    console.log(
      [
        String(clients).padStart(7),
        memoryRate.toFixed(0).padStart(12),
        journalRate.toFixed(0).padStart(13),
        (journalRate / memoryRate).toFixed(2).padStart(14),
        (perFsync.length > 0 ? median(perFsync).toFixed(1) : "?").padStart(16),
        `${median(memory.map((m) => m.cpuMicrosPerInsert)).toFixed(0)} / ${median(
          journal.map((m) => m.cpuMicrosPerInsert),
        ).toFixed(0)}`.padStart(31),
      ].join("  "),
    );
  }
}

/** Sealed values in the bot's records are base64url text of about these lengths. */
const PAYLOAD = randomBytes(700).toString("base64url");
const ANSWER = randomBytes(1100).toString("base64url");
const DRAFT = randomBytes(450).toString("base64url");
const INBOX_RETENTION_MS = 7 * 24 * 3600 * 1000;

/** A record of the replay: string ids, as the bot's inbox, leases and conversations have. */
type Row = { _id: string } & Record<string, unknown>;

/** One chat of the replay: a user id and where its conversation is. */
interface Chat {
  source: string;
  officerSession: string;
  revision: number;
}

/**
 * The commands the bot's event path sends for one text message, in order, with the bot's shapes
 * (filters, sorts, update operators, transaction, document sizes), as traced from the store during
 * `npm run bench` (2026-12-01): inbox insert, lease claim, pending read, then in one transaction the
 * officer-session check, the per-chat message counter (a pipeline upsert), the state write and the
 * applied mark, the commit; the reply-sent mark, the done mark and the lease release.
 */
async function oneEvent(client: MongoClient, db: Db, chat: Chat, owner: string): Promise<void> {
  const now = new Date();
  const inbox = db.collection<Row>("webhook_events");
  const leases = db.collection<Row>("leases");
  const conversations = db.collection<Row>("conversations");
  const id = randomUUID();
  await inbox.insertOne({
    _id: id,
    source: chat.source,
    type: "message",
    occurredAt: now,
    receivedAt: now,
    status: "pending",
    attempts: 0,
    notBefore: now,
    payload: PAYLOAD,
    redelivered: false,
  });
  const lease = `source:${chat.source}`;
  await leases.bulkWrite(
    [
      {
        updateOne: {
          filter: { _id: lease, $or: [{ until: { $lte: now } }, { owner }] },
          update: { $set: { owner, until: new Date(now.getTime() + 60_000) }, $unset: { recheck: "" } },
          upsert: true,
        },
      },
    ],
    { ordered: false },
  );
  await inbox
    .find(
      { source: chat.source, status: "pending" },
      { sort: { occurredAt: 1, receivedAt: 1, _id: 1 }, limit: 10 },
    )
    .toArray();

  const session = client.startSession();
  try {
    session.startTransaction();
    await db
      .collection<Row>("officer_sessions")
      .findOne({ _id: chat.officerSession, expiresAt: { $gt: now } }, { session });
    const window = Math.floor(now.getTime() / 60_000);
    await conversations.findOneAndUpdate(
      { _id: chat.source },
      [
        {
          $set: {
            messages: {
              window,
              count: {
                $cond: [{ $eq: ["$messages.window", window] }, { $add: ["$messages.count", 1] }, 1],
              },
            },
            revision: { $ifNull: ["$revision", 0] },
            expiresAt: { $ifNull: ["$expiresAt", new Date(now.getTime() + 120_000)] },
          },
        },
      ],
      { upsert: true, returnDocument: "after", session },
    );
    await conversations.updateOne(
      { _id: chat.source, revision: chat.revision },
      {
        $set: {
          stateVersion: 1,
          revision: chat.revision + 1,
          updatedAt: now,
          expiresAt: new Date(now.getTime() + 180 * 24 * 3600 * 1000),
          locale: "th",
          flow: { kind: "report", step: chat.revision % 11, draft: DRAFT },
        },
      },
      { upsert: true, session },
    );
    chat.revision++;
    await inbox.updateOne(
      { _id: id, status: "pending", answer: { $exists: false } },
      { $set: { answer: ANSWER } },
      { session },
    );
    await session.commitTransaction();
  } finally {
    await session.endSession();
  }
  await inbox.updateOne({ _id: id, status: "pending" }, { $set: { replySentAt: new Date() } });
  await inbox.bulkWrite(
    [
      {
        updateOne: {
          filter: { _id: id },
          update: {
            $set: { status: "done", expiresAt: new Date(Date.now() + INBOX_RETENTION_MS) },
            $unset: { payload: 1, answer: 1, lastError: 1, failedAt: 1, replySentAt: 1 },
          },
        },
      },
    ],
    { ordered: false },
  );
  await leases.bulkWrite([{ deleteOne: { filter: { _id: lease, owner, recheck: { $ne: true } } } }], {
    ordered: false,
  });
}

interface EventMeasurement {
  eventsPerSecond: number;
  cpuMsPerEvent: number;
  commandsPerEvent: number;
  cpuMicrosPerCommand: number;
}

/** Replays `events` events over `chats` concurrent chats (each chat's events one after another). */
async function measureEvents(): Promise<EventMeasurement> {
  const store = await startStore(undefined, "events");
  const client = await MongoClient.connect(`${store.uri}bench`, {
    maxPoolSize: chats,
    monitorCommands: true,
  });
  try {
    const db = client.db();
    // The bot's indexes on these collections (its schemas' createIndexes, from the same trace).
    await db
      .collection("webhook_events")
      .createIndexes([
        { key: { source: 1, status: 1, occurredAt: 1 } },
        { key: { status: 1, notBefore: 1 } },
        { key: { expiresAt: 1 }, expireAfterSeconds: 0 },
      ]);
    for (const name of ["officer_sessions", "conversations"]) {
      await db.collection(name).createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
    }
    const users = Math.max(chats, 1000);
    const pool: Chat[] = Array.from({ length: users }, () => ({
      source: randomBytes(32).toString("base64url"),
      officerSession: randomBytes(32).toString("base64url"),
      revision: 0,
    }));
    const owner = randomUUID();
    const run = async (count: number) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: chats }, async (_, lane) => {
          // Lane `lane` owns users lane, lane + chats, …: no chat has two events in flight.
          for (let n = next++; n < count; n = next++) {
            const chat = pool[(lane + chats * (n % Math.floor(users / chats))) % users] as Chat;
            await oneEvent(client, db, chat, owner);
          }
        }),
      );
    };
    await run(Math.min(1000, Math.max(100, events / 5))); // warm-up: code compiled, collections populated
    let commands = 0;
    client.on("commandStarted", () => commands++);
    const cpuBefore = storeCpuMs(store);
    const started = performance.now();
    await run(events);
    const seconds = (performance.now() - started) / 1000;
    const cpu = storeCpuMs(store) - cpuBefore;
    return {
      eventsPerSecond: events / seconds,
      cpuMsPerEvent: cpu / events,
      commandsPerEvent: commands / events,
      cpuMicrosPerCommand: (cpu * 1000) / commands,
    };
  } finally {
    await client.close();
    await stopStore(store);
  }
}

async function eventsTable(): Promise<void> {
  const each = rounds > 1 ? `, median of ${rounds} runs` : "";
  console.log(
    `\nthe bot's event path replayed: ${events} events over ${chats} concurrent chats, memory only${each}`,
  );
  console.log("events/s  commands/event  store CPU ms/event  store CPU µs/command");
  const results: EventMeasurement[] = [];
  for (let round = 0; round < rounds; round++) results.push(await measureEvents());
  const pick = (field: keyof EventMeasurement) => median(results.map((result) => result[field]));
  console.log(
    [
      pick("eventsPerSecond").toFixed(0).padStart(8),
      pick("commandsPerEvent").toFixed(1).padStart(14),
      pick("cpuMsPerEvent").toFixed(3).padStart(18),
      pick("cpuMicrosPerCommand").toFixed(0).padStart(20),
    ].join("  "),
  );
}

/**
 * The campaign delivery's read (src/awareness/delivery.ts): active subscribers with a topic, in
 * `_id` order from the `{ status: 1, _id: 1 }` index, three fields projected, raw batches of 2,000,
 * read to the end by one client. Only the store works here (no deliverer, no platform), so its CPU
 * per streamed document moves less with the machine's load than `bench-delivery`'s column does.
 */
async function measureStream(): Promise<{ cpuMicrosPerDocument: number; documentsPerSecond: number }> {
  const store = await startStore(undefined, "stream");
  const client = await MongoClient.connect(`${store.uri}bench`);
  try {
    const subscribers = client.db().collection<Row>("subscribers");
    await subscribers.createIndexes([
      { key: { status: 1, _id: 1 } },
      { key: { status: 1, locale: 1, _id: 1 } },
    ]);
    const at = new Date();
    for (let offset = 0; offset < streamDocs; offset += 10_000) {
      const chunk: Row[] = [];
      for (let i = offset; i < Math.min(streamDocs, offset + 10_000); i++) {
        chunk.push({
          _id: randomBytes(32).toString("base64url"), // a pseudonym: random order
          status: "active",
          locale: i % 5 === 0 ? "en" : "th",
          topics: ["knowledge"],
          userId: randomBytes(48).toString("base64url"), // a sealed user id
          createdAt: at,
          updatedAt: at,
        });
      }
      await subscribers.insertMany(chunk, { ordered: false });
    }
    const read = async () => {
      const cursor = subscribers.find(
        { status: "active", topics: { $in: ["knowledge"] } },
        { projection: { userId: 1, locale: 1 }, sort: { _id: 1 }, batchSize: 2_000, raw: true },
      );
      let n = 0;
      while (await cursor.hasNext()) n += cursor.readBufferedDocuments().length;
      await cursor.close();
      if (n !== streamDocs) throw new Error(`streamed ${n} of ${streamDocs}`);
    };
    await read(); // warm-up
    const cpuBefore = storeCpuMs(store);
    const started = performance.now();
    await read();
    const seconds = (performance.now() - started) / 1000;
    return {
      cpuMicrosPerDocument: ((storeCpuMs(store) - cpuBefore) * 1000) / streamDocs,
      documentsPerSecond: streamDocs / seconds,
    };
  } finally {
    await client.close();
    await stopStore(store);
  }
}

async function streamTable(): Promise<void> {
  const each = rounds > 1 ? `, median of ${rounds} runs` : "";
  console.log(`\nthe campaign delivery's audience read: ${streamDocs} subscribers, memory only${each}`);
  console.log("documents/s  store CPU µs/document");
  const results: Array<{ cpuMicrosPerDocument: number; documentsPerSecond: number }> = [];
  for (let round = 0; round < rounds; round++) results.push(await measureStream());
  console.log(
    [
      median(results.map((result) => result.documentsPerSecond))
        .toFixed(0)
        .padStart(11),
      median(results.map((result) => result.cpuMicrosPerDocument))
        .toFixed(2)
        .padStart(21),
    ].join("  "),
  );
}

async function main(): Promise<void> {
  if (workloads.has("inserts")) await insertsTable();
  if (workloads.has("events")) await eventsTable();
  if (workloads.has("stream")) await streamTable();
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
