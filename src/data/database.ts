import mongoose, { type Connection, type Model, type mongo } from "mongoose";
import type { Logger } from "../log";

/**
 * Opens the application's own mongoose connection (no global singleton, so tests can run several).
 * `autoIndex` is off: indexes are created once at start-up by `ensureIndexes`, and a failure there
 * stops the start instead of surfacing later as a silent missing unique constraint.
 */
export async function connectDatabase(uri: string, logger: Logger): Promise<Connection> {
  const connection = mongoose.createConnection(uri, {
    autoIndex: false,
    autoCreate: true,
    serverSelectionTimeoutMS: 10_000,
    maxPoolSize: 20,
  });
  connection.on("disconnected", () => logger.warn("database disconnected"));
  connection.on("reconnected", () => logger.info("database reconnected"));
  await connection.asPromise();
  logger.info({ db: connection.name }, "database connected");
  return connection;
}

export async function ensureIndexes(connection: Connection): Promise<void> {
  for (const model of Object.values(connection.models)) {
    await model.createCollection().catch((error: { code?: number }) => {
      if (error.code !== 48) throw error; // 48: the collection already exists
    });
    await model.createIndexes();
  }
}

/** `/readyz`: the database answers a ping. */
export async function databaseReachable(connection: Connection): Promise<boolean> {
  try {
    if (connection.readyState !== 1 || !connection.db) return false;
    await connection.db.admin().ping();
    return true;
  } catch {
    return false;
  }
}

export function isDuplicateKeyError(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === 11000;
}

/**
 * The driver's own collection behind a model, for the per-event hot path (inbox, leases,
 * conversation state, rate limits). At hundreds of events per second mongoose's query building,
 * casting and validation cost more CPU than the database call itself; these callers write fully
 * typed documents instead. The schema and its indexes stay declared on the model. Needs an open
 * connection: callers resolve it on first use and keep it.
 */
export function driverCollection<T extends mongo.Document>(model: Model<T>): mongo.Collection<T> {
  const db = model.db.db;
  if (!db) throw new Error(`${model.modelName}: the database connection is not open`);
  return db.collection<T>(model.collection.collectionName);
}
