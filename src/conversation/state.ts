import { Schema, type Connection, type Model } from "mongoose";
import type { Sealer } from "../crypto/sealer";
import type { Locale } from "../i18n";
import type { Answers } from "./flow";

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
  stateVersion: number;
  revision: number;
  locale?: string;
  /** The active flow, answers included, sealed: drafts hold narratives. */
  flow?: string;
  updatedAt: Date;
  expiresAt: Date;
}

export function conversationModel(connection: Connection): Model<ConversationDocument> {
  const schema = new Schema<ConversationDocument>(
    {
      _id: { type: String, required: true },
      stateVersion: { type: Number, required: true },
      revision: { type: Number, required: true },
      locale: String,
      flow: String,
      updatedAt: { type: Date, required: true },
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
 * its language preference, for `preferenceTtlMs`.
 */
export class ConversationStore {
  constructor(
    private readonly model: Model<ConversationDocument>,
    private readonly sealer: Sealer,
    private readonly settings: { draftTtlMs: number; preferenceTtlMs: number },
  ) {}

  async read(key: string, now: Date): Promise<ConversationState> {
    const doc = await this.model.findById(key).lean<ConversationDocument>().exec();
    if (!doc) return { key, revision: 0 };
    const locale = doc.locale === "th" || doc.locale === "en" ? doc.locale : undefined;
    // An expired draft the TTL monitor has not removed yet is already gone for the citizen.
    if (doc.stateVersion !== stateVersion || !doc.flow || doc.expiresAt <= now) {
      return { key, revision: doc.revision, locale };
    }
    return { key, revision: doc.revision, locale, flow: this.openFlow(doc.flow) };
  }

  /** Saves and returns the new revision. Throws StateConflictError if the state moved on meanwhile. */
  async write(state: ConversationState, now: Date): Promise<number> {
    const revision = state.revision + 1;
    const ttl = state.flow ? this.settings.draftTtlMs : this.settings.preferenceTtlMs;
    const document = {
      stateVersion,
      revision,
      updatedAt: now,
      expiresAt: new Date(now.getTime() + ttl),
      ...(state.locale ? { locale: state.locale } : {}),
      ...(state.flow ? { flow: this.sealer.seal(JSON.stringify(state.flow), "conversations.flow") } : {}),
    };
    const unset = { ...(state.flow ? {} : { flow: 1 }), ...(state.locale ? {} : { locale: 1 }) };
    try {
      const result = await this.model.updateOne(
        { _id: state.key, revision: state.revision },
        { $set: document, ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}) },
        { upsert: state.revision === 0 },
      );
      if (result.matchedCount === 0 && result.upsertedCount === 0) throw new StateConflictError();
    } catch (error) {
      // Two first messages at once: both tried to create the document.
      if ((error as { code?: number }).code === 11000) throw new StateConflictError();
      throw error;
    }
    return revision;
  }

  async delete(key: string): Promise<void> {
    await this.model.deleteOne({ _id: key });
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
