import cron, { type ScheduledTask } from "node-cron";
import type { Logger } from "../log";
import type { Leases } from "./leases";
import { bangkokTimeZone } from "../i18n/bangkok-time";

export type Job = (now: Date) => Promise<void>;

/**
 * node-cron in the Bangkok time zone, made safe for several instances: each tick takes a lease named
 * after the job and the minute it is for, so exactly one instance runs it; the others skip.
 */
export class JobScheduler {
  private readonly tasks: ScheduledTask[] = [];
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly leases: Leases,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  every(name: string, expression: string, job: Job, options: { leaseMs?: number } = {}): void {
    if (!cron.validate(expression)) throw new Error(`job "${name}": invalid cron expression "${expression}"`);
    const task = cron.schedule(
      expression,
      () => this.track(this.runOnce(name, job, options.leaseMs ?? 10 * 60_000)),
      {
        timezone: bangkokTimeZone,
        name,
      },
    );
    this.tasks.push(task);
  }

  /**
   * Runs a job now if no other instance holds this minute's lease (also used by tests and scripts).
   * Never rejects: a tick that fails — the database away, the job throwing — is logged and the next
   * tick tries again, so no dependency outage can end the process through a cron callback.
   */
  async runOnce(name: string, job: Job, leaseMs = 10 * 60_000): Promise<boolean> {
    const at = this.now();
    const minute = new Date(Math.floor(at.getTime() / 60_000) * 60_000).toISOString();
    const lease = `cron:${name}:${minute}`;
    try {
      if (!(await this.leases.acquire(lease, leaseMs))) return false;
      await job(at);
      return true;
    } catch (error) {
      this.logger.error({ err: error, job: name }, "scheduled job failed");
      return false;
    }
    // The lease is left to expire rather than released: releasing would let a slower instance run the same minute.
  }

  async stop(): Promise<void> {
    for (const task of this.tasks) await task.stop();
    await Promise.allSettled([...this.running]);
  }

  private track(run: Promise<unknown>): void {
    const settled = run.then(() => undefined);
    this.running.add(settled);
    void settled.finally(() => this.running.delete(settled));
  }
}
