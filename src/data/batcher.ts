/**
 * Coalesces calls made in the same turn of the event loop into one database command. At hundreds
 * of events a second the bill is mostly per command (the driver's and the server's fixed costs, a
 * socket write that wakes the other side), not per statement, so the coordination writes of many
 * events — inbox inserts, "done" marks, lease takes and releases — are sent as one bulk command each.
 * A lone call waits only until the current turn has run (`setImmediate`).
 *
 * Never for work inside a transaction: flushes go to the driver without a session, on their own.
 */
export class Batcher<In, Out> {
  private queue: Array<{ input: In; resolve: (out: Out) => void; reject: (error: unknown) => void }> = [];
  private scheduled = false;

  constructor(
    /** Must return one result per input, in order; a rejection fails every input of the batch. */
    private readonly flush: (inputs: In[]) => Promise<Out[]>,
    private readonly maxBatch = 500,
  ) {}

  run(input: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    const batch = this.queue.splice(0, this.maxBatch);
    if (this.queue.length > 0) setImmediate(() => void this.drain());
    else this.scheduled = false;
    try {
      const results = await this.flush(batch.map((entry) => entry.input));
      batch.forEach((entry, i) => entry.resolve(results[i] as Out));
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    }
  }
}
