/**
 * Campaign delivery benchmark (not a test). Build first, then:
 *
 *   node --expose-gc dist/scripts/bench-delivery.js [--sizes 50000,100000,200000] [--rate 150]
 *                                                    [--mongodb-uri URI]
 *
 * For each size it seeds that many subscribers (sealed user ids, as in production), creates a
 * campaign run and delivers it against the fake LINE platform with the production settings
 * (batches of 500, the multicast token bucket at --rate, 32 batches in flight), then prints:
 *
 *   efficiency   LINE's bound (subscribers / 500 / rate seconds) divided by the measured time,
 *                from the claim of the run to its end; "steady" is the same from the first to the
 *                last multicast (it leaves out the database's time to open the cursor)
 *   RSS growth   peak resident memory during delivery minus the level before it, and per 100k
 *   loop p99     event-loop delay of the delivering process (what a webhook acknowledgement
 *                handled by this process would wait for)
 *   db ack p99   a small insert every 100 ms during delivery (the inbox write a webhook
 *                acknowledgement needs), so a database that stalls under the delivery shows up
 *
 * The embedded store (unless --mongodb-uri is given) and the fake platform run in a child process,
 * so the numbers are those of the delivering process alone. Nothing here talks to the real LINE.
 */
import { fork } from "node:child_process";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";
import type { Config } from "../src/config";
import { loadConfig } from "../src/config";
import { createLogger } from "../src/log";
import { buildAwareness } from "../src/awareness";
import { openStandaloneContext, prepareIndexes } from "../src/awareness/standalone-context";
import { multicastBucket } from "../src/awareness/token-bucket";
import type { SubscriberDocument } from "../src/awareness/subscribers";

const channelSecret = "bench-channel-secret";
const channelAccessToken = "bench-channel-access-token";
const mb = 1024 * 1024;

interface Endpoints {
  storeUri: string;
  lineUrl: string;
}

interface Row {
  subscribers: number;
  seconds: number;
  boundSeconds: number;
  efficiency: number;
  steadyEfficiency: number;
  rssGrowthMb: number;
  loopP99Ms: number;
  dbAckP99Ms: number;
  dbAckMaxMs: number;
  recipients: number;
  /** CPU time of the delivering process over the delivery's wall time. */
  cpuPercent: number;
  /** From the claim of the run to the first confirmed batch (mostly the database opening the cursor). */
  firstBatchSeconds: number;
}

async function main(): Promise<void> {
  if (process.env.BENCH_ROLE === "platform") return servePlatform();
  const { values } = parseArgs({
    options: {
      sizes: { type: "string", default: "50000,100000,200000" },
      rate: { type: "string", default: "150" },
      "mongodb-uri": { type: "string" },
    },
  });
  const sizes = values.sizes.split(",").map((size) => Number(size.trim()));
  const rate = Number(values.rate);
  if (sizes.some((size) => !Number.isInteger(size) || size <= 0))
    throw new Error("--sizes must be positive integers");

  const child = fork(__filename, [], {
    env: { ...process.env, BENCH_ROLE: "platform", BENCH_EXTERNAL_DB: values["mongodb-uri"] ?? "" },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const endpoints = await new Promise<Endpoints>((resolve, reject) => {
    child.once("message", (message) => resolve(message as Endpoints));
    child.once("exit", (code) => reject(new Error(`platform process exited (${code})`)));
  });
  if (typeof global.gc !== "function")
    console.error("note: run with --expose-gc for steadier memory figures");
  console.error(`LINE bound at ${rate} multicasts/s: ${rate * 500} recipients/s`);

  const rows: Row[] = [];
  try {
    for (const size of sizes) rows.push(await benchOnce(size, rate, endpoints, child));
  } finally {
    child.send("stop");
  }
  console.log("");
  console.log(
    "subscribers  seconds  bound s  efficiency  steady  first batch s  RSS growth MB  per 100k MB  cpu %  loop p99 ms  db ack p99/max ms  delivered",
  );
  for (const row of rows) {
    console.log(
      [
        String(row.subscribers).padStart(11),
        row.seconds.toFixed(2).padStart(8),
        row.boundSeconds.toFixed(2).padStart(8),
        row.efficiency.toFixed(3).padStart(11),
        row.steadyEfficiency.toFixed(3).padStart(7),
        row.firstBatchSeconds.toFixed(2).padStart(14),
        row.rssGrowthMb.toFixed(1).padStart(14),
        ((row.rssGrowthMb / row.subscribers) * 100_000).toFixed(1).padStart(12),
        row.cpuPercent.toFixed(0).padStart(6),
        row.loopP99Ms.toFixed(1).padStart(12),
        `${row.dbAckP99Ms.toFixed(1)}/${row.dbAckMaxMs.toFixed(1)}`.padStart(18),
        String(row.recipients).padStart(10),
      ].join(" "),
    );
  }
}

async function benchOnce(
  size: number,
  rate: number,
  endpoints: Endpoints,
  child: ReturnType<typeof fork>,
): Promise<Row> {
  const config = benchConfig(endpoints);
  const logger = createLogger({ level: "warn", destination: process.stderr });
  const dbName = `bench_${size}_${Date.now()}`;
  const uri = `${endpoints.storeUri.replace(/\/[^/]*$/, "")}/${dbName}`;
  const { context, close } = await openStandaloneContext({
    config,
    mongodbUri: uri,
    logger,
    instancePrefix: "bench",
  });
  const awareness = buildAwareness(context, { startJobs: false, rateLimiter: multicastBucket(rate) });
  await prepareIndexes(context);
  try {
    console.error(`\n${size} subscribers: seeding…`);
    await seed(awareness.subscribers, size);
    await awareness.campaigns.save({
      id: "bench",
      name: "Benchmark",
      topics: ["knowledge"],
      content: { th: [{ type: "text", text: "ทดสอบ" }], en: [{ type: "text", text: "Benchmark" }] },
    });
    const runKey = await awareness.campaigns.createManualRun("bench");
    await requestCount(child, "reset");

    global.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const acks: number[] = [];
    const probe = context.connection.collection("bench_probe");
    let probing = true;
    const prober = (async () => {
      while (probing) {
        const started = performance.now();
        await probe.insertOne({ at: new Date() });
        acks.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();

    let firstBatchAt: number | undefined;
    let lastBatchAt = 0;
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    let lastPrint = started;
    const result = await awareness.scheduler.deliverNow(runKey, {
      onProgress: ({ counts }) => {
        const now = performance.now();
        firstBatchAt ??= now;
        lastBatchAt = now;
        if (now - lastPrint > 1_000) {
          lastPrint = now;
          console.error(`  sent ${counts.sent}/${size}`);
        }
      },
    });
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuPercent = ((cpu.user + cpu.system) / 1e6 / seconds) * 100;
    const firstBatchSeconds = ((firstBatchAt ?? started) - started) / 1000;
    probing = false;
    await prober;
    clearInterval(sampler);
    loop.disable();
    const recipients = await requestCount(child, "count");
    if (result.outcome !== "done" || result.counts.sent !== size) {
      console.error(
        `  warning: outcome ${result.outcome}, sent ${"counts" in result ? result.counts.sent : 0} of ${size}`,
      );
    }

    const boundSeconds = size / 500 / rate;
    // First to last response covers all batches but one interval: add it back for a fair bound.
    const steadySeconds = (lastBatchAt - (firstBatchAt ?? started)) / 1000 + 1 / rate;
    acks.sort((a, b) => a - b);
    return {
      subscribers: size,
      seconds,
      boundSeconds,
      efficiency: boundSeconds / seconds,
      steadyEfficiency: Math.min(1, boundSeconds / steadySeconds),
      rssGrowthMb: (peak - baseline) / mb,
      loopP99Ms: loop.percentile(99) / 1e6,
      dbAckP99Ms: acks[Math.min(acks.length - 1, Math.floor(acks.length * 0.99))] ?? 0,
      dbAckMaxMs: acks.at(-1) ?? 0,
      recipients,
      cpuPercent,
      firstBatchSeconds,
    };
  } finally {
    await context.connection.dropDatabase().catch(() => undefined);
    await awareness.stop();
    await close();
  }
}

/** Seeds active subscribers in chunks, user ids sealed as the feature stores them. */
async function seed(
  subscribers: ReturnType<typeof buildAwareness>["subscribers"],
  size: number,
): Promise<void> {
  const now = new Date();
  for (let offset = 0; offset < size; offset += 5_000) {
    const docs: SubscriberDocument[] = [];
    for (let i = offset; i < Math.min(size, offset + 5_000); i++) {
      const userId = `U${i.toString(16).padStart(32, "0")}`;
      docs.push({
        _id: subscribers.keyFor(userId),
        status: "active",
        locale: i % 5 === 0 ? "en" : "th",
        topics: ["knowledge"],
        userId: subscribers.sealUserId(userId),
        createdAt: now,
        updatedAt: now,
      });
    }
    await subscribers.model.collection.insertMany(docs as never[], { ordered: false });
  }
}

function benchConfig(endpoints: Endpoints): Config {
  return loadConfig({
    NODE_ENV: "test",
    LOG_LEVEL: "warn",
    LINE_CHANNEL_SECRET: channelSecret,
    LINE_CHANNEL_ACCESS_TOKEN: channelAccessToken,
    LINE_API_BASE_URL: endpoints.lineUrl,
    LINE_DATA_API_BASE_URL: endpoints.lineUrl,
    MONGODB_URI: endpoints.storeUri,
    DATA_ENCRYPTION_KEYS: `bench:${"33".repeat(32)}`,
    DATA_ENCRYPTION_KEY_ID: "bench",
    PSEUDONYM_KEY: "44".repeat(32),
  });
}

/** Asks the platform process how many multicast recipients it accepted (or to reset the count). */
function requestCount(child: ReturnType<typeof fork>, request: "count" | "reset"): Promise<number> {
  return new Promise((resolve) => {
    const onMessage = (message: unknown) => {
      if (typeof message === "object" && message !== null && "recipients" in message) {
        child.off("message", onMessage);
        const { recipients, cpuMs } = message as { recipients: number; cpuMs?: number };
        if (cpuMs !== undefined) console.error(`  store + platform process: ${Math.round(cpuMs)} ms CPU`);
        resolve(recipients);
      }
    };
    child.on("message", onMessage);
    child.send(request);
  });
}

/** The child process: the embedded store (unless an external database was given) and the fake LINE platform. */
async function servePlatform(): Promise<void> {
  const { createFakeLinePlatform } = await import("../src/dev/line-platform/index.js");
  const external = process.env.BENCH_EXTERNAL_DB;
  let storeUri = external ?? "";
  let stopStore = async () => undefined as void;
  if (!external) {
    const { startEmbeddedStore } = await import("../src/dev/embedded-store/index.js");
    const store = await startEmbeddedStore();
    storeUri = `${store.uri}bench`;
    stopStore = () => store.stop();
  }
  // Deliveries and calls are only counted: keeping 200,000 delivery records would measure the fake, not us.
  const platform = createFakeLinePlatform({
    channelSecret,
    channelAccessToken,
    maxDeliveries: 1,
    maxRecordedCalls: 1,
  });
  let recipients = 0;
  let cpuSince = process.cpuUsage();
  platform.on("call", (call) => {
    if (call.endpoint === "POST /v2/bot/message/multicast" && call.status === 200)
      recipients += (call.body as { to: string[] }).to.length;
  });
  const lineUrl = await platform.listen(0);
  process.on("message", (message) => {
    if (message === "reset") {
      recipients = 0;
      cpuSince = process.cpuUsage();
      process.send!({ recipients });
    } else if (message === "count") {
      const cpu = process.cpuUsage(cpuSince);
      process.send!({ recipients, cpuMs: (cpu.user + cpu.system) / 1000 });
    } else if (message === "stop") {
      void Promise.all([platform.close(), stopStore()]).then(() => process.exit(0));
    }
  });
  process.send!({ storeUri, lineUrl } satisfies Endpoints);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
