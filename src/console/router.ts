import { timingSafeEqual } from "node:crypto";
import express, { type Request, type Response, type Router } from "express";
import type { Pseudonymizer } from "../crypto/pseudonym";
import type { Locale, Translator } from "../i18n";
import type { RateLimiter } from "../conversation/rate-limit";
import { characterCount } from "../conversation/inputs/text-checks";
import type { Officers } from "../officers";
import { nextStatuses, type CaseOutcome } from "../officers/cases";
import { questionBounds, reasonBounds } from "../officers/feature";
import type { Officer } from "../officers/models";
import { closeReasons } from "../officers/postback";
import { roleAtLeast } from "../officers/roles";
import { officerPrincipal, type Principal } from "../officers/routing";
import { tipStatuses, type Tip, type TipStatus } from "../tips/tip";
import type { TipService } from "../tips/tip-service";
import { mountFigures, type PublishedSatisfaction } from "./figures-routes";
import { casePage, messagePage, queuePage, signInPage, type PageContext } from "./pages";
import { loadQueue, queueQuery, type DeadlineState } from "./queue";
import type { ConsoleSessions } from "./sessions";
import { consoleCss } from "./style";
import { campaignCss } from "./campaign-style";
import { campaignConsoleRouter, type CampaignConsoleDeps } from "./campaigns";

export interface ConsoleDeps {
  officers: Pick<Officers, "cases" | "directory" | "router" | "audit" | "links" | "format" | "signInLinks">;
  tips: Pick<TipService, "tips">;
  sessions: ConsoleSessions;
  limiter: RateLimiter;
  pseudonym: Pseudonymizer;
  /** Production: the cookie is Secure (HTTPS only). */
  secureCookies: boolean;
  /** A deadline this close counts as "due soon" (the reminders' lead). */
  dueSoonMs: number;
  now: () => Date;
  /** Reporter satisfaction as the transparency page publishes it (k = 5), for the supervisors' figures. */
  satisfaction?: () => PublishedSatisfaction | undefined;
  /** Campaign staff's pages (/console/campaigns); absent, the console has none. */
  campaigns?: CampaignConsoleDeps["campaigns"];
  /** The provinces a campaign's audience may be limited to. */
  provinces?: CampaignConsoleDeps["provinces"];
  /** Texts of the messages campaigns send (their quick replies), for the preview. */
  texts: Translator;
}

const cookieName = "tipline_console";
/** Sign-in attempts per client address in ten minutes: enough for a person, not for guessing. */
const signInLimit = { name: "console-sign-in", max: 10, windowMs: 10 * 60_000 };

/**
 * No script, no inline style, nothing from another origin; forms post only here; no framing. Pages
 * and their answers are never cached (they hold case details).
 */
const securityHeaders = {
  "content-security-policy":
    "default-src 'none'; style-src 'self'; img-src 'self'; media-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
};

interface Signed {
  officer: Officer;
  principal: Principal;
  csrf: string;
  page: PageContext;
}

/**
 * The staff web console at /console: server-rendered pages over the same case use cases as the
 * officer chat (CaseService), so every view and action is checked, audited and visible in chat the
 * same way. Sign-in is only through a one-time link sent in the officer's LINE chat; every request
 * re-reads the officer's enrollment, role and scope.
 */
export function consoleRouter(deps: ConsoleDeps): Router {
  const { officers, sessions, now } = deps;
  const { cases, audit, format: f } = officers;
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: "16kb", parameterLimit: 20 });
  // The composer posts every field of a campaign (Flex JSON included): a larger form than the cases'.
  const campaignForm = express.urlencoded({ extended: false, limit: "600kb", parameterLimit: 200 });

  router.use("/console", (_req, res, next) => {
    res.set(securityHeaders);
    next();
  });

  router.get("/console/assets/console.css", (_req, res) => {
    res
      .set("cache-control", "public, max-age=3600")
      .type("text/css")
      .send(consoleCss + campaignCss);
  });

  const anonymousPage = (req: Request): PageContext => ({ f, locale: requestLocale(req) });
  const send = (res: Response, status: number, body: string) => res.status(status).type("html").send(body);

  // Opening the link shows a button; only the button's POST uses the link, so a link preview or a
  // prefetch that fetches the URL cannot spend it.
  router.get("/console/sign-in/:token", (req, res) => {
    send(res, 200, signInPage(anonymousPage(req), String(req.params.token).slice(0, 64)));
  });

  router.post("/console/sign-in", form, async (req, res) => {
    const page = anonymousPage(req);
    const at = now();
    const limited = await deps.limiter.hit(
      deps.pseudonym("console-sign-in", req.ip ?? "unknown"),
      signInLimit,
      at,
    );
    if (!limited.allowed) {
      await audit.record({
        actor: "unknown",
        action: "console-sign-in",
        channel: "console",
        outcome: "refused",
        reason: "rate-limited",
      });
      return send(res, 429, messagePage(page, "console-sign-in-failed", "console-sign-in-rate-limited"));
    }
    const token = typeof req.body?.token === "string" ? req.body.token : "";
    const redeemed = await officers.signInLinks.redeem(token, at);
    if (!redeemed.ok) {
      await audit.record({
        actor: "unknown",
        action: "console-sign-in",
        channel: "console",
        outcome: "refused",
        reason: redeemed.reason,
      });
      return send(
        res,
        redeemed.reason === "invalid" ? 404 : 410,
        messagePage(page, "console-sign-in-failed", `console-sign-in-${redeemed.reason}`),
      );
    }
    const officer = redeemed.officer;
    const session = await sessions.start(officer, at);
    await audit.record({
      actor: `officer:${officer._id}`,
      action: "console-sign-in",
      channel: "console",
      outcome: "ok",
    });
    res.setHeader(
      "set-cookie",
      cookie(session, Math.floor(sessions.limits.absoluteMs / 1000), deps.secureCookies),
    );
    res.redirect(303, "/console");
  });

  // Everything else needs a live session of a still-active enrollment.
  router.use("/console", async (req, res, next) => {
    const token = readCookie(req, cookieName);
    const checked = await sessions.check(token, now());
    if (!checked.ok) {
      if (checked.reason !== "none") res.setHeader("set-cookie", cookie("", 0, deps.secureCookies));
      if (checked.reason === "revoked")
        await audit.record({
          actor: "unknown",
          action: "console-request",
          channel: "console",
          outcome: "refused",
          reason: "revoked",
        });
      return send(
        res,
        401,
        messagePage(anonymousPage(req), "console-signed-out-title", `console-signed-out-${checked.reason}`),
      );
    }
    const { officer, session } = checked;
    const signed: Signed = {
      officer,
      principal: officerPrincipal(officer),
      csrf: session.csrf,
      page: { f, locale: officer.locale, officer, csrf: session.csrf },
    };
    res.locals.signed = signed;
    if (req.method === "POST") {
      // The session's token in every form, compared in constant time; SameSite=Strict is the second lock.
      // Read only once the session is known good: nobody signed out can make it parse a large body.
      const parse = req.path.startsWith("/campaigns/") ? campaignForm : form;
      return parse(req, res, () => {
        const given = Buffer.from(typeof req.body?.csrf === "string" ? req.body.csrf : "");
        const expected = Buffer.from(session.csrf);
        if (given.length !== expected.length || !timingSafeEqual(given, expected))
          return send(
            res,
            403,
            messagePage(signed.page, "console-forbidden-title", "console-forbidden-csrf"),
          );
        next();
      });
    }
    next();
  });
  const signedOf = (res: Response) => res.locals.signed as Signed;
  mountFigures(router, { officers, tips: deps.tips, now, signedOf, satisfaction: deps.satisfaction });

  // Campaign staff handle no cases: the case pages are not theirs (404 would hide nothing: they know cases exist).
  router.use("/console/cases", (_req, res, next) => {
    const { page, officer } = signedOf(res);
    if (roleAtLeast(officer.role, "officer")) return next();
    send(res, 403, messagePage(page, "console-forbidden-title", "console-forbidden-cases"));
  });
  if (deps.campaigns)
    router.use(
      campaignConsoleRouter({
        campaigns: deps.campaigns,
        audit,
        directory: officers.directory,
        texts: deps.texts,
        provinces: deps.provinces ?? [],
      }),
    );

  router.post("/console/sign-out", async (req, res) => {
    const { page, officer } = signedOf(res);
    await sessions.end(readCookie(req, cookieName));
    await audit.record({
      actor: `officer:${officer._id}`,
      action: "console-sign-out",
      channel: "console",
      outcome: "ok",
    });
    res.setHeader("set-cookie", cookie("", 0, deps.secureCookies));
    send(
      res,
      200,
      messagePage({ f, locale: page.locale }, "console-signed-out-title", "console-signed-out-done"),
    );
  });

  router.get("/console", async (req, res) => {
    const { page, officer, principal } = signedOf(res);
    // Campaign staff's home is the campaign list: they have no queue.
    if (!roleAtLeast(officer.role, "officer")) return res.redirect(303, "/console/campaigns");
    const query = queueQuery.parse(req.query);
    const access = await officers.router.accessFilter(principal.role, principal.scope);
    const queue = await loadQueue({
      tips: deps.tips.tips,
      access: access ?? { _id: { $exists: false } },
      query,
      officerId: officer._id,
      now: now(),
      dueSoonMs: deps.dueSoonMs,
    });
    await audit.record({
      actor: principal.actor,
      action: "list-cases",
      channel: "console",
      outcome: "ok",
      details: { count: queue.rows.length, total: queue.total },
    });
    send(res, 200, queuePage(page, query, queue));
  });

  /** The case behind a URL, or a 404 page for one that does not exist or that this officer may not see. */
  const caseOr404 = async (req: Request, res: Response): Promise<Tip | undefined> => {
    const { page, principal } = signedOf(res);
    const ref = String(req.params.ref);
    const tip = /^[A-Za-z0-9_-]{1,64}$/.test(ref) ? await cases.loadByRef(ref) : null;
    if (tip && !(await cases.check(principal, "view", tip))) return tip;
    if (tip) await cases.refuse(principal.actor, "view", "scope", "console", tip);
    send(res, 404, messagePage(page, "console-not-found-title", "console-not-found"));
    return undefined;
  };

  router.get("/console/cases/:ref", async (req, res) => {
    const signed = signedOf(res);
    const tip = await caseOr404(req, res);
    if (!tip) return;
    const outcome = await cases.view(signed.principal, tip, "console", { threadLimit: 500 });
    if (!outcome.ok)
      return send(res, 404, messagePage(signed.page, "console-not-found-title", "console-not-found"));
    const view = outcome.value;
    const at = now();
    const evidence = view.evidence.map((item) => ({
      item,
      url: pathOf(officers.links.url(item.ref, { kind: "officer", id: signed.officer._id }, at)),
    }));
    const evidenceUrlById = new Map(evidence.map(({ item, url }) => [item.id, url]));
    const { items: trail } = await audit.find({ tipId: tip._id }, { skip: 0, limit: 200 });
    const canClose = roleAtLeast(signed.principal.role, "supervisor");
    const next = nextStatuses(tip.status).filter((status) => status !== "closed" || canClose);
    const assignees = await assigneesFor(tip);
    const actorIds = [
      ...trail.map((entry) => entry.actor),
      ...view.notes.map((note) => note.author),
      ...view.thread.map((message) => message.author),
      ...(tip.assignedTo ? [`officer:${tip.assignedTo}`] : []),
    ];
    const actorName = await actorNames(signed.page, actorIds);
    const notice =
      typeof req.query.n === "string" && f.has(signed.page.locale, `console-notice-${req.query.n}`)
        ? f.t(signed.page.locale, `console-notice-${req.query.n}`, { code: tip.code })
        : undefined;
    send(
      res,
      200,
      casePage(signed.page, {
        tip,
        view,
        evidence,
        evidenceUrlById,
        deadline: deadlineOf(tip, at, deps.dueSoonMs),
        nextStatuses: next,
        canClose,
        assignees: assignees.map((officer) => ({
          id: officer._id,
          label: actorName(`officer:${officer._id}`),
        })),
        audit: trail,
        actorName,
        ...(notice && { notice }),
      }),
    );
  });

  /** Officers who may see the case now (active, role and scope), for the assignment list. */
  const assigneesFor = async (tip: Tip): Promise<Officer[]> => {
    const active = await officers.directory.officers
      .find({ status: "active" })
      .limit(500)
      .lean<Officer[]>()
      .exec();
    const allowed: Officer[] = [];
    for (const candidate of active)
      if (!(await cases.check(officerPrincipal(candidate), "view", tip))) allowed.push(candidate);
    return allowed;
  };

  /** Officers by their duty label; never a LINE id (there is none to show) or a reporter's anything. */
  const actorNames = async (page: PageContext, actors: string[]): Promise<(actor: string) => string> => {
    const ids = [
      ...new Set(actors.filter((a) => a.startsWith("officer:")).map((a) => a.slice("officer:".length))),
    ];
    const known = await officers.directory.officers
      .find({ _id: { $in: ids } }, { label: 1, role: 1 })
      .lean<Array<Pick<Officer, "_id" | "label" | "role">>>()
      .exec();
    const byId = new Map(known.map((officer) => [officer._id, officer]));
    return (actor) => {
      if (actor === "reporter") return f.t(page.locale, "console-thread-reporter");
      if (actor.startsWith("officer:")) {
        const id = actor.slice("officer:".length);
        if (id === page.officer?._id) return f.t(page.locale, "console-actor-you");
        const officer = byId.get(id);
        const name =
          officer?.label ??
          (officer ? f.role(officer.role, page.locale) : f.t(page.locale, "console-actor-officer"));
        return `${name} #${id.slice(0, 6)}`;
      }
      if (actor.startsWith("token:")) return f.t(page.locale, "console-actor-token", { id: actor.slice(6) });
      return f.t(page.locale, actor === "script" ? "console-actor-script" : "console-actor-system");
    };
  };

  /** Runs a case action and goes back to the case page saying how it went. */
  const act =
    (
      run: (
        signed: Signed,
        tip: Tip,
        body: Record<string, unknown>,
      ) => Promise<CaseOutcome<unknown> | string>,
      done: string,
    ) =>
    async (req: Request, res: Response) => {
      const signed = signedOf(res);
      const tip = await caseOr404(req, res);
      if (!tip) return;
      const outcome = await run(signed, tip, (req.body ?? {}) as Record<string, unknown>);
      const notice = typeof outcome === "string" ? outcome : noticeOf(outcome, done);
      if (notice === "scope")
        return send(res, 404, messagePage(signed.page, "console-not-found-title", "console-not-found"));
      res.redirect(303, `/console/cases/${tip.ref}?n=${notice}`);
    };

  router.post(
    "/console/cases/:ref/acknowledge",
    act(({ principal }, tip) => cases.acknowledge(principal, tip, "console"), "acknowledged"),
  );

  router.post(
    "/console/cases/:ref/status",
    act(async ({ principal }, tip, body) => {
      const status = String(body.status ?? "") as TipStatus;
      if (!tipStatuses.includes(status)) return "invalid-transition";
      if (status !== "closed") return cases.setStatus(principal, tip, status, undefined, "console");
      const preset = String(body.reason ?? "");
      const typed = String(body.reasonText ?? "").trim();
      const reason = (closeReasons as readonly string[]).includes(preset) ? preset : typed;
      if (!reason) return "reason-required";
      const length = characterCount(reason);
      if (reason === typed && (length < reasonBounds.min || length > reasonBounds.max))
        return "reason-length";
      return cases.setStatus(principal, tip, "closed", reason, "console");
    }, "status"),
  );

  router.post(
    "/console/cases/:ref/ask",
    act(async ({ principal }, tip, body) => {
      const text = String(body.text ?? "").trim();
      const length = characterCount(text);
      if (length < questionBounds.min || length > questionBounds.max) return "text-length";
      const outcome = await cases.askReporter(principal, tip, text, "console");
      if (outcome.ok) return outcome.value.delivery === "push" ? "asked-push" : "asked-status-check";
      return outcome;
    }, "asked"),
  );

  router.post(
    "/console/cases/:ref/note",
    act(async ({ principal }, tip, body) => {
      const text = String(body.text ?? "").trim();
      const length = characterCount(text);
      if (length < 1 || length > questionBounds.max) return "text-length";
      return cases.addNote(principal, tip, text, "console");
    }, "note"),
  );

  router.post(
    "/console/cases/:ref/assign",
    act(async ({ principal }, tip, body) => {
      const id = String(body.officer ?? "");
      const assignee = /^[A-Za-z0-9_-]{1,64}$/.test(id) ? await officers.directory.officer(id) : null;
      if (!assignee || assignee.status !== "active") return "refused-assignee-scope";
      return cases.assign(principal, tip, "console", {
        officerId: assignee._id,
        principal: officerPrincipal(assignee),
      });
    }, "assigned"),
  );

  return router;
}

/** What the case page says after an action: a `console-notice-*` key's suffix, or "scope" for a 404. */
function noticeOf(outcome: CaseOutcome<unknown>, done: string): string {
  if (outcome.ok) return outcome.changed ? done : "unchanged";
  if ("refusal" in outcome) {
    if (outcome.refusal === "scope") return "scope";
    return outcome.refusal === "role" || outcome.refusal === "assignee-scope"
      ? `refused-${outcome.refusal}`
      : "refused-other";
  }
  return outcome.conflict;
}

function deadlineOf(tip: Tip, now: Date, dueSoonMs: number): { state: DeadlineState; dueAt?: Date } {
  const dueAt =
    tip.status === "received" ? tip.acknowledgeBy : tip.status === "closed" ? undefined : tip.feedbackBy;
  if (!dueAt) return { state: "none" };
  const left = dueAt.getTime() - now.getTime();
  return { state: left < 0 ? "overdue" : left < dueSoonMs ? "due-soon" : "on-time", dueAt };
}

/** A signed evidence URL without its origin: the console serves it from its own. */
function pathOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}

function cookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return [
    `${cookieName}=${value}`,
    "Path=/console",
    "HttpOnly",
    "SameSite=Strict",
    `Max-Age=${maxAgeSeconds}`,
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}

function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.get("cookie") ?? "").split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return rest.join("=");
  }
  return undefined;
}

function requestLocale(req: Request): Locale {
  return req.acceptsLanguages("th", "en") === "en" ? "en" : "th";
}
