import { MingoError } from "mingo/util";
import type { Doc } from "../documents";
import type { Engine } from "../engine";
import { CommandError } from "../errors";
import type { SessionBinding } from "../transactions";
import { catalogCommands } from "./catalog";
import type { CommandHandler, ConnectionInfo } from "./context";
import { findAndModifyCommands } from "./find-and-modify";
import { CloseConnectionSignal } from "../failpoints";
import { handshakeCommands } from "./handshake";
import { indexCommands } from "./indexes";
import { readCommands } from "./reads";
import { transactionCommands } from "./transactions";
import { writeCommands } from "./writes";

export type { ConnectionInfo } from "./context";

const handlers = new Map<string, CommandHandler>(
  Object.entries({
    ...handshakeCommands,
    ...catalogCommands,
    ...indexCommands,
    ...writeCommands,
    ...findAndModifyCommands,
    ...readCommands,
    ...transactionCommands,
    configureFailPoint: ({ engine, body }) => engine.failPoints.configure(body),
  }),
);

/** These manage session state themselves, so they must not be bound to the transaction they end. */
const SESSION_CONTROL = new Set(["commitTransaction", "abortTransaction", "endSessions"]);

/** Runs one command and always returns a reply document: failures become `{ ok: 0, … }`. */
export function runCommand(
  engine: Engine,
  body: Doc,
  db: string | undefined,
  connection: ConnectionInfo,
): Doc {
  const name = Object.keys(body)[0] ?? "";
  const handler = handlers.get(name);
  if (!handler) return new CommandError("CommandNotFound", `no such command: '${name}'`).toReply();
  if (db === undefined) {
    return new CommandError("FailedToParse", "OP_MSG requests require a $db argument").toReply();
  }

  let binding: SessionBinding | undefined;
  try {
    binding = SESSION_CONTROL.has(name) ? { data: engine.catalog } : engine.sessions.bind(body);
    const injected = engine.failPoints.check(name, db, body, connection.appName);
    if (injected?.kind === "close") throw new CloseConnectionSignal();
    if (injected?.kind === "error") {
      // As in MongoDB, a failed statement inside a transaction aborts the whole transaction.
      binding.abort?.();
      return injected.reply;
    }
    const reply = handler({ engine, db, body, data: binding.data, connection });
    // As in MongoDB, any failed statement inside a transaction aborts the whole transaction.
    if (binding.abort && Array.isArray(reply.writeErrors)) binding.abort();
    return reply;
  } catch (error) {
    binding?.abort?.();
    if (error instanceof CloseConnectionSignal) throw error;
    return errorReply(engine, name, error);
  }
}

function errorReply(engine: Engine, command: string, error: unknown): Doc {
  if (error instanceof CommandError) return error.toReply();
  // mingo rejects malformed queries, pipelines and operators, and a bad `$regex` fails to compile:
  // the client's mistake, reported as such.
  if (error instanceof MingoError || error instanceof SyntaxError) {
    return new CommandError("BadValue", error.message).toReply();
  }
  // A bug here, not the client's fault. Log which command, not the message: it may quote document values.
  engine.log("embedded store command failed", {
    command,
    error: error instanceof Error ? error.name : typeof error,
  });
  const message = error instanceof Error ? error.message : String(error);
  return new CommandError("InternalError", message).toReply();
}
