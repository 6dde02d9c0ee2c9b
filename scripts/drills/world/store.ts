import { fork } from "node:child_process";
import path from "node:path";

/**
 * The database the drills' bot uses, started apart from the bot so that its data outlives a
 * `kill -9` of the bot. This is the one place that decides what that database is: today the
 * embedded store in a child process of the runner (store-process.ts), or an external MongoDB given
 * with --mongodb-uri. When the embedded store gets its own journaling launcher
 * (scripts/embedded-store.ts), only this function changes.
 */
export interface DrillStore {
  /** `mongodb://host:port/` without a database name. */
  readonly uri: string;
  readonly host: string;
  readonly port: number;
  stop(): Promise<void>;
}

export async function startStore(options: { port: number; externalUri?: string }): Promise<DrillStore> {
  if (options.externalUri) return externalStore(options.externalUri);
  const child = fork(path.join(__dirname, "store-process.js"), [], {
    env: { ...process.env, DRILL_STORE_PORT: String(options.port) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("message", (message) => resolve((message as { port: number }).port));
    child.once("exit", (code) => reject(new Error(`the store process exited (${code}) before it was ready`)));
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    uri: `mongodb://127.0.0.1:${port}/`,
    host: "127.0.0.1",
    port,
    async stop() {
      if (child.exitCode !== null) return;
      child.send("stop");
      const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

function externalStore(uri: string): DrillStore {
  const match = /^mongodb:\/\/([^/:,?]+):(\d+)\/?/.exec(uri);
  if (!match)
    throw new Error("--mongodb-uri must be a single-host mongodb://host:port URI (it goes behind a proxy)");
  return {
    uri: `mongodb://${match[1]}:${match[2]}/`,
    host: match[1]!,
    port: Number(match[2]),
    stop: async () => undefined,
  };
}
