/**
 * Serializes and coalesces progress writes for one run. Batches complete out of order and often;
 * rather than racing many updates (a late write could overwrite a newer state), one write runs at
 * a time and carries the latest state. `save()` resolves once a write that includes the state as it
 * was at the call has finished — which is what "record the batch before sending it" needs.
 */
export class ProgressWriter {
  private requested = 0;
  private written = 0;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly write: () => Promise<void>) {}

  save(): Promise<void> {
    const wanted = ++this.requested;
    const step = this.chain.then(async () => {
      if (this.written >= wanted) return; // an earlier queued write already carried this state
      const version = this.requested;
      await this.write();
      this.written = version;
    });
    // A failed write fails its callers; the chain itself keeps going for later saves.
    this.chain = step.catch(() => undefined);
    return step;
  }
}
