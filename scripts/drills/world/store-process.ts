/**
 * The embedded store as a process of its own for the drills (see store.ts): it answers the bot over
 * TCP while the bot is killed and restarted. It exits when told to, or when the runner goes away.
 */
import { startEmbeddedStore } from "../../../src/dev/embedded-store";

async function main(): Promise<void> {
  const store = await startEmbeddedStore({ port: Number(process.env.DRILL_STORE_PORT ?? 0) });
  const stop = () => void store.stop().finally(() => process.exit(0));
  process.on("message", (message) => {
    if (message === "stop") stop();
  });
  process.on("disconnect", stop);
  process.send!({ port: store.port });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
