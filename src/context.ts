import path from "node:path";
import { randomUUID } from "node:crypto";
import type { Connection } from "mongoose";
import type { Config } from "./config";
import type { Logger } from "./log";
import { createSealer, type Sealer } from "./crypto/sealer";
import { createPseudonymizer, type Pseudonymizer } from "./crypto/pseudonym";
import { createLeases, leaseModel, type Leases } from "./jobs/leases";
import { JobScheduler } from "./jobs/scheduler";
import { LineGateway } from "./line/gateway";
import { loadTranslator, type Translator } from "./i18n";

/** Where the repository's data folders (flows/, locales/) are, from src/ under ts-jest or dist/src/ when compiled. */
export const projectRoot = path.resolve(
  __dirname,
  __dirname.includes(`${path.sep}dist${path.sep}`) ? "../.." : "..",
);

/**
 * Everything a feature may need, passed down by the composition root. It lives in its own module so
 * features depend on this contract, not on the service that wires them.
 */
export interface ServiceContext {
  config: Config;
  logger: Logger;
  connection: Connection;
  sealer: Sealer;
  pseudonym: Pseudonymizer;
  line: LineGateway;
  texts: Translator;
  now: () => Date;
  instanceId: string;
  leases: Leases;
  scheduler: JobScheduler;
}

export interface ContextOptions {
  config: Config;
  logger: Logger;
  /** An open connection: the caller decides how to connect (the service checks transactions, scripts skip auto-indexing). */
  connection: Connection;
  now?: () => Date;
  /** Names this process in leases; default a random UUID. */
  instanceId?: string;
  /** Tests shorten LINE backoff. */
  lineSleep?: (ms: number) => Promise<void>;
}

/**
 * The one place the shared context is assembled, so the service, the operator tools and the
 * benchmarks use the same keys, the same LINE gateway and the same texts, built the same way.
 */
export function createServiceContext(options: ContextOptions): ServiceContext {
  const { config, logger, connection } = options;
  const now = options.now ?? (() => new Date());
  const instanceId = options.instanceId ?? randomUUID();
  const leases = createLeases(leaseModel(connection), instanceId, now, { logger });
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
      sleep: options.lineSleep,
    }),
    texts: loadTranslator(path.join(projectRoot, "locales")),
    now,
    instanceId,
    leases,
    scheduler: new JobScheduler(leases, logger, now),
  };
}
