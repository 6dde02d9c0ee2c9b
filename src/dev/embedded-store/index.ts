/**
 * The embedded MongoDB-compatible store: a small wire-protocol server on 127.0.0.1 that the real
 * `mongodb` driver (and so mongoose) talks to exactly as to MongoDB. For tests and local mode only,
 * never production. See docs/EMBEDDED-STORE.md for what it supports and its known gaps.
 */
import { Engine } from "./engine";
import { WireServer } from "./server";
import { Snapshotter } from "./snapshot";

export interface EmbeddedStoreOptions {
  /** 0 or undefined: a free port. */
  port?: number;
  /** Default "127.0.0.1". */
  host?: string;
  /**
   * If set: restored from this file at start (if it exists), and snapshotted to it atomically
   * (temp file + fsync + rename) every `snapshotIntervalMs` when something changed, and on stop().
   */
  snapshotPath?: string;
  /** Default 5000. */
  snapshotIntervalMs?: number;
  /** Start/stop/snapshot messages. Never receives document contents. */
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export interface EmbeddedStore {
  readonly port: number;
  /** "mongodb://127.0.0.1:<port>/": append a database name, optionally followed by "?directConnection=true". */
  readonly uri: string;
  /** Writes a snapshot now; does nothing when no `snapshotPath` was given. */
  snapshot(): Promise<void>;
  /** Closes connections and the server, then writes a final snapshot if configured. Safe to call twice. */
  stop(): Promise<void>;
}

/** How often TTL indexes, idle cursors and stale transactions are swept. */
const SWEEP_INTERVAL_MS = 1000;

export async function startEmbeddedStore(opts: EmbeddedStoreOptions = {}): Promise<EmbeddedStore> {
  const host = opts.host ?? "127.0.0.1";
  const log = opts.log ?? (() => undefined);
  const engine = new Engine(log);
  const snapshotter = opts.snapshotPath ? new Snapshotter(engine.catalog, opts.snapshotPath, log) : undefined;
  await snapshotter?.restore();

  const server = new WireServer(engine, log);
  const port = await server.listen(host, opts.port ?? 0);
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
  snapshotter?.startTimer(opts.snapshotIntervalMs ?? 5000);
  log("embedded store started", { port, snapshotPath: opts.snapshotPath });

  let stopped: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    clearInterval(sweeper);
    await server.close();
    engine.cursors.clear();
    await snapshotter?.stop();
    log("embedded store stopped", { port });
  };
  return {
    port,
    uri: `mongodb://${address}/`,
    snapshot: () => snapshotter?.snapshot() ?? Promise.resolve(),
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
