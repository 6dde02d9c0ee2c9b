import type { Router } from "express";
import type { ServiceContext } from "./context";
import type { Feature } from "./events/router";
import { flows } from "../flows";
import { validateFlows } from "./conversation/flow";
import { ConversationEngine } from "./conversation/engine";
import { ConversationStore, conversationModel } from "./conversation/state";
import { RateLimiter, rateCounterModel } from "./conversation/rate-limit";
import { CitizenChat } from "./conversation/citizen-chat";
import { loadGeography } from "./geo";
import { createEvidenceStore, ensureEvidenceIndexes } from "./tips/evidence";
import { TipService } from "./tips/tip-service";
import { upgradeStoredTips } from "./tips/upgrade";
import { citizenActions } from "./conversation/citizen-actions";
import { Vocabulary } from "./i18n/vocabulary";
import { buildOfficers, type Officers } from "./officers";
import { buildAwareness, type Awareness } from "./awareness";
import { AdminTokens, authorize } from "./admin/auth";
import { adminApiRouter } from "./admin/router";
import { consoleRouter } from "./console/router";
import { ConsoleSessions } from "./console/sessions";
import { describeTipPlace } from "./conversation/inputs/place";
import type { Tip } from "./tips/tip";
import type { Locale } from "./i18n";
import { RichMenuLinks } from "./rich-menu/links";
import { buildTransparency, type Transparency } from "./transparency";
import type { Measure } from "./transparency/figures";
import { disclosureThreshold } from "./transparency/page-cache";
import { SatisfactionSurvey } from "./tips/satisfaction";
import { satisfactionConversation } from "./conversation/satisfaction";
import { satisfactionCommentFlow } from "../flows/satisfaction-comment";
import { closeReasons } from "./officers/postback";

/** The modules behind the features, for the service's owner (tests, local-mode seeding, scripts). */
export interface Modules {
  officers: Officers;
  awareness: Awareness;
  tokens: AdminTokens;
  /**
   * Reporter satisfaction for the supervisors' figures: `figures()` is the protected measure the
   * transparency page shows; `survey.openComments(principal, months)` opens comments for supervisors.
   */
  satisfaction: { survey: SatisfactionSurvey; figures: () => Measure | undefined };
  transparency: Transparency;
}

/**
 * Builds the bot's features and HTTP surfaces (admin API, evidence links) from the shared context. Flows are validated here, so a flow naming a
 * missing step, action or text stops the start-up.
 */
export interface BuiltFeatures {
  features: Feature[];
  modules: Modules;
  /** HTTP routes features contribute (admin API, evidence links). */
  routers: Router[];
  /** Background work to stop on shutdown (workers, schedulers). */
  stops: Array<() => Promise<void>>;
}

export async function buildFeatures(context: ServiceContext, startJobs: boolean): Promise<BuiltFeatures> {
  const { connection, sealer, line, texts, logger, pseudonym, config, now } = context;
  const geography = loadGeography();
  const richMenus = new RichMenuLinks(line, logger);
  const evidence = createEvidenceStore({
    connection,
    sealer,
    line,
    logger,
    messageKey: (messageId) => pseudonym("evidence-message", messageId),
  });
  await ensureEvidenceIndexes(connection);
  await upgradeStoredTips(connection, config);
  const tips = new TipService(connection, sealer, config.deadlines, (ids, owner, tipId) =>
    evidence.attachToTip(ids, owner, tipId),
  );
  const tokens = new AdminTokens(connection);
  // Asked when a case closes; answers kept apart from the case (docs/TRANSPARENCY.md, "Satisfaction").
  const survey = new SatisfactionSurvey(connection, {
    tips,
    sealer,
    receiptId: (tipId) => pseudonym("satisfaction-receipt", tipId),
    answerWindowMs: config.contactRetentionAfterCloseMs,
    outcomes: closeReasons,
    k: disclosureThreshold,
  });
  const satisfaction = satisfactionConversation(survey, texts);
  // Officers hook tip submission (routed notifications) and contribute the reporter-reply flow.
  const officers = buildOfficers(context, {
    tips,
    evidence,
    geography,
    startJobs,
    richMenus,
    satisfaction: survey,
    tokenRights: async (tokenId, at) => {
      const token = await tokens.byId(tokenId, at);
      return token && { actor: `token:${token.tokenId}`, role: token.role, scope: token.scope };
    },
  });
  // Awareness owns follow/unfollow and subscriptions, and contributes the integrity quiz.
  const awareness = buildAwareness(context, {
    startJobs,
    multicastPerSecond: config.awarenessMulticastRate,
    geography,
  });
  const limiter = new RateLimiter(rateCounterModel(connection));
  const store = new ConversationStore(conversationModel(connection), sealer, {
    draftTtlMs: config.draftTtlMs,
    preferenceTtlMs: 180 * 86_400_000,
  });
  const citizen = citizenActions({
    tips,
    texts,
    limiter,
    reporterQuestions: officers.reporterQuestions,
    handlerOf: officers.handlerOf,
    placeName: (tip: Tip, locale: Locale) =>
      describeTipPlace(tip, geography, (key, args) => texts.t(locale, key, args), locale),
    closedReportsListedForMs: config.contactRetentionAfterCloseMs,
    satisfactionQuestion: satisfaction.questionAtStatusCheck,
  });
  const actions = { ...citizen.actions, ...officers.actions, ...awareness.actions, ...satisfaction.actions };
  const allFlows = [...flows, ...officers.flows, awareness.quizFlow, satisfactionCommentFlow];
  validateFlows(
    allFlows,
    new Set(Object.keys(actions)),
    (key) => texts.has("th", key) && texts.has("en", key),
  );

  const words = new Vocabulary(texts);
  const engine = new ConversationEngine({
    flows: allFlows,
    actions,
    texts,
    services: { geography, evidence },
    words,
  });
  const citizenChat = new CitizenChat({
    engine,
    store,
    limiter,
    texts,
    line,
    pseudonym,
    logger,
    now,
    words,
    citizen,
    replyRefusal: officers.replyRefusal,
    awaitingAnswer: officers.awaitingAnswer,
    satisfaction: satisfaction.chat,
    menuExtras: awareness.menuExtras,
    richMenus,
    discardDraft: async (owner) => {
      await evidence.discardDraft(owner);
    },
  });
  // The public transparency page: figures only, never a reporter (docs/TRANSPARENCY.md).
  const transparency = buildTransparency(context, {
    geography,
    startJobs,
    satisfaction: () => survey.facts(),
  });
  if (startJobs) {
    // Evidence of drafts that were abandoned (the draft itself expires by TTL) is removed hourly.
    context.scheduler.every("purge-draft-evidence", "17 * * * *", async (at) => {
      const removed = await evidence.purgeOrphans(new Date(at.getTime() - config.draftTtlMs));
      if (removed > 0) logger.info({ removed }, "purged evidence of abandoned drafts");
    });
  }
  return {
    // Officers first (group chats, /enroll, officer buttons), then awareness (follow, subscriptions);
    // everything else is the citizen's chat.
    features: [officers.feature, awareness.feature, citizenChat],
    modules: {
      officers,
      awareness,
      tokens,
      satisfaction: { survey, figures: () => transparency.satisfaction() },
      transparency,
    },
    // The admin API authenticates every /admin/api path, so it comes before the campaign routes.
    routers: [
      adminApiRouter({
        tokens,
        tips,
        cases: officers.cases,
        router: officers.router,
        audit: officers.audit,
        links: officers.links,
        now,
      }),
      ...officers.routers,
      awareness.router(authorize),
      consoleRouter({
        officers,
        tips,
        sessions: new ConsoleSessions(connection, officers.directory),
        limiter,
        pseudonym,
        secureCookies: config.env === "production",
        dueSoonMs: officers.reminderLeadMs,
        now,
        satisfaction: () => {
          const report = transparency.cache.rendered()?.report;
          const measure = report?.measures.find((one) => one.id === "satisfaction");
          return report && measure && { months: report.months, measure };
        },
        campaigns: awareness.campaigns,
        provinces: geography.provinces,
        texts,
      }),
      transparency.router,
    ],
    stops: [() => officers.stop(), () => awareness.stop(), () => transparency.stop()],
  };
}
