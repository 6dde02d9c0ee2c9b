import { Binary } from "bson";
import {
  assertValidNamespace,
  type Catalog,
  type DataView,
  type LockOwner,
  LockTable,
  type TransactionChanges,
  type TransactionWrite,
} from "./catalog";
import { Collection, type WriteObserver } from "./collection";
import { type Doc, isPlainObject } from "./documents";
import { CommandError } from "./errors";

/** MongoDB's `transactionLifetimeLimitSeconds` default: a forgotten transaction is aborted, not kept forever. */
const TRANSACTION_LIFETIME_MS = 60 * 1000;
/** Matches `logicalSessionTimeoutMinutes` in hello. */
const SESSION_IDLE_MS = 30 * 60 * 1000;
const TRANSIENT = ["TransientTransactionError"];

/**
 * A multi-document transaction with snapshot isolation, as in MongoDB. At its first statement it
 * takes a frozen copy of every collection (O(1) each: the trees share their nodes), so it reads
 * the data as of that moment plus its own writes, and nobody else sees those until commit.
 *
 * Each document it writes is claimed at that statement: if another open transaction has written
 * it, or someone committed a change to it after the snapshot, the statement fails with
 * `112 WriteConflict` labelled `TransientTransactionError` (which `withTransaction` retries), as
 * MongoDB's does. Writes outside transactions wait for the claim to end. So transactions on
 * different documents never conflict, and commit cannot conflict on documents at all.
 */
export class Transaction implements DataView, LockOwner {
  readonly startedAt = Date.now();
  readonly ended: Promise<void>;
  private end!: () => void;
  /** The snapshot: ns → private copy. Collections created by the transaction are added. */
  private readonly copies: Map<string, Collection>;
  /** Per namespace: lock key → the document's `_id` and its version in the snapshot. */
  private readonly written = new Map<string, Map<string, { id: unknown; before: Doc | undefined }>>();
  private readonly created = new Set<string>();
  private readonly observer: WriteObserver = {
    beforeWrite: (collection, id, before) => this.claim(collection, id, before),
    indexesChanged: () => undefined,
  };

  constructor(private readonly catalog: Catalog) {
    this.ended = new Promise((resolve) => (this.end = resolve));
    this.copies = catalog.forkAll(this.observer);
  }

  collection(db: string, name: string): Collection | undefined {
    return this.copies.get(`${db}.${name}`);
  }

  collectionForWrite(db: string, name: string): Collection {
    return this.collection(db, name) ?? this.createCollection(db, name, {});
  }

  collections(db: string): Collection[] {
    return [...this.copies.values()].filter((collection) => collection.db === db);
  }

  /** `create` inside the transaction (allowed since MongoDB 4.4): private until commit. */
  createCollection(db: string, name: string, options: Doc): Collection {
    assertValidNamespace(db, name);
    const ns = `${db}.${name}`;
    if (this.copies.has(ns) || this.catalog.collection(db, name)) {
      throw new CommandError("NamespaceExists", `Collection ${ns} already exists.`);
    }
    const collection = new Collection(db, name, options, this.observer);
    this.copies.set(ns, collection);
    this.created.add(ns);
    return collection;
  }

  /** Indexes may only be built on collections the transaction itself created, as in MongoDB. */
  createdHere(collection: Collection): boolean {
    return this.created.has(collection.ns);
  }

  private claim(collection: Collection, id: unknown, before: Doc | undefined): void {
    const key = LockTable.key(collection.ns, id);
    let written = this.written.get(collection.ns);
    if (written?.has(key)) return;
    const holder = this.catalog.locks.holder(key);
    if (holder && holder !== this) throw writeConflict();
    // The committed document must still be the one the snapshot holds (identity: documents are immutable).
    const committed = this.catalog.collection(collection.db, collection.name)?.findById(id)?.doc;
    if (committed !== before) throw writeConflict();
    this.catalog.locks.acquire(key, this);
    if (!written) {
      written = new Map();
      this.written.set(collection.ns, written);
    }
    written.set(key, { id, before });
  }

  /** Applies every change at once, as one journal entry (see `Catalog.applyTransaction`), then releases the claims. */
  commit(): void {
    const changes: TransactionChanges[] = [];
    for (const [ns, written] of this.written) {
      const copy = this.copies.get(ns);
      if (!copy) continue;
      const writes: TransactionWrite[] = [...written.values()].map(({ id, before }) => ({
        id,
        before,
        after: copy.findById(id)?.doc,
      }));
      changes.push({
        db: copy.db,
        name: copy.name,
        options: copy.options,
        indexes: copy.indexSpecs(),
        writes,
      });
    }
    for (const ns of this.created) {
      const copy = this.copies.get(ns);
      if (copy && !this.written.has(ns)) {
        // An empty collection created in the transaction still exists after it.
        changes.push({
          db: copy.db,
          name: copy.name,
          options: copy.options,
          indexes: copy.indexSpecs(),
          writes: [],
        });
      }
    }
    try {
      this.catalog.applyTransaction(this, changes);
    } catch (error) {
      // A unique key someone else committed after our snapshot: the retry will see it.
      if (error instanceof CommandError && error.codeName === "DuplicateKey") throw writeConflict();
      throw error;
    } finally {
      this.release();
    }
  }

  abort(): void {
    this.release();
  }

  private release(): void {
    for (const written of this.written.values()) this.catalog.locks.release(written.keys(), this);
    this.written.clear();
    this.end();
  }
}

export function writeConflict(): CommandError {
  return new CommandError(
    "WriteConflict",
    "Write conflict during plan execution and yielding is disabled. :: Please retry your operation or multi-document transaction.",
    {},
    TRANSIENT,
  );
}

interface SessionState {
  txnNumber: number;
  transaction: Transaction | undefined;
  outcome: "active" | "committed" | "aborted" | "none";
  lastUsed: number;
}

/** What a command runs against, given its session fields. */
export interface SessionBinding {
  data: DataView;
  /** Set when the command is part of a multi-document transaction. */
  transaction?: Transaction;
  abort?: () => void;
}

/** Logical sessions by `lsid`, and the transaction each may have open. */
export class SessionRegistry {
  private readonly sessions = new Map<string, SessionState>();

  constructor(
    private readonly catalog: Catalog,
    /** Told when a transaction ends, so what belongs to it (its cursors) goes too. */
    private readonly onEnd: (transaction: Transaction) => void = () => undefined,
  ) {}

  /**
   * Resolves `lsid`/`txnNumber`/`autocommit`/`startTransaction`. Commands without `autocommit: false`
   * (including retryable writes, which carry a txnNumber) run directly against the catalogue.
   */
  bind(body: Doc): SessionBinding {
    const sessionId = lsidKey(body.lsid);
    if (sessionId === undefined || body.autocommit !== false) return { data: this.catalog };
    const txnNumber = Number(body.txnNumber);
    const session = this.sessions.get(sessionId) ?? {
      txnNumber: -1,
      transaction: undefined,
      outcome: "none",
      lastUsed: 0,
    };
    this.sessions.set(sessionId, session);
    session.lastUsed = Date.now();
    if (txnNumber < session.txnNumber) {
      throw new CommandError(
        "TransactionTooOld",
        `txnNumber ${txnNumber} is less than last txnNumber ${session.txnNumber}`,
      );
    }
    if (body.startTransaction === true) {
      if (txnNumber === session.txnNumber) {
        throw new CommandError(
          "NoSuchTransaction",
          `Transaction ${txnNumber} has already been started`,
          {},
          TRANSIENT,
        );
      }
      // A newer txnNumber implicitly abandons whatever the session had open before.
      if (session.transaction) this.finish(session, "aborted");
      session.txnNumber = txnNumber;
      session.transaction = new Transaction(this.catalog);
      session.outcome = "active";
    } else if (txnNumber !== session.txnNumber || session.outcome !== "active" || !session.transaction) {
      throw noSuchTransaction(txnNumber);
    }
    const transaction = session.transaction;
    return { data: transaction, transaction, abort: () => this.finish(session, "aborted") };
  }

  /** commitTransaction; retrying a commit that already succeeded succeeds again, as drivers expect. */
  commit(body: Doc): void {
    const session = this.sessionFor(body);
    if (session.outcome === "committed") return;
    if (session.outcome !== "active" || !session.transaction) throw noSuchTransaction(session.txnNumber);
    const transaction = session.transaction;
    session.transaction = undefined;
    try {
      transaction.commit();
    } catch (error) {
      session.outcome = "aborted";
      throw error;
    } finally {
      this.onEnd(transaction);
    }
    session.outcome = "committed";
  }

  abort(body: Doc): void {
    const session = this.sessionFor(body);
    if (session.outcome !== "active") throw noSuchTransaction(session.txnNumber);
    this.finish(session, "aborted");
  }

  end(lsids: unknown[]): void {
    for (const lsid of lsids) {
      const key = lsidKey(lsid);
      const session = key === undefined ? undefined : this.sessions.get(key);
      if (!session || key === undefined) continue;
      if (session.transaction) this.finish(session, "aborted");
      this.sessions.delete(key);
    }
  }

  /** Aborts transactions past their lifetime and forgets idle sessions. */
  expire(now: number): void {
    for (const [key, session] of this.sessions) {
      if (
        session.outcome === "active" &&
        session.transaction &&
        now - session.transaction.startedAt > TRANSACTION_LIFETIME_MS
      ) {
        this.finish(session, "aborted");
      }
      if (now - session.lastUsed > SESSION_IDLE_MS) {
        if (session.transaction) this.finish(session, "aborted");
        this.sessions.delete(key);
      }
    }
  }

  /** Aborts every open transaction (store shutdown). */
  abortAll(): void {
    for (const session of this.sessions.values())
      if (session.outcome === "active") this.finish(session, "aborted");
  }

  private sessionFor(body: Doc): SessionState {
    const key = lsidKey(body.lsid);
    const session = key === undefined ? undefined : this.sessions.get(key);
    const txnNumber = Number(body.txnNumber);
    if (!session || session.txnNumber !== txnNumber) throw noSuchTransaction(txnNumber);
    session.lastUsed = Date.now();
    return session;
  }

  private finish(session: SessionState, outcome: "committed" | "aborted"): void {
    session.outcome = outcome;
    const transaction = session.transaction;
    session.transaction = undefined;
    if (!transaction) return;
    transaction.abort(); // releases its claims and private copies
    this.onEnd(transaction);
  }
}

function noSuchTransaction(txnNumber: number): CommandError {
  return new CommandError("NoSuchTransaction", `Transaction ${txnNumber} has been aborted.`, {}, TRANSIENT);
}

/** Sessions are keyed by the UUID the driver generates (`lsid: { id: UUID }`). */
function lsidKey(lsid: unknown): string | undefined {
  if (!isPlainObject(lsid) || !(lsid.id instanceof Binary)) return undefined;
  return lsid.id.toString("hex");
}
