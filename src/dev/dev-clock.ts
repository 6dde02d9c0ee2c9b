import express, { type Router } from "express";
import type { Service } from "../service";

/**
 * Local mode's clock: the real time plus an offset a developer (or a browser test) can move forward,
 * so something scheduled a minute ahead can be seen to happen without waiting a minute. The service
 * reads it everywhere it asks the time (sessions, deadlines, the campaign scheduler); the fake LINE
 * platform keeps the real time. It only ever moves forward.
 *
 *   POST /dev/clock {"advanceMs": 60000}   moves it, then sweeps the campaign schedules at the new time
 *                                           (what the minute job would do), and answers with the time
 *                                           and the sweep's report
 *   GET  /dev/clock                         the time the service sees
 */
export function createDevClock(): {
  now: () => Date;
  router(service: () => Service | undefined): Router;
} {
  let offsetMs = 0;
  const now = () => new Date(Date.now() + offsetMs);
  return {
    now,
    router(service) {
      const router = express.Router();
      router.get("/dev/clock", (_req, res) => {
        res.json({ now: now().toISOString(), offsetMs });
      });
      router.post("/dev/clock", express.json(), async (req, res, next) => {
        const advanceMs = Number((req.body as { advanceMs?: unknown } | undefined)?.advanceMs);
        if (!Number.isFinite(advanceMs) || advanceMs < 0 || advanceMs > 366 * 86_400_000) {
          res.status(400).json({ error: "advanceMs must be a number of milliseconds, 0 to a year" });
          return;
        }
        offsetMs += advanceMs;
        try {
          const sweep = await service()?.modules.awareness.scheduler.tick({ wait: true });
          res.json({ now: now().toISOString(), offsetMs, campaigns: sweep });
        } catch (error) {
          next(error);
        }
      });
      return router;
    },
  };
}
