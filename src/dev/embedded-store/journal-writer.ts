import { type FileHandle, open } from "node:fs/promises";
import { encodeFrame } from "./frames";
import { syncDirectory } from "./files";

/** The first record of every journal file, so a stray or renamed file is recognised. */
export const JOURNAL_FORMAT = "integrity-tipline/embedded-store-journal";

interface Segment {
  generation: number;
  frames: Buffer[];
  bytes: number;
  /** Sequence number of the last frame appended to this segment. */
  lastSequence: number;
}

interface Waiter {
  sequence: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

export interface JournalWriterOptions {
  /** Path of the journal file of a generation. */
  pathOf(generation: number): string;
  directory: string;
  /** The generation to append to first (its file may already exist: appends go to its end). */
  generation: number;
  /** Journal bytes already on disk since the last snapshot (replayed at start). */
  initialBytes?: number;
  /** Called after each batch is on disk, outside any command: the place to start a compaction. */
  onFlushed?: () => void;
  /** Called once if a write or fsync fails; the writer accepts nothing after that. */
  onFailure?: (error: Error) => void;
}

/**
 * Appends frames to the current journal file with group commit: frames appended while a write and
 * fsync are in flight wait and go out together in the next one, so any number of concurrent clients
 * share one fsync. `whenDurable` resolves once a frame is on disk. Journal files are numbered
 * generations; `rotate` starts a new one (compaction folds the older ones into a snapshot).
 */
export class JournalWriter {
  private readonly queue: Segment[];
  private appended = 0;
  private durable = 0;
  private readonly waiters: Waiter[] = [];
  private flushing: Promise<void> | undefined;
  private scheduled = false;
  private file: FileHandle | undefined;
  private fileGeneration: number | undefined;
  /** Waiting for a journal file to exist; `sequence` holds the generation. */
  private readonly creationWaiters: Waiter[] = [];
  private failure: Error | undefined;
  private closed = false;
  private currentGenerationBytes = 0;
  /** Counted for benchmarks and tests: how many frames shared each fsync. */
  readonly stats = { batches: 0, frames: 0, bytes: 0 };

  constructor(private readonly options: JournalWriterOptions) {
    this.queue = [this.newSegment(options.generation)];
    this.currentGenerationBytes = options.initialBytes ?? 0;
  }

  get generation(): number {
    return this.lastSegment().generation;
  }

  /** Journal bytes since the last rotation (or on disk at start): how much replay work a crash now would leave. */
  get generationBytes(): number {
    return this.currentGenerationBytes;
  }

  /** Sequence number of the last frame appended (0: none yet). */
  get appendedSequence(): number {
    return this.appended;
  }

  get failed(): Error | undefined {
    return this.failure;
  }

  /**
   * Queues a frame for the current generation and returns its sequence number. Never blocks. After
   * a failure frames are dropped: nothing is acknowledged any more (`whenDurable` rejects).
   */
  append(frame: Buffer): number {
    if (this.failure) return this.appended;
    if (this.closed) throw new Error("journal is closed");
    const segment = this.lastSegment();
    segment.frames.push(frame);
    segment.bytes += frame.length;
    segment.lastSequence = ++this.appended;
    this.currentGenerationBytes += frame.length;
    this.schedule();
    return this.appended;
  }

  /**
   * Frames appended from now on go to a new generation, whose file is created (and its directory
   * entry synced) even if nothing is appended to it. Returns the new generation.
   */
  rotate(): number {
    const generation = this.generation + 1;
    this.queue.push(this.newSegment(generation));
    this.currentGenerationBytes = 0;
    this.schedule();
    return generation;
  }

  /** Resolves once the journal file of `generation` exists on disk. */
  whenCreated(generation: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.fileGeneration !== undefined && this.fileGeneration >= generation) return Promise.resolve();
    return new Promise((resolve, reject) =>
      this.creationWaiters.push({ sequence: generation, resolve, reject }),
    );
  }

  /** Resolves when the frame with this sequence number (default: the last one appended) is on disk. */
  whenDurable(sequence = this.appended): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (sequence <= this.durable) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ sequence, resolve, reject }));
  }

  /** True when every appended frame is on disk. */
  get isDurable(): boolean {
    return this.durable >= this.appended;
  }

  /** Waits for everything queued to be on disk, then closes the file; nothing may be appended after. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.whenDurable().catch(() => undefined);
    await this.flushing;
    await this.file?.close();
    this.file = undefined;
  }

  private newSegment(generation: number): Segment {
    return { generation, frames: [], bytes: 0, lastSequence: this.appended };
  }

  private lastSegment(): Segment {
    return this.queue[this.queue.length - 1] as Segment;
  }

  /**
   * Waits for the end of the current event-loop turn, so every command answered in this turn joins
   * the batch; if a flush is in progress, it picks the new frames up before it finishes.
   */
  private schedule(): void {
    if (this.scheduled || this.flushing || this.failure) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.flushing || this.failure) return;
      this.flushing = this.flush()
        .catch((error: unknown) => this.fail(asError(error)))
        .finally(() => {
          this.flushing = undefined;
          // Something appended between the last check and now must not wait for the next append.
          if (this.hasQueuedWork()) this.schedule();
        });
    });
  }

  private hasQueuedWork(): boolean {
    return this.queue.length > 1 || this.lastSegment().frames.length > 0;
  }

  /** Writes batches until nothing is queued: one write and one fsync per batch. */
  private async flush(): Promise<void> {
    for (;;) {
      const segment = this.queue[0] as Segment;
      if (segment.generation !== this.fileGeneration) await this.openGeneration(segment.generation);
      const frames = segment.frames.splice(0);
      const upTo = segment.lastSequence;
      if (frames.length > 0) {
        const data = Buffer.concat(frames);
        await this.writeAndSync(data);
        this.stats.batches++;
        this.stats.frames += frames.length;
        this.stats.bytes += data.length;
      }
      this.markDurable(upTo);
      if (frames.length > 0) this.options.onFlushed?.();
      if (segment.frames.length > 0) continue; // appended while writing: the next batch
      if (this.queue.length === 1) return;
      this.queue.shift(); // an older generation is complete; go on with the next file
    }
  }

  private async writeAndSync(data: Buffer): Promise<void> {
    const file = this.file as FileHandle;
    let written = 0;
    while (written < data.length) {
      const { bytesWritten } = await file.write(data, written, data.length - written);
      written += bytesWritten;
    }
    await file.datasync();
  }

  /** Syncs and closes the previous file, then opens (creating if needed) this generation's file. */
  private async openGeneration(generation: number): Promise<void> {
    if (this.file) {
      await this.file.close(); // everything in it was already synced batch by batch
      this.file = undefined;
    }
    // Owner-only: demo data may still be personal data.
    const file = await open(this.options.pathOf(generation), "a", 0o600);
    this.file = file;
    if ((await file.stat()).size === 0) {
      await this.writeAndSync(encodeFrame({ format: JOURNAL_FORMAT, version: 1, generation }));
    }
    await syncDirectory(this.options.directory);
    this.fileGeneration = generation;
    settle(this.creationWaiters, generation);
  }

  private markDurable(sequence: number): void {
    if (sequence <= this.durable) return;
    this.durable = sequence;
    settle(this.waiters, sequence);
  }

  private fail(error: Error): void {
    this.failure = error;
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
    for (const waiter of this.creationWaiters.splice(0)) waiter.reject(error);
    this.options.onFailure?.(error);
  }
}

/** Resolves, in order, the waiters for anything up to `reached`, and keeps the others. */
function settle(waiters: Waiter[], reached: number): void {
  let kept = 0;
  for (const waiter of waiters) {
    if (waiter.sequence <= reached) waiter.resolve();
    else waiters[kept++] = waiter;
  }
  waiters.length = kept;
}

/** fs errors are Errors, but not always of this realm's Error class (e.g. under jest's vm contexts). */
function asError(error: unknown): Error {
  return typeof error === "object" && error !== null && "message" in error
    ? (error as Error)
    : new Error(String(error));
}
