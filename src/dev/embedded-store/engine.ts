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

  constructor(readonly log: Logger) {}

  /** Runs one decoded request; resolves to its reply (failures included), never rejects. */
  async execute(request: Request, connection: ConnectionInfo): Promise<Doc> {
    if (request.unsupported)
      return new CommandError("UnsupportedOpQueryCommand", request.unsupported).toReply();
    return runCommand(this, request.command, request.db, connection);
  }

  /** Periodic housekeeping: TTL deletes, idle cursors, expired transactions and sessions. */
  sweep(now = Date.now()): void {
    expireDocuments(this.catalog, now);
    this.cursors.dropIdle(now);
    this.sessions.expire(now);
  }
}
