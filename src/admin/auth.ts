import { createHash, randomBytes } from "node:crypto";
import { Schema, type Connection, type Model } from "mongoose";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { HttpError } from "../http/errors";
import { caseRoles, isCaseRole, roleAtLeast, type CaseRole } from "../officers/roles";
import { allPlaces, plainScope, scopeFields, type Scope } from "../officers/scope";

/** What a request authenticated with an admin token may do; set on `req.admin` by `authenticate`. */
export interface AdminIdentity {
  tokenId: string;
  role: CaseRole;
  scope: Scope;
  label: string;
}

declare module "express-serve-static-core" {
  interface Request {
    admin?: AdminIdentity;
  }
}

/** A bearer token for the admin API, stored as SHA-256 of the token: a database dump grants nothing. */
export interface AdminToken {
  _id: string;
  tokenId: string;
  label: string;
  role: CaseRole;
  scope: Scope;
  createdAt: Date;
  expiresAt?: Date;
  revokedAt?: Date;
  lastUsedAt?: Date;
}

export function adminTokenModel(connection: Connection): Model<AdminToken> {
  const schema = new Schema<AdminToken>(
    {
      _id: { type: String, required: true },
      tokenId: { type: String, required: true, unique: true },
      label: { type: String, required: true },
      role: { type: String, required: true, enum: caseRoles },
      scope: scopeFields,
      createdAt: { type: Date, required: true },
      expiresAt: Date,
      revokedAt: Date,
      lastUsedAt: Date,
    },
    { collection: "admin_tokens", versionKey: false },
  );
  return connection.models.AdminToken ?? connection.model<AdminToken>("AdminToken", schema);
}

const tokenPrefix = "itl";

/** Admin API tokens: created and revoked by scripts/admin-tokens.ts, checked on every request. */
export class AdminTokens {
  readonly model: Model<AdminToken>;

  constructor(connection: Connection) {
    this.model = adminTokenModel(connection);
  }

  /** Returns the token once; only its hash is kept. Admins get every place regardless of `scope`. */
  async create(
    input: { label: string; role: CaseRole; scope?: Scope; expiresAt?: Date },
    now: Date,
  ): Promise<{ token: string; tokenId: string }> {
    const tokenId = randomBytes(6).toString("hex");
    const token = `${tokenPrefix}_${tokenId}_${randomBytes(32).toString("base64url")}`;
    await this.model.create({
      _id: hashToken(token),
      tokenId,
      label: input.label,
      role: input.role,
      scope: input.role === "admin" ? allPlaces : (input.scope ?? allPlaces),
      createdAt: now,
      ...(input.expiresAt && { expiresAt: input.expiresAt }),
    });
    return { token, tokenId };
  }

  async verify(token: string, now: Date): Promise<AdminIdentity | undefined> {
    if (!token.startsWith(`${tokenPrefix}_`) || token.length > 200) return undefined;
    const found = await this.model.findById(hashToken(token)).lean<AdminToken>().exec();
    if (!found || found.revokedAt || (found.expiresAt && found.expiresAt <= now)) return undefined;
    // Once a minute is enough to show an operator which tokens are in use.
    if (!found.lastUsedAt || now.getTime() - found.lastUsedAt.getTime() > 60_000) {
      await this.model.updateOne({ _id: found._id }, { $set: { lastUsedAt: now } });
    }
    return { tokenId: found.tokenId, role: found.role, scope: plainScope(found.scope), label: found.label };
  }

  async byId(tokenId: string, now: Date): Promise<AdminIdentity | undefined> {
    const found = await this.model.findOne({ tokenId }).lean<AdminToken>().exec();
    if (!found || found.revokedAt || (found.expiresAt && found.expiresAt <= now)) return undefined;
    return { tokenId: found.tokenId, role: found.role, scope: plainScope(found.scope), label: found.label };
  }

  async revoke(tokenId: string, now: Date): Promise<boolean> {
    const result = await this.model.updateOne(
      { tokenId, revokedAt: { $exists: false } },
      { $set: { revokedAt: now } },
    );
    return result.modifiedCount === 1;
  }

  async list(): Promise<Array<Omit<AdminToken, "_id">>> {
    const tokens = await this.model.find().sort({ createdAt: 1 }).lean<AdminToken[]>().exec();
    return tokens.map(({ _id: _hash, ...token }) => ({ ...token, scope: plainScope(token.scope) }));
  }
}

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/**
 * Reads `Authorization: Bearer <token>` and sets `req.admin`. Missing or unknown, expired and
 * revoked tokens get 401. Mounted on /admin/api by the officers module before every admin route.
 */
export function authenticate(tokens: AdminTokens, now: () => Date): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.get("authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    res.setHeader("www-authenticate", 'Bearer realm="admin"');
    if (!match) return next(new HttpError(401, "missing bearer token"));
    const identity = await tokens.verify(match[1]!, now());
    if (!identity) return next(new HttpError(401, "invalid token"));
    res.removeHeader("www-authenticate");
    req.admin = identity;
    next();
  };
}

/**
 * Route guard: 401 without an authenticated token, 403 when the token's role is below `role`
 * ("officer" < "supervisor" < "admin"). Usage: `router.get("/admin/api/campaigns", authorize("admin"), handler)`.
 * `authenticate` must have run first: the officers module mounts it on every /admin/api path, so its
 * routers go before any other /admin/api router. An unknown role name is a programming error and
 * throws when the route is declared, not when it is called.
 */
export function authorize(role: CaseRole | string): RequestHandler {
  if (!isCaseRole(role))
    throw new Error(`authorize: unknown role "${role}" (one of ${caseRoles.join(", ")})`);
  return (req, _res, next) => {
    if (!req.admin) return next(new HttpError(401, "missing bearer token"));
    if (!roleAtLeast(req.admin.role, role)) return next(new HttpError(403, `requires role ${role}`));
    next();
  };
}
