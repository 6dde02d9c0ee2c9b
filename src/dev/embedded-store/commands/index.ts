import { MingoError } from "mingo/util";
import { LockWait } from "../catalog";
import { type Doc, isPlainObject } from "../documents";
import type { Engine } from "../engine";
import { CommandError, unsupported } from "../errors";
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

/** What MongoDB allows inside a multi-document transaction; anything else is 263. */
const ALLOWED_IN_TRANSACTION = new Set([
  "find",
  "getMore",
  "killCursors",
  "insert",
  "update",
  "delete",
  "findAndModify",
  "findandmodify",
  "aggregate",
  "distinct",
  "create",
  "createIndexes",
  "hello",
  "isMaster",
  "ismaster",
  "buildInfo",
  "buildinfo",
  "connectionStatus",
]);

/** Commands that take a write concern; reads refuse one, as MongoDB does. */
const TAKES_WRITE_CONCERN = new Set([
  "insert",
  "update",
  "delete",
  "findAndModify",
  "findandmodify",
  "create",
  "drop",
  "dropDatabase",
  "renameCollection",
  "createIndexes",
  "dropIndexes",
  "deleteIndexes",
  "collMod",
  "aggregate",
  "commitTransaction",
  "abortTransaction",
]);
const REFUSES_WRITE_CONCERN = new Set([
  "find",
  "getMore",
  "count",
  "distinct",
  "listCollections",
  "listIndexes",
]);

const READ_CONCERN_LEVELS = new Set(["local", "majority", "linearizable", "available", "snapshot"]);

/** Runs one command and always returns a reply document: failures become `{ ok: 0, … }`. */
export async function runCommand(
  engine: Engine,
  body: Doc,
  db: string | undefined,
  connection: ConnectionInfo,
): Promise<Doc> {
  const name = Object.keys(body)[0] ?? "";
  const handler = handlers.get(name);
  if (!handler) return new CommandError("CommandNotFound", `no such command: '${name}'`).toReply();
  if (db === undefined) {
    return new CommandError("FailedToParse", "OP_MSG requests require a $db argument").toReply();
  }

  let binding: SessionBinding | undefined;
  try {
    const writeConcern = checkWriteConcern(name, body.writeConcern);
    binding = SESSION_CONTROL.has(name) ? { data: engine.catalog } : engine.sessions.bind(body);
    const injected = engine.failPoints.check(name, db, body, connection.appName);
    if (injected?.kind === "close") throw new CloseConnectionSignal();
    if (injected?.kind === "error") {
      // As in MongoDB, a failed statement inside a transaction aborts the whole transaction.
      binding.abort?.();
      return injected.reply;
    }
    const transaction = binding.transaction;
    if (transaction) checkTransactionStatement(name, body);
    else checkReadConcern(body.readConcern);
    const maxTimeMS = body.maxTimeMS;
    if (
      maxTimeMS !== undefined &&
      (typeof maxTimeMS !== "number" || maxTimeMS < 0 || !Number.isInteger(maxTimeMS))
    ) {
      throw new CommandError("BadValue", "maxTimeMS must be a non-negative integer");
    }
    const deadline = typeof maxTimeMS === "number" && maxTimeMS > 0 ? Date.now() + maxTimeMS : undefined;
    const reply = await handler({ engine, db, body, data: binding.data, connection, transaction, deadline });
    // As in MongoDB, any failed statement inside a transaction aborts the whole transaction.
    if (binding.abort && Array.isArray(reply.writeErrors)) binding.abort();
    if (writeConcern && reply.ok === 1) reply.writeConcernError = writeConcern;
    return reply;
  } catch (error) {
    binding?.abort?.();
    if (error instanceof CloseConnectionSignal) throw error;
    return errorReply(engine, name, error);
  }
}

/**
 * Validates `writeConcern` against this one-member replica set. What one member cannot satisfy is
 * reported as MongoDB reports it, in `writeConcernError` next to the (applied) write: `w` above 1
 * is 100 UnsatisfiableWriteConcern, an unknown mode is 79 UnknownReplWriteConcern.
 */
function checkWriteConcern(command: string, raw: unknown): Doc | undefined {
  if (raw === undefined) return undefined;
  if (REFUSES_WRITE_CONCERN.has(command))
    throw new CommandError("InvalidOptions", "Command does not support writeConcern");
  if (!TAKES_WRITE_CONCERN.has(command)) return undefined;
  if (!isPlainObject(raw)) throw new CommandError("FailedToParse", "writeConcern must be an object");
  const { w, j, wtimeout } = raw;
  if (j !== undefined && typeof j !== "boolean" && typeof j !== "number") {
    throw new CommandError("FailedToParse", "j must be numeric or a boolean value");
  }
  if (wtimeout !== undefined && typeof wtimeout !== "number") {
    throw new CommandError("FailedToParse", "wtimeout must be a number");
  }
  const errInfo = { writeConcern: { w, wtimeout: wtimeout ?? 0, provenance: "clientSupplied" } };
  if (w === undefined || w === "majority") return undefined;
  if (typeof w === "number") {
    if (!Number.isInteger(w) || w < 0 || w > 50) {
      throw new CommandError(
        "FailedToParse",
        "w has to be a non-negative number and not greater than 50; or a string",
      );
    }
    if (w <= 1) return undefined;
    return {
      code: 100,
      codeName: "UnsatisfiableWriteConcern",
      errmsg: "Not enough data-bearing nodes",
      errInfo,
    };
  }
  if (typeof w === "string") {
    return {
      code: 79,
      codeName: "UnknownReplWriteConcern",
      errmsg: `No write concern mode named '${w}' found in replica set configuration`,
      errInfo,
    };
  }
  throw new CommandError("FailedToParse", "w has to be a number or a string");
}

function checkReadConcern(raw: unknown): void {
  if (raw === undefined) return;
  if (!isPlainObject(raw)) throw new CommandError("FailedToParse", "readConcern must be an object");
  if (raw.level !== undefined && !READ_CONCERN_LEVELS.has(raw.level as string)) {
    throw new CommandError("FailedToParse", `${String(raw.level)} is not a valid read concern level`);
  }
  if (raw.atClusterTime !== undefined) throw unsupported("readConcern.atClusterTime");
}

/** Transaction rules MongoDB enforces per statement. */
function checkTransactionStatement(command: string, body: Doc): void {
  if (!ALLOWED_IN_TRANSACTION.has(command)) {
    throw new CommandError(
      "OperationNotSupportedInTransaction",
      `Cannot run '${command}' in a multi-document transaction.`,
    );
  }
  if (body.writeConcern !== undefined) {
    throw new CommandError("InvalidOptions", "Cannot set write concern after starting a transaction.");
  }
  if (body.readConcern !== undefined) {
    if (body.startTransaction !== true) {
      throw new CommandError(
        "InvalidOptions",
        "Only the first command in a transaction may specify a readConcern",
      );
    }
    checkReadConcern(body.readConcern);
    const level = (body.readConcern as Doc).level;
    if (level !== undefined && !["local", "majority", "snapshot"].includes(level as string)) {
      throw new CommandError(
        "InvalidOptions",
        `The readConcern level must be either 'local' (default), 'majority' or 'snapshot' in order to run in a transaction`,
      );
    }
  }
}

function errorReply(engine: Engine, command: string, error: unknown): Doc {
  if (error instanceof CommandError) return error.toReply();
  // mingo rejects malformed queries, pipelines and operators, and a bad `$regex` fails to compile:
  // the client's mistake, reported as such.
  if (error instanceof MingoError || error instanceof SyntaxError) {
    if (error.message.startsWith("Use of undefined variable"))
      return new CommandError("Location17276", error.message).toReply();
    return new CommandError("BadValue", error.message).toReply();
  }
  if (error instanceof LockWait) {
    // Only reachable from a command that writes without waiting: report it as MongoDB would a conflict.
    return new CommandError("WriteConflict", "Write conflict with an open transaction", {}, []).toReply();
  }
  // A bug here, not the client's fault. Log which command, not the message: it may quote document values.
  engine.log("embedded store command failed", {
    command,
    error: error instanceof Error ? error.name : typeof error,
  });
  const message = error instanceof Error ? error.message : String(error);
  return new CommandError("InternalError", message).toReply();
}
