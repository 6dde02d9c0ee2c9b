import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { pipeline } from "node:stream/promises";
import express, { type Router } from "express";
import { HttpError } from "../http/errors";
import type { Logger } from "../log";
import type { EvidenceStore } from "../tips/evidence";
import { EvidenceNotFoundError } from "../tips/evidence";
import type { AuditLog } from "./audit";
import type { CaseService, Refusal } from "./cases";
import type { Principal } from "./routing";

/** Who a link was made for: an officer (LINE) or an admin API token. Encoded "o.<id>" / "t.<id>" in the URL. */
export type LinkHolder = { kind: "officer"; id: string } | { kind: "token"; id: string };

/**
 * Short-lived signed evidence URLs: HMAC-SHA256 over the evidence's public ref, expiry and holder with a key
 * derived from the configuration. A link is useless after it expires, to anyone but its holder's
 * current rights (re-checked at fetch), and altering any part of it breaks the signature.
 */
export class EvidenceLinks {
  private readonly key: Buffer;

  constructor(
    secret: Buffer,
    private readonly baseUrl: string,
    readonly ttlMs: number,
  ) {
    // A key of its own, so a leaked link key reveals nothing about the pseudonym key it derives from.
    this.key = Buffer.from(
      hkdfSync("sha256", secret, Buffer.alloc(0), "integrity-tipline evidence links v1", 32),
    );
  }

  url(evidenceRef: string, holder: LinkHolder, now: Date): string {
    const exp = String(now.getTime() + this.ttlMs);
    const a = encodeHolder(holder);
    const sig = this.sign(evidenceRef, exp, a);
    return `${this.baseUrl}/evidence/${evidenceRef}?${new URLSearchParams({ exp, a, sig }).toString()}`;
  }

  verify(
    evidenceId: string,
    exp: string,
    a: string,
    sig: string,
    now: Date,
  ): { ok: true; holder: LinkHolder } | { ok: false; reason: "bad-signature" | "expired" } {
    const holder = decodeHolder(a);
    const expected = Buffer.from(this.sign(evidenceId, exp, a));
    const given = Buffer.from(sig);
    if (
      !holder ||
      !/^\d{1,16}$/.test(exp) ||
      given.length !== expected.length ||
      !timingSafeEqual(given, expected)
    ) {
      return { ok: false, reason: "bad-signature" };
    }
    if (Number(exp) <= now.getTime()) return { ok: false, reason: "expired" };
    return { ok: true, holder };
  }

  private sign(evidenceId: string, exp: string, holder: string): string {
    return createHmac("sha256", this.key).update(`${evidenceId}\n${exp}\n${holder}`).digest("base64url");
  }
}

function encodeHolder(holder: LinkHolder): string {
  return `${holder.kind === "officer" ? "o" : "t"}.${holder.id}`;
}

function decodeHolder(value: string): LinkHolder | undefined {
  const match = /^([ot])\.([A-Za-z0-9_-]{1,64})$/.exec(value);
  if (!match) return undefined;
  return { kind: match[1] === "o" ? "officer" : "token", id: match[2]! };
}

export interface EvidenceRouterDeps {
  links: EvidenceLinks;
  evidence: Pick<EvidenceStore, "openByRef">;
  cases: CaseService;
  audit: AuditLog;
  /** The holder's rights now: a revoked officer or token gets a refusal even with a valid link. */
  principalOf: (holder: LinkHolder) => Promise<Principal | Refusal>;
  now: () => Date;
  logger: Logger;
}

/**
 * `GET /evidence/:ref?exp=…&a=…&sig=…`: checks the signature, the expiry and the holder's current
 * access, then streams the evidence decrypted on the fly. Every fetch, allowed or not, is audited.
 */
export function evidenceRouter(deps: EvidenceRouterDeps): Router {
  const router = express.Router();
  router.get("/evidence/:id", async (req, res) => {
    const id = req.params.id;
    const query = (name: string) => (typeof req.query[name] === "string" ? (req.query[name] as string) : "");
    const refuse = async (
      actor: string,
      reason: string,
      tipId?: Parameters<AuditLog["record"]>[0]["tipId"],
    ) => {
      await deps.audit.record({
        actor,
        action: "evidence-fetch",
        channel: "evidence-url",
        outcome: "refused",
        reason,
        ...(tipId && { tipId }),
        details: { evidenceId: id.slice(0, 32) },
      });
      throw new HttpError(403, "forbidden");
    };

    const verified = deps.links.verify(id, query("exp"), query("a"), query("sig"), deps.now());
    if (!verified.ok) return refuse("unverified", verified.reason);
    const principal = await deps.principalOf(verified.holder);
    const actor = typeof principal === "string" ? holderActor(verified.holder) : principal.actor;
    if (typeof principal === "string") return refuse(actor, principal);

    let opened;
    try {
      opened = await deps.evidence.openByRef(id);
    } catch (error) {
      if (error instanceof EvidenceNotFoundError) throw new HttpError(404, "not found");
      throw error;
    }
    const tip = opened.tipId ? await deps.cases.load(opened.tipId) : null;
    const refusal = tip ? await deps.cases.check(principal, "evidence-fetch", tip) : "scope";
    if (refusal || !tip) {
      opened.stream.destroy();
      return refuse(actor, refusal ?? "scope", tip?._id);
    }
    await deps.audit.record({
      actor,
      action: "evidence-fetch",
      channel: "evidence-url",
      outcome: "ok",
      tipId: tip._id,
      tipCode: tip.code,
      details: { evidenceId: opened.item.ref },
    });
    res.setHeader("content-type", opened.item.contentType);
    res.setHeader("cache-control", "private, no-store");
    res.setHeader("x-content-type-options", "nosniff");
    res.setHeader("referrer-policy", "no-referrer");
    // A generic name: the citizen's own file name can identify them.
    res.setHeader("content-disposition", `inline; filename="evidence-${opened.item.ref}"`);
    try {
      await pipeline(opened.stream, res);
    } catch (error) {
      // Decryption is verified at the end of the stream: on failure the response is cut, never completed.
      deps.logger.warn(
        { evidenceId: opened.item.ref, err: { type: (error as Error).name } },
        "evidence stream failed",
      );
      res.destroy();
    }
  });
  return router;
}

function holderActor(holder: LinkHolder): string {
  return holder.kind === "officer" ? `officer:${holder.id}` : `token:${holder.id}`;
}
