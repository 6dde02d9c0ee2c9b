import "dotenv/config";
import { loadConfig, ConfigError, type Config } from "./config";
import { createLogger, type Logger } from "./log";
import { startService, type Service } from "./service";
import { runWorkers, servesRequests } from "./cluster";

/**
 * The composition root. In local mode (no LINE credentials and/or no MONGODB_URI) it first starts the
 * embedded store and the fake LINE platform — dev-only modules loaded lazily so production never
 * imports them — then the same service production runs.
 */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel });
  if (!servesRequests(config)) return runWorkers(config, logger);
  const stops: Array<() => Promise<void>> = [];
  // A signal during start-up waits for it to finish (or fail): stopping half-built parts from under
  // it would fail the start instead of stopping cleanly.
  let startup: Promise<unknown> = Promise.resolve();
  const shutdown = onceAsync(async (signal: string) => {
    logger.info({ signal }, "shutting down");
    const timer = setTimeout(() => {
      logger.error("shutdown took too long; exiting");
      process.exit(1);
    }, config.shutdownGraceMs + 5_000);
    await startup.catch(() => undefined);
    for (const stop of stops.reverse()) {
      await stop().catch((error: unknown) => logger.error({ err: error }, "shutdown step failed"));
    }
    clearTimeout(timer);
    logger.info("stopped");
    process.exit(0);
  });
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  // Last resort only: every background job handles its own failures, so reaching this is a bug to
  // fix at its source. Logging instead of exiting keeps a reporter's chat alive meanwhile.
  process.on("unhandledRejection", (reason: unknown) => {
    logger.error(
      { err: reason },
      "unhandled promise rejection (a bug: it should be handled where it starts)",
    );
  });

  const starting = startLocalOrProduction(config, logger, stops);
  startup = starting;
  const service = await starting;
  logger.info(
    {
      port: service.port,
      localLine: config.localLine,
      embeddedStore: config.embeddedStore,
      pid: process.pid,
    },
    "ready",
  );
}

async function startLocalOrProduction(
  config: Config,
  logger: Logger,
  stops: Array<() => Promise<void>>,
): Promise<Service> {
  if (config.embeddedStore) {
    const { startEmbeddedStore } = await import("./dev/embedded-store/index.js");
    const store = await startEmbeddedStore({
      port: config.embeddedDbPort ?? 0,
      dataDir: config.dataDir,
      log: (msg, fields) => logger.info({ component: "embedded-store", ...fields }, msg),
      // A store that cannot journal refuses every command: the bot would run on, answering 503s
      // for ever. Exiting says so loudly, and a restart recovers from what is on disk.
      onJournalFailure: (error) => {
        logger.fatal(
          { component: "embedded-store", err: error },
          "embedded store cannot write its journal; exiting so a restart recovers from disk",
        );
        process.exit(70); // EX_SOFTWARE
      },
    });
    stops.push(() => store.stop());
    config = { ...config, mongodbUri: `${store.uri}tipline` };
    logger.warn(
      { port: store.port, dataDir: config.dataDir },
      "embedded store started (local mode; not for production)",
    );
  }
  if (!config.localLine) {
    const service = await startService(config, { logger });
    stops.push(() => service.stop());
    return service;
  }
  const { startLocalLine } = await import("./dev/local-line.js");
  return startLocalLine(config, logger, stops);
}

/** A newcomer's most common first failure, said in one line with the fix instead of a stack trace. */
function portInUse(error: unknown): string | undefined {
  const { code, port } = (error ?? {}) as { code?: unknown; port?: unknown };
  if (code !== "EADDRINUSE") return undefined;
  const variable = String(port) === process.env.EMBEDDED_DB_PORT ? "EMBEDDED_DB_PORT" : "PORT";
  return `start-up failed: port ${String(port)} is already in use. Stop what uses it, or choose another port: ${variable}=${Number(port) + 1} npm start`;
}

function onceAsync<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  let running: Promise<void> | undefined;
  return (...args) => (running ??= fn(...args));
}

main().catch((error: unknown) => {
  const taken = portInUse(error);
  if (taken) {
    process.stderr.write(`${taken}\n`);
    process.exit(1);
  }
  process.stderr.write(
    `start-up failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
