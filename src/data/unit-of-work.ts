import type { AsyncLocalStorage } from "node:async_hooks";
import mongoose, { type ClientSession, type Connection } from "mongoose";

/**
 * A kind of write that may wait until just before its transaction commits, so that the writes of
 * every work in a group go to the database as one command (see `deferredWrites`).
 */
export interface DeferredWriter<Op> {
  /**
   * Sends `ops` inside the transaction (`sessionOption()` works) and throws what the immediate
   * write would have thrown — a guard that did not hold included — so the caller's failure handling
   * does not depend on when the write was sent.
   */
  flush(ops: Op[]): Promise<void>;
}

/** The writes waiting for the commit: per writer, its ops by key (one op per key). */
type DeferredSet = Map<DeferredWriter<unknown>, Map<string, unknown>>;

/**
 * A read of one document by key that most works of a group make (a chat's conversation state).
 * In a group it is sent once for all its works' keys, inside the transaction before the first work
 * runs (see `ReadHint`), and each work takes its own document from there (`takePrefetched`):
 * one command for the group instead of one per work, from the same snapshot the works read.
 */
export interface GroupRead<Doc> {
  /** The documents of `keys` that exist, by key; called inside the transaction (`sessionOption()` works). */
  load(keys: string[]): Promise<Map<string, Doc>>;
}

/** Given with a work (`Transactions.run`): the document of `read` it will read, so its group can read them all at once. */
export interface ReadHint {
  read: GroupRead<unknown>;
  key: string;
}

/** A group's prefetched documents: per read, by key, null when it does not exist; each taken once. */
type PrefetchedSet = Map<GroupRead<unknown>, Map<string, unknown>>;

/**
 * What mongoose keeps in its AsyncLocalStorage while a transaction runs. Mongoose reads `session`
 * and passes it to every model operation; `afterCommit` and `deferred` are ours. In a group (see
 * `Transactions`) every work has its own `afterCommit` and they all share `session` and `deferred`.
 */
interface TransactionStore {
  session: ClientSession;
  afterCommit: Array<() => void>;
  deferred: DeferredSet;
  prefetched: PrefetchedSet;
  counts: TransactionCounts;
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

/**
 * The current transaction's pending ops of `writer`, by key: the caller records its write there
 * instead of sending it, and it is sent (with those of the other works of the group) just before
 * the commit. Undefined outside a transaction: the caller writes at once. Each command saved is
 * worth more service CPU than anything else on the event path (docs/PERFORMANCE.md).
 */
export function deferredWrites<Op>(writer: DeferredWriter<Op>): Map<string, Op> | undefined {
  const store = storage()?.getStore();
  if (!store) return undefined;
  const key = writer as DeferredWriter<unknown>;
  let ops = store.deferred.get(key);
  if (!ops) store.deferred.set(key, (ops = new Map()));
  return ops as Map<string, Op>;
}

/**
 * Sends `writer`'s pending op for `key` now, if there is one: for a read of something this
 * transaction wrote (reads do not see deferred writes). True when there was one.
 */
export async function flushPending<Op>(writer: DeferredWriter<Op>, key: string): Promise<boolean> {
  const ops = deferredWrites(writer);
  const op = ops?.get(key);
  if (op === undefined) return false;
  ops!.delete(key);
  await writer.flush([op]);
  return true;
}

/**
 * The document of `key` this transaction's group read ahead (`GroupRead`), if it did and nothing
 * took it yet: `{ doc: null }` when it does not exist. Undefined otherwise: the caller reads it
 * itself. Taken once, so a second read of the key (after a write of it) goes to the database.
 */
export function takePrefetched<Doc>(read: GroupRead<Doc>, key: string): { doc: Doc | null } | undefined {
  const store = storage()?.getStore();
  const docs = store?.prefetched.get(read as GroupRead<unknown>);
  if (!docs?.has(key)) return undefined;
  const doc = docs.get(key) as Doc | null;
  docs.delete(key);
  store!.counts.prefetchHits += 1;
  return { doc };
}

/** Forgets what was read ahead for `key`: this transaction writes or deletes it, so it is no longer what a read would see. */
export function forgetPrefetched<Doc>(read: GroupRead<Doc>, key: string): void {
  storage()
    ?.getStore()
    ?.prefetched.get(read as GroupRead<unknown>)
    ?.delete(key);
}

/** Sends every pending write, one `flush` per writer; called inside the transaction, before commit. */
async function flushAll(deferred: DeferredSet): Promise<void> {
  for (const [writer, ops] of deferred) {
    if (ops.size === 0) continue;
    const batch = [...ops.values()];
    ops.clear();
    await writer.flush(batch);
  }
}

/** MongoDB's write conflict between concurrent transactions: retrying the work at once is the remedy. */
const conflictCodes = new Set([112 /* WriteConflict */, 251 /* NoSuchTransaction */]);
const maxConflictRetries = 5;

export interface TransactionsOptions {
  /** Most works committed together (one session works them one after another). */
  maxGroup?: number;
  /**
   * Groups running or committing at once (default 2). Works that arrive while this many are in
   * flight wait and form the next group when one finishes: the busier the database, the bigger
   * the groups, and the fewer commands per event. With fewer in flight a work starts at once.
   */
  maxGroupsInFlight?: number;
  /**
   * Once a group has run this long, it commits what it has done and the works not yet started run
   * in transactions of their own, at once: a slow work (a LINE call that is retried) holds back only
   * the works before it in its group, never a queue of them behind it.
   */
  groupBudgetMs?: number;
  /** Monotonic milliseconds (injectable for tests). */
  clock?: () => number;
}

/** How the works went (for tests and the bench): committed in a group, alone, or rerun alone after a group failed. */
export interface TransactionCounts {
  groups: number;
  grouped: number;
  alone: number;
  fallbacks: number;
  /** Reads served from what a group read ahead (`GroupRead`), instead of a command each. */
  prefetchHits: number;
}

interface Queued {
  work: () => Promise<unknown>;
  hints: readonly ReadHint[];
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * The application's unit of work: everything one webhook event changes is one MongoDB transaction,
 * so a step is applied completely or not at all, together with the record that it was applied.
 * Model calls join through mongoose's AsyncLocalStorage, driver calls through `sessionOption()`.
 * Network and server-selection failures are not retried here: they go back to the caller, whose
 * retry policy (with backoff, in order) decides; only write conflicts are retried at once.
 *
 * **Group commit.** Works that arrive while `maxGroupsInFlight` groups are running or committing
 * wait, and when one of those finishes they form the next group together (those of the same turn
 * of the event loop at least); with a place free a work starts in the turn it arrived in. The
 * processor never has two events of one chat in flight (it runs a chat's events in order), so a
 * group holds different chats. A group's works run one after another in one session and one
 * transaction, their deferred writes go as one command per collection, and they commit once: the
 * commands per event are the bill (docs/PERFORMANCE.md).
 * If anything in the group fails — a flow's error, a guard, a conflict, the database — the group
 * is aborted and each work runs again in a transaction of its own, which is the path a lone work
 * takes anyway, so each caller gets exactly its own outcome. Its effects inside the transaction
 * never happened; effects outside it (a LINE profile read, the loading animation) may happen twice.
 */
export class Transactions {
  private readonly maxGroup: number;
  private readonly maxGroupsInFlight: number;
  private readonly groupBudgetMs: number;
  private readonly clock: () => number;
  private queue: Queued[] = [];
  private scheduled = false;
  /** When each group in flight started (`clock`). */
  private readonly inFlight = new Set<{ startedAt: number }>();
  readonly counts: TransactionCounts = { groups: 0, grouped: 0, alone: 0, fallbacks: 0, prefetchHits: 0 };

  constructor(
    private readonly connection: Connection,
    options: TransactionsOptions = {},
  ) {
    this.maxGroup = options.maxGroup ?? 32;
    this.maxGroupsInFlight = Math.max(1, options.maxGroupsInFlight ?? 2);
    this.groupBudgetMs = options.groupBudgetMs ?? 100;
    this.clock = options.clock ?? (() => performance.now());
  }

  /**
   * Runs `work` in a transaction, alone or in a group. `hints` name documents it will read through
   * a `GroupRead`: in a group they are read together before the works run. A hint the work does
   * not use costs only its key in that one query; a read without a hint is a command of its own.
   */
  run<T>(work: () => Promise<T>, hints: readonly ReadHint[] = []): Promise<T> {
    if (!storage()) throw new Error("transactions need connectDatabase (it enables mongoose's AsyncLocalStorage)");
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, hints, resolve: resolve as (value: unknown) => void, reject });
      this.scheduleStart();
    });
  }

  /**
   * Starts groups at the end of this turn (so that the works of the turn go together) if a place
   * is free; otherwise the group that finishes calls it again.
   */
  private scheduleStart(): void {
    if (this.scheduled || this.queue.length === 0 || !this.placeFree()) return;
    this.scheduled = true;
    setImmediate(() => this.startGroups());
  }

  /**
   * A group in flight for longer than the budget (a slow work: an evidence download, LINE retries)
   * no longer takes a place: the works waiting behind it start without it, as they would have
   * without places.
   */
  private placeFree(): boolean {
    const now = this.clock();
    let holding = 0;
    for (const group of this.inFlight) if (now - group.startedAt <= this.groupBudgetMs) holding += 1;
    return holding < this.maxGroupsInFlight;
  }

  /** What is queued, oldest first, in groups of at most `maxGroup`, while places are free. */
  private startGroups(): void {
    this.scheduled = false;
    while (this.queue.length > 0 && this.placeFree()) {
      const group = { startedAt: this.clock() };
      this.inFlight.add(group);
      // Looks again once this group is past its budget, in case it still holds its place then.
      const overdue = setTimeout(() => this.scheduleStart(), this.groupBudgetMs + 1);
      overdue.unref();
      void this.runGroup(this.queue.splice(0, this.maxGroup)).finally(() => {
        clearTimeout(overdue);
        this.inFlight.delete(group);
        this.scheduleStart();
      });
    }
  }

  private async runGroup(members: Queued[]): Promise<void> {
    if (members.length === 1) return this.runAlone(members[0]!);
    const leftAlone = new Map<Queued, Promise<void>>();
    try {
      await this.together(members, leftAlone);
    } catch {
      // Nothing of the group committed: each of its works again on its own, to its own outcome.
      const held = members.filter((member) => !leftAlone.has(member));
      this.counts.fallbacks += held.length;
      await Promise.all(held.map((member) => this.runAlone(member)));
    }
    await Promise.all(leftAlone.values());
  }

  /**
   * Runs the members one after another in one transaction, commits them together and resolves
   * each. Once past the budget it takes no more: the rest start alone at once (into `leftAlone`,
   * before the commit). Throws when the group failed; then nothing of it committed and none of the
   * members it held has been resolved.
   */
  private async together(members: Queued[], leftAlone: Map<Queued, Promise<void>>): Promise<void> {
    const als = storage()!;
    const startedAt = this.clock();
    const session = await this.connection.startSession();
    const deferred: DeferredSet = new Map();
    const prefetched: PrefetchedSet = new Map();
    const shared = { session, deferred, prefetched, counts: this.counts };
    const done: Array<{ member: Queued; result: unknown; afterCommit: Array<() => void> }> = [];
    try {
      session.startTransaction();
      await als.run({ ...shared, afterCommit: [] }, () => readAhead(members, prefetched));
      for (const member of members) {
        if (done.length > 0 && this.clock() - startedAt > this.groupBudgetMs) {
          leftAlone.set(member, this.runAlone(member));
          continue;
        }
        const store: TransactionStore = { ...shared, afterCommit: [] };
        const result = await als.run(store, member.work);
        done.push({ member, result, afterCommit: store.afterCommit });
      }
      await als.run({ ...shared, afterCommit: [] }, () => flushAll(deferred));
      await commitWithRetry(session);
    } catch (error) {
      if (session.inTransaction()) await session.abortTransaction().catch(() => undefined);
      throw error;
    } finally {
      await session.endSession().catch(() => undefined);
    }
    this.counts.groups += 1;
    this.counts.grouped += done.length;
    for (const { member, result, afterCommit } of done) {
      // As alone: an effect that throws fails its own caller (after the commit), nobody else's.
      try {
        for (const effect of afterCommit) als.exit(effect);
        member.resolve(result);
      } catch (error) {
        member.reject(error);
      }
    }
  }

  /** One work in a transaction of its own: the path of a lone work, and of every work of a failed group. */
  private async runAlone(member: Queued): Promise<void> {
    this.counts.alone += 1;
    try {
      member.resolve(await this.alone(member.work));
    } catch (error) {
      member.reject(error);
    }
  }

  private async alone<T>(work: () => Promise<T>): Promise<T> {
    const als = storage()!;
    const session = await this.connection.startSession();
    try {
      for (let attempt = 1; ; attempt++) {
        const store: TransactionStore = {
          session,
          afterCommit: [],
          deferred: new Map(),
          prefetched: new Map(),
          counts: this.counts,
        };
        session.startTransaction();
        try {
          const result = await als.run(store, work);
          await als.run(store, () => flushAll(store.deferred));
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

/**
 * The group's hinted documents, one `load` per read for all its members' keys, into `prefetched`
 * (null for a key without a document). Its first command also takes the transaction's snapshot.
 */
async function readAhead(members: Queued[], prefetched: PrefetchedSet): Promise<void> {
  const keysByRead = new Map<GroupRead<unknown>, Set<string>>();
  for (const { hints } of members)
    for (const { read, key } of hints) {
      let keys = keysByRead.get(read);
      if (!keys) keysByRead.set(read, (keys = new Set()));
      keys.add(key);
    }
  for (const [read, keys] of keysByRead) {
    const found = await read.load([...keys]);
    prefetched.set(read, new Map([...keys].map((key) => [key, found.get(key) ?? null])));
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
