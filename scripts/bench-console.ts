/**
 * `npm run bench:console`: server time of the console's case queue with 10,000 cases in the officer's
 * scope (and as many outside it), on the embedded store (memory only, the store the tests use).
 * Each figure is the round trip of `GET /console…` over loopback, signed in, so it is an upper
 * bound of server time: the HTTP client's own work is in it too. Target: under 300 ms. The store,
 * the service and the client share this one process (as local mode does), so the CPU time per
 * request is the work of all three: unlike the wall time it hardly moves when other jobs load the
 * machine, and on an idle machine the wall time comes close to it.
 *
 *   BENCH_CONSOLE_CASES=10000 BENCH_CONSOLE_ROUNDS=20 npm run bench:console
 *
 * docs/PERFORMANCE.md ("Console queue") records a run.
 */
import os from "node:os";
import { performance } from "node:perf_hooks";
import { Writable } from "node:stream";
import { loadConfig } from "../src/config";
import { createLogger } from "../src/log";
import { startService } from "../src/service";
import { startEmbeddedStore } from "../src/dev/embedded-store";
import { createFakeLinePlatform, fakeUserId } from "../src/dev/line-platform";
import { seedCases } from "./lib/seed-cases";

const cases = Number(process.env.BENCH_CONSOLE_CASES ?? 10_000);
const rounds = Number(process.env.BENCH_CONSOLE_ROUNDS ?? 20);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function main(): Promise<void> {
  const store = await startEmbeddedStore({ port: 0 });
  const platform = createFakeLinePlatform({
    channelSecret: "bench-secret",
    channelAccessToken: "bench-token",
  });
  const lineUrl = await platform.listen(0);
  const config = loadConfig({
    NODE_ENV: "test",
    PORT: "0",
    LOG_LEVEL: "warn",
    LINE_CHANNEL_SECRET: "bench-secret",
    LINE_CHANNEL_ACCESS_TOKEN: "bench-token",
    LINE_API_BASE_URL: lineUrl,
    LINE_DATA_API_BASE_URL: lineUrl,
    MONGODB_URI: `${store.uri}bench`,
    DATA_ENCRYPTION_KEYS: `k1:${"11".repeat(32)}`,
    DATA_ENCRYPTION_KEY_ID: "k1",
    PSEUDONYM_KEY: "22".repeat(32),
    PUBLIC_BASE_URL: "http://127.0.0.1",
  });
  const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
  const service = await startService(config, {
    logger: createLogger({ level: "warn", destination: quiet }),
    startJobs: false,
    sweepIntervalMs: 0,
  });
  try {
    const { officers } = service.modules;
    const { connection, sealer } = service.context;
    const now = new Date();
    const [issued] = await officers.directory.createCodes(
      {
        role: "officer",
        scope: {
          everywhere: false,
          provinceIds: [],
          districtIds: ["cm-san-sai", "cm-doi-saket", "cm-mae-rim"],
          categories: [],
          fallback: false,
        },
        label: "bench",
        expiresInMs: 60_000,
        count: 1,
      },
      now,
    );
    const enrolled = await officers.directory.enrollOfficer(fakeUserId(), issued!.code, "th", now);
    if (!enrolled.ok) throw new Error("could not enroll the bench officer");
    const officer = enrolled.enrolled;
    const seedStarted = performance.now();
    await seedCases(connection, sealer, {
      count: cases,
      districtIds: ["cm-san-sai", "cm-doi-saket", "cm-mae-rim"],
      provinceId: "cm",
      now,
      assignees: [officer._id, "someone-else"],
    });
    await seedCases(connection, sealer, {
      count: cases,
      districtIds: ["cm-mae-taeng", "cm-hang-dong"],
      provinceId: "cm",
      now,
      seed: 9,
    });
    process.stdout.write(
      `seeded ${cases} cases in scope and ${cases} outside it in ${Math.round(performance.now() - seedStarted)} ms\n`,
    );

    const token = await officers.signInLinks.issue(officer, now);
    const signedIn = await fetch(`${service.url}/console/sign-in`, {
      method: "POST",
      body: new URLSearchParams({ token }).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
      redirect: "manual",
    });
    const cookie = signedIn.headers.get("set-cookie")!.split(";")[0]!;
    const code = (await connection.collection("tips").findOne({ districtId: "cm-san-sai" }))!.code as string;
    const views: Array<[string, string]> = [
      ["open cases, first page", "/console"],
      ["all statuses, page 200", "/console?status=all&page=200"],
      ["overdue", "/console?deadline=overdue"],
      ["one district and category", "/console?district=cm-doi-saket&category=bribery"],
      ["assigned to me", "/console?assigned=me"],
      ["case-code search", `/console?status=all&q=${code.slice(3, 9)}`],
    ];
    process.stdout.write(`\nGET round trip, ms, ${rounds} rounds each (after 3 warm-up requests)\n`);
    process.stdout.write(
      `${"view".padEnd(30)} ${"median".padStart(7)} ${"p95".padStart(7)} ${"max".padStart(7)} ${"CPU/req".padStart(8)}\n`,
    );
    let worst = 0;
    let worstCpu = 0;
    for (const [name, url] of views) {
      const times: number[] = [];
      const cpu: number[] = [];
      for (let i = 0; i < rounds + 3; i++) {
        const started = performance.now();
        const cpuStarted = process.cpuUsage();
        const response = await fetch(`${service.url}${url}`, { headers: { cookie } });
        await response.text();
        if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
        const used = process.cpuUsage(cpuStarted);
        if (i >= 3) {
          times.push(performance.now() - started);
          cpu.push((used.user + used.system) / 1000);
        }
      }
      const p95 = percentile(times, 95);
      worst = Math.max(worst, p95);
      const cells = [percentile(times, 50), p95, Math.max(...times)].map((ms) => ms.toFixed(1).padStart(7));
      const cpuMedian = percentile(cpu, 50).toFixed(1).padStart(8);
      worstCpu = Math.max(worstCpu, percentile(cpu, 50));
      process.stdout.write(`${name.padEnd(30)} ${cells.join(" ")} ${cpuMedian}\n`);
    }
    process.stdout.write(
      `\nworst p95 ${worst.toFixed(1)} ms, worst median CPU ${worstCpu.toFixed(1)} ms per request (target < 300 ms); ` +
        `load average ${os.loadavg()[0]!.toFixed(2)} on ${os.cpus().length} cores\n`,
    );
  } finally {
    await service.stop();
    await platform.close();
    await store.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
