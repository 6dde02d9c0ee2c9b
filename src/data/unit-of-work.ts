import type { AsyncLocalStorage } from "node:async_hooks";
import mongoose, { type ClientSession, type Connection } from "mongoose";

/**
 * What mongoose keeps in its AsyncLocalStorage while a transaction runs. Mongoose reads `session`
 * and passes it to every model operation; `afterCommit` is ours.
 */
interface TransactionStore {
  session: ClientSession;
  afterCommit: Array<() => void>;
}

/** Undefined until `connectDatabase` enables it; without it no transaction can be running. */
function storage(): AsyncLocalStorage<TransactionStore> | undefined {
  return (mongoose as unknown as { transactionAsyncLocalStorage?: AsyncLocalStorage<TransactionStore> })
    .transactionAsyncLocalStorage;
}

/**
 * For calls that go to the driver directly (see `driverCollection`): the session of the transaction
 * the caller runs in, if any. Spread it into the operation's options.
 */
export function sessionOption(): { session?: ClientSession } {
  const session = storage()?.getStore()?.session;
  return session ? { session } : {};
}

/**
 * Runs `effect` once the current transaction has committed, outside it (so background work it starts
 * does not inherit a finished session); at once when there is no transaction. Effects of a
 * transaction that aborts never run: a retry schedules them again.
 */
export function afterCommit(effect: () => void): void {
  const store = storage()?.getStore();
  if (store) store.afterCommit.push(effect);
  else effect();
}

/** MongoDB's write conflict between concurrent transactions: retrying the work at once is the remedy. */
const conflictCodes = new Set([112 /* WriteConflict */, 251 /* NoSuchTransaction */]);
const maxConflictRetries = 5;

/**
 * The application's unit of work: everything one webhook event changes is one MongoDB transaction,
 * so a step is applied completely or not at all, together with the record that it was applied.
 * Model calls join through mongoose's AsyncLocalStorage, driver calls through `sessionOption()`.
 * Network and server-selection failures are not retried here: they go back to the caller, whose
 * retry policy (with backoff, in order) decides; only write conflicts are retried at once.
 */
export class Transactions {
  constructor(private readonly connection: Connection) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    const als = storage();
    if (!als) throw new Error("transactions need connectDatabase (it enables mongoose's AsyncLocalStorage)");
    const session = await this.connection.startSession();
    try {
      for (let attempt = 1; ; attempt++) {
        const store: TransactionStore = { session, afterCommit: [] };
        session.startTransaction();
        try {
          const result = await als.run(store, work);
          await commitWithRetry(session);
          for (const effect of store.afterCommit) als.exit(effect);
          return result;
        } catch (error) {
          if (session.inTransaction()) await session.abortTransaction().catch(() => undefined);
          if (attempt < maxConflictRetries && isWriteConflict(error)) continue;
          throw error;
        }
      }
    } finally {
      await session.endSession().catch(() => undefined);
    }
  }
}

/** The driver retries a commit once itself; an unknown result may be retried (commit is idempotent). */
async function commitWithRetry(session: ClientSession): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await session.commitTransaction();
      return;
    } catch (error) {
      if (attempt < 3 && hasLabel(error, "UnknownTransactionCommitResult") && !isNetworkError(error)) continue;
      throw error;
    }
  }
}

function isWriteConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "number" && conflictCodes.has(code) && !isNetworkError(error);
}

export function hasLabel(error: unknown, label: string): boolean {
  const candidate = error as { hasErrorLabel?: (label: string) => boolean; errorLabels?: unknown } | null;
  if (typeof candidate?.hasErrorLabel === "function") return candidate.hasErrorLabel(label);
  return Array.isArray(candidate?.errorLabels) && candidate.errorLabels.includes(label);
}

function isNetworkError(error: unknown): boolean {
  return /^Mongo(Network|NetworkTimeout|ServerSelection|NotConnected|TopologyClosed)Error$/.test(
    (error as { name?: string } | null)?.name ?? "",
  );
}
