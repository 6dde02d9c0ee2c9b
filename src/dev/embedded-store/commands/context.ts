import type { DataView } from "../catalog";
import type { Doc } from "../documents";
import type { Engine } from "../engine";
import type { Transaction } from "../transactions";

export interface ConnectionInfo {
  connectionId: number;
  /** The client's `appname`, from its handshake (used by the failCommand fail point's filter). */
  appName?: string;
}

/** Everything a command handler may use. `data` is transaction-aware; `engine` reaches the rest. */
export interface CommandContext {
  readonly engine: Engine;
  readonly db: string;
  readonly body: Doc;
  readonly data: DataView;
  readonly connection: ConnectionInfo;
  /** Set when the command is a statement of a multi-document transaction. */
  readonly transaction: Transaction | undefined;
  /** From `maxTimeMS`: when a write waiting for a transaction's document gives up (MaxTimeMSExpired). */
  readonly deadline: number | undefined;
}

/**
 * A handler runs to completion without interleaving unless it awaits: reads await between slices
 * of work (they walk frozen snapshots, so that is safe) and writes await only while a document is
 * held by an open transaction. Everything between two awaits is atomic.
 */
export type CommandHandler = (context: CommandContext) => Doc | Promise<Doc>;
