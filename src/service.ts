import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Router } from "express";
import type { webhook } from "@line/bot-sdk";
import type { Config } from "./config";
import type { Logger } from "./log";
import { connectDatabase, databaseReachable, ensureIndexes, requireTransactions } from "./data/database";
import { Inbox, inboxModel, sealedPayloadsMemo } from "./events/inbox";
import { EventProcessor } from "./events/processor";
import { routeEvents, type Feature } from "./events/router";
import { Transactions } from "./data/unit-of-work";
import { deliverAnswer } from "./line/turn";
import { textMessage } from "./line/messages";
import { createApp } from "./http/app";
import { isWebhookRequest, webhookHandler, webhookRouter } from "./http/webhook";
import { openIntakeConnection } from "./http/intake";
import { operationsRouter } from "./http/operations";
import { authorize } from "./admin/auth";
import { buildFeatures, type Modules } from "./features";
import { createServiceContext, type ServiceContext } from "./context";

export interface ServiceOptions {
  logger: Logger;
  /** Extra routers mounted before the 404 handler (local mode: the fake LINE platform). */
  extraRouters?: Router[];
  /** Called with the events of every webhook whose signature checked out (local mode: the fake platform). */
  onSignedWebhookEvents?: (events: webhook.Event[]) => void;
  now?: () => Date;
  /** Tests shorten LINE backoff. */
  lineSleep?: (ms: number) => Promise<void>;
  /** Periodic sweep for due inbox work (crash leftovers, retries); 0 disables it. */
  sweepIntervalMs?: number;
  /** Start cron jobs and background workers (tests drive them by hand with a controlled clock). */
  startJobs?: boolean;
  /** See WebhookRouteOptions.inboxWriteTimeoutMs (tests only). */
  inboxWriteTimeoutMs?: number;
}

export interface Service {
  readonly url: string;
  readonly port: number;
  readonly context: ServiceContext;
  readonly processor: EventProcessor;
  /** The unit of work events commit in; its counts say how many committed in groups (tests). */
  readonly transactions: Transactions;
  readonly features: Feature[];
  /** The feature modules as wired (tests and local-mode seeding reach jobs, directories and stores here). */
  readonly modules: Modules;
  /** Stop intake, finish in-flight events, close the database. */
  stop(): Promise<void>;
}

/**
 * Wires the application: database, inbox, LINE gateway, features, HTTP server. The database URI and
 * LINE base URLs come from the config, so production, local mode and tests run exactly this code.
 */
export async function startService(config: Config, options: ServiceOptions): Promise<Service> {
  const { logger } = options;
  if (!config.mongodbUri)
    throw new Error("startService needs config.mongodbUri (main.ts starts the embedded store)");
  const connection = await connectDatabase(config.mongodbUri, logger);
  await requireTransactions(connection);
  const context = createServiceContext({
    config,
    logger,
    connection,
    now: options.now,
    lineSleep: options.lineSleep,
  });
  const { sealer, pseudonym, line, texts, leases, scheduler, now } = context;

  // One memo for both inboxes: what the intake sealed, the processor need not decrypt again.
  const sealed = sealedPayloadsMemo();
  const inbox = new Inbox(inboxModel(connection), sealer, pseudonym, sealed);
  // The webhook's inserts go through a pool of their own, so acks never wait for processing's commands.
  const intake = await openIntakeConnection(config.mongodbUri, logger);
  const intakeInbox = new Inbox(inboxModel(intake), sealer, pseudonym, sealed);
  const { features, modules, routers, stops } = await buildFeatures(context, options.startJobs ?? true);
  const transactions = new Transactions(connection);
  const processor = new EventProcessor({
    inbox,
    leases,
    router: routeEvents(features, logger),
    transactions,
    deliver: (event, eventId, messages, attempt) =>
      deliverAnswer(line, event, eventId, messages, logger, attempt),
    apology: (locale) => [textMessage(texts.t(locale, "event-failed-apology"))],
    logger,
    retentionMs: config.inboxRetentionMs,
    now,
  });
  await ensureIndexes(connection);

  let accepting = true;
  const webhook = webhookHandler({
    channelSecret: config.line.channelSecret,
    bodyLimit: config.webhookBodyLimit,
    inbox: intakeInbox,
    processor,
    logger,
    accepting: () => accepting,
    now,
    onSignedEvents: options.onSignedWebhookEvents,
    inboxWriteTimeoutMs: options.inboxWriteTimeoutMs,
  });
  const app = createApp({
    logger,
    ready: () => databaseReachable(connection),
    readinessDetail: () => ({ processing: processor.status() }),
    routers: [
      webhookRouter(webhook),
      ...routers,
      operationsRouter(inbox, authorize),
      ...(options.extraRouters ?? []),
    ],
  });
  // Every event is one POST /webhook: it skips express (a share of the CPU per event); the rest is the app's.
  const server = http.createServer((req, res) => (isWebhookRequest(req) ? webhook(req, res) : app(req, res)));
  // LINE holds webhook connections open; keep-alive longer than a typical load balancer's idle timeout.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, "0.0.0.0", resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  // Work a crash left behind, then a periodic sweep for retries and races between instances.
  const recovered = await processor.scheduleDueWork();
  if (recovered > 0) logger.info({ sources: recovered }, "resuming unprocessed webhook events");
  const sweepMs = options.sweepIntervalMs ?? 5_000;
  const sweep =
    sweepMs > 0
      ? setInterval(() => {
          processor
            .scheduleDueWork()
            .catch((error: unknown) => logger.warn({ err: error }, "inbox sweep failed"));
        }, sweepMs)
      : undefined;
  sweep?.unref();

  return {
    url,
    port,
    context,
    processor,
    transactions,
    features,
    modules,
    async stop() {
      accepting = false;
      if (sweep) clearInterval(sweep);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await processor.stop();
      await scheduler.stop();
      for (const stop of stops) await stop();
      await closed;
      await intake.close();
      await connection.close();
    },
  };
}
