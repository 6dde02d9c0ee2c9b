import { isLocale, type Locale, type Translator } from "../i18n";
import { newRetryKey, type LineGateway } from "../line/gateway";
import type { Logger } from "../log";
import { CampaignValidationError, normalizeCampaign, parseCampaignInput } from "./campaign-schema";
import {
  CampaignNotFoundError,
  type CampaignAction,
  type CampaignDocument,
  type CampaignStore,
} from "./campaigns";
import { campaignMessages, planRun } from "./run-plan";
import { openStatuses, runKey, type RunCounts, type RunDocument, type RunStore } from "./runs";
import { nextOccurrence, type CampaignSchedule } from "./schedule";
import type { SubscriberStore } from "./subscribers";
import type { Model } from "mongoose";
import { campaignStats, type CampaignStats } from "./campaign-stats";
import type { ReachDocument } from "./reach";

export interface CampaignServiceDeps {
  campaigns: CampaignStore;
  runs: RunStore;
  subscribers: SubscriberStore;
  line: Pick<LineGateway, "push">;
  texts: Translator;
  now: () => Date;
  logger: Logger;
  /** LINE's per-unit figures as the insight job stored them. */
  reach: Model<ReachDocument>;
  /** Told after every change so the scheduler reacts at once (stop a paused campaign's delivery, sweep). */
  onChange?: (campaign: CampaignDocument) => Promise<void>;
}

/** Who a preview goes to: a subscriber (by key) or a LINE user id given by staff (their own test account). */
export type PreviewTarget = { subscriberKey: string } | { userId: string };

export class PreviewTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PreviewTargetError";
  }
}

/** A campaign as listed to staff. */
export interface CampaignSummary {
  id: string;
  name: string;
  status: CampaignDocument["status"];
  topics: string[];
  languages: Locale[];
  schedule?: CampaignSchedule;
  nextRunAt?: string;
  startAt?: string;
  endAt?: string;
  quietHours: CampaignDocument["quietHours"];
  revision: number;
  updatedAt: string;
}

export interface RunSummary {
  runKey: string;
  scheduledAt: string;
  trigger: RunDocument["trigger"];
  status: RunDocument["status"];
  reason?: string;
  counts: RunCounts;
  attempts: number;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
}

/**
 * The campaign staff's use cases, shared by the admin API and the CLI: every input is validated the
 * same way and every change reaches the scheduler the same way.
 */
export class CampaignService {
  constructor(private readonly deps: CampaignServiceDeps) {}

  async save(raw: unknown): Promise<{ campaign: CampaignDocument; created: boolean }> {
    const result = await this.deps.campaigns.save(raw, this.deps.now());
    await this.changed(result.campaign);
    return result;
  }

  async update(id: string, raw: unknown): Promise<CampaignDocument> {
    return this.changed(await this.deps.campaigns.update(id, raw, this.deps.now()));
  }

  get(id: string): Promise<CampaignDocument> {
    return this.deps.campaigns.get(id);
  }

  list(status?: CampaignDocument["status"]): Promise<CampaignDocument[]> {
    return this.deps.campaigns.list({ status });
  }

  async act(id: string, action: CampaignAction, schedule?: CampaignSchedule): Promise<CampaignDocument> {
    return this.changed(await this.deps.campaigns.transition(id, action, this.deps.now(), schedule));
  }

  /** Sends the campaign's messages (in the target's language) to one person by push, not multicast. */
  async preview(id: string, target: PreviewTarget, locale?: Locale): Promise<{ locale: Locale }> {
    return this.push(id, await this.deps.campaigns.get(id), target, locale);
  }

  /**
   * The same push for a draft that is not saved (the console's test send): validated exactly as a
   * saved campaign would be (CampaignValidationError naming the field), nothing stored.
   */
  async previewDraft(raw: unknown, target: PreviewTarget, locale?: Locale): Promise<{ locale: Locale }> {
    const input = parseCampaignInput(raw);
    return this.push(input.id, normalizeCampaign(input), target, locale);
  }

  private async push(
    id: string,
    campaign: Pick<CampaignDocument, "content" | "defaultLocale">,
    target: PreviewTarget,
    locale?: Locale,
  ): Promise<{ locale: Locale }> {
    let userId: string;
    let language: Locale = locale ?? campaign.defaultLocale;
    if ("subscriberKey" in target) {
      const subscriber = await this.deps.subscribers.get(target.subscriberKey);
      const opened = this.deps.subscribers.openUserId(subscriber?.userId);
      if (!subscriber || !opened) throw new PreviewTargetError("no active subscriber with that key");
      userId = opened;
      language = locale ?? subscriber.locale;
    } else {
      if (!/^U[0-9a-f]{32}$/.test(target.userId))
        throw new PreviewTargetError("a LINE user id looks like U followed by 32 hex digits");
      userId = target.userId;
    }
    // A preview is deliberate and repeatable: a fresh key, reused only by the gateway's own retries.
    await this.deps.line.push(userId, campaignMessages(campaign, language, this.deps.texts), newRetryKey());
    this.deps.logger.info({ campaignId: id, locale: language }, "campaign preview sent");
    return { locale: language };
  }

  /** A run due now, outside the schedule (CLI "deliver"); delivered by whoever starts it. */
  async createManualRun(id: string): Promise<string> {
    const campaign = await this.deps.campaigns.get(id);
    if (campaign.status === "cancelled" || campaign.status === "done" || campaign.status === "paused") {
      throw new CampaignValidationError([
        { path: "status", message: `is ${campaign.status}; nothing can be sent` },
      ]);
    }
    const now = this.deps.now();
    const scheduledAt = new Date(Math.floor(now.getTime() / 1000) * 1000);
    await this.deps.runs.ensure(planRun(campaign, scheduledAt, "manual", this.deps.texts), now);
    return runKey(id, scheduledAt);
  }

  async runs(
    id: string,
  ): Promise<{ runs: RunSummary[]; totals: Omit<RunCounts, "batches"> & { runs: number } }> {
    await this.deps.campaigns.get(id);
    const runs = (await this.deps.runs.listForCampaign(id)).map(summarizeRun);
    const totals = { runs: runs.length, eligible: 0, sent: 0, failed: 0, skipped: 0 };
    for (const run of runs) {
      totals.eligible += run.counts.eligible;
      totals.sent += run.counts.sent;
      totals.failed += run.counts.failed;
      totals.skipped += run.counts.skipped;
    }
    return { runs, totals };
  }

  /**
   * The campaign's latest runs with what each still has to send: for an open run, the active
   * subscribers of its audience after its cursor (the delivery's own filter and order) plus the
   * batches handed to LINE but not confirmed; nothing for a run that has ended.
   */
  async runsWithProgress(id: string, limit = 20): Promise<Array<RunSummary & { remaining: number }>> {
    const runs = await this.deps.runs.listForCampaign(id, limit);
    return Promise.all(
      runs.map(async (run) => ({ ...summarizeRun(run), remaining: await this.remaining(run) })),
    );
  }

  private async remaining(run: RunDocument): Promise<number> {
    if (!openStatuses.includes(run.status) && run.status !== "delivering") return 0;
    const counts = await Promise.all(
      run.segments.map((segment, index) => {
        const after = run.progress.after[index] ?? null;
        return this.deps.subscribers.model.countDocuments({
          status: "active",
          locale: { $in: segment.audience },
          topics: { $in: run.topics },
          ...(run.provinces ? { province: { $in: run.provinces } } : {}),
          ...(after !== null ? { _id: { $gt: after } } : {}),
        });
      }),
    );
    const inFlight = run.progress.inFlight.reduce((sum, range) => sum + range.size, 0);
    return counts.reduce((sum, count) => sum + count, inFlight);
  }

  /**
   * Reach per campaign and per run: recipients and delivered from our runs, opened and clicked
   * from LINE's per-unit statistics; `locale` is the language of the `shown` texts.
   */
  async stats(id: string, locale: Locale = "th"): Promise<CampaignStats> {
    await this.deps.campaigns.get(id);
    const runs = await this.deps.runs.listForCampaign(id);
    return campaignStats(id, runs, this.deps.reach, this.deps.texts, locale);
  }

  summarize(campaign: CampaignDocument): CampaignSummary {
    const now = this.deps.now();
    const next =
      campaign.status === "scheduled" && campaign.schedule
        ? nextOccurrence(campaign.schedule, now)
        : undefined;
    return {
      id: campaign._id,
      name: campaign.name,
      status: campaign.status,
      topics: campaign.topics,
      languages: Object.keys(campaign.content).filter(isLocale),
      schedule: campaign.schedule,
      nextRunAt: next && (!campaign.endAt || next <= campaign.endAt) ? next.toISOString() : undefined,
      startAt: campaign.startAt?.toISOString(),
      endAt: campaign.endAt?.toISOString(),
      quietHours: campaign.quietHours,
      revision: campaign.revision,
      updatedAt: campaign.updatedAt.toISOString(),
    };
  }

  private async changed(campaign: CampaignDocument): Promise<CampaignDocument> {
    await this.deps.onChange?.(campaign);
    return campaign;
  }
}

export function summarizeRun(run: RunDocument): RunSummary {
  return {
    runKey: run._id,
    scheduledAt: run.scheduledAt.toISOString(),
    trigger: run.trigger,
    status: run.status,
    reason: run.reason,
    counts: run.counts,
    attempts: run.attempts,
    startedAt: run.startedAt?.toISOString(),
    finishedAt: run.finishedAt?.toISOString(),
    durationMs:
      run.startedAt && run.finishedAt ? run.finishedAt.getTime() - run.startedAt.getTime() : undefined,
  };
}

export { CampaignNotFoundError };
