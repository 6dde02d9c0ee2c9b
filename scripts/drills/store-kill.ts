/**
 * Kill drill for the embedded store's durability (issue 9): `kill -9` at random instants while
 * clients write, restart, and check that every acknowledged write is there. Two targets, separately:
 *  - the standalone store (`node dist/scripts/embedded-store.js`), written to by concurrent driver
 *    clients through inserts, multi-document inserts, updates, deletes, findAndModify,
 *    transactions and `$out`, with compaction forced often so kills also land in the middle of one;
 *  - local mode (`node dist/src/main.js`, bot and store in one process), sent signed webhook events:
 *    an event answered 200 must be in the inbox after the restart.
 * After the last kill each target is also stopped cleanly (SIGTERM) and restarted once more.
 *
 *   npm run drill:store-kill                       # 20 kills of each (builds first)
 *   npm run drill:store-kill -- --kills 5 --local-kills 0 --seed 42
 *
 * A start that fails, or data that breaks an invariant (money appearing in the transfer ledger, an
 * `$out` report that is not one whole report), counts as a corrupt start. The seed is printed so a failing run can be repeated.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type Db, MongoClient } from "mongodb";
import { type DrillResult, formatDrillTable } from "./result";

export interface StoreKillOptions {
  /** Kills of the standalone store. Default 20. */
  storeKills?: number;
  /** Kills of local mode. Default 20. */
  localKills?: number;
  /** Concurrent clients (driver clients for the store, webhook senders for local mode). Default 8. */
  writers?: number;
  /** The kill comes at a random instant this long after writing starts. Default 100–1500 ms. */
  killAfterMs?: { min: number; max: number };
  /** The standalone store's compaction threshold: small, so kills hit compactions. Default 256 KiB. */
  compactAfterBytes?: number;
  /** Seed of the drill's random choices (kill instants, operations). Default: random, reported. */
  seed?: number;
  /** How to start the standalone store; the drill appends its own arguments. Default: dist/scripts/embedded-store.js. */
  storeCommand?: string[];
  /** How to start local mode. Default: dist/src/main.js. */
  localCommand?: string[];
  /** Working directory of the children (where .env would be read). Default: this repository. */
  cwd?: string;
  /** Keep the data directories afterwards (printed in details). Default false. */
  keep?: boolean;
  /** How long a restart may take before it counts as failed. Generous: CI machines are loaded. Default 120 s. */
  startTimeoutMs?: number;
  /** Progress lines. Default: none. */
  log?: (line: string) => void;
}

/** What one target (store or local mode) came to. */
interface TargetReport {
  kills: number;
  restarts: number;
  corruptStarts: number;
  sent: number;
  acknowledged: number;
  lost: number;
  duplicated: number;
  /** Writes seen after one restart but missing after a later one (never acknowledged, still a fault). */
  vanished: number;
  invariantViolations: number;
  lostExamples: string[];
  /** Why each corrupt start counted: the failed start's last output lines, or the stop's exit code. */
  problems: string[];
  [extra: string]: unknown;
}

const COMPILED = __filename.endsWith(".js");
/** The repository: children run there, as `npm start` would. */
const ROOT = join(__dirname, ...(COMPILED ? ["..", "..", ".."] : ["..", ".."]));
const DEFAULTS = {
  storeKills: 20,
  localKills: 20,
  writers: 8,
  killAfterMs: { min: 100, max: 1500 },
  compactAfterBytes: 256 * 1024,
  startTimeoutMs: 120_000,
};

export async function run(options: StoreKillOptions = {}): Promise<DrillResult> {
  const seed = options.seed ?? randomBytes(4).readUInt32LE();
  const random = mulberry32(seed);
  const workDir = mkdtempSync(join(tmpdir(), "drill-store-kill-"));
  const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  const settings: Settings = { ...DEFAULTS, log: () => undefined, ...given, random, workDir };
  // Compiled, the scripts sit next to this one in dist/; from source the caller says how to run them.
  const storeCommand =
    options.storeCommand ??
    (COMPILED ? [process.execPath, join(__dirname, "..", "embedded-store.js")] : undefined);
  const localCommand =
    options.localCommand ??
    (COMPILED ? [process.execPath, join(__dirname, "..", "..", "src", "main.js")] : undefined);
  if (!storeCommand || !localCommand)
    throw new Error("pass storeCommand and localCommand when running from source");

  try {
    const store = settings.storeKills > 0 ? await storeTarget(settings, storeCommand) : undefined;
    const local = settings.localKills > 0 ? await localTarget(settings, localCommand) : undefined;
    const reports = [store, local].filter((report): report is TargetReport => report !== undefined);
    const sum = (field: "sent" | "acknowledged" | "lost" | "duplicated"): number =>
      reports.reduce((total, report) => total + report[field], 0);
    const faults = reports.reduce(
      (total, report) => total + report.corruptStarts + report.vanished + report.invariantViolations,
      0,
    );
    return {
      drill: "store-kill",
      sent: sum("sent"),
      acknowledged: sum("acknowledged"),
      processed: sum("acknowledged") - sum("lost"),
      lost: sum("lost"),
      duplicated: sum("duplicated"),
      ok: sum("lost") === 0 && sum("duplicated") === 0 && faults === 0 && reports.length > 0,
      details: { seed, store, local, ...(options.keep ? { workDir } : {}) },
    };
  } finally {
    if (!options.keep) rmSync(workDir, { recursive: true, force: true });
  }
}

type Settings = Required<
  Omit<StoreKillOptions, "seed" | "storeCommand" | "localCommand" | "cwd" | "keep">
> & {
  random: () => number;
  workDir: string;
  cwd?: string;
};

// ---------------------------------------------------------------------------------------------
// The standalone store

const ACCOUNTS = 4;
const OPENING_BALANCE = 1000;

async function storeTarget(settings: Settings, command: string[]): Promise<TargetReport> {
  const dataDir = join(settings.workDir, "store");
  const book = new StoreBook(settings.random);
  const report = book.report;
  const args = [
    "--port",
    "0",
    "--data-dir",
    dataDir,
    "--compact-after-bytes",
    String(settings.compactAfterBytes),
  ];
  let child = await startStore(command, args, settings, report.problems);
  if (!child) return { ...report, corruptStarts: 1 };
  let client = await connect(child.uri);
  await book.prepare(client.db("drill"));

  for (let kill = 1; kill <= settings.storeKills; kill++) {
    const stop = { stopped: false };
    const writers = Array.from({ length: settings.writers }, (_, w) => book.write(client, w, stop));
    const instant = between(settings.random, settings.killAfterMs.min, settings.killAfterMs.max);
    if (kill % 4 === 0) {
      // Every fourth kill is aimed at a compaction: as soon as one starts (or after 5 s if none
      // does), so crashes also land between capture, snapshot rename and cleanup.
      const compacting = (record: Record<string, unknown>) =>
        record.msg === "embedded store compacting" || undefined;
      await child.waitForLine(compacting, Math.max(instant, 5000));
    } else {
      await sleep(instant);
    }
    await killHard(child.process);
    stop.stopped = true;
    await Promise.allSettled(writers);
    await client.close(true);
    report.kills++;
    book.countLogLines(child.lines);

    child = await startStore(command, args, settings, report.problems);
    if (!child) {
      report.corruptStarts++;
      return report;
    }
    report.restarts++;
    client = await connect(child.uri);
    await book.verify(client.db("drill"));
    settings.log(`store: kill ${kill}/${settings.storeKills}: ${summary(report)}`);
  }

  // A clean stop must keep everything too (its final snapshot replaces the journal).
  await client.close();
  const exitCode = await stopGently(child.process);
  book.countLogLines(child.lines);
  if (exitCode !== 0) {
    report.corruptStarts++;
    report.problems.push(
      `a clean stop (SIGTERM) exited with ${exitCode}; last output:\n${child.lines.slice(-20).join("\n")}`,
    );
  }
  child = await startStore(command, args, settings, report.problems);
  if (!child) return { ...report, corruptStarts: report.corruptStarts + 1 };
  report.restarts++;
  client = await connect(child.uri);
  await book.verify(client.db("drill"));
  await client.close();
  await stopGently(child.process);
  settings.log(`store: clean stop and start: ${summary(report)}`);
  return report;
}

interface StoreChild {
  process: ChildProcess;
  uri: string;
  lines: string[];
  waitForLine: SpawnedChild["waitForLine"];
}

async function startStore(
  command: string[],
  args: string[],
  settings: Settings,
  problems: string[],
): Promise<StoreChild | undefined> {
  const child = spawnChild([...command, ...args], { PATH: process.env.PATH ?? "" }, settings.cwd);
  const listening = await child.waitForLine(
    (record) => (record.msg === "embedded store listening" ? String(record.uri) : undefined),
    settings.startTimeoutMs,
  );
  if (listening === undefined) {
    problems.push(startFailure("store", child));
    settings.log(problems.at(-1) as string);
    child.process.kill("SIGKILL");
    return undefined;
  }
  return { process: child.process, uri: listening, lines: child.lines, waitForLine: child.waitForLine };
}

function connect(uri: string): Promise<MongoClient> {
  // No retries: a write either got its acknowledgement from this server or it did not.
  return MongoClient.connect(`${uri}drill`, {
    retryWrites: false,
    retryReads: false,
    serverSelectionTimeoutMS: 2000,
    maxPoolSize: 20,
  });
}

type EventState = "present" | "absent" | "unknown";

/**
 * What the drill believes is in the store. Writer `w` owns its events (`w:seq`) and its counter, so
 * at most one of its writes is ever in flight: at a kill that one is "unknown" and the restart
 * settles it by looking. Transfers move money between shared accounts in transactions.
 */
class StoreBook {
  readonly report: TargetReport = newReport({
    compactions: 0,
    tornTailsDropped: 0,
    killsDuringCompaction: 0,
    outReports: 0,
  });
  private readonly events = new Map<string, EventState>();
  private readonly presentByWriter = new Map<number, string[]>();
  private readonly claims = new Set<string>();
  private readonly counters = new Map<number, { acked: number; sent: number }>();
  private readonly transfers = new Map<string, EventState>();
  private readonly nextSeq = new Map<number, number>();
  private readonly lostUnits = new Set<string>();
  private readonly acknowledgedUnits = new Set<string>();
  private reportsSent = 0;
  private reportAcked = 0;

  constructor(private readonly random: () => number) {}

  async prepare(db: Db): Promise<void> {
    await db.collection("events").createIndex({ writer: 1, seq: 1 });
    await db
      .collection<{ _id: string; balance: number }>("accounts")
      .insertMany(Array.from({ length: ACCOUNTS }, (_, i) => ({ _id: `a${i}`, balance: OPENING_BALANCE })));
  }

  /** One client's loop of random writes until the kill. */
  async write(client: MongoClient, writer: number, stop: { stopped: boolean }): Promise<void> {
    const db = client.db("drill");
    const events = db.collection("events");
    while (!stop.stopped) {
      const choice = this.random();
      try {
        if (choice < 0.4) {
          const key = this.newKey(writer);
          await this.tracked([key], () => events.insertOne(this.event(writer, key)));
        } else if (choice < 0.55) {
          const keys = [this.newKey(writer), this.newKey(writer), this.newKey(writer)];
          await this.tracked(keys, () => events.insertMany(keys.map((key) => this.event(writer, key))));
        } else if (choice < 0.7) {
          const counter = this.counterOf(writer);
          counter.sent++;
          this.report.sent++;
          await db
            .collection<{ _id: string; n: number }>("counters")
            .updateOne({ _id: `counter-${writer}` }, { $inc: { n: 1 } }, { upsert: true });
          counter.acked++;
          this.acknowledge(`inc:${writer}:${counter.acked}`);
        } else if (choice < 0.8) {
          await this.deleteOne(events, writer);
        } else if (choice < 0.9) {
          await this.claimOne(events, writer);
        } else if (choice < 0.97 || writer !== 0) {
          await this.transfer(client, writer);
        } else {
          await this.outReport(db);
        }
      } catch {
        if (stop.stopped) return;
        // A write conflict that outlived withTransaction's retries, or the kill itself: not acknowledged.
      }
    }
  }

  private async tracked(keys: string[], write: () => Promise<unknown>): Promise<void> {
    for (const key of keys) this.events.set(key, "unknown");
    this.report.sent += keys.length;
    await write();
    for (const key of keys) {
      this.events.set(key, "present");
      this.presentOf(writerOf(key)).push(key);
      this.acknowledge(`insert:${key}`);
    }
  }

  private async deleteOne(events: ReturnType<Db["collection"]>, writer: number): Promise<void> {
    const present = this.presentOf(writer);
    if (present.length === 0) return;
    const key = present.splice(Math.floor(this.random() * present.length), 1)[0] as string;
    this.events.set(key, "unknown");
    this.report.sent++;
    await events.deleteOne(filterOf(key));
    this.events.set(key, "absent");
    this.claims.delete(key);
    this.acknowledge(`delete:${key}`);
  }

  private async claimOne(events: ReturnType<Db["collection"]>, writer: number): Promise<void> {
    const present = this.presentOf(writer).filter((key) => !this.claims.has(key));
    if (present.length === 0) return;
    const key = present[Math.floor(this.random() * present.length)] as string;
    this.report.sent++;
    const claimed = await events.findOneAndUpdate(
      { ...filterOf(key), claimed: { $ne: true } },
      { $set: { claimed: true } },
    );
    if (!claimed) return;
    this.claims.add(key);
    this.acknowledge(`claim:${key}`);
  }

  /**
   * `$out` of the accounts into a report, by writer 0 only so reports are acknowledged in order.
   * The swap is atomic: after any restart the report is one whole report, never a mix or a part.
   */
  private async outReport(db: Db): Promise<void> {
    const seq = ++this.reportsSent;
    this.report.sent++;
    await db
      .collection("accounts")
      .aggregate([{ $set: { report: seq } }, { $out: "accounts_report" }])
      .toArray();
    this.reportAcked = seq;
    (this.report.outReports as number)++;
    this.acknowledge(`report:${seq}`);
  }

  private async transfer(client: MongoClient, writer: number): Promise<void> {
    const key = this.newKey(writer);
    const from = `a${Math.floor(this.random() * ACCOUNTS)}`;
    const to = `a${Math.floor(this.random() * ACCOUNTS)}`;
    const amount = 1 + Math.floor(this.random() * 10);
    const db = client.db("drill");
    const accounts = db.collection<{ _id: string; balance: number }>("accounts");
    this.transfers.set(key, "unknown");
    this.report.sent++;
    const session = client.startSession();
    try {
      await session.withTransaction(async () => {
        await accounts.updateOne({ _id: from }, { $inc: { balance: -amount } }, { session });
        await accounts.updateOne({ _id: to }, { $inc: { balance: amount } }, { session });
        await db.collection("transfers").insertOne({ ...filterOf(key), from, to, amount }, { session });
      });
    } finally {
      await session.endSession().catch(() => undefined);
    }
    this.transfers.set(key, "present");
    this.acknowledge(`transfer:${key}`);
  }

  /** After a restart: everything acknowledged (in this and earlier rounds) must be there. */
  async verify(db: Db): Promise<void> {
    const stored = await db
      .collection("events")
      .find({}, { projection: { _id: 0, writer: 1, seq: 1, claimed: 1 } })
      .toArray();
    const found = countByKey(stored);
    this.report.duplicated += duplicatesIn(found);
    for (const [key, state] of this.events) {
      const here = found.get(key);
      if (state === "present" && !here) this.lose(`insert:${key}`);
      else if (state === "absent" && here) this.lose(`delete:${key}`);
      else if (state === "unknown") this.events.set(key, here ? "present" : "absent");
      if (here && this.claims.has(key) && !here.claimed) this.lose(`claim:${key}`);
    }
    this.rebuildPresent();

    const counters = await db.collection<{ _id: string; n: number }>("counters").find().toArray();
    for (const [writer, counter] of this.counters) {
      const value = counters.find((doc) => doc._id === `counter-${writer}`)?.n ?? 0;
      for (let n = value + 1; n <= counter.acked; n++) this.lose(`inc:${writer}:${n}`);
      if (value > counter.sent) this.report.duplicated += value - counter.sent;
      counter.acked = counter.sent = value;
    }

    const transfers = countByKey(await db.collection("transfers").find().toArray());
    this.report.duplicated += duplicatesIn(transfers);
    for (const [key, state] of this.transfers) {
      if (state === "present" && !transfers.has(key)) this.lose(`transfer:${key}`);
      else if (state === "unknown") this.transfers.set(key, transfers.has(key) ? "present" : "absent");
    }
    const balances = await db.collection<{ balance: number }>("accounts").find().toArray();
    const total = balances.reduce((sum, account) => sum + account.balance, 0);
    if (balances.length !== ACCOUNTS || total !== ACCOUNTS * OPENING_BALANCE) {
      this.report.invariantViolations++;
      this.report.lostExamples.push(`accounts total ${total} over ${balances.length} accounts`);
    }

    const reports = await db
      .collection<{ balance: number; report: number }>("accounts_report")
      .find()
      .toArray();
    if (reports.length > 0 || this.reportAcked > 0) {
      const seqs = new Set(reports.map((account) => account.report));
      const reported = reports.reduce((sum, account) => sum + account.balance, 0);
      if (reports.length !== ACCOUNTS || seqs.size !== 1 || reported !== ACCOUNTS * OPENING_BALANCE) {
        this.report.invariantViolations++;
        this.report.lostExamples.push(
          `report of ${reports.length} accounts, ${seqs.size} runs, total ${reported}`,
        );
      } else if ((reports[0]?.report ?? 0) < this.reportAcked) {
        this.lose(`report:${this.reportAcked}`);
      }
    }
  }

  /** Compactions, kills that came during one, and dropped torn tails, from one store process's log lines. */
  countLogLines(lines: string[]): void {
    let started = 0;
    let saved = 0;
    for (const line of lines.splice(0)) {
      if (line.includes('"embedded store compacting"')) started++;
      if (line.includes('"embedded store saved a snapshot"')) saved++;
      if (line.includes('"embedded store dropped a torn journal tail"'))
        (this.report.tornTailsDropped as number)++;
    }
    (this.report.compactions as number) += saved;
    if (started > saved) (this.report.killsDuringCompaction as number)++;
  }

  private acknowledge(unit: string): void {
    this.acknowledgedUnits.add(unit);
    this.report.acknowledged++;
  }

  /** A write that is missing: lost if it was acknowledged, else it vanished after a restart had shown it. */
  private lose(unit: string): void {
    if (this.lostUnits.has(unit)) return;
    this.lostUnits.add(unit);
    if (this.acknowledgedUnits.has(unit)) this.report.lost++;
    else this.report.vanished++;
    if (this.report.lostExamples.length < 10) this.report.lostExamples.push(unit);
  }

  private newKey(writer: number): string {
    const seq = (this.nextSeq.get(writer) ?? 0) + 1;
    this.nextSeq.set(writer, seq);
    return `${writer}:${seq}`;
  }

  private event(writer: number, key: string): { writer: number; seq: number; payload: string } {
    // Sizes vary so journal frames and batches do too.
    const payload = randomBytes(Math.floor(25 + this.random() * 700)).toString("hex");
    return { ...filterOf(key), writer, payload };
  }

  private counterOf(writer: number): { acked: number; sent: number } {
    let counter = this.counters.get(writer);
    if (!counter) {
      counter = { acked: 0, sent: 0 };
      this.counters.set(writer, counter);
    }
    return counter;
  }

  private presentOf(writer: number): string[] {
    let present = this.presentByWriter.get(writer);
    if (!present) {
      present = [];
      this.presentByWriter.set(writer, present);
    }
    return present;
  }

  private rebuildPresent(): void {
    this.presentByWriter.clear();
    for (const [key, state] of this.events) if (state === "present") this.presentOf(writerOf(key)).push(key);
  }
}

function filterOf(key: string): { writer: number; seq: number } {
  const [writer, seq] = key.split(":").map(Number) as [number, number];
  return { writer, seq };
}

function writerOf(key: string): number {
  return filterOf(key).writer;
}

function countByKey(docs: Array<Record<string, unknown>>): Map<string, { count: number; claimed: boolean }> {
  const counts = new Map<string, { count: number; claimed: boolean }>();
  for (const doc of docs) {
    const key = `${String(doc.writer)}:${String(doc.seq)}`;
    const entry = counts.get(key) ?? { count: 0, claimed: false };
    entry.count++;
    entry.claimed ||= doc.claimed === true;
    counts.set(key, entry);
  }
  return counts;
}

function duplicatesIn(counts: Map<string, { count: number }>): number {
  let duplicates = 0;
  for (const { count } of counts.values()) duplicates += Math.max(0, count - 1);
  return duplicates;
}

// ---------------------------------------------------------------------------------------------
// Local mode

async function localTarget(settings: Settings, command: string[]): Promise<TargetReport> {
  const dataDir = join(settings.workDir, "local");
  const report = newReport({ processedAtEnd: 0 });
  const acknowledged = new Set<string>();
  const lost = new Set<string>();
  const users = Array.from({ length: 16 }, () => `U${randomBytes(16).toString("hex")}`);

  let child = await startLocal(command, dataDir, settings, report.problems);
  if (!child) return { ...report, corruptStarts: 1 };
  const secret = (
    JSON.parse(readFileSync(join(dataDir, "local-secrets.json"), "utf8")) as { channelSecret: string }
  ).channelSecret;

  const verify = async (storePort: number): Promise<void> => {
    const client = await MongoClient.connect(`mongodb://127.0.0.1:${storePort}/tipline`, {
      serverSelectionTimeoutMS: 10_000,
    });
    try {
      const inbox = client.db().collection<{ _id: string }>("webhook_events");
      const ids = [...acknowledged];
      const found = new Set<string>();
      for (let i = 0; i < ids.length; i += 1000) {
        const page = await inbox
          .find({ _id: { $in: ids.slice(i, i + 1000) } }, { projection: { _id: 1 } })
          .toArray();
        for (const { _id } of page) found.add(_id);
      }
      for (const id of ids) {
        if (found.has(id) || lost.has(id)) continue;
        lost.add(id);
        report.lost++;
        if (report.lostExamples.length < 10) report.lostExamples.push(`event:${id}`);
      }
    } finally {
      await client.close();
    }
  };

  for (let kill = 1; kill <= settings.localKills; kill++) {
    const stop = { stopped: false };
    const senders = Array.from({ length: settings.writers }, () =>
      sendEvents(child!.port, secret, users, settings.random, stop, report, acknowledged),
    );
    await sleep(between(settings.random, settings.killAfterMs.min, settings.killAfterMs.max));
    await killHard(child.process);
    stop.stopped = true;
    await Promise.allSettled(senders);
    report.kills++;

    child = await startLocal(command, dataDir, settings, report.problems);
    if (!child) {
      report.corruptStarts++;
      return report;
    }
    report.restarts++;
    await verify(child.storePort);
    settings.log(`local: kill ${kill}/${settings.localKills}: ${summary(report)}`);
  }

  const exitCode = await stopGently(child.process);
  if (exitCode !== 0) {
    report.corruptStarts++;
    report.problems.push(
      `a clean stop (SIGTERM) exited with ${exitCode}; last output:\n${child.lines.slice(-20).join("\n")}`,
    );
  }
  child = await startLocal(command, dataDir, settings, report.problems);
  if (!child) return { ...report, corruptStarts: report.corruptStarts + 1 };
  report.restarts++;
  await verify(child.storePort);
  report.processedAtEnd = acknowledged.size - lost.size;
  await stopGently(child.process);
  settings.log(`local: clean stop and start: ${summary(report)}`);
  return report;
}

interface LocalChild {
  process: ChildProcess;
  port: number;
  storePort: number;
  lines: string[];
}

async function startLocal(
  command: string[],
  dataDir: string,
  settings: Settings,
  problems: string[],
): Promise<LocalChild | undefined> {
  const [port, storePort] = [await freePort(), await freePort()];
  const child = spawnChild(
    command,
    {
      PATH: process.env.PATH ?? "",
      DATA_DIR: dataDir,
      PORT: String(port),
      EMBEDDED_DB_PORT: String(storePort),
      LOG_LEVEL: "info",
    },
    settings.cwd,
  );
  // main.ts logs "ready" once start-up is complete. /readyz answers earlier, while local mode still
  // sets up the fake platform, and a SIGTERM then fails start-up with exit 1: a race of main.ts's
  // own, which this drill is not about.
  const ready = await child.waitForLine(
    (record) => (record.msg === "ready" ? true : undefined),
    settings.startTimeoutMs,
  );
  if (ready) return { process: child.process, port, storePort, lines: child.lines };
  problems.push(startFailure("local mode", child));
  settings.log(problems.at(-1) as string);
  child.process.kill("SIGKILL");
  return undefined;
}

/** One sender: text messages from random users, one event per request, until the kill. */
async function sendEvents(
  port: number,
  secret: string,
  users: string[],
  random: () => number,
  stop: { stopped: boolean },
  report: TargetReport,
  acknowledged: Set<string>,
): Promise<void> {
  while (!stop.stopped) {
    const webhookEventId = `DRILL${randomBytes(11).toString("hex").toUpperCase()}`;
    const body = JSON.stringify({
      destination: "Udrill",
      events: [
        {
          type: "message",
          mode: "active",
          timestamp: Date.now(),
          source: { type: "user", userId: users[Math.floor(random() * users.length)] },
          webhookEventId,
          deliveryContext: { isRedelivery: false },
          replyToken: randomBytes(16).toString("hex"),
          message: {
            type: "text",
            id: String(Date.now()) + String(Math.floor(random() * 1e6)),
            text: "สวัสดี",
          },
        },
      ],
    });
    const signature = createHmac("sha256", secret).update(body).digest("base64");
    report.sent++;
    const status = await fetch(`http://127.0.0.1:${port}/webhook`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-line-signature": signature },
      body,
      signal: AbortSignal.timeout(30_000),
    }).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) {
      report.acknowledged++;
      acknowledged.add(webhookEventId);
    } else if (!stop.stopped) {
      await sleep(20); // 503 while the store is busy: LINE would redeliver; the drill just goes on
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Processes and small helpers

interface SpawnedChild {
  process: ChildProcess;
  lines: string[];
  /** The first stdout JSON line `pick` returns a value for; undefined on exit or timeout. */
  waitForLine<T>(
    pick: (record: Record<string, unknown>) => T | undefined,
    timeoutMs: number,
  ): Promise<T | undefined>;
}

function spawnChild(command: string[], env: NodeJS.ProcessEnv, cwd = ROOT): SpawnedChild {
  const [executable, ...args] = command as [string, ...string[]];
  const child = spawn(executable, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  const listeners = new Set<(line: string) => void>();
  let partial = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    const parts = (partial + chunk).split("\n");
    partial = parts.pop() ?? "";
    for (const line of parts) {
      lines.push(line);
      if (lines.length > 1000) lines.shift(); // only the last lines are ever reported
      for (const listener of listeners) listener(line);
    }
  });
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => lines.push(chunk.trimEnd()));
  return {
    process: child,
    lines,
    waitForLine: (pick, timeoutMs) =>
      new Promise((resolve) => {
        const done = (value: ReturnType<typeof pick> | undefined): void => {
          clearTimeout(timer);
          listeners.delete(onLine);
          child.off("exit", onExit);
          resolve(value);
        };
        const onLine = (line: string): void => {
          const value = pick(parseJson(line));
          if (value !== undefined) done(value);
        };
        const onExit = (): void => done(undefined);
        const timer = setTimeout(() => done(undefined), timeoutMs);
        listeners.add(onLine);
        child.once("exit", onExit);
        if (child.exitCode !== null) done(undefined);
      }),
  };
}

function parseJson(line: string): Record<string, unknown> {
  try {
    const value = JSON.parse(line) as unknown;
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

async function stopGently(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  child.kill("SIGTERM");
  return exited;
}

function startFailure(what: string, child: SpawnedChild): string {
  const { exitCode, signalCode } = child.process;
  const ended = exitCode !== null || signalCode !== null ? `exited (${exitCode ?? signalCode})` : "timed out";
  return `${what} did not start: ${ended}; last output:\n${child.lines.slice(-20).join("\n")}`;
}

function newReport(extra: Record<string, unknown>): TargetReport {
  return {
    kills: 0,
    restarts: 0,
    corruptStarts: 0,
    sent: 0,
    acknowledged: 0,
    lost: 0,
    duplicated: 0,
    vanished: 0,
    invariantViolations: 0,
    lostExamples: [],
    problems: [],
    ...extra,
  };
}

function summary(report: TargetReport): string {
  return `sent ${report.sent}, acknowledged ${report.acknowledged}, lost ${report.lost}, duplicated ${report.duplicated}`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function between(random: () => number, min: number, max: number): number {
  return min + random() * (max - min);
}

/** A small seeded generator, so a run's kill instants and operations can be repeated. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      kills: { type: "string" },
      "local-kills": { type: "string" },
      writers: { type: "string" },
      seed: { type: "string" },
      "min-ms": { type: "string" },
      "max-ms": { type: "string" },
      keep: { type: "boolean", default: false },
      quiet: { type: "boolean", default: false },
    },
  });
  const number = (value: string | undefined): number | undefined =>
    value === undefined ? undefined : Number(value);
  const result = await run({
    storeKills: number(values.kills),
    localKills: number(values["local-kills"]),
    writers: number(values.writers),
    seed: number(values.seed),
    killAfterMs: {
      min: number(values["min-ms"]) ?? DEFAULTS.killAfterMs.min,
      max: number(values["max-ms"]) ?? DEFAULTS.killAfterMs.max,
    },
    keep: values.keep,
    log: values.quiet ? undefined : (line) => console.error(line),
  });
  console.log(formatDrillTable([result]));
  console.log(JSON.stringify(result.details));
  process.exitCode = result.ok ? 0 : 1;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
