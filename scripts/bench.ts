/**
 * `npm run bench [-- options]`: how much the bot does per second on this machine, and what it costs,
 * measured side by side with the least a bot on the same stack can do (the echo baseline).
 *
 * Every part runs in a process of its own, so no figure includes another part's work: this process
 * only orchestrates and reads /proc; the load generator (scripts/bench/load-generator.ts), a
 * zero-latency fake LINE (scripts/bench/fake-line.ts), the store (embedded, in its own process, or
 * MONGODB_URI) and the service under test: the echo baseline (scripts/bench/echo-bot.ts) or the bot
 * as production runs it (`node dist/src/main.js`, NODE_ENV=production, MONGODB_URI, LINE credentials
 * pointing at the fake LINE), with WORKERS=1, 2, ... when it supports several processes.
 *
 * Per service and run: a warm-up, then for new users and for returning users (mid-report) an
 * open-loop rate sweep and a closed loop of virtual users (turn throughput), and a closed loop on
 * acknowledgements (intake capacity). JSON goes to --out, tables to stdout and next to the JSON.
 * docs/PERFORMANCE.md explains the method and the numbers.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_BOT_USER_ID } from "../src/dev/line-platform/platform";
import {
  freePort,
  Helper,
  spawnService,
  stopProcess,
  waitReady,
  type ServiceProcess,
} from "./bench/children";
import type { FakeLineMessage, FakeLineReady, FakeLineStats } from "./bench/fake-line";
import type { GeneratorReply, GeneratorRequest, PhasePlan, PhaseResult } from "./bench/load-generator";
import { cpuMs, descendants, machineCpuMs, machineDescription, rssMb } from "./bench/proc";
import {
  renderReport,
  summarize,
  type BenchReport,
  type PhaseReport,
  type TargetReport,
} from "./bench/report";
import type { LoopWindow } from "./bench/loop-monitor";
import { round } from "./bench/stats";
import { startBenchStore, withDatabase, type BenchStore } from "./bench/store";
import type { TrafficKind } from "./bench/traffic";

const USAGE = `usage: npm run bench -- [options]
  --runs N             repeated runs; medians and ranges are reported (default 3)
  --rates LIST         open-loop rates in events/s (default 100,200,300,500,800)
  --seconds S          length of each open-loop phase (default 10)
  --closed-seconds S   length of each closed-loop phase (default 10)
  --vus N              virtual users of the closed loops (default 64)
  --warmup N           new-user events each service process gets before measuring (default 1000)
  --users N            returning users at least (default 1000; raised so none sends over 25 a minute)
  --workers LIST       WORKERS values for the bot (default 1,2,N with N = cores)
  --traffic LIST       new,returning (default both)
  --targets LIST       echo,bot (default both; ratios need echo)
  --drain-seconds S    longest wait for owed replies after a phase (default 120)
  --mongodb-uri URI    a real MongoDB instead of the embedded store (default: $MONGODB_URI)
  --out FILE           JSON report (default bench-results/bench-<time>.json; a .md table beside it)
  --profile DIR        write CPU profiles of the bot's processes and the embedded store's there
  --bot-node-arg ARG   an extra node option for the bot's processes (repeatable; e.g. --require a counter)
  --loop-monitor       report each service process's event-loop delay and database commands per phase
  --skip-local-rss     do not measure local mode's idle memory
  --check-targets      exit 1 when one of issue 11's targets is missed`;

const root = path.join(__dirname, "..");
const botEntry = path.join(root, "src/main.js");
const echoEntry = path.join(__dirname, "bench/echo-bot.js");
const accessToken = "bench-access-token";
/** Keeps each returning user under the bot's 30 messages a minute (a fixed window) with room to spare. */
const USER_SPACING_SECONDS = 2.4;
/** The rate issue 11's latency targets are stated at. */
const TARGET_RATE = 300;
/** Closed loops are pre-signed as if they ran this fast; beyond it the generator signs as it goes. */
const PRESIGN_RATE = 1_500;

interface Options {
  runs: number;
  rates: number[];
  seconds: number;
  closedSeconds: number;
  vus: number;
  warmup: number;
  users: number;
  workers: number[];
  traffic: TrafficKind[];
  targets: Array<"echo" | "bot">;
  drainMs: number;
  mongodbUri: string | undefined;
  out: string;
  profileDir: string | undefined;
  botNodeArgs: string[];
  /** Where the services' loop monitors write (bench/loop-monitor); undefined: not loaded. */
  loopMonitorDir: string | undefined;
  localRss: boolean;
  checkTargets: boolean;
}

function list(value: string): string[] {
  return value
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
}

function positiveNumbers(name: string, value: string): number[] {
  const numbers = list(value).map(Number);
  if (numbers.length === 0 || numbers.some((n) => !Number.isFinite(n) || n <= 0))
    throw new Error(`--${name} must be positive numbers separated by commas`);
  return numbers;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      runs: { type: "string", default: "3" },
      rates: { type: "string", default: "100,200,300,500,800" },
      seconds: { type: "string", default: "10" },
      "closed-seconds": { type: "string", default: "10" },
      vus: { type: "string", default: "64" },
      warmup: { type: "string", default: "1000" },
      users: { type: "string", default: "1000" },
      workers: { type: "string", default: `1,2,${os.cpus().length}` },
      traffic: { type: "string", default: "new,returning" },
      targets: { type: "string", default: "echo,bot" },
      "drain-seconds": { type: "string", default: "120" },
      "mongodb-uri": { type: "string", default: process.env.MONGODB_URI },
      out: { type: "string" },
      profile: { type: "string" },
      "bot-node-arg": { type: "string", multiple: true, default: [] },
      "loop-monitor": { type: "boolean", default: false },
      "skip-local-rss": { type: "boolean", default: false },
      "check-targets": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const one = (name: string, value: string) => positiveNumbers(name, value)[0]!;
  const traffic = list(values.traffic);
  const targets = list(values.targets);
  if (traffic.some((kind) => kind !== "new" && kind !== "returning"))
    throw new Error("--traffic takes new and/or returning");
  if (targets.some((target) => target !== "echo" && target !== "bot"))
    throw new Error("--targets takes echo and/or bot");
  const rates = positiveNumbers("rates", values.rates).sort((a, b) => a - b);
  const vus = Math.round(one("vus", values.vus));
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  return {
    runs: Math.round(one("runs", values.runs)),
    rates,
    seconds: one("seconds", values.seconds),
    closedSeconds: one("closed-seconds", values["closed-seconds"]),
    vus,
    warmup: Math.round(one("warmup", values.warmup)),
    // Open loops send to user after user; closed loops give each virtual user its own share.
    users: Math.max(
      Math.round(one("users", values.users)),
      Math.ceil(rates.at(-1)! * USER_SPACING_SECONDS),
      vus,
    ),
    workers: [...new Set(positiveNumbers("workers", values.workers).map(Math.round))],
    traffic: traffic as TrafficKind[],
    targets: targets as Options["targets"],
    drainMs: one("drain-seconds", values["drain-seconds"]) * 1000,
    mongodbUri: values["mongodb-uri"] || undefined,
    out: values.out ?? path.join("bench-results", `bench-${stamp}.json`),
    profileDir: values.profile,
    botNodeArgs: values["bot-node-arg"],
    loopMonitorDir: values["loop-monitor"] ? path.join(os.tmpdir(), `bench-loop-${stamp}`) : undefined,
    localRss: !values["skip-local-rss"],
    checkTargets: values["check-targets"],
  };
}

function wallMs(): number {
  return performance.timeOrigin + performance.now();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

type Generator = Helper<GeneratorRequest, GeneratorReply>;
type FakeLine = Helper<
  FakeLineMessage,
  FakeLineReady | { type: "stats"; stats: FakeLineStats } | { type: "reset" }
>;

/** The processes measured in every phase. */
interface Measured {
  generator: Generator;
  fakeLine: FakeLine;
  store: BenchStore;
  /** The service under test: its first process and, with WORKERS, its workers. */
  servicePids: number[];
  service: ServiceProcess;
  /** Set when the services run the loop monitor: its directory and the last window read per pid. */
  loopMonitor?: { dir: string; seq: Map<number, number> };
}

interface Snapshot {
  at: number;
  cpu: Record<string, number | undefined>;
  rss: Record<string, number | undefined>;
  machine: { busy: number; total: number };
  load: number[];
}

function snapshot(measured: Measured): Snapshot {
  const pids: Record<string, number | undefined> = {
    generator: measured.generator.pid,
    fakeLine: measured.fakeLine.pid,
    store: measured.store.pid,
    bench: process.pid,
  };
  const cpu: Record<string, number | undefined> = {};
  const rss: Record<string, number | undefined> = {};
  for (const [name, pid] of Object.entries(pids)) {
    cpu[name] = pid === undefined ? undefined : cpuMs(pid);
    rss[name] = pid === undefined ? undefined : rssMb(pid);
  }
  const serviceCpu = measured.servicePids.map(cpuMs);
  const serviceRss = measured.servicePids.map(rssMb);
  cpu.service = serviceCpu.every((value) => value !== undefined)
    ? serviceCpu.reduce((a, b) => a! + b!, 0)
    : undefined;
  rss.service = serviceRss.reduce((a, b) => (a ?? 0) + (b ?? 0), 0);
  measured.servicePids.forEach((_, i) => {
    cpu[`service#${i}`] = serviceCpu[i];
    rss[`service#${i}`] = serviceRss[i];
  });
  return {
    at: wallMs(),
    cpu,
    rss,
    machine: machineCpuMs(),
    load: os.loadavg().map((value) => round(value, 2)!),
  };
}

async function fakeLineStats(fakeLine: FakeLine): Promise<FakeLineStats> {
  const reply = await fakeLine.ask({ type: "stats" }, "stats");
  return (reply as { stats: FakeLineStats }).stats;
}

function statsDelta(before: FakeLineStats, after: FakeLineStats): Record<string, unknown> {
  const unknown: Record<string, number> = {};
  for (const [shape, count] of Object.entries(after.unknown)) {
    const added = count - (before.unknown[shape] ?? 0);
    if (added > 0) unknown[shape] = added;
  }
  const counters = [
    "replies",
    "invalidReplyTokens",
    "pushes",
    "multicasts",
    "profiles",
    "loadingAnimations",
  ] as const;
  return { ...Object.fromEntries(counters.map((name) => [name, after[name] - before[name]])), unknown };
}

let nextPhaseId = 1;

/** Runs one phase and measures every process around it. */
async function runPhase(
  measured: Measured,
  plan: Omit<PhasePlan, "id">,
  key: string,
  options: { warmup?: boolean; usersInPool?: number } = {},
): Promise<PhaseReport> {
  const { generator, fakeLine, service } = measured;
  const id = nextPhaseId++;
  const linesBefore = await fakeLineStats(fakeLine);
  const logsBefore = service.logs.snapshot();
  const prepared = (await generator.ask({ type: "prepare", plan: { ...plan, id } }, "prepared")) as {
    startAt: number;
  };
  await sleep(prepared.startAt - wallMs() - 1);
  const before = snapshot(measured);
  if (measured.loopMonitor) await closeLoopWindows(measured.servicePids, measured.loopMonitor);
  await generator.next("window-ended");
  const windowEnd = snapshot(measured);
  const result = ((await generator.next("result")) as { result: PhaseResult }).result;
  const after = snapshot(measured);
  const loops = measured.loopMonitor
    ? await closeLoopWindows(measured.servicePids, measured.loopMonitor)
    : undefined;
  const linesAfter = await fakeLineStats(fakeLine);

  const windowMs = windowEnd.at - before.at;
  const perProcess = (name: string) => {
    const start = before.cpu[name];
    const atWindowEnd = windowEnd.cpu[name];
    const end = after.cpu[name];
    if (start === undefined || end === undefined || atWindowEnd === undefined) return null;
    return {
      // All the work for the phase's events, including what was still owed after the window.
      cpuMsPerEvent: result.sent > 0 ? round((end - start) / result.sent, 3) : null,
      // How busy it was while the load ran: 1.0 is one core.
      cpuCoresInWindow: round((atWindowEnd - start) / windowMs, 3),
      rssMb: round(windowEnd.rss[name], 0),
    };
  };
  const ours = ["generator", "fakeLine", "store", "bench", "service"]
    .map((name) => (windowEnd.cpu[name] ?? 0) - (before.cpu[name] ?? 0))
    .reduce((a, b) => a + b, 0);
  const busy = windowEnd.machine.busy - before.machine.busy;
  const generator_ = perProcess("generator");
  // Near a full core, the generator itself may be what limits the phase.
  const generatorSaturated = (generator_?.cpuCoresInWindow ?? 0) > 0.8;
  const spacing =
    plan.traffic === "returning" && options.usersInPool
      ? round(options.usersInPool / Math.max(1, plan.rate ?? result.repliesPerSecond), 2)
      : null;
  return {
    key,
    warmup: options.warmup ?? false,
    ...result,
    keepsUp: plan.mode === "open" ? keepsUp(result) : null,
    processes: {
      service: perProcess("service"),
      serviceRssMbPerProcess: measured.servicePids.map((_, i) => round(windowEnd.rss[`service#${i}`], 0)),
      // How the work split between workers (cores each in the window): an even split is what ×n measures.
      serviceCoresPerProcess: measured.servicePids.map(
        (_, i) => perProcess(`service#${i}`)?.cpuCoresInWindow ?? null,
      ),
      store: perProcess("store"),
      fakeLine: perProcess("fakeLine"),
      generator: generator_,
      bench: perProcess("bench"),
    },
    machine: {
      loadBefore: before.load,
      loadAfter: after.load,
      busyCores: round(busy / windowMs, 2),
      // CPU used during the window by processes that are not part of this benchmark.
      otherCores: round(Math.max(0, busy - ours) / windowMs, 2),
    },
    generatorSaturated,
    // Sending late without a busy generator: the machine did not give it the CPU in time.
    generatorLate: result.sendLagP99Ms !== null && result.sendLagP99Ms > 10,
    secondsBetweenMessagesOfOneUser: spacing,
    fakeLine: statsDelta(linesBefore, linesAfter),
    serviceLog: service.logs.since(logsBefore),
    ...(loops ? { serviceLoop: loopFigures(loops, result.sent) } : {}),
  };
}

/**
 * Ends the current loop-monitor window of every service process (SIGUSR2) and returns what each
 * wrote; a process that does not answer within 5 s (none loaded, or gone) is left out.
 */
async function closeLoopWindows(
  pids: number[],
  monitor: { dir: string; seq: Map<number, number> },
): Promise<Array<LoopWindow & { pid: number }>> {
  const read = (pid: number): LoopWindow | undefined => {
    try {
      return JSON.parse(fs.readFileSync(path.join(monitor.dir, `${pid}.loop.json`), "utf8")) as LoopWindow;
    } catch {
      return undefined; // not written yet, or being written
    }
  };
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGUSR2");
    } catch {
      // gone
    }
  }
  const deadline = Date.now() + 5_000;
  const windows: Array<LoopWindow & { pid: number }> = [];
  for (const pid of pids) {
    const last = monitor.seq.get(pid) ?? 0;
    let window = read(pid);
    while ((window?.seq ?? 0) <= last && Date.now() < deadline) {
      await sleep(20);
      window = read(pid);
    }
    if (window && window.seq > last) {
      monitor.seq.set(pid, window.seq);
      windows.push({ ...window, pid });
    }
  }
  return windows;
}

/** The loop monitors' windows of one phase: the worst process's delays, all processes' commands per event. */
function loopFigures(windows: Array<LoopWindow & { pid: number }>, sent: number): PhaseReport["serviceLoop"] {
  const commands: Record<string, number> = {};
  for (const window of windows)
    for (const [key, count] of Object.entries(window.commands)) commands[key] = (commands[key] ?? 0) + count;
  const total = Object.values(commands).reduce((a, b) => a + b, 0);
  const worst = (pick: (window: LoopWindow) => number) => Math.max(0, ...windows.map(pick));
  return {
    delayP50Ms: worst((w) => w.delayMs.p50),
    delayP99Ms: worst((w) => w.delayMs.p99),
    delayMaxMs: worst((w) => w.delayMs.max),
    stallsOver10Ms: windows.reduce((sum, w) => sum + w.stalls.over10ms, 0),
    stallsOver50Ms: windows.reduce((sum, w) => sum + w.stalls.over50ms, 0),
    commandsPerEvent: sent > 0 ? round(total / sent, 2) : null,
    commands,
    perProcess: windows,
  };
}

/** An open-loop rate is sustained when every event is acknowledged and answered, promptly, at that rate. */
function keepsUp(result: PhaseResult): boolean {
  const errors = Object.values(result.ackErrors).reduce((a, b) => a + b, 0);
  return (
    errors === 0 &&
    result.unanswered === 0 &&
    result.repliesPerSecond >= 0.95 * result.rate! &&
    (result.turnMs.p99 ?? Infinity) <= 1_000
  );
}

/** Far behind: higher rates would only pile up more backlog, so the sweep stops there. */
function overloaded(result: PhaseResult): boolean {
  return result.repliesPerSecond < 0.8 * result.rate! || (result.turnMs.p99 ?? Infinity) > 5_000;
}

interface TargetSpec {
  name: "echo" | "bot";
  workers: number;
}

function targetLabel(target: TargetSpec): string {
  return target.name === "echo" ? "echo" : `bot ×${target.workers}`;
}

function serviceEnv(port: number, lineUrl: string, secret: string): Record<string, string> {
  return {
    PORT: String(port),
    LOG_LEVEL: "warn",
    LINE_CHANNEL_SECRET: secret,
    LINE_CHANNEL_ACCESS_TOKEN: accessToken,
    LINE_API_BASE_URL: lineUrl,
    LINE_DATA_API_BASE_URL: lineUrl,
  };
}

/**
 * The service's processes: the one started and its descendants. With WORKERS=n > 1, n worker
 * processes must appear (node:cluster); if they do not, the service does not support it.
 */
async function serviceProcesses(service: ServiceProcess, workers: number): Promise<number[] | undefined> {
  const deadline = Date.now() + 20_000;
  let found: number[] = [];
  while (Date.now() < deadline) {
    found = descendants(service.child.pid!);
    if (workers > 1 ? found.length >= workers : Date.now() > deadline - 18_000) break;
    await sleep(250);
  }
  if (workers > 1 && found.length < workers) return undefined;
  return [service.child.pid!, ...found];
}

async function benchTarget(
  target: TargetSpec,
  run: number,
  context: {
    options: Options;
    generator: Generator;
    fakeLine: FakeLine;
    store: BenchStore;
    lineUrl: string;
    secret: string;
    stamp: string;
  },
): Promise<TargetReport> {
  const { options, generator, fakeLine, store, lineUrl, secret } = context;
  const label = targetLabel(target);
  const port = await freePort();
  const dbName = `bench_${context.stamp.slice(0, 19).replace(/\D/g, "")}_r${run}_w${target.workers}`;
  const env = serviceEnv(port, lineUrl, secret);
  const loopMonitorArgs = options.loopMonitorDir
    ? [`--require=${path.join(__dirname, "bench/loop-monitor.js")}`]
    : [];
  if (options.loopMonitorDir) env.LOOP_MONITOR_DIR = options.loopMonitorDir;
  const startedAt = Date.now();
  const service =
    target.name === "echo"
      ? spawnService(echoEntry, env, loopMonitorArgs)
      : spawnService(
          botEntry,
          {
            ...env,
            NODE_ENV: "production",
            PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
            MONGODB_URI: withDatabase(store.uri, dbName),
            DATA_ENCRYPTION_KEYS: `b1:${randomBytes(32).toString("hex")}`,
            DATA_ENCRYPTION_KEY_ID: "b1",
            PSEUDONYM_KEY: randomBytes(32).toString("hex"),
            WORKERS: String(target.workers),
          },
          [
            ...(options.profileDir ? ["--cpu-prof", `--cpu-prof-dir=${options.profileDir}`] : []),
            ...options.botNodeArgs,
            ...loopMonitorArgs,
          ],
        );
  try {
    await waitReady(service);
    const pids =
      target.name === "echo" ? [service.child.pid!] : await serviceProcesses(service, target.workers);
    if (!pids) {
      console.error(`  ${label}: WORKERS=${target.workers} started one process: not supported`);
      return {
        label,
        name: target.name,
        workers: target.workers,
        supported: false,
        note: `WORKERS=${target.workers} did not start ${target.workers} processes: not supported by this build`,
        processes: 1,
        startSeconds: round((Date.now() - startedAt) / 1000, 1)!,
        phases: [],
      };
    }
    const startSeconds = round((Date.now() - startedAt) / 1000, 1)!;
    console.error(`  ${label}: ready in ${startSeconds} s, ${pids.length} process(es)`);
    await fakeLine.ask({ type: "reset" }, "reset");
    await generator.ask({ type: "users", salt: `${dbName}-${label}`, count: options.users }, "users-set");
    const measured: Measured = {
      generator,
      fakeLine,
      store,
      servicePids: pids,
      service,
      ...(options.loopMonitorDir ? { loopMonitor: { dir: options.loopMonitorDir, seq: new Map() } } : {}),
    };
    const webhookUrl = `${service.url}/webhook`;
    const phases: PhaseReport[] = [];
    const say = (phase: PhaseReport) => {
      phases.push(phase);
      const errors = Object.entries(phase.ackErrors).map(([why, n]) => `${n} ${why}`);
      console.error(
        `  ${label} ${phase.traffic} ${phase.key}: acks ${phase.acksPerSecond}/s, replies ${phase.repliesPerSecond}/s, ` +
          `ack p99 ${phase.ackMs.p99} ms, turn p99 ${phase.turnMs.p99} ms` +
          (errors.length > 0 ? `, errors: ${errors.join(", ")}` : "") +
          (phase.unanswered > 0 ? `, ${phase.unanswered} unanswered` : "") +
          (phase.processes.serviceCoresPerProcess.length > 1
            ? `, worker cores ${phase.processes.serviceCoresPerProcess.join(" / ")}`
            : ""),
      );
    };
    const drainMs = options.drainMs;

    // Warm-up: the JIT learns the real path; returning users say their first line and are mid-report.
    const warmupRate = 200;
    const warmupEvents = options.warmup * pids.filter((_, i) => pids.length === 1 || i > 0).length;
    say(
      await runPhase(
        measured,
        {
          mode: "open",
          traffic: "new",
          rate: warmupRate,
          seconds: warmupEvents / warmupRate,
          webhookUrl,
          drainMs,
        },
        `warm-up ${warmupEvents}`,
        { warmup: true },
      ),
    );
    if (options.traffic.includes("returning")) {
      say(
        await runPhase(
          measured,
          {
            mode: "open",
            traffic: "returning",
            rate: warmupRate,
            seconds: options.users / warmupRate,
            webhookUrl,
            drainMs,
          },
          `warm-up ${options.users} users`,
          { warmup: true, usersInPool: options.users },
        ),
      );
    }

    for (const traffic of options.traffic) {
      let stopReason: string | undefined;
      for (const rate of options.rates) {
        const key = `open ${rate}/s`;
        // Issue 11's targets are stated at 300 events/s: that rate is measured even after an overload.
        if (stopReason && rate !== TARGET_RATE) {
          phases.push(skipped(key, traffic, stopReason));
          continue;
        }
        const phase = await runPhase(
          measured,
          { mode: "open", traffic, rate, seconds: options.seconds, webhookUrl, drainMs },
          key,
          { usersInPool: options.users },
        );
        say(phase);
        if (overloaded(phase)) stopReason = `skipped: ${rate}/s was already far behind`;
      }
      say(
        await runPhase(
          measured,
          {
            mode: "closed-turn",
            traffic,
            vus: options.vus,
            seconds: options.closedSeconds,
            presignRate: PRESIGN_RATE,
            webhookUrl,
            drainMs,
          },
          "closed turns",
          { usersInPool: options.users },
        ),
      );
    }
    say(
      await runPhase(
        measured,
        {
          mode: "closed-ack",
          traffic: "new",
          vus: options.vus,
          seconds: options.closedSeconds,
          presignRate: PRESIGN_RATE,
          webhookUrl,
          drainMs,
        },
        "closed acks",
      ),
    );
    return {
      label,
      name: target.name,
      workers: target.workers,
      supported: true,
      note: pids.length > 1 ? `1 primary + ${pids.length - 1} workers` : "1 process",
      processes: pids.length,
      startSeconds,
      phases,
    };
  } finally {
    await stopProcess(service.child);
    if (target.name === "bot") await store.dropDatabase(dbName).catch(() => undefined);
  }
}

function skipped(key: string, traffic: TrafficKind, reason: string): PhaseReport {
  return { key, traffic, skipped: reason } as PhaseReport;
}

/** Local mode (no credentials, no MONGODB_URI): one process with the store and the fake platform, idle. */
async function localModeIdleRssMb(): Promise<number | null> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tipline-bench-local-"));
  const service = spawnService(botEntry, { PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: "warn" });
  try {
    await waitReady(service);
    await sleep(2_000); // let start-up garbage settle
    return round(rssMb(service.child.pid!), 0);
  } finally {
    await stopProcess(service.child);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (!fs.existsSync(botEntry)) throw new Error(`${botEntry} is missing: npm run build first`);
  const stamp = new Date().toISOString();
  const loadAtStart = os.loadavg().map((value) => round(value, 2)!);
  console.error(`bench ${stamp}: ${machineDescription()}; load ${loadAtStart.join(" ")}`);
  const localIdleRss = options.localRss ? await localModeIdleRssMb() : null;

  const secret = randomBytes(16).toString("hex");
  const store = await startBenchStore(
    options.mongodbUri,
    options.profileDir
      ? [
          "--cpu-prof",
          `--cpu-prof-dir=${options.profileDir}`,
          `--cpu-prof-name=store-${Date.now()}.cpuprofile`,
        ]
      : [],
  );
  const cleanups: Array<() => Promise<void>> = [() => store.stop()];
  try {
    const line = await Helper.start<FakeLineMessage, FakeLineReady>("fake-line.js", {
      BENCH_LINE_ACCESS_TOKEN: accessToken,
    });
    const fakeLine = line.helper as unknown as FakeLine;
    cleanups.push(() => fakeLine.stop({ type: "stop" }));
    const { helper: generator } = await Helper.start<GeneratorRequest, GeneratorReply>("load-generator.js");
    cleanups.push(() => generator.stop({ type: "stop" }));
    await generator.ask(
      { type: "connect", feedPort: line.ready.feedPort, secret, destination: DEFAULT_BOT_USER_ID },
      "connected",
    );
    console.error(`store: ${store.description}; returning users: ${options.users}`);

    const targets: TargetSpec[] = [
      ...(options.targets.includes("echo") ? [{ name: "echo" as const, workers: 1 }] : []),
      ...(options.targets.includes("bot")
        ? options.workers.map((workers) => ({ name: "bot" as const, workers }))
        : []),
    ];
    const runs: BenchReport["runs"] = [];
    const unsupported = new Set<number>();
    for (let run = 1; run <= options.runs; run++) {
      console.error(`run ${run}/${options.runs}`);
      const reports: TargetReport[] = [];
      for (const target of targets) {
        if (target.name === "bot" && unsupported.has(target.workers)) continue;
        const report = await benchTarget(target, run, {
          options,
          generator,
          fakeLine,
          store,
          lineUrl: line.ready.url,
          secret,
          stamp,
        });
        if (!report.supported) unsupported.add(target.workers);
        reports.push(report);
      }
      runs.push({ run, targets: reports });
    }

    const report: BenchReport = {
      date: stamp,
      machine: machineDescription(),
      command: `npm run bench -- ${process.argv.slice(2).join(" ")}`.trim(),
      store: store.description,
      loadAtStart,
      loadAtEnd: os.loadavg().map((value) => round(value, 2)!),
      localModeIdleRssMb: localIdleRss,
      settings: {
        runs: options.runs,
        rates: options.rates,
        seconds: options.seconds,
        closedSeconds: options.closedSeconds,
        vus: options.vus,
        warmup: options.warmup,
        returningUsers: options.users,
        workers: options.workers,
        traffic: options.traffic,
      },
      runs,
      summary: summarize(runs),
    };
    const text = renderReport(report);
    fs.mkdirSync(path.dirname(path.resolve(options.out)), { recursive: true });
    fs.writeFileSync(options.out, `${JSON.stringify(report, null, 2)}\n`);
    fs.writeFileSync(options.out.replace(/\.json$/, "") + ".md", text);
    process.stdout.write(text);
    console.error(`report: ${options.out}`);
    if (options.checkTargets && report.summary.targets.some((check) => check.met === false))
      process.exitCode = 1;
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
