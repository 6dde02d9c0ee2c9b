import type { Router } from "express";
import type { ServiceContext } from "../context";
import type { Feature } from "../events/router";
import type { FlowAction } from "../conversation/engine";
import type { FlowDefinition } from "../conversation/flow";
import type { Geography } from "../geo";
import type { EvidenceStore } from "../tips/evidence";
import type { Tip } from "../tips/tip";
import type { TipService } from "../tips/tip-service";
import { reporterReplyFlow } from "../../flows/reporter-reply";
import { AuditLog } from "./audit";
import { CaseService, type CaseServiceDeps, type Refusal } from "./cases";
import { DeadlineWatch } from "./deadlines";
import { EnrollmentLockout, enrollmentAttemptModel } from "./enrollment-lockout";
import { OfficerDirectory } from "./directory";
import { NewTipDispatch } from "./dispatch";
import { EvidenceLinks, evidenceRouter, type LinkHolder } from "./evidence-links";
import { OfficerFeature, type OfficerFeatureDeps } from "./feature";
import { CaseFormatter } from "./format";
import { caseAlertModel, officerSessionModel } from "./models";
import { notificationRenderer } from "./notifications";
import { NotificationOutbox } from "./outbox";
import { reporterRelay, type ReporterRelay } from "./reporter-relay";
import { CaseRouter, officerPrincipal, type Principal, type RouteLevel } from "./routing";
import { CaseThread } from "./thread";
import { CaseNotes } from "./notes";
import { SignInLinks } from "./sign-in-links";

export interface OfficersDeps {
  tips: TipService;
  evidence: EvidenceStore;
  geography: Pick<Geography, "findDistrict" | "findProvince" | "findRegion" | "regionOf" | "provinces">;
  /** Cron jobs (deadlines, digest) and the outbox sweep; tests call the jobs with their own clock. */
  startJobs: boolean;
  /** Reminder lead before each deadline; default 2 days. */
  reminderLeadMs?: number;
  /** Lifetime of console sign-in links; default 10 minutes. */
  signInLinkTtlMs?: number;
  /** Lifetime of signed evidence URLs; default 10 minutes. */
  evidenceLinkTtlMs?: number;
  /** Outbox retry sweep; default 10 s. */
  sweepIntervalMs?: number;
  /** Gives an officer the officer rich menu at enrollment. */
  richMenus?: OfficerFeatureDeps["richMenus"];
  /**
   * The current rights of an admin API token, for evidence links made for one (the admin API owns
   * tokens; officers only ask). Without it, token-held links are refused as revoked.
   */
  tokenRights?: (tokenId: string, now: Date) => Promise<Principal | undefined>;
  /** Closing a case asks a reachable reporter how satisfied they are (src/tips/satisfaction.ts). */
  satisfaction?: CaseServiceDeps["satisfaction"];
}

/** Who handles a tip: the route's level, and the regional centre when that is who it is. */
export interface TipHandler {
  level: RouteLevel;
  region?: { nameTh: string; nameEn: string };
}

/** The officers module as the composition root wires it (see docs/OFFICERS.md). */
export interface Officers {
  /** Must come before the citizen chat in the feature list. */
  feature: Feature;
  /** Evidence links (/evidence/:ref). */
  routers: Router[];
  /** For CitizenActionDeps.reporterQuestions: officer questions shown at a status check. */
  reporterQuestions: ReporterRelay["reporterQuestions"];
  /** For CitizenChatDeps: refusing a reply before it is typed, and finding the report a typed "answer" is for. */
  replyRefusal: ReporterRelay["replyRefusal"];
  awaitingAnswer: ReporterRelay["awaitingAnswer"];
  /** For CitizenActionDeps.handlerOf: who handles a tip, so the reporter is told the truth. */
  handlerOf: (tip: Tip) => Promise<TipHandler>;
  /** Flow actions to merge into the engine's action map ("relay-reporter-reply"). */
  actions: Record<string, FlowAction>;
  /** Flows to add to the engine's flow list ("reporter-reply"). */
  flows: FlowDefinition[];
  directory: OfficerDirectory;
  cases: CaseService;
  outbox: NotificationOutbox;
  deadlines: DeadlineWatch;
  dispatch: NewTipDispatch;
  audit: AuditLog;
  router: CaseRouter;
  thread: CaseThread;
  format: CaseFormatter;
  links: EvidenceLinks;
  /** One-time console sign-in links (`/console` in the officer's chat). */
  signInLinks: SignInLinks;
  /** How long before a deadline the reminder goes out: the console's "due soon". */
  reminderLeadMs: number;
  /** Where links the bot sends point: PUBLIC_BASE_URL, or the bot's own address in local mode. */
  baseUrl: string;
  /** Jobs as the scheduler runs them, callable with any clock (tests, scripts). */
  jobs: { deadlines: (now: Date) => Promise<void>; digest: (now: Date) => Promise<void> };
  /** Waits for background notification sends (tests, shutdown). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Builds the officers module: enrollment, routing, notifications, case handling in LINE, the
 * anonymous two-way thread, deadlines, audit and evidence links. Hooks itself to
 * `tips.onSubmitted`; everything else is returned for the composition root to wire.
 */
export function buildOfficers(context: ServiceContext, deps: OfficersDeps): Officers {
  const { connection, sealer, pseudonym, line, texts, logger, config, now, scheduler } = context;
  const log = logger.child({ component: "officers" });
  const format = new CaseFormatter(texts, deps.geography);
  const directory = new OfficerDirectory(connection, sealer, pseudonym);
  const router = new CaseRouter(connection, directory, deps.geography);
  const audit = new AuditLog(connection, now);
  const thread = new CaseThread(connection, sealer);
  const notes = new CaseNotes(connection, sealer);
  const signInLinks = new SignInLinks(connection, directory, deps.signInLinkTtlMs);
  const outbox = new NotificationOutbox(connection, {
    line,
    now,
    logger: log,
    render: notificationRenderer({ directory, tips: deps.tips, thread, format, sealer }),
  });
  const cases = new CaseService({
    tips: deps.tips,
    evidence: deps.evidence,
    router,
    audit,
    thread,
    notes,
    outbox,
    deadlines: config.deadlines,
    contactRetentionAfterCloseMs: config.contactRetentionAfterCloseMs,
    satisfaction: deps.satisfaction,
    now,
  });
  const reminderLeadMs = deps.reminderLeadMs ?? 2 * 86_400_000;
  const dispatch = new NewTipDispatch({ tips: deps.tips, router, outbox, now, logger: log });
  deps.tips.onSubmitted(dispatch.onSubmitted);
  const deadlines = new DeadlineWatch({
    tips: deps.tips,
    router,
    directory,
    outbox,
    alerts: caseAlertModel(connection),
    reminderLeadMs,
    logger: log,
  });
  const baseUrl = (config.publicBaseUrl ?? `http://127.0.0.1:${config.port}`).replace(/\/+$/, "");
  const links = new EvidenceLinks(config.pseudonymKey, baseUrl, deps.evidenceLinkTtlMs ?? 10 * 60_000);
  const relay = reporterRelay({
    tips: deps.tips,
    evidence: deps.evidence,
    thread,
    outbox,
    directory,
    router,
    audit,
    format,
    now,
  });

  const feature = new OfficerFeature({
    directory,
    cases,
    router,
    tips: deps.tips,
    sessions: officerSessionModel(connection),
    format,
    links,
    audit,
    lockout: new EnrollmentLockout(enrollmentAttemptModel(connection)),
    line,
    logger: log,
    now,
    richMenus: deps.richMenus,
    consoleLink: async (officer, at) => `${baseUrl}/console/sign-in/${await signInLinks.issue(officer, at)}`,
  });

  /** Current rights of whoever a link was made for. */
  const principalOf = async (holder: LinkHolder): Promise<Principal | Refusal> => {
    if (holder.kind === "officer") {
      const officer = await directory.officer(holder.id);
      if (!officer) return "not-enrolled";
      return officer.status === "active" ? officerPrincipal(officer) : "revoked";
    }
    return (await deps.tokenRights?.(holder.id, now())) ?? "revoked";
  };

  const jobs = {
    deadlines: async (at: Date) => {
      await dispatch.routeUnrouted(at);
      await deadlines.check(at);
    },
    digest: async (at: Date) => {
      await deadlines.digest(at);
    },
  };
  if (deps.startJobs) {
    scheduler.every("officer-deadlines", "*/10 * * * *", jobs.deadlines);
    scheduler.every("officer-digest", "0 8 * * *", jobs.digest);
    outbox.start(deps.sweepIntervalMs ?? 10_000);
    outbox.kick(); // whatever a previous process left pending
  }

  const officers: Officers = {
    feature,
    routers: [
      evidenceRouter({ links, evidence: deps.evidence, cases, audit, principalOf, now, logger: log }),
    ],
    reporterQuestions: relay.reporterQuestions,
    replyRefusal: relay.replyRefusal,
    awaitingAnswer: relay.awaitingAnswer,
    handlerOf: async (tip) => {
      // The route recorded at submission is what happened; a tip whose routing failed is routed by the sweep.
      const level = (await router.routeOf(tip._id))?.level ?? (await router.routeFor(tip)).level;
      const region =
        level === "region" && tip.provinceId ? deps.geography.regionOf(tip.provinceId) : undefined;
      return { level, ...(region ? { region: { nameTh: region.nameTh, nameEn: region.nameEn } } : {}) };
    },
    actions: { "relay-reporter-reply": relay.relayReporterReply },
    flows: [reporterReplyFlow],
    directory,
    cases,
    outbox,
    deadlines,
    dispatch,
    audit,
    router,
    thread,
    format,
    links,
    signInLinks,
    reminderLeadMs,
    baseUrl,
    jobs,
    idle: () => outbox.idle(),
    stop: () => outbox.stop(),
  };
  return officers;
}
