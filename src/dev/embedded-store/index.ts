/**
 * The embedded MongoDB-compatible store: a small wire-protocol server on 127.0.0.1 that the real
 * `mongodb` driver (and so mongoose) talks to exactly as to MongoDB. For tests and local mode only,
 * never production. See docs/EMBEDDED-STORE.md for what it supports, its known gaps and its
 * durability guarantee.
 */
import { DataDirectoryError, Durability } from "./durability";
import { Engine } from "./engine";
import { WireServer } from "./server";

export { DataDirectoryError };

export interface EmbeddedStoreOptions {
  /** 0 or undefined: a free port. */
  port?: number;
  /** Default "127.0.0.1". */
  host?: string;
  /**
   * Where the data lives (created if missing). Without it the store is memory-only. With it the
   * store restores the last snapshot and replays the journal at start; every acknowledged write is
   * on disk (fsynced) before the reply leaves, so `kill -9` loses nothing acknowledged.
   */
  dataDir?: string;
  /** Compact the journal into a new snapshot once it grows past this many bytes (default 64 MiB). */
  compactAfterBytes?: number;
  /** Start/stop/snapshot/recovery messages. Never receives document contents. */
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  /**
   * The journal could not be written (disk full, I/O error). The store then refuses every command
   * with an error; a standalone store should exit so it is restarted from what is on disk.
   */
  onJournalFailure?: (error: Error) => void;
}

export interface EmbeddedStore {
  readonly port: number;
  /** "mongodb://127.0.0.1:<port>/": append a database name, optionally followed by "?directConnection=true". */
  readonly uri: string;
  /**
   * Journal batches written since start (each one write and one fsync), the frames (changes and
   * entry markers) they carried and their bytes; undefined for a memory-only store. Benchmarks use
   * it to show how many writes share an fsync.
   */
  journalStats(): { batches: number; frames: number; bytes: number } | undefined;
  /** Folds the journal into a new snapshot now; does nothing for a memory-only store. */
  snapshot(): Promise<void>;
  /** Closes connections and the server, then writes a final snapshot if anything changed. Safe to call twice. */
  stop(): Promise<void>;
}

/** How often TTL indexes, idle cursors and stale transactions are swept. */
const SWEEP_INTERVAL_MS = 1000;

export async function startEmbeddedStore(opts: EmbeddedStoreOptions = {}): Promise<EmbeddedStore> {
  const host = opts.host ?? "127.0.0.1";
  const log = opts.log ?? (() => undefined);
  const engine = new Engine(log);
  const durability = opts.dataDir
    ? await Durability.open(engine.catalog, {
        dataDir: opts.dataDir,
        compactAfterBytes: opts.compactAfterBytes,
        log,
        onFailure: opts.onJournalFailure,
      })
    : undefined;
  engine.durability = durability;

  const server = new WireServer(engine, log);
  let port: number;
  try {
    port = await server.listen(host, opts.port ?? 0);
  } catch (error) {
    await durability?.close();
    throw error;
  }
  const address = `${uriHost(host)}:${port}`;
  engine.hostAndPort = address;
  engine.connectionStats = () => ({ current: server.connectionCount, totalCreated: server.totalConnections });

  const sweeper = setInterval(() => {
    try {
      engine.sweep();
    } catch (error) {
      log("embedded store sweep failed", { error: error instanceof Error ? error.name : typeof error });
    }
  }, SWEEP_INTERVAL_MS);
  sweeper.unref();
  log("embedded store started", { port, dataDir: opts.dataDir });

  let stopped: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    clearInterval(sweeper);
    await server.close();
    engine.cursors.clear();
    await durability?.close();
    log("embedded store stopped", { port, ...(durability ? { journal: durability.journalStats } : {}) });
  };
  return {
    port,
    uri: `mongodb://${address}/`,
    journalStats: () => durability?.journalStats,
    snapshot: () => durability?.compact() ?? Promise.resolve(),
    stop: () => (stopped ??= stop()),
  };
}

/**
 * The host clients should dial. The replica-set `hello` advertises it too, so it must be an
 * address the client can reach: a wildcard bind address is advertised as loopback.
 */
function uriHost(host: string): string {
  if (host === "0.0.0.0" || host === "::" || host === "") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}
