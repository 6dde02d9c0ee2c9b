import { randomUUID } from "node:crypto";
import type { Config } from "../config";
import type { Logger } from "../log";
import { connectDatabase, ensureIndexes } from "../data/database";
import { createServiceContext, type ServiceContext } from "../context";

/**
 * The service context for operator tools (campaign CLI, delivery benchmark) that run outside the
 * service: same keys, same database, same LINE gateway, no HTTP server. `close()` ends the database
 * connection.
 */
export async function openStandaloneContext(options: {
  config: Config;
  mongodbUri: string;
  logger: Logger;
  instancePrefix: string;
}): Promise<{ context: ServiceContext; close(): Promise<void> }> {
  const { config, logger } = options;
  const connection = await connectDatabase(options.mongodbUri, logger);
  const context = createServiceContext({
    config,
    logger,
    connection,
    instanceId: `${options.instancePrefix}-${randomUUID()}`,
  });
  return {
    context,
    close: () => connection.close(),
  };
}
/** Indexes of the models registered so far (the service does this for all models at start-up). */
export async function prepareIndexes(context: ServiceContext): Promise<void> {
  await ensureIndexes(context.connection);
}
