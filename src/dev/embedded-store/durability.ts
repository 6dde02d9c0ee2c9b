import { mkdir, open, readdir, readFile, rm, truncate } from "node:fs/promises";
import { join } from "node:path";
import type { Catalog } from "./catalog";
import type { Logger } from "./engine";
import { syncDirectory, TEMP_SUFFIX } from "./files";
import { ChangeJournal, replayJournal } from "./journal";
import { JournalWriter } from "./journal-writer";
import { captureImage, restoreSnapshot, writeSnapshot } from "./snapshot";

/** Default size of journal since the last snapshot that triggers a compaction. */
export const DEFAULT_COMPACT_AFTER_BYTES = 64 * 1024 * 1024;

const SNAPSHOT_FILE = "store.snapshot";
const LOCK_FILE = "store.lock";
const JOURNAL_FILE = /^store-journal-(\d+)\.log$/;
const journalFile = (generation: number): string =>
  `store-journal-${String(generation).padStart(6, "0")}.log`;

/** Data directories this process has open, so a second store in the same process is refused too. */
const lockedHere = new Set<string>();

/**
 * The data directory could not be loaded as it is. The store does not start, so nothing on disk is
 * overwritten; the message says which file and what to do.
 */
export class DataDirectoryError extends Error {
  override readonly name = "DataDirectoryError";
}

export interface DurabilityOptions {
  dataDir: string;
  /** Compact once the journal since the last snapshot is this big (or as big as the snapshot, if larger). */
  compactAfterBytes?: number;
  log: Logger;
  /** The journal could not be written: from now on the store refuses commands. */
  onFailure?: (error: Error) => void;
}

/**
 * Makes the catalogue durable in a data directory: at start the last snapshot is loaded and the
 * journal replayed over it; afterwards every change is journaled (see journal.ts) and replies wait
 * for it to be on disk; compaction folds the journal into a new snapshot. docs/EMBEDDED-STORE.md
 * ("Durability") explains the guarantee and the file layout.
 */
export class Durability {
  private compacting: Promise<void> | undefined;
  private closing = false;
  private snapshotBytes = 0;
  /** Journal files on disk, oldest first. */
  private generations: number[];
  /** Whether changes replayed at start are still only in the journal. */
  private replayedUnsnapshotted: boolean;
  /** The writer's sequence number when the last compaction captured the catalogue. */
  private capturedAt = 0;

  private constructor(
    private readonly catalog: Catalog,
    private readonly options: DurabilityOptions,
    private readonly writer: JournalWriter,
    private readonly journal: ChangeJournal,
    recovered: Recovered,
  ) {
    this.generations = recovered.generations;
    this.snapshotBytes = recovered.snapshotBytes;
    this.replayedUnsnapshotted = recovered.changes > 0;
  }

  /** Locks the directory, restores the snapshot, replays the journal and starts journaling. */
  static async open(catalog: Catalog, options: DurabilityOptions): Promise<Durability> {
    const { dataDir, log } = options;
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    await acquireLock(dataDir);
    try {
      const recovered = await recover(catalog, dataDir, log);
      // With no journal on disk yet, the first one is created on the first write.
      if (recovered.generations.length === 0) recovered.generations.push(recovered.firstGeneration);
      const writer = new JournalWriter({
        directory: dataDir,
        pathOf: (generation) => join(dataDir, journalFile(generation)),
        generation: recovered.generations.at(-1) as number,
        initialBytes: recovered.journalBytes,
        // Called only after a flush, by which time `durability` below is set.
        onFlushed: () => durability.compactIfDue(),
        onFailure: (error) => {
          log("embedded store journal write failed; refusing commands from now on", { error: error.message });
          options.onFailure?.(error);
        },
      });
      const journal = new ChangeJournal(writer);
      const durability = new Durability(catalog, options, writer, journal, recovered);
      catalog.attach(journal);
      return durability;
    } catch (error) {
      await releaseLock(dataDir);
      throw error;
    }
  }

  /** Journal batches (one write and fsync each), frames and bytes written since start. */
  get journalStats(): { batches: number; frames: number; bytes: number } {
    return { ...this.writer.stats };
  }

  /** Set once the journal could not be written. */
  get failure(): Error | undefined {
    return this.writer.failed;
  }

  /**
   * Resolves once every change made so far is on disk, so a reply that may have observed them can
   * go out; undefined when that is already so (the common case for reads).
   */
  untilDurable(): Promise<void> | undefined {
    if (this.writer.isDurable || this.writer.failed) return undefined;
    return this.writer.whenDurable();
  }

  /**
   * Folds the journal into a new snapshot: the catalogue is captured and the journal rotated in the
   * same instant, the snapshot is written beside the old one and renamed over it, then the journal
   * files it covers are deleted. A crash at any point leaves a snapshot and journals that replay to
   * the same state. Concurrent calls share the run in progress and then run once more if needed.
   */
  async compact(): Promise<void> {
    while (this.compacting) await this.compacting.catch(() => undefined);
    if (this.writer.failed) throw this.writer.failed;
    this.compacting = this.runCompaction().finally(() => {
      this.compacting = undefined;
    });
    return this.compacting;
  }

  /** Final compaction (if anything changed), then closes the journal and releases the directory. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    while (this.compacting) await this.compacting.catch(() => undefined);
    const changed = this.replayedUnsnapshotted || this.writer.appendedSequence > this.capturedAt;
    if (!this.writer.failed && changed) {
      await this.compact().catch((error: unknown) => {
        // Nothing is lost: the journal still holds every change and the next start replays it.
        this.options.log("embedded store final snapshot failed", { error: (error as Error).message });
      });
    }
    await this.writer.close();
    this.catalog.attach(undefined);
    await releaseLock(this.options.dataDir);
  }

  private compactIfDue(): void {
    if (this.compacting || this.closing || this.writer.failed) return;
    const threshold = Math.max(
      this.options.compactAfterBytes ?? DEFAULT_COMPACT_AFTER_BYTES,
      this.snapshotBytes,
    );
    if (this.writer.generationBytes < threshold) return;
    this.compact().catch((error: unknown) => {
      this.options.log("embedded store compaction failed", { error: (error as Error).message });
    });
  }

  private async runCompaction(): Promise<void> {
    const { dataDir, log } = this.options;
    const started = Date.now();
    // Both in one synchronous step: the image holds exactly the changes journaled before the new generation.
    if (this.journal.inGroup) throw new Error("compaction inside an atomic journal entry");
    const rotatedAt = this.writer.appendedSequence;
    const generation = this.writer.rotate();
    const image = captureImage(this.catalog);
    log("embedded store compacting", { journalGeneration: generation });
    this.capturedAt = rotatedAt;
    this.replayedUnsnapshotted = false;
    this.generations.push(generation);
    // The snapshot names `generation` as the first to replay, so that file must exist first.
    await this.writer.whenCreated(generation);
    const { bytes, documents } = await writeSnapshot(join(dataDir, SNAPSHOT_FILE), image, generation);
    this.snapshotBytes = bytes;
    await this.writer.whenDurable(rotatedAt);
    const folded = this.generations.filter((older) => older < generation);
    for (const older of folded) await rm(join(dataDir, journalFile(older)), { force: true });
    this.generations = this.generations.filter((kept) => kept >= generation);
    await syncDirectory(dataDir);
    log("embedded store saved a snapshot", {
      bytes,
      documents,
      journalGeneration: generation,
      ms: Date.now() - started,
    });
  }
}

interface Recovered {
  /** The generation a fresh journal starts with if none is on disk. */
  firstGeneration: number;
  generations: number[];
  journalBytes: number;
  snapshotBytes: number;
  /** Changes replayed from the journal. */
  changes: number;
}

async function recover(catalog: Catalog, dataDir: string, log: Logger): Promise<Recovered> {
  const names = await readdir(dataDir);
  // Leftovers of a snapshot write a crash interrupted; the snapshot they were to replace is intact.
  for (const name of names) {
    if (!name.startsWith(`${SNAPSHOT_FILE}.`) || !name.endsWith(TEMP_SUFFIX)) continue;
    await rm(join(dataDir, name));
    log("embedded store removed an unfinished snapshot", { file: name });
  }

  let firstGeneration = 1;
  let snapshotBytes = 0;
  const snapshotPath = join(dataDir, SNAPSHOT_FILE);
  if (names.includes(SNAPSHOT_FILE)) {
    const data = await readFile(snapshotPath);
    snapshotBytes = data.length;
    try {
      const restored = restoreSnapshot(catalog, data);
      firstGeneration = restored.journalGeneration;
      log("embedded store restored a snapshot", {
        collections: restored.collections,
        documents: restored.documents,
        version: restored.version,
      });
    } catch (error) {
      throw new DataDirectoryError(
        `The embedded store snapshot ${snapshotPath} cannot be read (${(error as Error).message}). ` +
          "The store did not start, so nothing was overwritten. Restore the file from a copy, or move the data directory aside to start empty.",
      );
    }
  }

  const generations = names
    .map((name) => JOURNAL_FILE.exec(name)?.[1])
    .filter((digits): digits is string => digits !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  // Older generations are already in the snapshot: a crash came between writing it and deleting them.
  for (const older of generations.filter((generation) => generation < firstGeneration)) {
    await rm(join(dataDir, journalFile(older)));
  }
  const toReplay = generations.filter((generation) => generation >= firstGeneration);
  toReplay.forEach((generation, position) => {
    if (generation !== firstGeneration + position) {
      throw new DataDirectoryError(
        `Embedded store journal ${join(dataDir, journalFile(firstGeneration + position))} is missing: ` +
          "the changes in it would be lost. The store did not start; restore the file or move the data directory aside.",
      );
    }
  });

  let journalBytes = 0;
  let changes = 0;
  for (const [position, generation] of toReplay.entries()) {
    const path = join(dataDir, journalFile(generation));
    const data = await readFile(path);
    const result = replayJournal(catalog, data, generation);
    const isNewest = position === toReplay.length - 1;
    if (result.status === "damaged" || (result.status === "torn" && !isNewest)) {
      throw new DataDirectoryError(
        `Embedded store journal ${path} is damaged at byte ${result.validLength}` +
          `${result.problem ? ` (${result.problem})` : ""} and intact records follow it, so this is not a ` +
          "crash's torn last write. The store did not start, so nothing was lost or overwritten.",
      );
    }
    if (result.status === "torn") {
      // The last write a crash cut short: never acknowledged, so it is dropped.
      await truncate(path, result.validLength);
      await syncFile(path);
      log("embedded store dropped a torn journal tail", {
        journalGeneration: generation,
        droppedBytes: data.length - result.validLength,
      });
    }
    journalBytes += result.validLength;
    changes += result.changes;
    log("embedded store replayed a journal", { journalGeneration: generation, changes: result.changes });
  }
  return { firstGeneration, generations: toReplay, journalBytes, snapshotBytes, changes };
}

async function syncFile(path: string): Promise<void> {
  const file = await open(path, "r+");
  try {
    await file.sync();
  } finally {
    await file.close();
  }
}

/**
 * One store per data directory: two writers would interleave their journals. A lock left by a
 * process that no longer runs (killed, crashed) is taken over.
 */
async function acquireLock(dataDir: string): Promise<void> {
  const path = join(dataDir, LOCK_FILE);
  if (lockedHere.has(dataDir)) throw inUse(dataDir, process.pid);
  try {
    const holder = Number((await readFile(path, "utf8")).trim());
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isRunning(holder)) {
      throw inUse(dataDir, holder);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const file = await open(path, "w", 0o600);
  try {
    await file.writeFile(`${process.pid}\n`);
  } finally {
    await file.close();
  }
  lockedHere.add(dataDir);
}

async function releaseLock(dataDir: string): Promise<void> {
  if (!lockedHere.delete(dataDir)) return;
  await rm(join(dataDir, LOCK_FILE), { force: true });
}

function inUse(dataDir: string, pid: number): DataDirectoryError {
  return new DataDirectoryError(
    `The embedded store data directory ${dataDir} is in use by process ${pid}. ` +
      `Stop that store first (or, if no store runs, delete ${join(dataDir, LOCK_FILE)}).`,
  );
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
