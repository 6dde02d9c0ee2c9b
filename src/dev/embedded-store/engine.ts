import { Catalog } from "./catalog";
import { type ConnectionInfo, runCommand } from "./commands";
import { CursorRegistry } from "./cursors";
import type { Doc } from "./documents";
import { CommandError } from "./errors";
import { FailPoints } from "./failpoints";
import { SessionRegistry } from "./transactions";
import { expireDocuments } from "./ttl";
import type { Request } from "./wire";

export type Logger = (msg: string, fields?: Record<string, unknown>) => void;

/** What the engine needs from the journal (absent when the store keeps its data in memory only). */
export interface DurabilityGate {
  /** Resolves once every change made so far is on disk; undefined when it already is. */
  untilDurable(): Promise<void> | undefined;
  /** Set once the journal could not be written. */
  readonly failure: Error | undefined;
}

/** Still answered after a journal failure, so clients connect and then see the error on their commands. */
const HANDSHAKE_COMMANDS = new Set(["hello", "isMaster", "ismaster"]);

/** The store's state and the entry point for decoded requests; knows nothing about sockets. */
export class Engine {
  readonly catalog = new Catalog();
  readonly cursors = new CursorRegistry();
  readonly sessions = new SessionRegistry(this.catalog, (transaction) =>
    this.cursors.dropOwnedBy(transaction),
  );
  /** MongoDB's `failCommand` test fail point (see failpoints.ts). */
  readonly failPoints = new FailPoints();
  readonly startedAt = new Date();
  /** "host:port" as clients should address this server; set once listening. */
  hostAndPort = "127.0.0.1:0";
  /** Supplied by the TCP layer for serverStatus. */
  connectionStats: () => Doc = () => ({ current: 0, totalCreated: 0 });
  /** Set when the store keeps its data in a directory: the server holds replies until it says so. */
  durability: DurabilityGate | undefined;

  constructor(readonly log: Logger) {}

  /**
   * Runs one decoded request; resolves to its reply (failures included), never rejects. The reply
   * may only leave once `untilDurable()` says so: every change is journaled as it is made, so a
   * command's own changes, and any it read, are on disk then.
   */
  async execute(request: Request, connection: ConnectionInfo): Promise<Doc> {
    if (request.unsupported)
      return new CommandError("UnsupportedOpQueryCommand", request.unsupported).toReply();
    const failure = this.durability?.failure;
    if (failure && !HANDSHAKE_COMMANDS.has(Object.keys(request.command)[0] ?? "")) {
      // Memory may now hold changes the disk does not: answering from it could acknowledge what a restart loses.
      const message = `the embedded store cannot write its journal (${failure.message}); restart it`;
      return new CommandError("InternalError", message).toReply();
    }
    return runCommand(this, request.command, request.db, connection);
  }

  /** Resolves once a reply computed now may leave: everything it could have observed is on disk. */
  untilDurable(): Promise<void> | undefined {
    return this.durability?.untilDurable();
  }

  /** Periodic housekeeping: TTL deletes, idle cursors, expired transactions and sessions. */
  sweep(now = Date.now()): void {
    expireDocuments(this.catalog, now);
    this.cursors.dropIdle(now);
    this.sessions.expire(now);
  }
}
