import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import express, { type Express, type Router } from "express";
import type { Logger } from "../log";
import { errorHandler, HttpError } from "./errors";

declare module "express-serve-static-core" {
  interface Request {
    id: string;
  }
}

export interface AppOptions {
  logger: Logger;
  /** Routers mounted in order (webhook, admin API, evidence, dev tools); each owns its body parsing. */
  routers: Router[];
  ready: () => Promise<boolean>;
  /** Shown with readiness (how far processing is behind intake); never a reason to turn red. */
  readinessDetail?: () => Record<string, unknown>;
}

/** An id a proxy passed on is kept when it is plain and short; anything else is replaced. */
const requestIdPattern = /^[\w.-]{1,100}$/;

/** The request's id for logs and the x-request-id header: a proxy's when it is plain, else a fresh UUID. */
export function requestIdFor(req: IncomingMessage): string {
  // Read from node's headers directly: express's req.get does more (referrer aliases).
  const incoming = req.headers["x-request-id"];
  return typeof incoming === "string" && requestIdPattern.test(incoming) ? incoming : randomUUID();
}

/** The express application: request ids, health probes, the feature routers, one error handler. */
export function createApp({ logger, routers, ready, readinessDetail }: AppOptions): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", true);
  app.use((req, res, next) => {
    req.id = requestIdFor(req);
    res.setHeader("x-request-id", req.id);
    next();
  });

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/readyz", async (_req, res) => {
    const ok = await ready();
    res.status(ok ? 200 : 503).json({ status: ok ? "ready" : "not ready", ...readinessDetail?.() });
  });

  routers.forEach((router) => app.use(router));

  app.use((_req, _res, next) => next(new HttpError(404, "not found")));
  app.use(errorHandler(logger));
  return app;
}
