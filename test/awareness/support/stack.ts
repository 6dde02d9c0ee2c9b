import { buildAwareness, type Awareness, type AwarenessOptions } from "../../../src/awareness";
import { TokenBucket } from "../../../src/awareness/token-bucket";
import type { Topic } from "../../../src/awareness/topics";
import type {
  SubscriberDocument,
  SubscriberStatus,
  SubscriberStore,
} from "../../../src/awareness/subscribers";
import { fakeUserId } from "../../../src/dev/line-platform";
import type { Locale } from "../../../src/i18n";
import { startService, type Service } from "../../../src/service";
import { startHarness, type Harness } from "../../support/harness";

/**
 * The whole service (startHarness: signed webhooks, LINE over HTTP to the fake platform, the
 * embedded store) with its awareness module at hand. Jobs are off, so tests sweep and deliver by
 * hand with the harness clock. Also the database and platform of test/scripts/campaigns.test.ts.
 */
export interface AwarenessStack extends Harness {
  /** The running service's awareness module (a new one after `restart()`). */
  readonly awareness: Awareness;
  /** Inserts subscribers straight into the store; returns their LINE user ids. */
  seedSubscribers(count: number, options?: SeedOptions): Promise<string[]>;
  /**
   * An awareness module on the running service's context with settings tests control (a fast
   * bucket, no backoff sleeps, unless `options` say otherwise), for the delivery engine's
   * crash, retry and rate tests. Stopped by `restart()` and `stop()`.
   */
  deliveryEngine(options?: Partial<AwarenessOptions>): Awareness;
  /** Another instance of the service on the same database: its own connection, instance id and bucket. */
  startInstance(): Promise<{ awareness: Awareness }>;
}

export interface SeedOptions {
  locale?: Locale;
  topics?: Topic[];
  status?: SubscriberStatus;
  /** A src/geo province id the subscribers chose. */
  province?: string;
}

/** A bucket fast enough that tests measure our code, not the limit (never used against real LINE). */
const fastBucket = (): TokenBucket => new TokenBucket({ ratePerSecond: 100_000, burst: 1_000 });

export async function startAwarenessStack(): Promise<AwarenessStack> {
  const harness = await startHarness({ service: { startJobs: false } });
  const engines: Awareness[] = [];
  const instances: Service[] = [];
  const stopEngines = async () => {
    for (const engine of engines.splice(0)) await engine.stop();
  };

  return {
    get service() {
      return harness.service;
    },
    get awareness() {
      return awarenessIn(harness.service);
    },
    platform: harness.platform,
    database: harness.database,
    config: harness.config,
    clock: harness.clock,
    logs: harness.logs,
    settle: () => harness.settle(),
    async restart() {
      await stopEngines();
      await harness.restart();
    },
    async stop() {
      await stopEngines();
      for (const instance of instances.splice(0)) await instance.stop();
      await harness.stop();
    },
    seedSubscribers: (count, options) =>
      seedSubscribers(awarenessIn(harness.service).subscribers, harness.clock.now(), count, options),
    deliveryEngine(options = {}) {
      const engine = buildAwareness(harness.service.context, {
        startJobs: false,
        rateLimiter: fastBucket(),
        sleep: () => Promise.resolve(),
        ...options,
      });
      engines.push(engine);
      return engine;
    },
    async startInstance() {
      const service = await startService(harness.config, {
        logger: harness.service.context.logger,
        now: harness.clock.now,
        lineSleep: () => Promise.resolve(),
        startJobs: false,
        sweepIntervalMs: 0,
      });
      instances.push(service);
      return { awareness: awarenessIn(service) };
    },
  };
}

function awarenessIn(service: Service): Awareness {
  return service.modules.awareness;
}

async function seedSubscribers(
  subscribers: SubscriberStore,
  now: Date,
  count: number,
  seed: SeedOptions = {},
): Promise<string[]> {
  const status = seed.status ?? "active";
  const userIds = Array.from({ length: count }, () => fakeUserId());
  const docs: SubscriberDocument[] = userIds.map((userId) => ({
    _id: subscribers.keyFor(userId),
    status,
    locale: seed.locale ?? "th",
    topics: seed.topics ?? ["news", "knowledge", "reporting", "officials"],
    ...(seed.province ? { province: seed.province } : {}),
    ...(status === "active" ? { userId: subscribers.sealUserId(userId) } : {}),
    createdAt: now,
    updatedAt: now,
  }));
  for (let i = 0; i < docs.length; i += 5_000) {
    await subscribers.model.collection.insertMany(docs.slice(i, i + 5_000) as never[], { ordered: false });
  }
  return userIds;
}
