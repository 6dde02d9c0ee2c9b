import type { Router } from "express";
import type { ServiceContext } from "../context";
import type { Feature } from "../events/router";
import type { FlowAction } from "../conversation/engine";
import type { FlowDefinition } from "../conversation/flow";
import type { Locale } from "../i18n";
import { LineGateway } from "../line/gateway";
import { quizFlow } from "../../flows/quiz";
import { campaignAdminRouter, type Authorize, type CampaignAdminRoles } from "./admin-routes";
import { AggregationUnits, unitUseModel } from "./aggregation-units";
import { ReachJob, reachModel, type ReachSettings, type UnitStatisticsReader } from "./reach";
import { CampaignScheduler } from "./campaign-scheduler";
import { CampaignService } from "./campaign-service";
import { CampaignStore, campaignModel } from "./campaigns";
import { ChannelLease } from "./channel-lease";
import { CampaignDelivery, type DeliverySettings, type MulticastSender } from "./delivery";
import { awarenessActions } from "./quiz";
import { RunStore, runModel } from "./runs";
import { SubscriberStore, subscriberModel } from "./subscribers";
import { SubscriptionFeature } from "./subscription-feature";
import { Vocabulary } from "../i18n/vocabulary";
import { loadGeography, type Geography } from "../geo";
import { multicastBucket, type TokenBucket } from "./token-bucket";

export interface AwarenessOptions {
  /** Start the minute sweep (and the start-up catch-up). Tests and the CLI drive the scheduler by hand. */
  startJobs: boolean;
  /** Multicast requests per second for this process: default 150; at most 200 (LINE's per-channel limit). */
  multicastPerSecond?: number;
  multicastBurst?: number;
  /** A ready-made bucket, e.g. a fast one in tests; bypasses the LINE ceiling check. */
  rateLimiter?: TokenBucket;
  /** Default: a LineGateway without retries of its own (the delivery engine retries, see delivery.ts). */
  multicast?: MulticastSender;
  delivery?: Partial<DeliverySettings>;
  /** Backoff sleeps of the delivery engine (tests shorten them). */
  sleep?: (ms: number) => Promise<void>;
  /** Skip the channel-wide multicast lease (single-process tests only). */
  withoutChannelLease?: boolean;
  /** Province names for subscribers' choice (default: src/geo's data, loaded here). */
  geography?: Geography;
  /** Default: LINE's per-unit statistics through a gateway without retries (the job backs off itself). */
  insight?: UnitStatisticsReader;
  reach?: Partial<ReachSettings>;
}

/** Everything the composition root wires from the awareness module. */
export interface Awareness {
  /** Goes before the citizen chat in the feature list: it only claims its own events. */
  feature: Feature;
  /** The campaign admin API, mounted at "/" (its paths start with /admin/api/campaigns). */
  router(authorize: Authorize, roles?: CampaignAdminRoles): Router;
  quizFlow: FlowDefinition;
  /** Named flow actions: "quiz-score". */
  actions: Record<string, FlowAction>;
  /** Buttons for the citizen chat's main menu: news settings (c=news) and the quiz (c=quiz). */
  menuExtras(locale: Locale): Array<{ label: string; data: string }>;
  campaigns: CampaignService;
  scheduler: CampaignScheduler;
  subscribers: SubscriberStore;
  /** Reads LINE's per-unit statistics of recent runs (hourly when jobs run; tests call it by hand). */
  reach: ReachJob;
  /** Interrupts deliveries running here (resumable) and stops the sweep's work. */
  stop(): Promise<void>;
}

export const defaultMulticastPerSecond = 150;

/**
 * Builds the awareness module on the shared context: subscriber records, campaigns, runs, the
 * delivery engine with one token bucket for the whole process, the scheduler and the feature.
 * Models are registered on the connection here, so start-up's ensureIndexes creates their indexes.
 */
export function buildAwareness(context: ServiceContext, options: AwarenessOptions): Awareness {
  const { connection, sealer, pseudonym, texts, logger, now, line } = context;
  const subscribers = new SubscriberStore(subscriberModel(connection), sealer, pseudonym);
  const campaignStore = new CampaignStore(campaignModel(connection));
  const runs = new RunStore(runModel(connection));
  const units = new AggregationUnits(unitUseModel(connection), runs);
  const reachRecords = reachModel(connection);
  const reach = new ReachJob({
    runs,
    model: reachRecords,
    read: options.insight ?? insightReader(context),
    logger,
    settings: options.reach,
  });
  const bucket =
    options.rateLimiter ??
    multicastBucket(options.multicastPerSecond ?? defaultMulticastPerSecond, options.multicastBurst);
  const send = options.multicast ?? deliveryGateway(context);
  const delivery = new CampaignDelivery({
    runs,
    subscribers,
    campaigns: campaignStore,
    send,
    units,
    bucket,
    channel: options.withoutChannelLease ? undefined : new ChannelLease(context.leases, logger),
    now,
    logger,
    instanceId: context.instanceId,
    settings: options.delivery,
    sleep: options.sleep,
  });
  const scheduler = new CampaignScheduler({ campaigns: campaignStore, runs, delivery, texts, now, logger });
  const campaigns = new CampaignService({
    campaigns: campaignStore,
    runs,
    subscribers,
    line,
    texts,
    now,
    logger,
    reach: reachRecords,
    onChange: (campaign) => scheduler.changed(campaign),
  });
  const feature = new SubscriptionFeature({
    subscribers,
    texts,
    words: new Vocabulary(texts),
    line,
    geography: options.geography ?? loadGeography(),
    now,
    logger,
  });
  if (options.startJobs) {
    scheduler.start(context.scheduler);
    // Hourly: LINE allows 60 statistics requests an hour and updates the figures slowly anyway.
    context.scheduler.every("campaign-reach", "41 * * * *", async (at) => {
      await reach.runOnce(at);
    });
  }

  const awareness: Awareness = {
    feature,
    router: (authorize, roles) => campaignAdminRouter({ campaigns }, authorize, roles),
    quizFlow,
    actions: awarenessActions({ texts }),
    menuExtras: (locale) => feature.menuExtras(locale),
    campaigns,
    scheduler,
    subscribers,
    reach,
    stop: () => scheduler.stop(),
  };
  return awareness;
}

/** LINE's per-unit statistics through a gateway without retries: the reach job backs off itself. */
function insightReader(context: ServiceContext): UnitStatisticsReader {
  const gateway = new LineGateway({
    channelAccessToken: context.config.line.channelAccessToken,
    apiBaseUrl: context.config.line.apiBaseUrl,
    dataApiBaseUrl: context.config.line.dataApiBaseUrl,
    logger: context.logger,
    retry: { maxAttempts: 1 },
  });
  return (unit, from, to) => gateway.statisticsPerUnit(unit, from, to);
}

/**
 * Multicast through a gateway of its own with retries switched off: the delivery engine retries
 * itself so that every attempt takes a token from the shared bucket and a 429 slows all batches
 * down together (the shared gateway's retries would bypass the bucket).
 */
function deliveryGateway(context: ServiceContext): MulticastSender {
  const gateway = new LineGateway({
    channelAccessToken: context.config.line.channelAccessToken,
    apiBaseUrl: context.config.line.apiBaseUrl,
    dataApiBaseUrl: context.config.line.dataApiBaseUrl,
    logger: context.logger,
    retry: { maxAttempts: 1 },
  });
  return (body, retryKey) => gateway.multicastJson(body, retryKey);
}

export { campaignAdminRouter } from "./admin-routes";
export type { Authorize, CampaignAdminRoles } from "./admin-routes";
export { CampaignService } from "./campaign-service";
export { CampaignScheduler } from "./campaign-scheduler";
export { CampaignDelivery } from "./delivery";
export { TokenBucket } from "./token-bucket";
