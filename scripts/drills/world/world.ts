import { randomBytes } from "node:crypto";
import path from "node:path";
import { loadConfig } from "../../../src/config";
import { createLogger } from "../../../src/log";
import { createPseudonymizer, type Pseudonymizer } from "../../../src/crypto/pseudonym";
import { openStandaloneContext } from "../../../src/awareness/standalone-context";
import type { ServiceContext } from "../../../src/service";
import { TcpProxy, throughProxy } from "../../../src/dev/tcp-proxy";
import { BotProcess } from "./bot";
import { Ledger } from "./ledger";
import { DrillLine } from "./line";
import { botPorts, freePort, releasePort, storePorts } from "./ports";
import type { Random } from "./random";
import { startStore, type DrillStore } from "./store";
import { isApology } from "./texts";
import { sleep } from "./time";

export interface WorldOptions {
  drill: string;
  /** Where the bot's log of this drill goes. */
  outDir: string;
  random: Random;
  /** A real MongoDB instead of the embedded store (single host: it goes behind the proxy). */
  mongodbUri?: string;
  /** Extra environment for the bot (e.g. a campaign rate). */
  botEnv?: Record<string, string>;
  redeliveryDelaysMs?: number[];
}

/**
 * Everything a drill needs, wired as in production but on one machine: a store started apart from
 * the bot (its data outlives the bot), a TCP proxy in front of it (cut it and the database is away,
 * data kept), the fake LINE platform on its own port, and the bot as a child process reaching both
 * only through its environment. The drill runner keeps its own connection straight to the store to
 * seed data and to count effects, and the ledger of what LINE saw.
 */
export class World {
  readonly pseudonym: Pseudonymizer;
  private constructor(
    readonly options: WorldOptions,
    /** What LINE saw: shared with the line, which enters every webhook and answer in it. */
    readonly ledger: Ledger,
    readonly store: DrillStore,
    readonly proxy: TcpProxy,
    readonly line: DrillLine,
    readonly bot: BotProcess,
    /** The runner's own view of the database (same keys as the bot), straight to the store. */
    readonly db: ServiceContext,
    private readonly closeDb: () => Promise<void>,
    private readonly ports: number[],
    pseudonymKey: string,
  ) {
    this.pseudonym = createPseudonymizer(Buffer.from(pseudonymKey, "hex"));
  }

  static async create(options: WorldOptions): Promise<World> {
    const secrets = {
      channelSecret: randomBytes(16).toString("hex"),
      channelAccessToken: randomBytes(24).toString("base64url"),
      encryptionKey: randomBytes(32).toString("hex"),
      pseudonymKey: randomBytes(32).toString("hex"),
    };
    const ports = [
      await freePort(storePorts),
      await freePort(storePorts),
      await freePort(botPorts),
      await freePort(botPorts),
    ];
    const [storePort, proxyPort, linePort, botPort] = ports as [number, number, number, number];
    const dbName = `drill_${options.drill.replace(/\W/g, "_")}_${Date.now()}`;

    const store = await startStore({ port: storePort, externalUri: options.mongodbUri });
    const proxy = new TcpProxy(store.host, store.port);
    await proxy.start(proxyPort);
    const ledger = new Ledger();
    const line = new DrillLine({
      channelSecret: secrets.channelSecret,
      channelAccessToken: secrets.channelAccessToken,
      ledger,
      isApology,
      redeliveryDelaysMs: options.redeliveryDelaysMs,
    });
    const lineUrl = await line.start(linePort);

    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "",
      // Not "test" and not local mode: every dependency comes from the environment, as in production.
      NODE_ENV: "development",
      PORT: String(botPort),
      PUBLIC_BASE_URL: `http://127.0.0.1:${botPort}`,
      LOG_LEVEL: "info",
      LINE_CHANNEL_SECRET: secrets.channelSecret,
      LINE_CHANNEL_ACCESS_TOKEN: secrets.channelAccessToken,
      LINE_API_BASE_URL: lineUrl,
      LINE_DATA_API_BASE_URL: lineUrl,
      // directConnection: the store advertises its own address; the driver must not go around the proxy.
      MONGODB_URI: `${throughProxy(`${store.uri}${dbName}`, proxyPort)}?directConnection=true`,
      DATA_ENCRYPTION_KEYS: `drill:${secrets.encryptionKey}`,
      DATA_ENCRYPTION_KEY_ID: "drill",
      PSEUDONYM_KEY: secrets.pseudonymKey,
      DATA_DIR: options.outDir,
      // The driver's own logging (MONGODB_LOG_ALL=debug MONGODB_LOG_PATH=stderr), when asked for.
      ...Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith("MONGODB_LOG_"))),
      ...options.botEnv,
    };
    const bot = new BotProcess(env, botPort, path.join(options.outDir, `${options.drill}.bot.log`));
    line.setBot(bot.url);

    const config = loadConfig({
      ...env,
      NODE_ENV: "test",
      MONGODB_URI: `${store.uri}${dbName}?directConnection=true`,
    });
    const { context, close } = await openStandaloneContext({
      config,
      mongodbUri: config.mongodbUri!,
      logger: createLogger({ level: "silent" }),
      instancePrefix: "drill-runner",
    });
    return new World(options, ledger, store, proxy, line, bot, context, close, ports, secrets.pseudonymKey);
  }

  get random(): Random {
    return this.options.random;
  }

  /** A crash: kill -9, down for `downMs`, started again on the same port and database. */
  async crash(downMs: number): Promise<void> {
    await this.bot.kill9();
    await sleep(downMs);
    await this.bot.start();
  }

  /** Inbox status of each event id the bot stored (missing: never stored). */
  async inboxStatuses(ids: string[]): Promise<Map<string, string>> {
    const statuses = new Map<string, string>();
    const inbox = this.db.connection.collection<{ _id: string; status: string }>("webhook_events");
    for (let i = 0; i < ids.length; i += 1_000) {
      const found = await inbox
        .find({ _id: { $in: ids.slice(i, i + 1_000) } }, { projection: { status: 1 } })
        .toArray();
      for (const record of found) statuses.set(record._id, record.status);
    }
    return statuses;
  }

  /** The reporter pseudonym the bot files a citizen's tips under (src/crypto/pseudonym.ts). */
  reporterKey(userId: string): string {
    return this.pseudonym("reporter", userId);
  }

  async close(): Promise<void> {
    await this.line.idle();
    await this.bot.close();
    await this.proxy.stop();
    await this.line.close();
    await this.db.connection.dropDatabase().catch(() => undefined);
    await this.closeDb();
    await this.store.stop();
    this.ports.forEach(releasePort);
  }
}
