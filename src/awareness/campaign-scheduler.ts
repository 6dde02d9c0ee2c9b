import type { Translator } from "../i18n";
import type { Logger } from "../log";
import type { JobScheduler } from "../jobs/scheduler";
import type { CampaignDocument, CampaignStore } from "./campaigns";
import type { CampaignDelivery, DeliveryResult } from "./delivery";
import { inQuietHours, quietHoursEnd } from "./quiet-hours";
import { planRun } from "./run-plan";
import { runKey, type RunDocument, type RunStore } from "./runs";
import { latestOccurrence } from "./schedule";

export interface CampaignSchedulerDeps {
  campaigns: CampaignStore;
  runs: RunStore;
  delivery: CampaignDelivery;
  texts: Translator;
  now: () => Date;
  logger: Logger;
  /** A run attempted this often without finishing is given up (LINE down for hours, a persistent bug). */
  maxRunAttempts?: number;
}

export interface TickReport {
  created: string[];
  started: string[];
  postponed: string[];
  skipped: string[];
}

/** A due run this late is logged as a catch-up after downtime. */
const lateAfterMs = 2 * 60_000;

/**
 * Turns campaign schedules into runs and runs into deliveries. Every minute (node-cron via the
 * shared JobScheduler, so one instance sweeps per minute) it reads the scheduled campaigns, creates
 * the run for each occurrence that has come due (a unique run key, so racing instances create it
 * once), and starts the runs that may go now — outside quiet hours, with this instance holding the
 * run's lease. Campaigns are read fresh on every sweep, so a change made anywhere (admin API, CLI,
 * another instance) is picked up within a minute; changes made here trigger a sweep at once.
 */
export class CampaignScheduler {
  private readonly active = new Map<
    string,
    { campaignId: string; done: Promise<void>; controller: AbortController }
  >();
  private readonly maxRunAttempts: number;
  private stopped = false;
  private jobs?: JobScheduler;
  private readonly sweeps = new Set<Promise<void>>();

  constructor(private readonly deps: CampaignSchedulerDeps) {
    this.maxRunAttempts = deps.maxRunAttempts ?? 60;
  }

  /** Registers the minute sweep and runs one at start-up, which also catches up runs missed while down. */
  start(jobs: JobScheduler): void {
    this.jobs = jobs;
    jobs.every("awareness-campaigns", "* * * * *", async (at) => {
      await this.tick({ at });
    });
    setImmediate(() => this.sweepSoon());
  }

  /** Stops deliveries running here (they become "interrupted" and resume on the next sweep anywhere). */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.sweeps]);
    for (const { controller } of this.active.values()) controller.abort();
    await Promise.allSettled([...this.active.values()].map((entry) => entry.done));
  }

  /** The campaign changed here: stop its local deliveries if it was paused or cancelled, then sweep. */
  async changed(campaign: CampaignDocument): Promise<void> {
    if (campaign.status === "paused" || campaign.status === "cancelled") {
      const local = [...this.active.values()].filter((entry) => entry.campaignId === campaign._id);
      for (const entry of local) entry.controller.abort();
      await Promise.allSettled(local.map((entry) => entry.done));
      if (campaign.status === "cancelled") await this.deps.runs.cancelOpen(campaign._id, this.deps.now());
    }
    if (this.jobs) this.sweepSoon();
  }

  /** Creates due runs and starts those that may go now. `wait` also waits for the deliveries (tests, CLI). */
  async tick(options: { at?: Date; wait?: boolean } = {}): Promise<TickReport> {
    const at = options.at ?? this.deps.now();
    const report: TickReport = { created: [], started: [], postponed: [], skipped: [] };
    for (const campaign of await this.deps.campaigns.listScheduled()) {
      await this.planDue(campaign, at, report);
    }
    const launched: Array<Promise<void>> = [];
    for (const run of await this.deps.runs.startable(at)) {
      const started = await this.consider(run, at, report);
      if (started) launched.push(started);
    }
    if (options.wait) await Promise.all(launched);
    return report;
  }

  /** Starts (or resumes) one run now in this process, e.g. from the CLI; resolves with the outcome. */
  async deliverNow(
    key: string,
    options: Parameters<CampaignDelivery["deliver"]>[1] = {},
  ): Promise<DeliveryResult> {
    const result = await this.deps.delivery.deliver(key, options);
    await this.afterDelivery(key, result);
    return result;
  }

  /** Creates the run for the latest occurrence that is due and not yet run (only the latest: see docs). */
  private async planDue(campaign: CampaignDocument, at: Date, report: TickReport): Promise<void> {
    const { campaigns, runs, texts, logger } = this.deps;
    const schedule = campaign.schedule;
    if (!schedule) return;
    const once = "at" in schedule;
    if (once && campaign.lastOccurrence) return; // its one run exists; the campaign is done when it ends
    const floors = [
      campaign.startAt,
      campaign.lastOccurrence && new Date(campaign.lastOccurrence.getTime() + 1),
    ];
    if (!once) floors.push(campaign.scheduledSince);
    const notBefore = new Date(Math.max(0, ...floors.map((date) => date?.getTime() ?? 0)));
    const due = latestOccurrence(schedule, at, notBefore);
    if (!due) {
      if (campaign.endAt && at > campaign.endAt) await campaigns.markDone(campaign._id, at);
      return;
    }
    if (campaign.endAt && due > campaign.endAt) {
      await campaigns.markDone(campaign._id, at);
      return;
    }
    const key = runKey(campaign._id, due);
    const plan = planRun(campaign, due, "schedule", texts);
    if (campaign.endAt && at > campaign.endAt) {
      // Missed while every instance was down, and the campaign ended before anyone could send it.
      if (
        await runs.ensure(
          { ...plan, status: "skipped", reason: "missed; campaign ended before it could run" },
          at,
        )
      ) {
        report.skipped.push(key);
      }
      await campaigns.noteOccurrence(campaign._id, due);
      await campaigns.markDone(campaign._id, at);
      return;
    }
    if (await runs.ensure(plan, at)) {
      report.created.push(key);
      if (at.getTime() - due.getTime() > lateAfterMs) {
        logger.info(
          { runKey: key, lateByMs: at.getTime() - due.getTime() },
          "campaign run was missed while down; running it late once",
        );
      }
    }
    await campaigns.noteOccurrence(campaign._id, due);
    const superseded = await runs.supersede(campaign._id, due, at);
    if (superseded > 0) logger.info({ campaignId: campaign._id, superseded }, "older unsent runs superseded");
  }

  /** Decides whether a startable run goes now; returns its delivery when it was started. */
  private async consider(run: RunDocument, at: Date, report: TickReport): Promise<Promise<void> | undefined> {
    const { campaigns, runs } = this.deps;
    if (this.stopped || this.active.has(run._id)) return undefined;
    const campaign = await campaigns.find(run.campaignId);
    if (!campaign || campaign.status === "cancelled") {
      await runs.close(run._id, "cancelled", "campaign cancelled", at);
      return undefined;
    }
    if (campaign.status === "paused") return undefined; // its runs wait for "resume"
    if (campaign.status === "draft" && run.trigger === "schedule") return undefined;
    if (campaign.endAt && at > campaign.endAt && run.progress.nextBatch === 0) {
      if (await runs.close(run._id, "skipped", "campaign ended before the run could start", at))
        report.skipped.push(run._id);
      return undefined;
    }
    if (run.attempts >= this.maxRunAttempts) {
      await runs.close(run._id, "failed", `gave up after ${run.attempts} attempts`, at);
      return undefined;
    }
    if (campaign.quietHours && inQuietHours(at, campaign.quietHours)) {
      await runs.postpone(run._id, quietHoursEnd(at, campaign.quietHours), "quiet hours", at);
      report.postponed.push(run._id);
      return undefined;
    }
    report.started.push(run._id);
    return this.launch(run);
  }

  private launch(run: RunDocument): Promise<void> {
    const controller = new AbortController();
    const done = this.deliverNow(run._id, { signal: controller.signal })
      .then(() => undefined)
      .catch((error: unknown) =>
        this.deps.logger.error({ err: error, runKey: run._id }, "campaign run failed to start"),
      )
      .finally(() => this.active.delete(run._id));
    this.active.set(run._id, { campaignId: run.campaignId, done, controller });
    return done;
  }

  /** A one-off campaign is done once its run has ended for good. */
  private async afterDelivery(key: string, result: DeliveryResult): Promise<void> {
    if (result.outcome === "busy" || result.outcome === "interrupted") return;
    const run = await this.deps.runs.get(key);
    if (!run || run.trigger !== "schedule") return;
    const campaign = await this.deps.campaigns.find(run.campaignId);
    if (campaign?.schedule && "at" in campaign.schedule) {
      await this.deps.campaigns.markDone(campaign._id, this.deps.now());
    }
  }

  /** A sweep outside the minute schedule (start-up catch-up, a change made here); stop() waits for it. */
  private sweepSoon(): void {
    if (this.stopped) return;
    const sweep = this.tick()
      .then(() => undefined)
      .catch((error: unknown) => this.deps.logger.error({ err: error }, "campaign sweep failed"))
      .finally(() => this.sweeps.delete(sweep));
    this.sweeps.add(sweep);
  }
}
