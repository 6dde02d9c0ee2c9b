/**
 * `npm run bench:store`: what durability costs. Acknowledged single-document inserts per second
 * into the standalone embedded store, memory-only versus journaled (every acknowledged insert
 * fsynced), at several numbers of concurrent clients; and how many writes shared each fsync (group
 * commit). The store runs as its own process, as a reliability drill or a second service would use it.
 *
 *   BENCH_STORE_DOCS=20000 BENCH_STORE_CLIENTS=1,8,32,64 BENCH_STORE_ROUNDS=1 npm run bench:store
 *
 * Numbers move with the machine's load: compare the two columns of one run, not runs on
 * different days. With BENCH_STORE_ROUNDS=n each row alternates memory and journal runs n times
 * and reports the medians, which a shared machine's bursts disturb less. docs/EMBEDDED-STORE.md
 * ("Durability") records a run.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { MongoClient } from "mongodb";

const docs = Number(process.env.BENCH_STORE_DOCS ?? 20_000);
const clientCounts = (process.env.BENCH_STORE_CLIENTS ?? "1,8,32,64").split(",").map(Number);
const rounds = Math.max(1, Number(process.env.BENCH_STORE_ROUNDS ?? 1));
const storeScript = join(__dirname, "embedded-store.js");

interface Measurement {
  insertsPerSecond: number;
  /** Journal batches (one fsync each) and frames written, from the store's stop line. */
  journal?: { batches: number; frames: number; bytes: number };
}

async function startStore(
  dataDir: string | undefined,
): Promise<{ child: ChildProcess; uri: string; lines: string[] }> {
  const args = ["--port", "0", ...(dataDir ? ["--data-dir", dataDir] : ["--memory"])];
  const child = spawn(process.execPath, [storeScript, ...args], { stdio: ["ignore", "pipe", "inherit"] });
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

async function measure(clients: number, journaled: boolean): Promise<Measurement> {
  const dataDir = journaled ? mkdtempSync(join(tmpdir(), "bench-store-")) : undefined;
  const { child, uri, lines } = await startStore(dataDir);
  const client = await MongoClient.connect(`${uri}bench`, { maxPoolSize: clients, minPoolSize: clients });
  let insertsPerSecond = 0;
  try {
    const collection = client.db().collection("events");
    await collection.createIndex({ source: 1, receivedAt: 1 });
    const payload = randomBytes(150).toString("base64"); // about an inbox record's size
    const insert = (n: number) =>
      collection.insertOne({ source: `user-${n % 500}`, receivedAt: new Date(), status: "pending", payload });
    // Warm up: connections open, code paths compiled.
    await Promise.all(Array.from({ length: clients * 20 }, (_, n) => insert(n)));

    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (next < docs) await insert(next++);
      }),
    );
    insertsPerSecond = docs / ((performance.now() - started) / 1000);
  } finally {
    await client.close();
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
  return { insertsPerSecond, journal: journalOf(lines) };
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

async function main(): Promise<void> {
  const each = rounds > 1 ? `, median of ${rounds} alternating rounds` : "";
  console.log(`acknowledged insertOne, ${docs} documents per run, store in its own process${each}`);
  console.log("clients  memory ins/s  journal ins/s  journal/memory  writes per fsync");
  for (const clients of clientCounts) {
    const memory: number[] = [];
    const journal: number[] = [];
    const perFsync: number[] = [];
    for (let round = 0; round < rounds; round++) {
      memory.push((await measure(clients, false)).insertsPerSecond);
      const journaled = await measure(clients, true);
      journal.push(journaled.insertsPerSecond);
      // Each insert is one frame; the warm-up and index creation are in the counts too, as are their fsyncs.
      const stats = journaled.journal;
      if (stats && stats.batches > 0) perFsync.push(stats.frames / stats.batches);
    }
    console.log(
      [
        String(clients).padStart(7),
        median(memory).toFixed(0).padStart(12),
        median(journal).toFixed(0).padStart(13),
        (median(journal) / median(memory)).toFixed(2).padStart(14),
        (perFsync.length > 0 ? median(perFsync).toFixed(1) : "?").padStart(16),
      ].join("  "),
    );
  }
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
