import express, { type Request, type Router } from "express";
import type { QueryFilter } from "mongoose";
import { z } from "zod";
import { HttpError } from "../http/errors";
import { tipCategories, tipStatuses, type Tip } from "../tips/tip";
import type { TipService } from "../tips/tip-service";
import { normalizeTrackingCode } from "../tips/tracking-code";
import { minuteIso } from "../tips/coarse-time";
import type { AuditLog } from "../officers/audit";
import type { CaseOutcome, CaseService } from "../officers/cases";
import type { EvidenceLinks } from "../officers/evidence-links";
import type { CaseRouter, Principal } from "../officers/routing";
import { authenticate, authorize, type AdminTokens } from "./auth";
import { tipStatistics } from "./stats";

export interface AdminApiDeps {
  tokens: AdminTokens;
  tips: TipService;
  cases: CaseService;
  router: CaseRouter;
  audit: AuditLog;
  links: EvidenceLinks;
  now: () => Date;
}

const date = z.coerce.date();
const page = {
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
};
const period = { from: date.optional(), to: date.optional() };

const tipListQuery = z.strictObject({
  status: z.enum(tipStatuses).optional(),
  province: z.string().min(1).max(64).optional(),
  district: z.string().min(1).max(64).optional(),
  category: z.enum(tipCategories).optional(),
  ...period,
  ...page,
});
const statsQuery = z.strictObject({ ...period });
const auditQuery = z.strictObject({
  tip: z.string().min(1).max(40).optional(),
  actor: z.string().min(1).max(100).optional(),
  action: z.string().min(1).max(40).optional(),
  outcome: z.enum(["ok", "unchanged", "refused", "failed"]).optional(),
  ...period,
  ...page,
});
const statusBody = z.strictObject({
  status: z.enum(tipStatuses),
  reason: z.string().trim().min(2).max(500).optional(),
});
const messageBody = z.strictObject({ text: z.string().trim().min(1).max(2000) });

/**
 * The admin HTTP API under /admin/api: bearer tokens (scripts/admin-tokens.ts), role-scoped, every
 * answer free of reporter identity. Officers see and act on tips in their scope, supervisors also
 * get statistics, admins the audit log. Details and evidence views are audited like LINE views.
 */
export function adminApiRouter(deps: AdminApiDeps): Router {
  const router = express.Router();
  // Every /admin/api path is authenticated here (other modules' admin routes rely on it); the body
  // parser covers only these routes, so other routers keep their own limits.
  router.use("/admin/api", authenticate(deps.tokens, deps.now));
  router.use("/admin/api/tips", express.json({ limit: "64kb" }));

  router.get("/admin/api/tips", authorize("officer"), async (req, res) => {
    const query = parse(tipListQuery, req.query);
    const access = await scopeOf(req);
    const filter: QueryFilter<Tip> = {
      ...(query.status && { status: query.status }),
      ...(query.province && { provinceId: query.province }),
      ...(query.district && { districtId: query.district }),
      ...(query.category && { category: query.category }),
      ...periodFilter(query.from, query.to),
    };
    const combined = access ? { $and: [access, filter] } : undefined;
    const [items, total] = combined
      ? await Promise.all([
          deps.tips.tips
            .find(combined)
            .sort({ receivedAt: -1, _id: -1 })
            .skip((query.page - 1) * query.pageSize)
            .limit(query.pageSize)
            .lean<Tip[]>()
            .exec(),
          deps.tips.tips.countDocuments(combined).exec(),
        ])
      : [[], 0];
    res.json({ items: items.map(tipSummary), page: query.page, pageSize: query.pageSize, total });
  });

  router.get("/admin/api/tips/:ref", authorize("officer"), async (req, res) => {
    const principal = principalOf(req);
    const tip = await findTip(String(req.params.ref));
    const outcome = await deps.cases.view(principal, tip, "admin-api");
    if (!outcome.ok) throw failure(outcome);
    const { details, evidence, thread } = outcome.value;
    const now = deps.now();
    res.json({
      ...tipSummary(tip),
      history: tip.history.map((entry) => ({
        status: entry.status,
        at: minuteIso(entry.at),
        actor: entry.actor,
        ...(entry.reason && { reason: entry.reason }),
      })),
      details: {
        agencyName: details.agencyName,
        narrative: details.narrative,
        people: details.people,
        incidentDate: details.incidentDate,
        placeDescription: details.placeDescription,
        // Only ever present because the reporter chose to include it; marked so.
        ...(details.location && { exactLocation: { ...details.location, reporterConfirmed: true } }),
        ...(details.evidenceLocations?.length && { evidenceLocations: details.evidenceLocations }),
        // Given by the reporter for officers to call back; it is their choice, never their LINE identity.
        contactPhone: details.contactPhone,
      },
      evidence: evidence.map((item) => ({
        id: item.ref,
        kind: item.kind,
        contentType: item.contentType,
        size: item.size,
        metadataStripped: item.metadataStripped,
        originalSha256: item.originalSha256,
        receivedAt: minuteIso(item.receivedAt),
        url: deps.links.url(item.ref, { kind: "token", id: req.admin!.tokenId }, now),
      })),
      evidenceUrlsExpireAt: minuteIso(new Date(now.getTime() + deps.links.ttlMs)),
      thread: thread.map((message) => ({
        direction: message.direction,
        author: message.author,
        text: message.text,
        evidenceCount: message.evidenceIds.length,
        at: minuteIso(message.at),
      })),
    });
  });

  router.post("/admin/api/tips/:ref/status", authorize("officer"), async (req, res) => {
    const body = parse(statusBody, req.body);
    const tip = await findTip(String(req.params.ref));
    const outcome = await deps.cases.setStatus(principalOf(req), tip, body.status, body.reason, "admin-api");
    if (!outcome.ok) throw failure(outcome);
    res.json({ changed: outcome.changed, tip: tipSummary(outcome.tip) });
  });

  router.post("/admin/api/tips/:ref/messages", authorize("officer"), async (req, res) => {
    const body = parse(messageBody, req.body);
    const tip = await findTip(String(req.params.ref));
    const outcome = await deps.cases.askReporter(principalOf(req), tip, body.text, "admin-api");
    if (!outcome.ok) throw failure(outcome);
    res.status(201).json({ id: outcome.value.message._id.toHexString(), delivery: outcome.value.delivery });
  });

  router.get("/admin/api/stats", authorize("supervisor"), async (req, res) => {
    const query = parse(statsQuery, req.query);
    const access = await scopeOf(req);
    const filter = access
      ? { $and: [access, periodFilter(query.from, query.to)] }
      : { _id: { $exists: false } };
    res.json(await tipStatistics(deps.tips.tips, filter));
  });

  router.get("/admin/api/audit", authorize("admin"), async (req, res) => {
    const query = parse(auditQuery, req.query);
    const code = query.tip ? normalizeTrackingCode(query.tip) : undefined;
    if (query.tip && !code)
      throw new HttpError(422, "invalid input", [{ path: "tip", message: "not a tracking code" }]);
    const { items, total } = await deps.audit.find(
      {
        ...(code && { tipCode: code }),
        actor: query.actor,
        action: query.action,
        outcome: query.outcome,
        from: query.from,
        to: query.to,
      },
      { skip: (query.page - 1) * query.pageSize, limit: query.pageSize },
    );
    await deps.audit.record({
      actor: principalOf(req).actor,
      action: "read-audit",
      channel: "admin-api",
      outcome: "ok",
      details: { count: items.length },
    });
    res.json({
      items: items.map((entry) => ({
        at: minuteIso(entry.at),
        actor: entry.actor,
        action: entry.action,
        channel: entry.channel,
        outcome: entry.outcome,
        ...(entry.reason && { reason: entry.reason }),
        ...(entry.tipCode && { tipCode: entry.tipCode }),
        ...(entry.details && { details: entry.details }),
      })),
      page: query.page,
      pageSize: query.pageSize,
      total,
    });
  });

  async function scopeOf(req: Request): Promise<QueryFilter<Tip> | undefined> {
    return deps.router.accessFilter(req.admin!.role, req.admin!.scope);
  }

  /**
   * A tip by tracking code or public ref (an old ObjectId finds nothing). Tips outside the token's
   * scope answer 404 as well (checked by the use case).
   */
  async function findTip(ref: string): Promise<Tip> {
    const code = normalizeTrackingCode(ref);
    const tip = code ? await deps.tips.findByCode(code) : await deps.tips.findByRef(ref);
    if (!tip) throw new HttpError(404, "tip not found");
    return tip;
  }

  return router;
}

function principalOf(req: Request): Principal {
  const admin = req.admin!;
  return { actor: `token:${admin.tokenId}`, role: admin.role, scope: admin.scope };
}

function parse<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input ?? {});
  if (!result.success) {
    throw new HttpError(
      422,
      "invalid input",
      result.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
    );
  }
  return result.data;
}

function periodFilter(from?: Date, to?: Date): QueryFilter<Tip> {
  if (!from && !to) return {};
  return { receivedAt: { ...(from && { $gte: from }), ...(to && { $lt: to }) } };
}

/** Refusals become 403 (role) or 404 (scope: a tip outside one's scope is not acknowledged to exist). */
function failure(outcome: Exclude<CaseOutcome<unknown>, { ok: true }>): HttpError {
  if ("refusal" in outcome)
    return outcome.refusal === "scope"
      ? new HttpError(404, "tip not found")
      : new HttpError(403, "not allowed for this token's role");
  if (outcome.conflict === "reason-required")
    return new HttpError(422, "invalid input", [
      { path: "reason", message: "a reason is required to close" },
    ]);
  return new HttpError(
    409,
    outcome.conflict === "closed" ? "case is closed" : "status change not allowed from the current status",
  );
}

/**
 * What lists show of a tip: case facts, never reporter data (no contact, locale or opt-in flag).
 * Times are whole minutes, whatever precision an older record was stored with (coarse-time.ts).
 */
export function tipSummary(tip: Tip) {
  return {
    id: tip.ref,
    code: tip.code,
    status: tip.status,
    category: tip.category,
    agencyType: tip.agencyType,
    provinceId: tip.provinceId,
    districtId: tip.districtId,
    evidenceCount: tip.evidenceCount,
    receivedAt: minuteIso(tip.receivedAt),
    acknowledgeBy: minuteIso(tip.acknowledgeBy),
    acknowledgedAt: minuteIso(tip.acknowledgedAt),
    feedbackBy: minuteIso(tip.feedbackBy),
    closedAt: minuteIso(tip.closedAt),
    closeReason: tip.closeReason ?? null,
    assignedTo: tip.assignedTo ?? null,
  };
}
