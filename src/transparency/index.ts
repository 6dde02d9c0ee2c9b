import type { Router } from "express";
import type { ServiceContext } from "../context";
import type { Geography } from "../geo";
import type { Measure, SatisfactionFacts } from "./figures";
import { TransparencyPageCache } from "./page-cache";
import { transparencyRouter } from "./router";

export interface TransparencyDeps {
  geography: Pick<Geography, "findDistrict" | "findProvince">;
  /** Compute at start-up, recompute hourly, pick up other instances' reports. */
  startJobs: boolean;
  /** Satisfaction answers as stored (month and rating); absent: the page has no satisfaction section. */
  satisfaction?: () => AsyncIterable<SatisfactionFacts> | Iterable<SatisfactionFacts>;
  /** How often an instance looks for a report another instance stored; default 60 s. */
  reloadIntervalMs?: number;
}

export interface Transparency {
  router: Router;
  cache: TransparencyPageCache;
  /** The first report of this process (start-up), for tests and the benchmark. */
  ready: Promise<void>;
  /**
   * The satisfaction measure of the report being served — answers by area × closed month, with means,
   * under the same disclosure control as the page — for the supervisors' figures; undefined before
   * the first report or while no answers are collected.
   */
  satisfaction(): Measure | undefined;
  stop(): Promise<void>;
}

/**
 * The public transparency page (docs/TRANSPARENCY.md): figures recomputed at start-up and by an hourly
 * leased job, stored for every instance, served from memory.
 */
export function buildTransparency(context: ServiceContext, deps: TransparencyDeps): Transparency {
  const { connection, texts, now, logger, scheduler } = context;
  const log = logger.child({ component: "transparency" });
  const cache = new TransparencyPageCache({
    connection,
    geography: deps.geography,
    texts,
    now,
    logger: log,
    satisfaction: deps.satisfaction,
  });
  let timer: NodeJS.Timeout | undefined;
  let ready: Promise<void> = Promise.resolve();
  if (deps.startJobs) {
    // Serve the stored report at once, then recompute: start-up does not wait for the figures.
    ready = cache
      .reload()
      .then(() => cache.recompute())
      .then(() => undefined)
      .catch((error: unknown) => log.error({ err: error }, "transparency report failed at start-up"));
    scheduler.every("transparency-report", "7 * * * *", async () => {
      await cache.recompute();
    });
    timer = setInterval(() => {
      cache.reload().catch((error: unknown) => log.warn({ err: error }, "transparency report reload failed"));
    }, deps.reloadIntervalMs ?? 60_000);
    timer.unref();
  }
  return {
    router: transparencyRouter({ rendered: () => cache.rendered(), texts }),
    cache,
    ready,
    satisfaction: () => cache.rendered()?.report.measures.find((measure) => measure.id === "satisfaction"),
    async stop() {
      if (timer) clearInterval(timer);
      await ready;
    },
  };
}
