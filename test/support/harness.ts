import { Writable } from "node:stream";
import { loadConfig, type Config } from "../../src/config";
import { createLogger } from "../../src/log";
import { startService, type Service, type ServiceOptions } from "../../src/service";
import { createFakeLinePlatform, type FakeLinePlatform } from "../../src/dev/line-platform";
import { startTestDatabase, type TestDatabase } from "./database";
import { hostAndPort, TcpProxy, throughProxy } from "../../src/dev/tcp-proxy";

/** The corpus's test channel secret (test/fixtures/line-webhooks/MANIFEST.json). */
export const testChannelSecret = "8c570fa6dd201bb328f1c1eac23a96d8";
export const testAccessToken = "test-channel-access-token";

/** A clock tests can move: the service, the fake platform and reply tokens all read it. */
export class TestClock {
  private offsetMs = 0;
  private frozenAt: number | undefined;
  now = (): Date => new Date((this.frozenAt ?? Date.now()) + this.offsetMs);
  advance(ms: number): void {
    this.offsetMs += ms;
  }
  /**
   * Stops time where it is (only `advance` moves it), for tests about fixed windows such as
   * "30 messages a minute": on a slow machine a real minute boundary could fall mid-test.
   */
  freeze(): void {
    this.frozenAt ??= Date.now();
  }
}

export interface Harness {
  service: Service;
  platform: FakeLinePlatform;
  database: TestDatabase;
  config: Config;
  clock: TestClock;
  /** Every log line the service wrote, as JSON text (for anonymity scans). */
  logs: string[];
  /** With `proxyDatabase`: the proxy the service reaches its database through (cut it to take the database away). */
  databaseProxy?: TcpProxy;
  /** Waits until every accepted event has been processed. */
  settle(): Promise<void>;
  /** Restarts the service on the same database (a deploy or a crash). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export function testConfig(
  mongodbUri: string,
  lineBaseUrl: string,
  overrides: Record<string, string> = {},
): Config {
  const config = loadConfig({
    NODE_ENV: "test",
    PORT: "0",
    LOG_LEVEL: "debug",
    LINE_CHANNEL_SECRET: testChannelSecret,
    LINE_CHANNEL_ACCESS_TOKEN: testAccessToken,
    LINE_API_BASE_URL: lineBaseUrl,
    LINE_DATA_API_BASE_URL: lineBaseUrl,
    MONGODB_URI: mongodbUri,
    DATA_ENCRYPTION_KEYS: `k1:${"11".repeat(32)}`,
    DATA_ENCRYPTION_KEY_ID: "k1",
    PSEUDONYM_KEY: "22".repeat(32),
    PUBLIC_BASE_URL: "http://127.0.0.1",
    ...overrides,
  });
  return config;
}

/**
 * A whole service for an integration test: a fresh database on the embedded store (or MONGODB_URI),
 * the fake LINE platform on its own port, and the real app between them. Webhooks go in signed,
 * LINE calls come out over HTTP — the production path.
 */
export async function startHarness(
  options: {
    env?: Record<string, string>;
    service?: Partial<ServiceOptions>;
    /** Reach the database through a TCP proxy the test can cut (an outage that keeps the data). */
    proxyDatabase?: boolean;
  } = {},
): Promise<Harness> {
  const clock = new TestClock();
  const database = await startTestDatabase();
  let databaseProxy: TcpProxy | undefined;
  let serviceDatabaseUri = database.uri;
  if (options.proxyDatabase) {
    const { host, port } = hostAndPort(database.uri);
    databaseProxy = new TcpProxy(host, port);
    // directConnection: the store advertises its own address; the driver must not go around the proxy.
    const proxied = throughProxy(database.uri, await databaseProxy.start());
    serviceDatabaseUri = `${proxied}${proxied.includes("?") ? "&" : "?"}directConnection=true`;
  }
  const platform = createFakeLinePlatform({
    channelSecret: testChannelSecret,
    channelAccessToken: testAccessToken,
    now: () => clock.now().getTime(),
    // Tests prove what the bot does, not how fast: on a loaded CI machine an acknowledgement can take
    // longer than LINE's 2 s. The drills and the inbox's own bound check the 2 s.
    webhookTimeoutMs: 30_000,
  });
  const lineUrl = await platform.listen(0);
  const config = testConfig(serviceDatabaseUri, lineUrl, options.env);
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString("utf8"));
      done();
    },
  });
  const logger = createLogger({ level: "debug", destination });
  const start = () =>
    startService(config, {
      logger,
      now: clock.now,
      lineSleep: () => Promise.resolve(),
      sweepIntervalMs: 0,
      // Like webhookTimeoutMs above: a 1,000-event body can take longer than 1.5 s to store on a
      // loaded machine. test/events/outage.test.ts keeps the production bound, which it checks.
      inboxWriteTimeoutMs: 20_000,
      ...options.service,
    });

  let service = await start();
  platform.setWebhookUrl(`${service.url}/webhook`);

  const harness: Harness = {
    get service() {
      return service;
    },
    platform,
    database,
    config,
    clock,
    logs,
    databaseProxy,
    async settle() {
      await service.processor.idle();
    },
    async restart() {
      await service.stop();
      service = await start();
      platform.setWebhookUrl(`${service.url}/webhook`);
    },
    async stop() {
      await databaseProxy?.restore();
      await service.stop().catch(() => undefined);
      await databaseProxy?.stop();
      await platform.close();
      await database.stop();
    },
  };
  return harness;
}
