import type { DataView } from "../catalog";
import type { Doc } from "../documents";
import type { Engine } from "../engine";

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
}

/** Handlers are synchronous: each command runs to completion before the next, which makes every command atomic. */
export type CommandHandler = (context: CommandContext) => Doc;
