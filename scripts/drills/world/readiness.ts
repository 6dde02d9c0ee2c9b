import { sleep } from "./time";

/**
 * Polls the bot's /readyz once a second, as a load balancer would, and keeps the transitions:
 * readiness must turn red while the database is away and green again by itself afterwards.
 */
export class ReadinessWatch {
  readonly samples: Array<{ at: number; ready: boolean }> = [];
  private running = true;
  private readonly loop: Promise<void>;

  constructor(url: string) {
    this.loop = (async () => {
      while (this.running) {
        let ready = false;
        try {
          ready = (await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5_000) })).status === 200;
        } catch {
          ready = false;
        }
        this.samples.push({ at: Date.now(), ready });
        await sleep(1_000);
      }
    })();
  }

  /** First red sample after `from` and first green one after `restoredAt`, in ms from each. */
  transitions(from: number, restoredAt: number): { redAfterMs?: number; greenAfterMs?: number } {
    const red = this.samples.find((sample) => sample.at >= from && !sample.ready);
    const green = this.samples.find((sample) => sample.at >= restoredAt && sample.ready);
    return { redAfterMs: red && red.at - from, greenAfterMs: green && green.at - restoredAt };
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}
