import mongoose, { type Connection, type Model, type mongo } from "mongoose";
import type { Logger } from "../log";

/**
 * Opens the application's own mongoose connection (no global singleton, so tests can run several).
 * `autoIndex` is off: indexes are created once at start-up by `ensureIndexes`, and a failure there
 * stops the start instead of surfacing later as a silent missing unique constraint.
 */
/** For a connection beside the main one (the webhook's intake): its own pool, same database. */
export interface ConnectionOptions {
  /** Its name in the database's view of its clients (currentOp, server logs) and in our logs. */
  appName?: string;
  maxPoolSize?: number;
  /** Connections opened ahead, so the first requests after a start do not pay for handshakes. */
  minPoolSize?: number;
  /** Off for a connection that only writes into collections the main one has created. */
  autoCreate?: boolean;
}

export async function connectDatabase(
  uri: string,
  logger: Logger,
  options: ConnectionOptions = {},
): Promise<Connection> {
  // Model calls made inside `Transactions.run` join its transaction without being handed a session.
  mongoose.set("transactionAsyncLocalStorage", true);
  const { appName, maxPoolSize = 20, minPoolSize, autoCreate = true } = options;
  const connection = mongoose.createConnection(uri, {
    autoIndex: false,
    autoCreate,
    serverSelectionTimeoutMS: 10_000,
    maxPoolSize,
    ...(minPoolSize === undefined ? {} : { minPoolSize }),
    ...(appName === undefined ? {} : { appName }),
  });
  const log = appName === undefined ? logger : logger.child({ connection: appName });
  // Only our own close() goes through "disconnecting": then a disconnect is the normal end of a run
  // (scripts, shutdown), not something an operator should be warned about.
  let closing = false;
  connection.on("disconnecting", () => (closing = true));
  connection.on("disconnected", () => {
    if (closing) log.debug("database connection closed");
    else log.warn("database disconnected");
  });
  connection.on("reconnected", () => log.info("database reconnected"));
  await connection.asPromise();
  log.info({ db: connection.name }, "database connected");
  return connection;
}

/**
 * Every webhook event is processed in a transaction (see unit-of-work.ts), which MongoDB offers on
 * replica sets and sharded clusters only. A standalone server is refused at start-up with a clear
 * reason rather than failing every event later.
 */
export async function requireTransactions(connection: Connection): Promise<void> {
  if (!connection.db) throw new Error("the database connection is not open");
  const hello = (await connection.db.admin().command({ hello: 1 })) as { setName?: string; msg?: string };
  if (!hello.setName && hello.msg !== "isdbgrid") {
    throw new Error(
      "MONGODB_URI points at a standalone MongoDB server: the bot needs transactions, so use a replica set " +
        "(a one-member replica set is enough for development: mongod --replSet rs0, then rs.initiate()) or Atlas",
    );
  }
}

export async function ensureIndexes(connection: Connection): Promise<void> {
  for (const model of Object.values(connection.models)) {
    await model.createCollection().catch((error: { code?: number }) => {
      if (error.code !== 48) throw error; // 48: the collection already exists
    });
    await model.createIndexes();
  }
}

/**
 * `/readyz`: the database answers a ping within `timeoutMs`. Bounded here, not by the driver's
 * server selection (10 s), so readiness turns red within seconds of losing the database — and green
 * again by itself once it answers.
 */
export async function databaseReachable(connection: Connection, timeoutMs = 1_000): Promise<boolean> {
  if (connection.readyState !== 1 || !connection.db) return false;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const pinged = connection.db
    .admin()
    .ping()
    .then(
      () => true,
      () => false,
    );
  try {
    return await Promise.race([pinged, timedOut]);
  } finally {
    clearTimeout(timer);
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

/**
 * The statement errors of a failed bulk write (index in the batch and error code), or undefined when
 * the command itself failed (no statement ran: the database away, a timeout).
 */
export function bulkStatementErrors(error: unknown): Array<{ index: number; code?: number }> | undefined {
  const writeErrors = (error as { writeErrors?: unknown } | null)?.writeErrors;
  const list: unknown[] = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
  if (list.length === 0) return undefined;
  return list.map((entry) => {
    const e = entry as { index?: number; code?: number; err?: { index?: number; code?: number } };
    return { index: e.index ?? e.err?.index ?? -1, code: e.code ?? e.err?.code };
  });
}
