/**
 * The database the benchmarked service uses: `MONGODB_URI` when given (the same command then runs
 * against a real MongoDB), otherwise the embedded store in its own process, so its CPU and memory
 * are measured apart from the service's. This is the one place that decides how the store starts.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { MongoClient } from "mongodb";

export interface BenchStore {
  /** Server URI without a database name; see withDatabase. */
  uri: string;
  /** What the report says about the store. */
  description: string;
  /** The store's process, when it runs on this machine (its CPU and memory are then reported). */
  pid?: number;
  dropDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

/** The standalone store script, preferred once built; the bench's own launcher otherwise. */
const standaloneScript = path.join(__dirname, "../embedded-store.js");
const benchLauncher = path.join(__dirname, "store-launcher.js");

/**
 * `nodeArgs` go to the store's node process (the bench's `--profile DIR` passes `--cpu-prof`, so
 * the store's own CPU profile lands beside the bot's).
 */
export async function startBenchStore(
  mongodbUri: string | undefined,
  nodeArgs: string[] = [],
): Promise<BenchStore> {
  if (mongodbUri) {
    return {
      uri: mongodbUri,
      description: `MONGODB_URI (${redact(mongodbUri)})`,
      dropDatabase: (name) => dropDatabase(withDatabase(mongodbUri, name)),
      stop: async () => undefined,
    };
  }
  const standalone = fs.existsSync(standaloneScript);
  const args = [
    ...nodeArgs,
    ...(standalone ? [standaloneScript, "--port", "0", "--memory"] : [benchLauncher]),
  ];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  const uri = await announcedUri(child);
  return {
    uri,
    description: standalone
      ? "embedded store, own process (scripts/embedded-store.ts, memory only)"
      : "embedded store, own process (scripts/bench/store-launcher.ts, memory only)",
    pid: child.pid,
    dropDatabase: (name) => dropDatabase(withDatabase(uri, name)),
    stop: () => stopChild(child),
  };
}

/** Waits for the store's "listening" line on stdout and keeps reading (and dropping) the rest. */
function announcedUri(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = "";
    let found = false;
    child.stdout!.on("data", (chunk: Buffer) => {
      if (found) return;
      buffered += chunk.toString("utf8");
      for (const line of buffered.split("\n")) {
        if (!line.includes('"embedded store listening"')) continue;
        found = true;
        resolve((JSON.parse(line) as { uri: string }).uri);
        return;
      }
    });
    child.once("exit", (code) => {
      if (!found) reject(new Error(`the embedded store exited with ${code} before listening`));
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}

async function dropDatabase(uri: string): Promise<void> {
  const client = await MongoClient.connect(uri);
  try {
    await client.db().dropDatabase();
  } finally {
    await client.close();
  }
}

/** Puts `name` in the path of a (possibly multi-host, possibly `+srv`) URI, keeping its options. */
export function withDatabase(uri: string, name: string): string {
  const [base = "", query] = uri.split("?", 2) as [string, string | undefined];
  const schemeEnd = base.indexOf("://") + 3;
  const pathStart = base.indexOf("/", schemeEnd);
  const hosts = pathStart < 0 ? base : base.slice(0, pathStart);
  return `${hosts}/${name}${query === undefined ? "" : `?${query}`}`;
}

/** A URI for the report: credentials out. */
function redact(uri: string): string {
  return uri.replace(/\/\/[^@/]*@/, "//***@").replace(/\?.*$/, "");
}
