import cluster, { type Worker } from "node:cluster";
import type { Config } from "./config";
import type { Logger } from "./log";

/**
 * More than one core (WORKERS > 1): the primary forks service processes that share the listening
 * port (node:cluster hands connections out in turn) and does no work itself. Nothing is coordinated
 * in memory — inbox claims, per-chat order, cron runs and campaign batches already go through MongoDB
 * leases, exactly as for several instances behind a load balancer — so a worker is just an instance.
 * A worker that dies is replaced; SIGTERM stops all of them and waits for each to finish its work.
 */
export function runWorkers(config: Config, logger: Logger): void {
  let stopping = false;
  const fork = (): Worker => cluster.fork();
  for (let i = 0; i < config.workers; i++) fork();

  cluster.on("exit", (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        logger.info("all workers stopped");
        process.exit(0);
      }
      return;
    }
    logger.error({ pid: worker.process.pid, code, signal }, "worker exited; starting a replacement");
    // A short pause, so a worker that fails at start-up does not spin the CPU.
    setTimeout(fork, 1_000).unref();
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, workers: config.workers }, "stopping workers");
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGTERM");
    setTimeout(() => {
      logger.error("workers took too long to stop; exiting");
      process.exit(1);
    }, config.shutdownGraceMs + 10_000).unref();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  logger.info({ workers: config.workers, port: config.port }, "starting service workers");
}

/** True in the process that should serve: a worker, or the only process when WORKERS is 1. */
export function servesRequests(config: Config): boolean {
  return config.workers <= 1 || cluster.isWorker;
}
