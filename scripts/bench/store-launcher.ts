/**
 * The embedded store in a process of its own for the benchmark, until the standalone store script
 * (scripts/embedded-store.ts) is on this branch: same announcement on stdout (one JSON line with
 * "msg":"embedded store listening" and the URI), memory only, SIGTERM stops it. scripts/bench/store.ts
 * prefers the standalone script when it is built.
 */
import { startEmbeddedStore } from "../../src/dev/embedded-store";

async function main(): Promise<void> {
  const store = await startEmbeddedStore({ port: 0 });
  process.stdout.write(
    `${JSON.stringify({ msg: "embedded store listening", uri: store.uri, port: store.port, pid: process.pid })}\n`,
  );
  const stop = () => void store.stop().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`embedded store did not start: ${(error as Error).message}\n`);
  process.exit(1);
});
