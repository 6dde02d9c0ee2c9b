import { ObjectId, UUID } from "bson";
import type { Doc } from "../documents";
import type { CommandContext, CommandHandler } from "./context";

/**
 * The server version whose behaviour the store implements (including 8.0's update `sort`), and
 * its wire version; the driver needs ≥ 9 (sessions) and supports up to 29.
 */
const MAX_WIRE_VERSION = 25;
const SERVER_VERSION = "8.0.0";
export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;
/**
 * The store answers as the primary of a one-member replica set. Drivers only send transactions,
 * retryable writes and `txnNumber`s to replica sets or mongos, so this is what makes the
 * production code path (sessions, `withTransaction`) run unchanged against it.
 */
const REPLICA_SET_NAME = "embedded";
/** Constant: there is only ever one primary, and SDAM must never consider it stale. */
const ELECTION_ID = new ObjectId("7fffffff0000000000000001");

function hello(context: CommandContext, legacy: boolean): Doc {
  const me = context.engine.hostAndPort;
  return {
    ...(context.body.helloOk === true ? { helloOk: true } : {}),
    ...(legacy ? { ismaster: true } : { isWritablePrimary: true }),
    secondary: false,
    setName: REPLICA_SET_NAME,
    setVersion: 1,
    electionId: ELECTION_ID,
    hosts: [me],
    primary: me,
    me,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: 48_000_000,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: context.connection.connectionId,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
    ok: 1,
  };
}

function buildInfo(): Doc {
  return {
    version: SERVER_VERSION,
    gitVersion: "embedded-store",
    versionArray: [8, 0, 0, 0],
    bits: 64,
    debug: false,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    storageEngines: ["embedded"],
    ok: 1,
  };
}

function getParameter(context: CommandContext): Doc {
  const known: Doc = { featureCompatibilityVersion: { version: "8.0" }, transactionLifetimeLimitSeconds: 60 };
  const all = context.body.getParameter === "*";
  const wanted = Object.keys(known).filter((name) => all || context.body[name] !== undefined);
  return { ...Object.fromEntries(wanted.map((name) => [name, known[name]])), ok: 1 };
}

function serverStatus(context: CommandContext): Doc {
  const { engine } = context;
  return {
    host: engine.hostAndPort,
    version: SERVER_VERSION,
    process: "mongod",
    pid: process.pid,
    uptime: Math.floor((Date.now() - engine.startedAt.getTime()) / 1000),
    uptimeMillis: Date.now() - engine.startedAt.getTime(),
    localTime: new Date(),
    connections: engine.connectionStats(),
    ok: 1,
  };
}

export const handshakeCommands: Record<string, CommandHandler> = {
  hello: (context) => hello(context, false),
  isMaster: (context) => hello(context, true),
  ismaster: (context) => hello(context, true),
  ping: () => ({ ok: 1 }),
  buildInfo,
  buildinfo: buildInfo,
  getParameter,
  serverStatus,
  connectionStatus: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 }),
  startSession: () => ({ id: { id: new UUID() }, timeoutMinutes: 30, ok: 1 }),
  endSessions: (context) => {
    const sessions = context.body.endSessions;
    context.engine.sessions.end(Array.isArray(sessions) ? sessions : []);
    return { ok: 1 };
  },
};
