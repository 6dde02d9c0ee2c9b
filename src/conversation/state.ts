import { Schema, type Connection, type Model, type mongo } from "mongoose";
import { bulkStatementErrors, driverCollection, isDuplicateKeyError } from "../data/database";
import {
  deferredWrites,
  flushPending,
  forgetPrefetched,
  sessionOption,
  takePrefetched,
  type DeferredWriter,
  type GroupRead,
  type ReadHint,
} from "../data/unit-of-work";
import type { Sealer } from "../crypto/sealer";
import type { Locale } from "../i18n";
import type { Answers } from "./flow";
import type { Command } from "./commands";
import { limitCheck, type Limit, type LimitCheck } from "./rate-limit";

/** Bump when the shape below changes; state of another shape is discarded, not crashed on. */
export const stateVersion = 1;

export interface ActiveFlow {
  id: string;
  version: number;
  step: string;
  /** Steps answered, in order, for "back". */
  history: string[];
  /** Editing one field from the review screen: after it, return to the review. */
  editing: boolean;
  answers: Answers;
  startedAt: Date;
  /** Asked "leave this half-filled form to do this instead?" and not answered yet (see CitizenChat). */
  leaving?: Command;
}

/** A chat's conversation state, as the engine sees it. */
export interface ConversationState {
  key: string;
  revision: number;
  locale?: Locale;
  flow?: ActiveFlow;
}

interface ConversationDocument {
  _id: string;
  /** Absent while the document holds only the message counter (a chat that never saved state). */
  stateVersion?: number;
  revision: number;
  locale?: string;
  /** The active flow, answers included, sealed: drafts hold narratives. */
  flow?: string;
  /** The chat's messages in the current window of the per-chat message limit (see readCounting). */
  messages?: { window: number; count: number };
  updatedAt?: Date;
  expiresAt: Date;
}

export function conversationModel(connection: Connection): Model<ConversationDocument> {
  const schema = new Schema<ConversationDocument>(
    {
      _id: { type: String, required: true },
      stateVersion: Number,
      revision: { type: Number, required: true },
      locale: String,
      flow: String,
      messages: { window: Number, count: Number },
      updatedAt: Date,
      expiresAt: { type: Date, required: true },
    },
    { versionKey: false, collection: "conversations" },
  );
  schema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
  return connection.models.Conversation ?? connection.model<ConversationDocument>("Conversation", schema);
}

/** Someone else saved this state first (a second instance, or a retried event): the turn is retried. */
export class StateConflictError extends Error {
  constructor() {
    super("conversation state changed concurrently");
    this.name = "StateConflictError";
  }
}

/**
 * The narrow door to conversation state: read, write (only when a step succeeded, guarded by the
 * revision), delete. Drafts expire after `draftTtlMs` of silence; a chat without a draft keeps only
 * its language preference, for `preferenceTtlMs`. It talks to the driver directly (see
 * driverCollection): every turn reads and most turns write, so the per-chat message counter lives
 * here too and is read with the state (`readCounting`).
 */
export class ConversationStore {
  private conversations: mongo.Collection<ConversationDocument> | undefined;

  constructor(
    private readonly model: Model<ConversationDocument>,
    private readonly sealer: Sealer,
    private readonly settings: { draftTtlMs: number; preferenceTtlMs: number },
  ) {}

  private get collection(): mongo.Collection<ConversationDocument> {
    return (this.conversations ??= driverCollection(this.model));
  }

  /**
   * Inside a transaction a chat's writes of the turn — its message counter, and its state when the
   * step saved one — wait in the transaction as one op per chat (see `deferredWrites`), and the ops
   * of every chat of a group go as one update command just before the commit.
   */
  private readonly writer: DeferredWriter<PendingWrite> = { flush: (ops) => this.writeAll(ops) };

  /**
   * Every turn of a citizen's chat reads its state: give `hint(key)` to `Transactions.run` and the
   * states of all chats of a group are read as one query inside their transaction, before the
   * works run; each turn's read then takes its own (`takePrefetched`). Read in the same
   * transaction, they are guarded by the revision as a read of its own is.
   */
  readonly groupRead: GroupRead<ConversationDocument> = {
    load: async (keys) => {
      const docs = await this.collection.find({ _id: { $in: keys } }, sessionOption()).toArray();
      return new Map(docs.map((doc) => [doc._id, doc]));
    },
  };

  /** What to give `Transactions.run` for a work that will read the state of chat `key`. */
  hint(key: string): ReadHint {
    return { read: this.groupRead as GroupRead<unknown>, key };
  }

  async read(key: string, now: Date): Promise<ConversationState> {
    return this.stateOf(key, await this.findInTransaction(key), now);
  }

  /** The chat's document as this transaction (if any) sees it: read ahead by its group, or read now. */
  private async findInTransaction(key: string): Promise<ConversationDocument | null> {
    if (await flushPending(this.writer, key)) forgetPrefetched(this.groupRead, key);
    const prefetched = takePrefetched(this.groupRead, key);
    if (prefetched) return prefetched.doc;
    return this.collection.findOne({ _id: key }, sessionOption());
  }

  /**
   * Reads the state and counts this message against `limit` (a fixed window, as RateLimiter's),
   * since every turn does both. A chat that has no document yet gets one holding only the counter,
   * revision 0, expiring with the window; saving state later takes it over.
   *
   * In a transaction it is a plain read: the counter is computed here and written with the chat's
   * deferred write, guarded by the revision read. That is safe because the transaction reads a
   * snapshot and MongoDB refuses (WriteConflict) a write to a document someone else changed after
   * it: two turns of one chat can never both count from the same value. Outside a transaction
   * there is no such guard, so it stays one atomic findAndModify.
   */
  async readCounting(
    key: string,
    now: Date,
    limit: Limit,
  ): Promise<{ state: ConversationState; check: LimitCheck }> {
    const window = Math.floor(now.getTime() / limit.windowMs);
    const pending = deferredWrites(this.writer);
    if (!pending) return this.readCountingAtOnce(key, now, limit, window);
    const doc = await this.findInTransaction(key);
    const count = doc?.messages?.window === window ? doc.messages.count + 1 : 1;
    pending.set(key, {
      key,
      revision: doc?.revision ?? 0,
      messages: { window, count },
      counterExpiresAt: new Date((window + 1) * limit.windowMs + 60_000),
    });
    return { state: this.stateOf(key, doc, now), check: limitCheck(count, limit) };
  }

  private async readCountingAtOnce(
    key: string,
    now: Date,
    limit: Limit,
    window: number,
  ): Promise<{ state: ConversationState; check: LimitCheck }> {
    const doc = await this.collection.findOneAndUpdate(
      { _id: key },
      [
        {
          $set: {
            messages: {
              window,
              count: { $cond: [{ $eq: ["$messages.window", window] }, { $add: ["$messages.count", 1] }, 1] },
            },
            revision: { $ifNull: ["$revision", 0] },
            expiresAt: { $ifNull: ["$expiresAt", new Date((window + 1) * limit.windowMs + 60_000)] },
          },
        },
      ],
      { upsert: true, returnDocument: "after", ...sessionOption() },
    );
    return { state: this.stateOf(key, doc, now), check: limitCheck(doc?.messages?.count ?? 1, limit) };
  }

  private stateOf(key: string, doc: ConversationDocument | null, now: Date): ConversationState {
    if (!doc) return { key, revision: 0 };
    const locale = doc.locale === "th" || doc.locale === "en" ? doc.locale : undefined;
    // An expired draft the TTL monitor has not removed yet is already gone for the citizen.
    if (doc.stateVersion !== stateVersion || !doc.flow || doc.expiresAt <= now) {
      return { key, revision: doc.revision, locale };
    }
    return { key, revision: doc.revision, locale, flow: this.openFlow(doc.flow) };
  }

  /**
   * Saves and returns the new revision. Throws StateConflictError if the state moved on meanwhile:
   * at once, or — inside a transaction, where the write is deferred — when the transaction commits.
   */
  async write(state: ConversationState, now: Date): Promise<number> {
    forgetPrefetched(this.groupRead, state.key);
    const pending = deferredWrites(this.writer);
    if (!pending) {
      await this.writeAll([{ key: state.key, revision: state.revision, state, now }]);
      return state.revision + 1;
    }
    const counted = pending.get(state.key);
    if (counted && counted.revision === state.revision && !counted.state) {
      counted.state = state;
      counted.now = now;
    } else {
      // Not the chat's counted read of this turn (or a second save): what waits goes first, in order.
      await flushPending(this.writer, state.key);
      pending.set(state.key, { key: state.key, revision: state.revision, state, now });
    }
    return state.revision + 1;
  }

  async delete(key: string): Promise<void> {
    deferredWrites(this.writer)?.delete(key); // the document goes, and what was waiting to be written to it
    forgetPrefetched(this.groupRead, key);
    await this.collection.deleteOne({ _id: key }, sessionOption());
  }

  /**
   * One update command for the writes of several chats, each guarded by the revision it was read
   * (or saved) at; revision 0 may create the document. Any op that neither matched nor created —
   * or an insert that met a document created meanwhile (duplicate key) — is a StateConflictError.
   */
  private async writeAll(ops: PendingWrite[]): Promise<void> {
    try {
      const result = await this.collection.bulkWrite(
        ops.map((op) => ({
          updateOne: {
            filter: { _id: op.key, revision: op.revision },
            update: this.updateOf(op),
            upsert: op.revision === 0,
          },
        })),
        sessionOption(),
      );
      if (result.matchedCount + result.upsertedCount < ops.length) throw new StateConflictError();
    } catch (error) {
      // Two first messages at once: both tried to create the document.
      if (isDuplicateKeyError(error) || bulkStatementErrors(error)?.some((e) => e.code === 11000))
        throw new StateConflictError();
      throw error;
    }
  }

  private updateOf(op: PendingWrite): mongo.UpdateFilter<ConversationDocument> {
    const messages = op.messages ? { messages: op.messages } : {};
    if (!op.state) {
      // Only the counter: a chat without a document gets one holding just that, until the window ends.
      return { $set: messages, $setOnInsert: { expiresAt: op.counterExpiresAt! } };
    }
    const { state } = op;
    const ttl = state.flow ? this.settings.draftTtlMs : this.settings.preferenceTtlMs;
    const document: Omit<ConversationDocument, "_id"> = {
      stateVersion,
      revision: state.revision + 1,
      updatedAt: op.now!,
      expiresAt: new Date(op.now!.getTime() + ttl),
      ...messages,
      ...(state.locale ? { locale: state.locale } : {}),
      ...(state.flow ? { flow: this.sealer.seal(JSON.stringify(state.flow), "conversations.flow") } : {}),
    };
    const unset = {
      ...(state.flow ? {} : { flow: 1 as const }),
      ...(state.locale ? {} : { locale: 1 as const }),
    };
    return { $set: document, ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}) };
  }

  private openFlow(sealed: string): ActiveFlow | undefined {
    try {
      const flow = JSON.parse(this.sealer.openText(sealed, "conversations.flow")) as ActiveFlow;
      return { ...flow, startedAt: new Date(flow.startedAt) };
    } catch {
      return undefined; // unreadable (key removed from the ring): the citizen starts again rather than being stuck
    }
  }
}

/**
 * A chat's write waiting for its transaction's commit: the counter of its counted read, the state
 * its step saved, or both; guarded by `revision`, the one read (or saved over).
 */
interface PendingWrite {
  key: string;
  revision: number;
  messages?: { window: number; count: number };
  /** Set with `messages`: when a counter-only document expires. */
  counterExpiresAt?: Date;
  state?: ConversationState;
  /** Set with `state`: when it was saved. */
  now?: Date;
}
