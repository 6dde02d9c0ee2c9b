import { createHash, randomBytes } from "node:crypto";
import { Schema, type Connection, type Model } from "mongoose";
import type { OfficerDirectory } from "./directory";
import type { Officer } from "./models";

/**
 * A one-time link that signs an officer in to the web console, sent in their 1:1 chat. Only the
 * SHA-256 of the token is stored, so a database dump signs nobody in. It is bound to the enrollment
 * it was made for (officer, code and enrolment time): revoking or re-enrolling the officer voids it.
 */
export interface SignInLink {
  _id: string;
  officerId: string;
  codeId: string;
  enrolledAt: Date;
  createdAt: Date;
  expiresAt: Date;
  usedAt?: Date;
  /** Kept a day after expiry so a late second use still gets "already used", then removed (TTL). */
  purgeAfter: Date;
}

export function signInLinkModel(connection: Connection): Model<SignInLink> {
  const schema = new Schema<SignInLink>(
    {
      _id: { type: String, required: true },
      officerId: { type: String, required: true },
      codeId: { type: String, required: true },
      enrolledAt: { type: Date, required: true },
      createdAt: { type: Date, required: true },
      expiresAt: { type: Date, required: true },
      usedAt: Date,
      purgeAfter: { type: Date, required: true },
    },
    { collection: "console_sign_in_links", versionKey: false },
  );
  schema.index({ purgeAfter: 1 }, { expireAfterSeconds: 0 });
  return connection.models.SignInLink ?? connection.model<SignInLink>("SignInLink", schema);
}

export type SignInRefusal = "invalid" | "used" | "expired" | "revoked";

/** Whether an officer record is still the enrollment a link or session was made for. */
export function sameEnrollment(
  officer: Officer | null,
  bound: { codeId: string; enrolledAt: Date },
): officer is Officer {
  return (
    officer !== null &&
    officer.status === "active" &&
    officer.codeId === bound.codeId &&
    officer.enrolledAt.getTime() === bound.enrolledAt.getTime()
  );
}

/** Issues and redeems console sign-in links (`/console` in the officer's chat). */
export class SignInLinks {
  readonly model: Model<SignInLink>;

  constructor(
    connection: Connection,
    private readonly directory: Pick<OfficerDirectory, "officer">,
    readonly ttlMs: number = 10 * 60_000,
  ) {
    this.model = signInLinkModel(connection);
  }

  /** A fresh token (256 bits) for an active officer; the caller puts it in a URL. */
  async issue(officer: Officer, now: Date): Promise<string> {
    const token = randomBytes(32).toString("base64url");
    await this.model.create({
      _id: hashToken(token),
      officerId: officer._id,
      codeId: officer.codeId,
      enrolledAt: officer.enrolledAt,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.ttlMs),
      purgeAfter: new Date(now.getTime() + this.ttlMs + 86_400_000),
    });
    return token;
  }

  /**
   * Uses a token up: the first caller wins (a conditional update), any later one gets "used". The
   * officer is re-read, so a revocation after the link was sent refuses it.
   */
  async redeem(
    token: string,
    now: Date,
  ): Promise<{ ok: true; officer: Officer } | { ok: false; reason: SignInRefusal }> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return { ok: false, reason: "invalid" };
    const id = hashToken(token);
    const claimed = await this.model
      .findOneAndUpdate(
        { _id: id, usedAt: { $exists: false } },
        { $set: { usedAt: now } },
        { returnDocument: "after" },
      )
      .lean<SignInLink>()
      .exec();
    if (!claimed) {
      const known = await this.model.exists({ _id: id });
      return { ok: false, reason: known ? "used" : "invalid" };
    }
    if (claimed.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: "expired" };
    const officer = await this.directory.officer(claimed.officerId);
    if (!sameEnrollment(officer, claimed)) return { ok: false, reason: "revoked" };
    return { ok: true, officer };
  }
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
