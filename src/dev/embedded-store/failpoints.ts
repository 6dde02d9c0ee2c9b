import type { Doc } from "./documents";
import { CommandError } from "./errors";

/**
 * MongoDB's `failCommand` fail point (`configureFailPoint`, a test command of mongod started with
 * `enableTestCommands=1`), so fault-injection tests run unchanged against the store and against a
 * real MongoDB: make the next N `update`s on a namespace fail with a code, or drop the connection.
 * Supported `data`: failCommands (required), errorCode, errorLabels, closeConnection, namespace
 * ("db.collection"), appName. Modes: "alwaysOn", "off", {times: n}, {skip: n}.
 */
export class FailPoints {
  private failCommand: ActiveFailPoint | undefined;
  private entered = 0;

  configure(body: Doc): Doc {
    if (body.configureFailPoint !== "failCommand") {
      throw new CommandError("BadValue", `unknown fail point: ${String(body.configureFailPoint)}`);
    }
    const mode = body.mode;
    const count = this.entered;
    if (mode === "off") {
      this.failCommand = undefined;
      return { count, ok: 1 };
    }
    const data = (body.data ?? {}) as Doc;
    const commands = data.failCommands;
    if (!Array.isArray(commands) || !commands.every((name) => typeof name === "string")) {
      throw new CommandError("BadValue", "failCommand requires data.failCommands: an array of command names");
    }
    let remaining = Number.POSITIVE_INFINITY;
    let skip = 0;
    if (mode === "alwaysOn") remaining = Number.POSITIVE_INFINITY;
    else if (isDoc(mode) && typeof mode.times === "number") remaining = mode.times;
    else if (isDoc(mode) && typeof mode.skip === "number") skip = mode.skip;
    else throw new CommandError("BadValue", 'mode must be "alwaysOn", "off", {times: n} or {skip: n}');
    this.failCommand = {
      commands: new Set(commands as string[]),
      remaining,
      skip,
      errorCode: typeof data.errorCode === "number" ? data.errorCode : undefined,
      errorLabels: Array.isArray(data.errorLabels) ? (data.errorLabels as string[]) : undefined,
      closeConnection: data.closeConnection === true,
      namespace: typeof data.namespace === "string" ? data.namespace : undefined,
      appName: typeof data.appName === "string" ? data.appName : undefined,
    };
    this.entered = 0;
    return { count, ok: 1 };
  }

  /** What the fail point does to this command, if anything. */
  check(command: string, db: string, body: Doc, appName: string | undefined): FailPointEffect | undefined {
    const point = this.failCommand;
    if (!point || !point.commands.has(command)) return undefined;
    if (point.appName !== undefined && point.appName !== appName) return undefined;
    if (point.namespace !== undefined && point.namespace !== `${db}.${String(body[command])}`)
      return undefined;
    if (point.skip > 0) {
      point.skip--;
      return undefined;
    }
    if (point.remaining <= 0) return undefined;
    point.remaining--;
    this.entered++;
    if (point.remaining <= 0) this.failCommand = undefined;
    if (point.closeConnection) return { kind: "close" };
    if (point.errorCode === undefined) return undefined;
    const reply: Doc = {
      ok: 0,
      errmsg: `Failing command ${command} via 'failCommand' failpoint`,
      code: point.errorCode,
      ...(point.errorLabels && { errorLabels: point.errorLabels }),
    };
    return { kind: "error", reply };
  }
}

export type FailPointEffect = { kind: "close" } | { kind: "error"; reply: Doc };

/** Thrown to the TCP layer: hang up on this client, as mongod does for `closeConnection`. */
export class CloseConnectionSignal extends Error {
  constructor() {
    super("connection closed by the failCommand fail point");
    this.name = "CloseConnectionSignal";
  }
}

interface ActiveFailPoint {
  commands: Set<string>;
  remaining: number;
  skip: number;
  errorCode?: number;
  errorLabels?: string[];
  closeConnection: boolean;
  namespace?: string;
  appName?: string;
}

function isDoc(value: unknown): value is Doc {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
