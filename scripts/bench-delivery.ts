/**
 * Campaign delivery benchmark (not a test). Build first, then:
 *
 *   node --expose-gc dist/scripts/bench-delivery.js [--sizes 50000,100000,200000,1000000] [--rate 200]
 *                                                    [--runs 3] [--warmup 10000] [--mongodb-uri URI] [--out FILE]
 *
 * For each size (in ascending order) it seeds subscribers up to that many (sealed user ids, as in
 * production; one database for all sizes, each adding what the previous lacked), creates a
 * campaign run and delivers it against the fake LINE platform with the production settings
 * (batches of 500, the multicast token bucket at --rate, 32 batches in flight), `--runs` times,
 * and prints every run and the median of each column. Before the first size, one unreported run to
 * `--warmup` subscribers (default 10,000; 0 for none) warms every process up, so the first measured
 * run does not carry the code's compilation and the heaps' first growth: figures are of warm runs.
 *
 *
 *   efficiency    LINE's bound at the configured rate (subscribers / 500 / rate seconds) divided by
 *                 the measured time, from the start of the run (before it is claimed) to its end;
 *                 "vs 200/s" is the same against LINE's own limit of 200 multicasts a second;
 *                 "steady" is from the first to the last multicast (it leaves out the first batch)
 *   first batch   from the start of the run to the first multicast reaching the platform
 *   stall         the longest a concurrent client waited for a small insert during the run (the
 *                 inbox write a webhook acknowledgement needs), and its p99
 *   RSS           every process involved (the delivering one, the store, the fake platform, the
 *                 probing client): resident memory before the delivery and its peak growth during
 *                 it, per 100,000 subscribers
 *   cpu           each process's CPU during the delivery, in cores (1.0 = one core busy), and per
 *                 recipient in µs: on a shared machine the cores a process gets vary with the
 *                 load, its CPU per recipient much less
 *   loop p99      event-loop delay of the delivering process
 *
 * With --profile DIR, every process writes a CPU profile of the delivery window alone (not the
 * seeding) to DIR/<size>-<run>-<process>.cpuprofile (open it in Chrome DevTools).
 *
 * Four processes, so no number includes another component's work: this one delivers; the embedded
 * store (unless --mongodb-uri is given), the fake platform and the probing client each run in a
 * child. Nothing here talks to the real LINE. With --out, the rows go to a JSON file too.
 */
import { type ChildProcess, fork } from "node:child_process";
import fs from "node:fs";
import inspector from "node:inspector";
import os from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";
import type { Config } from "../src/config";
import { loadConfig } from "../src/config";
import { createLogger } from "../src/log";
import { buildAwareness } from "../src/awareness";
import { openStandaloneContext, prepareIndexes } from "../src/awareness/standalone-context";
import { lineMulticastLimitPerSecond, multicastBucket } from "../src/awareness/token-bucket";
import { cpuMs, machineDescription } from "./bench/proc";
import type { SubscriberDocument } from "../src/awareness/subscribers";

const channelSecret = "bench-channel-secret";
const channelAccessToken = "bench-channel-access-token";
const mb = 1024 * 1024;
/** How often the probing client inserts: fine enough to see a stall of a few milliseconds. */
const PROBE_INTERVAL_MS = 5;

/** One delivery; memory and CPU for each process involved (NaN: the store is not on this machine). */
interface Row {
  subscribers: number;
  seconds: number;
  boundSeconds: number;
  efficiency: number;
  /** Against LINE's 200 multicasts a second rather than the configured rate. */
  efficiencyVsLine: number;
  steadyEfficiency: number;
  /** From the start of the run to the first multicast arriving at the platform. */
  firstBatchSeconds: number;
  stallMaxMs: number;
  stallP99Ms: number;
  /** Resident memory before the delivery (MB) and its peak growth during it (MB), per process. */
  deliverRssMb: number;
  deliverGrowthMb: number;
  storeRssMb: number;
  storeGrowthMb: number;
  platformRssMb: number;
  platformGrowthMb: number;
  probeRssMb: number;
  probeGrowthMb: number;
  /** CPU during the delivery, in cores (1.0 = one core busy), per process. */
  deliverCores: number;
  storeCores: number;
  platformCores: number;
  probeCores: number;
  loopP99Ms: number;
  recipients: number;
}

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes. */
function now(): number {
  return performance.timeOrigin + performance.now();
}

async function main(): Promise<void> {
  const role = process.env.BENCH_ROLE;
  if (role === "platform") return servePlatform();
  if (role === "store") return serveStore();
  if (role === "probe") return serveProbe();
  const { values } = parseArgs({
    options: {
      sizes: { type: "string", default: "50000,100000,200000,1000000" },
      rate: { type: "string", default: "200" },
      runs: { type: "string", default: "3" },
      warmup: { type: "string", default: "10000" },
      "mongodb-uri": { type: "string" },
      out: { type: "string" },
      profile: { type: "string" },
    },
  });
  // Ascending: each size adds subscribers to the ones the previous size seeded.
  const sizes = [...new Set(values.sizes.split(",").map((size) => Number(size.trim())))].sort(
    (a, b) => a - b,
  );
  const rate = Number(values.rate);
  const runs = Number(values.runs);
  if (sizes.some((size) => !Number.isInteger(size) || size <= 0))
    throw new Error("--sizes must be positive integers");
  if (!Number.isInteger(runs) || runs <= 0) throw new Error("--runs must be a positive integer");
  const warmup = Math.min(Number(values.warmup), sizes[0]!);
  if (!Number.isInteger(warmup) || warmup < 0) throw new Error("--warmup must be a whole number");

  const external = values["mongodb-uri"];
  const store = external ? undefined : await child("store");
  const storeUri = external ?? (await ask<{ uri: string }>(store!, { type: "uri" })).uri;
  const platform = await child("platform");
  const lineUrl = (await ask<{ url: string }>(platform, { type: "url" })).url;
  const probe = await child("probe");
  const profileDir = values.profile;
  if (profileDir) fs.mkdirSync(profileDir, { recursive: true });
  if (typeof global.gc !== "function")
    console.error("note: run with --expose-gc for steadier memory figures");
  const bucket = multicastBucket(rate);
  const pacing = `configured ${rate} multicasts/s: paced at ${bucket.ratePerSecond}/s with a burst of ${bucket.burst}, at most ${bucket.perSecondLimit} in any second`;
  console.error(`${pacing}; LINE bound ${rate * 500} recipients/s`);
  const startedAt = new Date().toISOString();
  const loadBefore = os.loadavg();

  const rows: Row[] = [];
  const seeding: Array<{ subscribers: number; added: number; seconds: number }> = [];
  const processes = { storeUri, lineUrl, store, platform, probe };
  const database = await openBenchDatabase(processes, rate);
  let warmupRow: Row | undefined;
  const saveReport = (extra: Record<string, unknown> = {}) => {
    if (values.out)
      writeReport(values.out, {
        date: startedAt,
        pacing,
        rate,
        loadBefore,
        seeding,
        warmup: warmupRow,
        rows,
        ...extra,
      });
  };
  try {
    if (warmup > 0) {
      // Its subscribers are the first of every size's, so it costs no extra seeding.
      console.error(`\nwarm-up (not reported):`);
      warmupRow = (await benchSize(database, warmup, rate, 1, processes, undefined)).rows[0];
    }
    for (const size of sizes) {
      const profile = profileDir ? `${profileDir}/${size}` : undefined;
      const measured = await benchSize(database, size, rate, runs, processes, profile);
      rows.push(...measured.rows);
      seeding.push({ subscribers: size, added: measured.added, seconds: measured.seedSeconds });
      // Written after every size, so a long run that fails later keeps what it measured.
      saveReport();
    }
  } finally {
    await database.close();
    for (const worker of [store, platform, probe]) worker?.send({ type: "stop" });
  }
  const loadAfter = os.loadavg();
  console.log(`\n${startedAt}, ${machineDescription()}; ${pacing}`);
  console.log(
    `store: ${external ? "MONGODB_URI" : "embedded, own process"}; load average before ${loadBefore.map((l) => l.toFixed(2)).join(" ")}, after ${loadAfter.map((l) => l.toFixed(2)).join(" ")}`,
  );
  printTable(rows, sizes);
  for (const { subscribers, added, seconds } of seeding)
    console.log(
      `seeding to ${subscribers}: ${added} added in ${seconds.toFixed(1)} s (${Math.round(added / seconds)}/s)`,
    );
  saveReport({ loadAfter });
}

function writeReport(file: string, report: Record<string, unknown>): void {
  const machine = machineDescription();
  fs.writeFileSync(file, `${JSON.stringify({ machine, ...report }, null, 2)}\n`);
}

interface Processes {
  storeUri: string;
  lineUrl: string;
  store: ChildProcess | undefined;
  platform: ChildProcess;
  probe: ChildProcess;
}

interface BenchDatabase {
  awareness: ReturnType<typeof buildAwareness>;
  uri: string;
  /** Subscribers seeded so far (0 … count-1). */
  seeded: number;
  close(): Promise<void>;
}

/**
 * One database for every size: each size adds the subscribers it lacks to those already there, so
 * 50,000, 100,000 and 200,000 seed 200,000 in all rather than 350,000. Indexes are made first:
 * building them over 1,000,000 documents afterwards holds the store up for longer than the driver's
 * server monitor waits (the connection pool is then cleared).
 */
async function openBenchDatabase(processes: Processes, rate: number): Promise<BenchDatabase> {
  const config = benchConfig(processes.storeUri, processes.lineUrl);
  const logger = createLogger({ level: "warn", destination: process.stderr });
  const uri = `${processes.storeUri.replace(/\/[^/]*$/, "")}/bench_${Date.now()}`;
  const { context, close } = await openStandaloneContext({
    config,
    mongodbUri: uri,
    logger,
    instancePrefix: "bench",
  });
  const awareness = buildAwareness(context, { startJobs: false, rateLimiter: multicastBucket(rate) });
  await prepareIndexes(context);
  await awareness.campaigns.save({
    id: "bench",
    name: "Benchmark",
    topics: ["knowledge"],
    content: { th: [{ type: "text", text: "ทดสอบ" }], en: [{ type: "text", text: "Benchmark" }] },
  });
  return {
    awareness,
    uri,
    seeded: 0,
    close: async () => {
      await context.connection.dropDatabase().catch(() => undefined);
      await awareness.stop();
      await close();
    },
  };
}

/** Seeds the subscribers up to `size`, then delivers `runs` campaign runs to them, one after another. */
async function benchSize(
  database: BenchDatabase,
  size: number,
  rate: number,
  runs: number,
  processes: Processes,
  profile: string | undefined,
): Promise<{ rows: Row[]; added: number; seedSeconds: number }> {
  const { awareness, uri } = database;
  const added = size - database.seeded;
  console.error(`\n${size} subscribers: seeding ${added}…`);
  const seedStarted = now();
  await seed(awareness.subscribers, database.seeded, size);
  database.seeded = size;
  const seedSeconds = (now() - seedStarted) / 1000;
  const rows: Row[] = [];
  for (let run = 1; run <= runs; run++) {
    console.error(`${size} subscribers, run ${run}/${runs}`);
    const row = await deliverOnce(awareness, size, rate, uri, processes, profile && `${profile}-${run}`);
    console.error(
      `  efficiency ${row.efficiency.toFixed(3)}, first batch ${row.firstBatchSeconds.toFixed(3)} s, cores d/s/pl ${[row.deliverCores, row.storeCores, row.platformCores].map((v) => v.toFixed(2)).join("/")}`,
    );
    rows.push(row);
  }
  return { rows, added, seedSeconds };
}

/** One campaign run to every seeded subscriber, with every process measured. */
async function deliverOnce(
  awareness: ReturnType<typeof buildAwareness>,
  size: number,
  rate: number,
  uri: string,
  processes: Processes,
  profile: string | undefined,
): Promise<Row> {
  // Manual runs are keyed by the second they were created in: each run gets a second of its own.
  await new Promise((resolve) => setTimeout(resolve, 1_000 - (Date.now() % 1_000)));
  const runKey = await awareness.campaigns.createManualRun("bench");
  await ask(processes.platform, { type: "reset" });

  global.gc?.();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const children = { store: processes.store, platform: processes.platform, probe: processes.probe };
  const marks: Record<string, number> = {};
  for (const [name, child] of Object.entries(children))
    marks[name] = child
      ? (await ask<{ rss: number }>(child, { type: "mark", profile: profile && `${profile}-${name}` })).rss
      : NaN;
  const ownSampler = new MemorySampler();
  marks.deliver = await ownSampler.mark(profile && `${profile}-deliver`);
  const pids = { deliver: process.pid, store: processes.store?.pid, ...pidsOf(processes) };
  const cpuBefore = Object.fromEntries(
    Object.entries(pids).map(([name, pid]) => [name, pid ? cpuMs(pid) : undefined]),
  );
  await ask(processes.probe, { type: "start", uri });
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();

  let firstProgressAt: number | undefined;
  let lastBatchAt = 0;
  const started = now();
  let lastPrint = started;
  const result = await awareness.scheduler.deliverNow(runKey, {
    onProgress: ({ counts }) => {
      const at = now();
      firstProgressAt ??= at;
      lastBatchAt = at;
      if (at - lastPrint > 1_000) {
        lastPrint = at;
        console.error(`  sent ${counts.sent}/${size}`);
      }
    },
  });
  const ended = now();
  const seconds = (ended - started) / 1000;
  const cores = Object.fromEntries(
    Object.entries(pids).map(([name, pid]) => {
      const after = pid ? cpuMs(pid) : undefined;
      const before = cpuBefore[name];
      return [name, after === undefined || before === undefined ? NaN : (after - before) / 1000 / seconds];
    }),
  );
  loop.disable();
  const probed = await ask<{ maxMs: number; p99Ms: number; count: number }>(processes.probe, {
    type: "stop",
  });
  const peaks: Record<string, number> = { deliver: await ownSampler.report() };
  for (const [name, child] of Object.entries(children))
    peaks[name] = child ? (await ask<{ peak: number }>(child, { type: "report" })).peak : NaN;
  const platform = await ask<{ recipients: number; firstMulticastAt: number | null }>(processes.platform, {
    type: "count",
  });
  if (result.outcome !== "done" || result.counts.sent !== size) {
    console.error(
      `  warning: outcome ${result.outcome}, sent ${"counts" in result ? result.counts.sent : 0} of ${size}`,
    );
  }
  console.error(`  probe: ${probed.count} inserts during the run`);

  const boundSeconds = size / 500 / rate;
  const firstAt = platform.firstMulticastAt ?? firstProgressAt ?? started;
  // First to last response covers all batches but one interval: add it back for a fair bound.
  const steadySeconds = (lastBatchAt - (firstProgressAt ?? started)) / 1000 + 1 / rate;
  const growth = (name: string) => Math.max(0, peaks[name]! - marks[name]!) / mb;
  return {
    subscribers: size,
    seconds,
    boundSeconds,
    efficiency: boundSeconds / seconds,
    efficiencyVsLine: size / 500 / lineMulticastLimitPerSecond / seconds,
    steadyEfficiency: Math.min(1, boundSeconds / steadySeconds),
    firstBatchSeconds: (firstAt - started) / 1000,
    stallMaxMs: probed.maxMs,
    stallP99Ms: probed.p99Ms,
    deliverRssMb: marks.deliver! / mb,
    deliverGrowthMb: growth("deliver"),
    storeRssMb: marks.store! / mb,
    storeGrowthMb: growth("store"),
    platformRssMb: marks.platform! / mb,
    platformGrowthMb: growth("platform"),
    probeRssMb: marks.probe! / mb,
    probeGrowthMb: growth("probe"),
    deliverCores: cores.deliver!,
    storeCores: cores.store!,
    platformCores: cores.platform!,
    probeCores: cores.probe!,
    loopP99Ms: loop.percentile(99) / 1e6,
    recipients: platform.recipients,
  };
}

const per100k = (growthMb: number, row: Row) => ((growthMb / row.subscribers) * 100_000).toFixed(1);

const columns: Array<[string, (row: Row) => string]> = [
  ["subscribers", (row) => String(row.subscribers)],
  ["seconds", (row) => row.seconds.toFixed(2)],
  ["bound s", (row) => row.boundSeconds.toFixed(2)],
  ["efficiency", (row) => row.efficiency.toFixed(3)],
  ["vs 200/s", (row) => row.efficiencyVsLine.toFixed(3)],
  ["steady", (row) => row.steadyEfficiency.toFixed(3)],
  ["first batch s", (row) => row.firstBatchSeconds.toFixed(3)],
  ["stall max ms", (row) => row.stallMaxMs.toFixed(1)],
  ["stall p99 ms", (row) => row.stallP99Ms.toFixed(1)],
  [
    "RSS MB deliver/store/platform/probe",
    (row) =>
      [row.deliverRssMb, row.storeRssMb, row.platformRssMb, row.probeRssMb]
        .map((v) => v.toFixed(0))
        .join("/"),
  ],
  [
    "growth per 100k MB d/s/pl/pr",
    (row) =>
      [row.deliverGrowthMb, row.storeGrowthMb, row.platformGrowthMb, row.probeGrowthMb]
        .map((v) => per100k(v, row))
        .join("/"),
  ],
  [
    "cores d/s/pl/pr",
    (row) =>
      [row.deliverCores, row.storeCores, row.platformCores, row.probeCores]
        .map((v) => v.toFixed(2))
        .join("/"),
  ],
  [
    "CPU µs/recipient d/s/pl",
    (row) =>
      [row.deliverCores, row.storeCores, row.platformCores]
        .map((cores) => ((cores * row.seconds * 1e6) / row.subscribers).toFixed(1))
        .join("/"),
  ],
  ["loop p99 ms", (row) => row.loopP99Ms.toFixed(1)],
  ["delivered", (row) => String(row.recipients)],
];

function printTable(rows: Row[], sizes: number[]): void {
  const line = (cells: string[]) => cells.map((cell, i) => cell.padStart(columns[i]![0].length)).join("  ");
  console.log("");
  console.log(columns.map(([title]) => title).join("  "));
  for (const row of rows) console.log(line(columns.map(([, cell]) => cell(row))));
  console.log("\nmedian per size:");
  for (const size of sizes) {
    const runs = rows.filter((row) => row.subscribers === size);
    const median = Object.fromEntries(
      Object.keys(runs[0]!).map((key) => {
        const values = runs.map((row) => row[key as keyof Row]).sort((a, b) => a - b);
        return [key, values[Math.floor(values.length / 2)]];
      }),
    ) as unknown as Row;
    console.log(line(columns.map(([, cell]) => cell(median))));
  }
}

/**
 * Seeds active subscribers number `from` to `size` - 1 in chunks, user ids sealed as the feature stores them. The next chunk
 * is built (pseudonyms, sealing) while the store inserts the previous one, so 1,000,000 seed in
 * about the time the store needs for the inserts.
 */
async function seed(
  subscribers: ReturnType<typeof buildAwareness>["subscribers"],
  from: number,
  size: number,
): Promise<void> {
  const chunk = 10_000;
  const at = new Date();
  let inserting: Promise<unknown> = Promise.resolve();
  for (let offset = from; offset < size; offset += chunk) {
    const docs: SubscriberDocument[] = [];
    for (let i = offset; i < Math.min(size, offset + chunk); i++) {
      const userId = `U${i.toString(16).padStart(32, "0")}`;
      docs.push({
        _id: subscribers.keyFor(userId),
        status: "active",
        locale: i % 5 === 0 ? "en" : "th",
        topics: ["knowledge"],
        userId: subscribers.sealUserId(userId),
        createdAt: at,
        updatedAt: at,
      });
    }
    await inserting;
    inserting = subscribers.model.collection.insertMany(docs as never[], { ordered: false });
    // Let the request reach the store before this process is busy building the next chunk.
    await new Promise((resolve) => setImmediate(resolve));
  }
  await inserting;
}

function benchConfig(storeUri: string, lineUrl: string): Config {
  return loadConfig({
    NODE_ENV: "test",
    LOG_LEVEL: "warn",
    LINE_CHANNEL_SECRET: channelSecret,
    LINE_CHANNEL_ACCESS_TOKEN: channelAccessToken,
    LINE_API_BASE_URL: lineUrl,
    LINE_DATA_API_BASE_URL: lineUrl,
    MONGODB_URI: storeUri,
    DATA_ENCRYPTION_KEYS: `bench:${"33".repeat(32)}`,
    DATA_ENCRYPTION_KEY_ID: "bench",
    PSEUDONYM_KEY: "44".repeat(32),
  });
}

type Message = { type: string; uri?: string; profile?: string };

/** Starts this script again in another role and waits until it is listening. */
function child(role: "store" | "platform" | "probe"): Promise<ChildProcess> {
  const process_ = fork(__filename, [], {
    env: { ...process.env, BENCH_ROLE: role },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    process_.once("message", () => resolve(process_));
    process_.once("exit", (code) => reject(new Error(`${role} process exited (${code})`)));
  });
}

/** One request/reply over the IPC channel (each child answers every message with one reply). */
function ask<T = unknown>(target: ChildProcess, message: Message): Promise<T> {
  return new Promise((resolve) => {
    target.once("message", (reply) => resolve(reply as T));
    target.send(message);
  });
}

/**
 * Resident memory of this process, sampled every 20 ms between mark and report: the peak shows
 * what a delivery costs even when the garbage collector returns it before the end. Given a path at
 * mark, it also records a CPU profile of the same window (the inspector samples this thread).
 */
class MemorySampler {
  private peak = 0;
  private timer: NodeJS.Timeout | undefined;
  private profiler: { session: inspector.Session; path: string } | undefined;

  async mark(profilePath?: string): Promise<number> {
    global.gc?.();
    const rss = process.memoryUsage.rss();
    this.peak = rss;
    clearInterval(this.timer);
    this.timer = setInterval(() => (this.peak = Math.max(this.peak, process.memoryUsage.rss())), 20);
    if (profilePath) {
      const session = new inspector.Session();
      session.connect();
      await post(session, "Profiler.enable");
      await post(session, "Profiler.start");
      this.profiler = { session, path: `${profilePath}.cpuprofile` };
    }
    return rss;
  }

  async report(): Promise<number> {
    clearInterval(this.timer);
    const peak = Math.max(this.peak, process.memoryUsage.rss());
    if (this.profiler) {
      const { session, path } = this.profiler;
      this.profiler = undefined;
      const { profile } = (await post(session, "Profiler.stop")) as { profile: unknown };
      fs.writeFileSync(path, JSON.stringify(profile));
      session.disconnect();
    }
    return peak;
  }
}

function post(session: inspector.Session, method: string): Promise<unknown> {
  return new Promise((resolve, reject) =>
    session.post(method, (error, result) => (error ? reject(error) : resolve(result))),
  );
}

/** Every child answers "mark" and "report" with its memory (see MemorySampler). */
function answerMemory(message: Message, sampler: MemorySampler): boolean {
  if (message.type === "mark") void sampler.mark(message.profile).then((rss) => process.send!({ rss }));
  else if (message.type === "report") void sampler.report().then((peak) => process.send!({ peak }));
  else return false;
  return true;
}

function pidsOf(processes: Processes): { platform: number | undefined; probe: number | undefined } {
  return { platform: processes.platform.pid, probe: processes.probe.pid };
}

/** The store's process. */
async function serveStore(): Promise<void> {
  const { startEmbeddedStore } = await import("../src/dev/embedded-store/index.js");
  const store = await startEmbeddedStore();
  const sampler = new MemorySampler();
  process.on("message", (message: Message) => {
    if (answerMemory(message, sampler)) return;
    if (message.type === "uri") process.send!({ uri: `${store.uri}bench` });
    else if (message.type === "stop") void store.stop().then(() => process.exit(0));
  });
  process.send!({ ready: true });
}

/** The fake LINE platform: counts multicast recipients and notes when the first multicast arrived. */
async function servePlatform(): Promise<void> {
  const { createFakeLinePlatform } = await import("../src/dev/line-platform/index.js");
  // Deliveries and calls are only counted: keeping 200,000 delivery records would measure the fake, not us.
  const platform = createFakeLinePlatform({
    channelSecret,
    channelAccessToken,
    maxDeliveries: 1,
    maxRecordedCalls: 1,
  });
  let recipients = 0;
  let firstMulticastAt: number | null = null;
  platform.on("call", (call) => {
    if (call.endpoint === "POST /v2/bot/message/multicast" && call.status === 200) {
      firstMulticastAt ??= now();
      recipients += (call.body as { to: string[] }).to.length;
    }
  });
  const url = await platform.listen(0);
  const sampler = new MemorySampler();
  process.on("message", (message: Message) => {
    if (answerMemory(message, sampler)) return;
    if (message.type === "url") process.send!({ url });
    else if (message.type === "reset") {
      recipients = 0;
      firstMulticastAt = null;
      process.send!({ ok: true });
    } else if (message.type === "count") process.send!({ recipients, firstMulticastAt });
    else if (message.type === "stop") void platform.close().then(() => process.exit(0));
  });
  process.send!({ ready: true });
}

/**
 * Another client of the database, in its own process, inserting one small document every few
 * milliseconds and timing each acknowledgement: how long the store keeps other clients waiting.
 */
async function serveProbe(): Promise<void> {
  const { MongoClient } = await import("mongodb");
  let client: InstanceType<typeof MongoClient> | undefined;
  let running: Promise<number[]> | undefined;
  let probing = false;
  const sampler = new MemorySampler();
  process.on("message", (message: Message) => {
    if (answerMemory(message, sampler)) return;
    void (async () => {
      if (message.type === "start") {
        client = await MongoClient.connect(message.uri!);
        const probe = client.db().collection("bench_probe");
        await probe.insertOne({ warm: true });
        probing = true;
        running = (async () => {
          const latencies: number[] = [];
          while (probing) {
            const sent = performance.now();
            await probe.insertOne({ at: new Date() });
            latencies.push(performance.now() - sent);
            await new Promise((resolve) => setTimeout(resolve, PROBE_INTERVAL_MS));
          }
          return latencies;
        })();
        process.send!({ ok: true });
      } else if (message.type === "stop") {
        probing = false;
        const latencies = ((await running) ?? []).sort((a, b) => a - b);
        await client?.close();
        process.send!({
          maxMs: latencies.at(-1) ?? 0,
          p99Ms: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? 0,
          count: latencies.length,
        });
        if (!running) process.exit(0);
        running = undefined;
      }
    })();
  });
  process.on("disconnect", () => process.exit(0));
  process.send!({ ready: true });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
