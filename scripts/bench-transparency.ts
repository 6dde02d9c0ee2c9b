/**
 * `npm run bench:transparency`: the transparency page with 100,000 tips (BENCH_TIPS to change).
 *  - request time of /transparency, /transparency.json and /transparency.csv (target: < 200 ms
 *    server time), measured on 127.0.0.1 so it is the server's time plus a loopback round trip;
 *  - time to recompute the report (the hourly job and start-up; never on a request).
 *
 * This process runs the embedded store, the fake LINE platform and the service, as the tests do.
 * docs/TRANSPARENCY.md has the numbers.
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import { performance } from "node:perf_hooks";
import { Writable } from "node:stream";
import { startEmbeddedStore } from "../src/dev/embedded-store";
import { createFakeLinePlatform } from "../src/dev/line-platform";
import { loadConfig } from "../src/config";
import { createLogger } from "../src/log";
import { startService } from "../src/service";
import { loadGeography } from "../src/geo";
import { loadTranslator } from "../src/i18n";
import { tipCategories } from "../src/tips/tip";
import { closeReasons } from "../src/officers/postback";
import { TransparencyPageCache } from "../src/transparency/page-cache";
import { projectRoot } from "../src/context";
import path from "node:path";

const tipCount = Number(process.env.BENCH_TIPS ?? 100_000);
const requests = Number(process.env.BENCH_REQUESTS ?? 200);
const day = 86_400_000;
const secret = "8c570fa6dd201bb328f1c1eac23a96d8";
const token = "bench-token";

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** A small deterministic generator, so every run measures the same tips. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Tips over the last 13 months: most in Chiang Mai (skewed over its 25 districts, as reports
 * concentrate in the city), a tenth spread over the rest of the country, some without a district.
 */
function tips(now: Date) {
  const geography = loadGeography();
  const chiangMai = geography.findProvince("chiang-mai")!.districts;
  const elsewhere = geography.provinces.filter((p) => p.id !== "chiang-mai").flatMap((p) => p.districts);
  const next = random(42);
  return Array.from({ length: tipCount }, () => {
    const pick = next();
    const district =
      pick < 0.88
        ? chiangMai[Math.floor(chiangMai.length * next() * next())]!
        : pick < 0.98
          ? elsewhere[Math.floor(elsewhere.length * next())]!
          : undefined;
    const receivedAt = new Date(now.getTime() - Math.floor(next() * 395 * day));
    const acknowledgedAt = next() < 0.85 ? new Date(receivedAt.getTime() + next() * 10 * day) : undefined;
    const reviewedAt =
      acknowledgedAt && next() < 0.7 ? new Date(acknowledgedAt.getTime() + next() * 100 * day) : undefined;
    const closedAt =
      reviewedAt && next() < 0.7 ? new Date(reviewedAt.getTime() + next() * 60 * day) : undefined;
    const done = (at: Date | undefined) => at !== undefined && at < now;
    const status = done(closedAt)
      ? "closed"
      : done(reviewedAt)
        ? "under-review"
        : done(acknowledgedAt)
          ? "acknowledged"
          : "received";
    return {
      ref: randomBytes(16).toString("hex"),
      code: `TK-${randomBytes(8).toString("hex")}`,
      submissionKey: randomBytes(12).toString("hex"),
      status,
      category: tipCategories[Math.floor(tipCategories.length * next() * next())]!,
      agencyType: "local",
      provinceId: district?.provinceId ?? null,
      districtId: district?.id ?? null,
      details: "sealed",
      evidenceCount: 0,
      wantsUpdates: false,
      reporterLocale: "th",
      receivedAt,
      acknowledgeBy: new Date(receivedAt.getTime() + 7 * day),
      ...(done(acknowledgedAt) && {
        acknowledgedAt,
        feedbackBy: new Date(acknowledgedAt!.getTime() + 90 * day),
      }),
      ...(done(closedAt) && {
        closedAt,
        closeReason: closeReasons[Math.floor(closeReasons.length * next())]!,
      }),
      history: [
        { status: "received", at: receivedAt, actor: "reporter" },
        ...(done(acknowledgedAt) ? [{ status: "acknowledged", at: acknowledgedAt, actor: "officer:b" }] : []),
        ...(done(reviewedAt) ? [{ status: "under-review", at: reviewedAt, actor: "officer:b" }] : []),
        ...(done(closedAt) ? [{ status: "closed", at: closedAt, actor: "officer:b" }] : []),
      ],
    };
  });
}

/**
 * Time to the last byte of the response as a browser asking for gzip gets it, on 127.0.0.1: the
 * server's time plus a loopback round trip. Raw HTTP, so the client's own decompression and text
 * decoding (megabytes for the CSV) are not counted as server time.
 */
function timeOne(url: string): Promise<{ ms: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const request = http.get(url, { headers: { "accept-encoding": "gzip" }, agent }, (response) => {
      let bytes = 0;
      response.on("data", (chunk: Buffer) => (bytes += chunk.length));
      response.on("end", () => {
        if (response.statusCode !== 200) reject(new Error(`${url}: ${response.statusCode}`));
        else resolve({ ms: performance.now() - started, bytes });
      });
    });
    request.on("error", reject);
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

async function timeRequests(url: string): Promise<{ p50: number; p99: number; bytes: number }> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < requests; i++) {
    const one = await timeOne(url);
    times.push(one.ms);
    bytes = one.bytes;
  }
  return { p50: percentile(times, 50), p99: percentile(times, 99), bytes };
}

async function main(): Promise<void> {
  const store = await startEmbeddedStore();
  const platform = createFakeLinePlatform({ channelSecret: secret, channelAccessToken: token });
  const lineUrl = await platform.listen(0);
  const config = loadConfig({
    NODE_ENV: "test",
    PORT: "0",
    LOG_LEVEL: "warn",
    LINE_CHANNEL_SECRET: secret,
    LINE_CHANNEL_ACCESS_TOKEN: token,
    LINE_API_BASE_URL: lineUrl,
    LINE_DATA_API_BASE_URL: lineUrl,
    MONGODB_URI: `${store.uri}bench`,
    DATA_ENCRYPTION_KEYS: `k1:${"11".repeat(32)}`,
    DATA_ENCRYPTION_KEY_ID: "k1",
    PSEUDONYM_KEY: "22".repeat(32),
    PUBLIC_BASE_URL: "http://127.0.0.1",
  });
  // Info lines are kept to see when the measured service's start-up recompute is done.
  let recomputed = 0;
  const logger = createLogger({
    level: "info",
    destination: new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        if (chunk.toString().includes("transparency report recomputed")) recomputed++;
        done();
      },
    }),
  });
  const now = new Date();

  // Seed through a first service's connection, then start the measured one: its start-up computes.
  const seeding = await startService(config, { logger, startJobs: false, sweepIntervalMs: 0 });
  const seedStarted = performance.now();
  const all = tips(now);
  const collection = seeding.context.connection.collection("tips");
  for (let i = 0; i < all.length; i += 5000) await collection.insertMany(all.slice(i, i + 5000));
  console.log(`seeded ${tipCount} tips in ${Math.round(performance.now() - seedStarted)} ms`);

  const cache = new TransparencyPageCache({
    connection: seeding.context.connection,
    geography: loadGeography(),
    texts: loadTranslator(path.join(projectRoot, "locales")),
    now: () => now,
    logger,
  });
  const recomputes: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    await cache.recompute();
    recomputes.push(performance.now() - started);
  }
  await seeding.stop();

  // Requests are timed once the service's own start-up recompute is over (it runs in the background).
  const before = recomputed;
  const service = await startService(config, { logger, sweepIntervalMs: 0 });
  for (let i = 0; recomputed === before; i++) {
    if (i > 6000) throw new Error("no recompute after ten minutes");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const page = await timeRequests(`${service.url}/transparency`);
  const json = await timeRequests(`${service.url}/transparency.json`);
  const csv = await timeRequests(`${service.url}/transparency.csv`);
  agent.destroy();
  const report = cache.rendered()!.report;
  const received = report.measures.find((m) => m.id === "received")!;
  const suppressed = received.tables
    .flatMap((t) => t.rows.flatMap((r) => r.cells))
    .filter((cell) => cell.status !== "published").length;
  console.log(
    JSON.stringify(
      {
        tips: tipCount,
        requests,
        areaRows: received.tables[0]!.rows.length,
        suppressedReceivedCells: suppressed,
        recomputeMs: recomputes.map(Math.round),
        pageMs: { p50: +page.p50.toFixed(2), p99: +page.p99.toFixed(2), bytes: page.bytes },
        uncompressedBytes: {
          page: Buffer.byteLength(cache.rendered()!.html.th.body.text),
          json: Buffer.byteLength(cache.rendered()!.json.text),
          csv: Buffer.byteLength(cache.rendered()!.csv.text),
        },
        jsonMs: { p50: +json.p50.toFixed(2), p99: +json.p99.toFixed(2), bytes: json.bytes },
        csvMs: { p50: +csv.p50.toFixed(2), p99: +csv.p99.toFixed(2), bytes: csv.bytes },
      },
      null,
      2,
    ),
  );
  await service.stop();
  await platform.close();
  await store.stop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
