/**
 * `npm run store -- --port 27999 --data-dir ./data/store`: the embedded store on its own, so its
 * data outlives the bot (reliability drills kill one and not the other). Logs one JSON line per
 * event on stdout; the "embedded store listening" line carries the URI. SIGTERM or SIGINT stops it
 * cleanly (final snapshot); after a journal failure it exits with 1 so a supervisor restarts it
 * from what is on disk. For tests and local mode only, like the store itself.
 */
import { parseArgs } from "node:util";
import { DataDirectoryError, startEmbeddedStore } from "../src/dev/embedded-store";

const USAGE = `usage: node dist/scripts/embedded-store.js [--port 27999] [--host 127.0.0.1] [--data-dir ./data/store] [--memory] [--compact-after-bytes N]
  --port                 TCP port (default 27999; 0 picks a free one)
  --host                 address to listen on (default 127.0.0.1)
  --data-dir             where the journal and snapshot live (default ./data/store)
  --memory               keep nothing on disk
  --compact-after-bytes  fold the journal into a snapshot past this size (default 64 MiB)`;

function line(msg: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), msg, ...fields })}\n`);
}

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: "string", default: "27999" },
        host: { type: "string", default: "127.0.0.1" },
        "data-dir": { type: "string", default: "./data/store" },
        memory: { type: "boolean", default: false },
        "compact-after-bytes": { type: "string" },
        help: { type: "boolean", default: false },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const port = Number(values.port);
  const compactAfterBytes =
    values["compact-after-bytes"] === undefined ? undefined : Number(values["compact-after-bytes"]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port must be 0..65535\n\n${USAGE}\n`);
    return 2;
  }
  if (compactAfterBytes !== undefined && !(Number.isInteger(compactAfterBytes) && compactAfterBytes > 0)) {
    process.stderr.write(`--compact-after-bytes must be a positive integer\n\n${USAGE}\n`);
    return 2;
  }

  const dataDir = values.memory ? undefined : values["data-dir"];
  let store;
  try {
    store = await startEmbeddedStore({
      port,
      host: values.host,
      dataDir,
      compactAfterBytes,
      log: line,
      onJournalFailure: () => {
        line("embedded store exiting: its journal cannot be written");
        process.exit(1);
      },
    });
  } catch (error) {
    const reason = error instanceof DataDirectoryError ? error.message : (error as Error).message;
    process.stderr.write(`embedded store did not start: ${reason}\n`);
    return 1;
  }
  line("embedded store listening", {
    uri: store.uri,
    port: store.port,
    dataDir: dataDir ?? null,
    pid: process.pid,
  });

  const running = store;
  return new Promise<number>((resolve) => {
    const stop = (signal: string): void => {
      line("embedded store stopping", { signal });
      running.stop().then(
        () => resolve(0),
        (error: unknown) => {
          // The journal still holds every acknowledged write; the next start replays it.
          line("embedded store stop failed", { error: (error as Error).message });
          resolve(1);
        },
      );
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`embedded store failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
