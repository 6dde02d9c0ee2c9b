import express, { type RequestHandler, type Router } from "express";
import type { Inbox } from "../events/inbox";

/**
 * Operators' view of event processing: dead letters (events that failed for good) with ids, types
 * and error class names — never content. Readiness stays green with dead letters: they are work
 * for a person, not a reason to take the instance out of the load balancer.
 */
export function operationsRouter(inbox: Inbox, authorize: (role: string) => RequestHandler): Router {
  const router = express.Router();
  router.get("/admin/api/events/dead-letters", authorize("admin"), async (_req, res, next) => {
    try {
      const { count, recent } = await inbox.deadLetters();
      res.json({ count, recent });
    } catch (error) {
      next(error);
    }
  });
  return router;
}
