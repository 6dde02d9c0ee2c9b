import http from "node:http";
import path from "node:path";
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import type { RequestHandler } from "express";
import type { Connection } from "mongoose";
import { createLogger } from "../../../src/log";
import { projectRoot, type ServiceContext } from "../../../src/service";
import { createSealer } from "../../../src/crypto/sealer";
import { createPseudonymizer } from "../../../src/crypto/pseudonym";
import { connectDatabase, databaseReachable, ensureIndexes } from "../../../src/data/database";
import { createLeases, leaseModel } from "../../../src/jobs/leases";
import { JobScheduler } from "../../../src/jobs/scheduler";
import { Inbox, inboxModel } from "../../../src/events/inbox";
import { EventProcessor } from "../../../src/events/processor";
import { routeEvents } from "../../../src/events/router";
import { LineGateway } from "../../../src/line/gateway";
import { loadTranslator, type Locale } from "../../../src/i18n";
import { createApp } from "../../../src/http/app";
import { webhookRouter } from "../../../src/http/webhook";
import { createFakeLinePlatform, fakeUserId, type FakeLinePlatform } from "../../../src/dev/line-platform";
import { buildAwareness, type Awareness, type AwarenessOptions } from "../../../src/awareness";
import { TokenBucket } from "../../../src/awareness/token-bucket";
import type { Topic } from "../../../src/awareness/topics";
import type { SubscriberDocument, SubscriberStatus } from "../../../src/awareness/subscribers";
import type { Config } from "../../../src/config";
import { isOfficerRole, roleAtLeast } from "../../../src/officers/roles";
import { startTestDatabase, type TestDatabase } from "../../support/database";
import {
  TestClock,
  testAccessToken,
  testChannelSecret,
  testConfig,
  type Harness,
} from "../../support/harness";

/**
 * The awareness module on the production path, without waiting for the composition root to wire
 * it: signed webhooks into an express app with the real inbox and processor, LINE calls over HTTP
 * to the fake platform, the embedded MongoDB-speaking store. `instance()` adds another "process" on
 * the same database (its own connection, instance id, token bucket) for multi-instance races.
 */
export interface AwarenessStack {
  platform: FakeLinePlatform;
  database: TestDatabase;
  clock: TestClock;
  config: Config;
  logs: string[];
  url: string;
  context: ServiceContext;
  awareness: Awareness;
  settle(): Promise<void>;
  instance(options?: Partial<AwarenessOptions>): Promise<{ context: ServiceContext; awareness: Awareness }>;
  seedSubscribers(count: number, options?: SeedOptions): Promise<string[]>;
  /** The harness shape TestUser needs. */
  asHarness(): Harness;
  stop(): Promise<void>;
}

export interface SeedOptions {
  locale?: Locale;
  topics?: Topic[];
  status?: SubscriberStatus;
}

/** A bucket fast enough that tests measure our code, not the limit (never used against real LINE). */
export const fastBucket = (): TokenBucket => new TokenBucket({ ratePerSecond: 100_000, burst: 1_000 });

export const adminToken = (role: string): string => `test-${role}-token`;

/** Stands in for src/admin's bearer-token middleware: "Bearer test-<role>-token", roles ordered as officers'. */
export const testAuthorize =
  (required: string): RequestHandler =>
  (req, res, next) => {
    const role = /^Bearer test-(\w+)-token$/.exec(req.get("authorization") ?? "")?.[1];
    if (!role) {
      res.status(401).json({ error: "missing token" });
      return;
    }
    if (!isOfficerRole(role) || !isOfficerRole(required) || !roleAtLeast(role, required)) {
      res.status(403).json({ error: "forbidden" });
      return;
    }
    next();
  };

export async function startAwarenessStack(
  options: Partial<AwarenessOptions> & { maxDeliveries?: number } = {},
): Promise<AwarenessStack> {
  const clock = new TestClock();
  const database = await startTestDatabase();
  const platform = createFakeLinePlatform({
    channelSecret: testChannelSecret,
    channelAccessToken: testAccessToken,
    now: () => clock.now().getTime(),
    maxDeliveries: options.maxDeliveries ?? 60_000,
  });
  const lineUrl = await platform.listen(0);
  const config = testConfig(database.uri, lineUrl);
  const logs: string[] = [];
  const logger = createLogger({
    level: "debug",
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(chunk.toString("utf8"));
        done();
      },
    }),
  });
  const texts = loadTranslator(path.join(projectRoot, "locales"));
  const connections: Connection[] = [];
  const built: Awareness[] = [];

  const makeContext = async (): Promise<ServiceContext> => {
    const connection = await connectDatabase(config.mongodbUri!, logger);
    connections.push(connection);
    const instanceId = randomUUID();
    const leases = createLeases(leaseModel(connection), instanceId, clock.now);
    return {
      config,
      logger,
      connection,
      sealer: createSealer(config.encryption.keys, config.encryption.currentKeyId),
      pseudonym: createPseudonymizer(config.pseudonymKey),
      line: new LineGateway({
        channelAccessToken: config.line.channelAccessToken,
        apiBaseUrl: config.line.apiBaseUrl,
        dataApiBaseUrl: config.line.dataApiBaseUrl,
        logger,
        sleep: () => Promise.resolve(),
      }),
      texts,
      now: clock.now,
      instanceId,
      leases,
      scheduler: new JobScheduler(leases, logger, clock.now),
    };
  };
  const awarenessFor = (context: ServiceContext, extra: Partial<AwarenessOptions> = {}): Awareness => {
    const awareness = buildAwareness(context, {
      startJobs: false,
      rateLimiter: fastBucket(),
      sleep: () => Promise.resolve(),
      ...options,
      ...extra,
    });
    built.push(awareness);
    return awareness;
  };

  const context = await makeContext();
  const awareness = awarenessFor(context);
  const inbox = new Inbox(inboxModel(context.connection), context.sealer, context.pseudonym);
  const processor = new EventProcessor({
    inbox,
    leases: context.leases,
    handler: routeEvents([awareness.feature], context.line, logger),
    logger,
    retentionMs: config.inboxRetentionMs,
    now: clock.now,
  });
  await ensureIndexes(context.connection);
  const app = createApp({
    logger,
    ready: () => databaseReachable(context.connection),
    routers: [
      webhookRouter({
        channelSecret: config.line.channelSecret,
        bodyLimit: config.webhookBodyLimit,
        inbox,
        processor,
        logger,
        accepting: () => true,
      }),
      awareness.router(testAuthorize),
    ],
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  platform.setWebhookUrl(`${url}/webhook`);

  const stack: AwarenessStack = {
    platform,
    database,
    clock,
    config,
    logs,
    url,
    context,
    awareness,
    settle: () => processor.idle(),
    async instance(extra = {}) {
      const other = await makeContext();
      return { context: other, awareness: awarenessFor(other, extra) };
    },
    async seedSubscribers(count, seed = {}) {
      const userIds = Array.from({ length: count }, () => fakeUserId());
      const now = clock.now();
      const docs: SubscriberDocument[] = userIds.map((userId) => ({
        _id: awareness.subscribers.keyFor(userId),
        status: seed.status ?? "active",
        locale: seed.locale ?? "th",
        topics: seed.topics ?? ["news", "knowledge", "reporting", "officials"],
        ...((seed.status ?? "active") === "active"
          ? { userId: awareness.subscribers.sealUserId(userId) }
          : {}),
        createdAt: now,
        updatedAt: now,
      }));
      for (let i = 0; i < docs.length; i += 5_000) {
        await awareness.subscribers.model.collection.insertMany(docs.slice(i, i + 5_000) as never[], {
          ordered: false,
        });
      }
      return userIds;
    },
    asHarness() {
      return { platform, settle: () => processor.idle() } as unknown as Harness;
    },
    async stop() {
      for (const instance of built) await instance.stop();
      await processor.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      for (const connection of connections) await connection.close();
      await platform.close();
      await database.stop();
    },
  };
  return stack;
}
