import { randomBytes } from "node:crypto";
import { Schema, type Connection, type Model } from "mongoose";
import { hashToken, sameEnrollment } from "../officers/sign-in-links";
import type { OfficerDirectory } from "../officers/directory";
import type { Officer } from "../officers/models";

/**
 * A signed-in console session. The cookie carries a random token; only its SHA-256 is stored. The
 * session is bound to the enrollment it began with, so revoking (or re-enrolling) the officer ends it
 * at their next request.
 */
export interface ConsoleSession {
  _id: string;
  officerId: string;
  codeId: string;
  enrolledAt: Date;
  /** Sent in every form; compared on every state change. */
  csrf: string;
  createdAt: Date;
  lastSeenAt: Date;
  /** The earlier of the idle and the absolute limit, kept current so the TTL index removes dead sessions. */
  expiresAt: Date;
}

export function consoleSessionModel(connection: Connection): Model<ConsoleSession> {
  const schema = new Schema<ConsoleSession>(
    {
      _id: { type: String, required: true },
      officerId: { type: String, required: true },
      codeId: { type: String, required: true },
      enrolledAt: { type: Date, required: true },
      csrf: { type: String, required: true },
      createdAt: { type: Date, required: true },
      lastSeenAt: { type: Date, required: true },
      expiresAt: { type: Date, required: true },
    },
    { collection: "console_sessions", versionKey: false },
  );
  schema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
  schema.index({ officerId: 1 });
  return connection.models.ConsoleSession ?? connection.model<ConsoleSession>("ConsoleSession", schema);
}

export interface SessionLimits {
  /** Without a request for this long the session ends. Default 30 minutes. */
  idleMs: number;
  /** However active, a session ends this long after sign-in. Default 12 hours. */
  absoluteMs: number;
}

export const defaultSessionLimits: SessionLimits = { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 };

export type SessionCheck =
  | { ok: true; session: ConsoleSession; officer: Officer }
  | { ok: false; reason: "none" | "expired" | "revoked" };

/** Console sessions: started by a sign-in link, checked (and kept alive) on every request. */
export class ConsoleSessions {
  readonly model: Model<ConsoleSession>;

  constructor(
    connection: Connection,
    private readonly directory: Pick<OfficerDirectory, "officer">,
    readonly limits: SessionLimits = defaultSessionLimits,
  ) {
    this.model = consoleSessionModel(connection);
  }

  /** Returns the cookie token; it is not stored. */
  async start(officer: Officer, now: Date): Promise<string> {
    const token = randomBytes(32).toString("base64url");
    await this.model.create({
      _id: hashToken(token),
      officerId: officer._id,
      codeId: officer.codeId,
      enrolledAt: officer.enrolledAt,
      csrf: randomBytes(32).toString("base64url"),
      createdAt: now,
      lastSeenAt: now,
      expiresAt: this.expiry(now, now),
    });
    return token;
  }

  /**
   * The session behind a cookie, if it is alive and its officer is still the same active enrollment.
   * A session found dead is deleted, so it cannot come back.
   */
  async check(token: string | undefined, now: Date): Promise<SessionCheck> {
    if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) return { ok: false, reason: "none" };
    const id = hashToken(token);
    const session = await this.model.findById(id).lean<ConsoleSession>().exec();
    if (!session) return { ok: false, reason: "none" };
    if (this.expiry(session.createdAt, session.lastSeenAt).getTime() <= now.getTime()) {
      await this.model.deleteOne({ _id: id });
      return { ok: false, reason: "expired" };
    }
    const officer = await this.directory.officer(session.officerId);
    if (!sameEnrollment(officer, session)) {
      await this.model.deleteMany({ officerId: session.officerId });
      return { ok: false, reason: "revoked" };
    }
    // Writing once a minute is enough for a 30-minute idle limit.
    if (now.getTime() - session.lastSeenAt.getTime() >= 60_000) {
      await this.model.updateOne(
        { _id: id },
        { $set: { lastSeenAt: now, expiresAt: this.expiry(session.createdAt, now) } },
      );
    }
    return { ok: true, session, officer };
  }

  async end(token: string | undefined): Promise<void> {
    if (token) await this.model.deleteOne({ _id: hashToken(token) });
  }

  private expiry(createdAt: Date, lastSeenAt: Date): Date {
    return new Date(
      Math.min(createdAt.getTime() + this.limits.absoluteMs, lastSeenAt.getTime() + this.limits.idleMs),
    );
  }
}
