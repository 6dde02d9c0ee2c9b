import { Binary } from "bson";
import { assertValidNamespace, type Catalog, type DataView } from "./catalog";
import { Collection } from "./collection";
import { type Doc, isPlainObject } from "./documents";
import { CommandError } from "./errors";

/** MongoDB's `transactionLifetimeLimitSeconds` default: a forgotten transaction is aborted, not kept forever. */
const TRANSACTION_LIFETIME_MS = 60 * 1000;
/** Matches `logicalSessionTimeoutMinutes` in hello. */
const SESSION_IDLE_MS = 30 * 60 * 1000;
const TRANSIENT = ["TransientTransactionError"];

interface WorkingCopy {
  /** The committed collection when it was copied; undefined if the transaction created it. */
  base: Collection | undefined;
  copy: Collection;
  /** Each touched document's committed version at copy time (undefined: did not exist). */
  preImages: Map<string, Doc | undefined>;
}

/**
 * A transaction works on private copies of the collections it touches (copied on first use, which
 * is cheap because documents are shared), so it reads its own writes and nobody else sees them.
 * Commit checks that no touched document changed underneath (else WriteConflict, which drivers
 * retry) and applies the changes with an undo log, so a commit is all-or-nothing.
 */
class Transaction implements DataView {
  private readonly working = new Map<string, WorkingCopy>();
  readonly startedAt = Date.now();

  constructor(private readonly catalog: Catalog) {}

  collection(db: string, name: string): Collection | undefined {
    return this.workingCopy(db, name, false)?.copy;
  }

  collectionForWrite(db: string, name: string): Collection {
    const working = this.workingCopy(db, name, true);
    if (!working) throw new Error("unreachable: working copy requested with create");
    return working.copy;
  }

  private workingCopy(db: string, name: string, create: boolean): WorkingCopy | undefined {
    const ns = `${db}.${name}`;
    const existing = this.working.get(ns);
    if (existing) return existing;
    const base = this.catalog.collection(db, name);
    if (!base && !create) return undefined;
    const preImages = new Map<string, Doc | undefined>();
    const observer = {
      beforeWrite: (docKey: string, before: Doc | undefined) => {
        if (!preImages.has(docKey)) preImages.set(docKey, before);
      },
      indexesChanged: () => undefined,
    };
    let copy: Collection;
    if (base) {
      copy = base.fork(observer);
    } else {
      // A collection the transaction creates stays private until commit adds it to the catalogue.
      assertValidNamespace(db, name);
      copy = new Collection(db, name, {}, observer);
    }
    const working = { base, copy, preImages };
    this.working.set(ns, working);
    return working;
  }

  commit(): void {
    this.assertNoConflicts();
    const undo: Array<() => void> = [];
    try {
      for (const working of this.working.values()) this.apply(working, undo);
    } catch (error) {
      for (const step of undo.reverse()) step();
      // Another client inserted a clashing unique key after we read: the retry will see it.
      if (error instanceof CommandError && error.codeName === "DuplicateKey") throw writeConflict();
      throw error;
    }
  }

  private assertNoConflicts(): void {
    for (const { base, copy, preImages } of this.working.values()) {
      if (preImages.size === 0) continue;
      const target = this.catalog.collection(copy.db, copy.name);
      // Dropped or re-created since the copy was taken: everything read from it is stale.
      if (base && target !== base) throw writeConflict();
      for (const [docKey, before] of preImages) {
        if (target?.get(docKey) !== before) throw writeConflict();
      }
    }
  }

  private apply({ copy, preImages }: WorkingCopy, undo: Array<() => void>): void {
    if (preImages.size === 0) return;
    let target = this.catalog.collection(copy.db, copy.name);
    if (!target) {
      target = this.catalog.create(copy.db, copy.name, copy.options, copy.indexSpecs());
      undo.push(() => this.catalog.drop(copy.db, copy.name));
    }
    const collection = target;
    for (const [docKey, before] of preImages) {
      const after = copy.get(docKey);
      if (after === before) continue;
      if (!after) {
        collection.remove(docKey);
        undo.push(() => collection.insert(before as Doc));
      } else if (!before) {
        collection.insert(after);
        undo.push(() => collection.remove(docKey));
      } else {
        collection.replace(docKey, after);
        undo.push(() => collection.replace(docKey, before));
      }
    }
  }
}

function writeConflict(): CommandError {
  return new CommandError("WriteConflict", "Write conflict during commit of a transaction", {}, TRANSIENT);
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
  abort?: () => void;
}

/** Logical sessions by `lsid`, and the transaction each may have open. */
export class SessionRegistry {
  private readonly sessions = new Map<string, SessionState>();

  constructor(private readonly catalog: Catalog) {}

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
      session.txnNumber = txnNumber;
      session.transaction = new Transaction(this.catalog);
      session.outcome = "active";
    } else if (txnNumber !== session.txnNumber || session.outcome !== "active" || !session.transaction) {
      throw noSuchTransaction(txnNumber);
    }
    return { data: session.transaction, abort: () => this.finish(session, "aborted") };
  }

  /** commitTransaction; retrying a commit that already succeeded succeeds again, as drivers expect. */
  commit(body: Doc): void {
    const session = this.sessionFor(body);
    if (session.outcome === "committed") return;
    if (session.outcome !== "active" || !session.transaction) throw noSuchTransaction(session.txnNumber);
    try {
      session.transaction.commit();
    } catch (error) {
      this.finish(session, "aborted");
      throw error;
    }
    this.finish(session, "committed");
  }

  abort(body: Doc): void {
    const session = this.sessionFor(body);
    if (session.outcome !== "active") throw noSuchTransaction(session.txnNumber);
    this.finish(session, "aborted");
  }

  end(lsids: unknown[]): void {
    for (const lsid of lsids) {
      const key = lsidKey(lsid);
      if (key !== undefined) this.sessions.delete(key);
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
      if (now - session.lastUsed > SESSION_IDLE_MS) this.sessions.delete(key);
    }
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
    session.transaction = undefined; // releases the private copies
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
