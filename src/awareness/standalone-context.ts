import path from "node:path";
import { randomUUID } from "node:crypto";
import type { Config } from "../config";
import type { Logger } from "../log";
import { connectDatabase, ensureIndexes } from "../data/database";
import { createSealer } from "../crypto/sealer";
import { createPseudonymizer } from "../crypto/pseudonym";
import { createLeases, leaseModel } from "../jobs/leases";
import { JobScheduler } from "../jobs/scheduler";
import { LineGateway } from "../line/gateway";
import { loadTranslator } from "../i18n";
import { projectRoot, type ServiceContext } from "../service";

/**
 * The parts of the service context the awareness module needs, for operator tools (campaign CLI,
 * delivery benchmark) that run outside the service: same keys, same database, same LINE gateway,
 * no HTTP server. `close()` ends the database connection.
 */
export async function openStandaloneContext(options: {
  config: Config;
  mongodbUri: string;
  logger: Logger;
  instancePrefix: string;
}): Promise<{ context: ServiceContext; close(): Promise<void> }> {
  const { config, logger } = options;
  const connection = await connectDatabase(options.mongodbUri, logger);
  const instanceId = `${options.instancePrefix}-${randomUUID()}`;
  const now = () => new Date();
  const leases = createLeases(leaseModel(connection), instanceId, now);
  const context: ServiceContext = {
    config,
    logger,
    connection,
    sealer: createSealer(config.encryption.keys, config.encryption.currentKeyId),
    pseudonym: createPseudonymizer(config.pseudonymKey),
    line: new LineGateway({ ...config.line, logger }),
    texts: loadTranslator(path.join(projectRoot, "locales")),
    now,
    instanceId,
    leases,
    scheduler: new JobScheduler(leases, logger, now),
  };
  return {
    context,
    close: () => connection.close(),
  };
}

/** Indexes of the models registered so far (the service does this for all models at start-up). */
export async function prepareIndexes(context: ServiceContext): Promise<void> {
  await ensureIndexes(context.connection);
}
