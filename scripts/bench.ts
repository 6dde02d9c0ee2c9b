/**
 * `npm run bench`: the speed and memory targets, measured as a deployment would see them.
 *  - webhook acknowledgement p99 < 50 ms at 300 events/s (signature check + inbox write only)
 *  - conversation turn (event received → reply sent) p99 < 150 ms at 300 events/s
 *  - local mode idle RSS < 200 MB (bot and embedded store in one process)
 *
 * Topology: this process plays LINE and the database (fake LINE platform + embedded store, both on
 * 127.0.0.1) and drives the load; the service runs as its own process from dist/, as in production.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { startEmbeddedStore } from "../src/dev/embedded-store";
import { createFakeLinePlatform } from "../src/dev/line-platform";

const rate = Number(process.env.BENCH_RATE ?? 300);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const entry = path.join(__dirname, "../src/main.js");

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
}

async function waitReady(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/readyz`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("service did not become ready");
}

async function stopChild(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

async function measureLocalModeIdleRss(): Promise<number> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tipline-bench-"));
  const child = spawn(process.execPath, [entry], {
    env: { PATH: process.env.PATH, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: "warn" },
    stdio: "ignore",
  });
  await waitReady(`http://127.0.0.1:${port}`, child);
  await new Promise((resolve) => setTimeout(resolve, 2000)); // let start-up garbage settle
  const rss = rssMb(child.pid!);
  await stopChild(child);
  return rss;
}

async function main(): Promise<void> {
  const idleLocalRssMb = await measureLocalModeIdleRss();

  const secret = randomBytes(16).toString("hex");
  const store = await startEmbeddedStore();
  const platform = createFakeLinePlatform({ channelSecret: secret, channelAccessToken: "bench", maxDeliveries: 1000 });
  const lineUrl = await platform.listen(0);
  const port = await freePort();
  // BENCH_PROFILE=dir writes a CPU profile of the service there.
  const profile = process.env.BENCH_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const service = spawn(process.execPath, [...profile, entry], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "production",
      PORT: String(port),
      LOG_LEVEL: "warn",
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      LINE_CHANNEL_SECRET: secret,
      LINE_CHANNEL_ACCESS_TOKEN: "bench",
      LINE_API_BASE_URL: lineUrl,
      LINE_DATA_API_BASE_URL: lineUrl,
      MONGODB_URI: `${store.uri}bench`,
      DATA_ENCRYPTION_KEYS: `b1:${randomBytes(32).toString("hex")}`,
      DATA_ENCRYPTION_KEY_ID: "b1",
      PSEUDONYM_KEY: randomBytes(32).toString("hex"),
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url, service);
  platform.setWebhookUrl(`${url}/webhook`);

  // Turn latency: from sending the webhook to the bot's reply arriving here, matched by reply token.
  const sentAt = new Map<string, number>();
  const turnMs: number[] = [];
  platform.on("call", (call) => {
    const token = (call.body as { replyToken?: string } | undefined)?.replyToken;
    const started = token ? sentAt.get(token) : undefined;
    if (started !== undefined) turnMs.push(performance.now() - started);
  });

  const ackMs: number[] = [];
  const failures: string[] = [];
  const total = rate * seconds;
  const begin = performance.now();
  const inFlight: Array<Promise<void>> = [];
  for (let i = 0; i < total; i++) {
    const wait = begin + (i * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const t0 = performance.now();
    // Each event from its own user, as a broad audience would send them.
    const send = platform.sendWebhook([platform.textFrom(`U${randomBytes(16).toString("hex")}`, "เมนู")]);
    inFlight.push(
      send.then(
        (delivery) => {
          const token = (delivery.events[0] as { replyToken?: string }).replyToken;
          if (token) sentAt.set(token, t0);
          if (delivery.status === 200) ackMs.push(performance.now() - t0);
          else failures.push(String(delivery.status));
        },
        (error: unknown) => void failures.push(String(error)),
      ),
    );
  }
  await Promise.all(inFlight);
  for (let i = 0; i < 100 && turnMs.length < ackMs.length; i++) await new Promise((r) => setTimeout(r, 100));
  const loadedRssMb = rssMb(service.pid!);

  const report = {
    events: total,
    ratePerSecond: rate,
    failures: failures.length,
    ackP50Ms: +percentile(ackMs, 50).toFixed(1),
    ackP99Ms: +percentile(ackMs, 99).toFixed(1),
    turnsMeasured: turnMs.length,
    turnP50Ms: +percentile(turnMs, 50).toFixed(1),
    turnP99Ms: +percentile(turnMs, 99).toFixed(1),
    serviceRssAfterLoadMb: loadedRssMb,
    localModeIdleRssMb: idleLocalRssMb,
  };
  const targets = { ackP99Ms: 50, turnP99Ms: 150, localModeIdleRssMb: 200 };
  console.log(JSON.stringify({ report, targets }, null, 2));
  await stopChild(service);
  await platform.close();
  await store.stop();
  const met =
    report.failures === 0 &&
    report.turnsMeasured === total &&
    report.ackP99Ms < targets.ackP99Ms &&
    report.turnP99Ms < targets.turnP99Ms &&
    report.localModeIdleRssMb < targets.localModeIdleRssMb;
  console.log(met ? "bench: targets met" : "bench: TARGETS MISSED");
  process.exitCode = met ? 0 : 1;
}

void main();
