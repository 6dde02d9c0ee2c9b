import type { Logger } from "../log";
import type { Leases } from "../jobs/leases";

const leaseName = "awareness:multicast";

/**
 * LINE's multicast limit is per channel, and our token bucket is per process. So that instances
 * never add their rates up, only the instance holding this lease delivers campaigns; the runs it
 * delivers concurrently share its bucket. The lease is held while at least one delivery runs
 * here, renewed in the background, and released when the last one ends (or runs out after a crash).
 */
export class ChannelLease {
  private holders = 0;
  private timer?: NodeJS.Timeout;
  private lost = false;
  private acquiring?: Promise<boolean>;

  constructor(
    private readonly leases: Leases,
    private readonly logger: Logger,
    private readonly ttlMs = 30_000,
  ) {}

  /** True while this process holds the lease (a delivery checks it before each batch). */
  get held(): boolean {
    return this.holders > 0 && !this.lost;
  }

  /** Joins the lease; false when another instance is delivering (try again on the next sweep). */
  async join(): Promise<boolean> {
    if (this.holders > 0 && !this.lost) {
      this.holders++;
      return true;
    }
    this.acquiring ??= this.leases.acquire(leaseName, this.ttlMs).finally(() => (this.acquiring = undefined));
    const acquired = await this.acquiring;
    if (!acquired) return false;
    if (this.holders === 0 || this.lost) this.startRenewing();
    this.lost = false;
    this.holders++;
    return true;
  }

  async leave(): Promise<void> {
    if (this.holders === 0) return;
    this.holders--;
    if (this.holders > 0) return;
    this.stopRenewing();
    // Released at once so another instance (or the next run) need not wait for expiry.
    await this.leases
      .release(leaseName)
      .catch((error: unknown) => this.logger.warn({ err: error }, "releasing the multicast lease failed"));
  }

  private startRenewing(): void {
    this.stopRenewing();
    this.timer = setInterval(
      () => {
        this.leases
          .renew(leaseName, this.ttlMs)
          .then((renewed) => {
            if (!renewed) {
              this.lost = true;
              this.logger.warn("multicast lease lost; deliveries here will stop and resume elsewhere");
            }
          })
          .catch((error: unknown) => this.logger.warn({ err: error }, "renewing the multicast lease failed"));
      },
      Math.max(1_000, Math.floor(this.ttlMs / 3)),
    );
    this.timer.unref();
  }

  private stopRenewing(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
