import type { Connection } from "mongoose";
import { connectDatabase } from "../data/database";
import type { Logger } from "../log";

/**
 * Connections of the webhook's own pool. The inbox writes of concurrent webhooks go as one insert
 * (Batcher), so a few are plenty; more would only add sockets for the store to serve.
 */
export const intakePoolSize = 4;

/** The intake's name in the database's view of its clients (currentOp, server logs, fail points in tests). */
export const intakeAppName = "integrity-tipline-intake";

/**
 * A database connection of its own for the webhook's inbox writes, the only database work between
 * a webhook and its 200. On the service's main pool an ack's insert queued behind processing's
 * commands whenever up to 32 chats in hand held every connection, so LINE's wait depended on how
 * far processing was behind. Same database and URI; nothing is read through it.
 */
export function openIntakeConnection(uri: string, logger: Logger): Promise<Connection> {
  return connectDatabase(uri, logger, {
    appName: intakeAppName,
    maxPoolSize: intakePoolSize,
    minPoolSize: intakePoolSize, // opened ahead: the first webhooks after a start pay no handshakes
    autoCreate: false,
  });
}
