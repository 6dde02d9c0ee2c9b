import { parseArgs, type ParseArgsConfig } from "node:util";
import type { Writable } from "node:stream";
import mongoose, { type Connection } from "mongoose";
import { loadConfig, ConfigError, type Config } from "../../src/config";
import type { Sealer } from "../../src/crypto/sealer";
import type { Pseudonymizer } from "../../src/crypto/pseudonym";
import { ensureIndexes } from "../../src/data/database";
import { createServiceContext } from "../../src/context";
import { createLogger } from "../../src/log";
import type { NewAuditEntry } from "../../src/officers/audit";

/** What an operator script works with; tests build one on their own database. */
export interface ScriptContext {
  connection: Connection;
  config: Pick<Config, "encryption" | "pseudonymKey" | "deadlines" | "publicBaseUrl" | "port">;
  sealer: Sealer;
  pseudonym: Pseudonymizer;
  now: () => Date;
  stdout: Writable;
  stderr: Writable;
}

export type ScriptRun = (argv: string[], context: ScriptContext) => Promise<number>;

/** A mistake in the command line: printed with the usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * Connects with the service's own configuration (MONGODB_URI, keys). In local mode start the service
 * with EMBEDDED_DB_PORT set (or read the port from its "embedded store started" log line) and point
 * MONGODB_URI at mongodb://127.0.0.1:<port>/tipline.
 */
export async function openScriptContext(): Promise<ScriptContext & { close(): Promise<void> }> {
  const config = loadConfig();
  if (!config.mongodbUri) {
    throw new UsageError(
      "MONGODB_URI is not set. In local mode, start the service with EMBEDDED_DB_PORT=27999 and use MONGODB_URI=mongodb://127.0.0.1:27999/tipline",
    );
  }
  const connection = await mongoose
    .createConnection(config.mongodbUri, { autoIndex: false, serverSelectionTimeoutMS: 10_000 })
    .asPromise();
  // The service's own context, so a script's keys and pseudonyms are the ones the service uses.
  const { sealer, pseudonym, now } = createServiceContext({
    config,
    logger: createLogger({ level: config.logLevel, destination: process.stderr }),
    connection,
    instanceId: "script",
  });
  return {
    connection,
    config,
    sealer,
    pseudonym,
    now,
    stdout: process.stdout,
    stderr: process.stderr,
    close: () => connection.close(),
  };
}

/** Entry point of a compiled script: run, print problems plainly, exit with the script's code. */
export function runMain(run: ScriptRun, usage: string): void {
  const main = async () => {
    let context: Awaited<ReturnType<typeof openScriptContext>> | undefined;
    try {
      context = await openScriptContext();
      process.exitCode = await run(process.argv.slice(2), context);
    } catch (error) {
      if (error instanceof UsageError) {
        process.stderr.write(`${error.message}\n\n${usage}\n`);
        process.exitCode = 2;
      } else if (error instanceof ConfigError) {
        process.stderr.write(`${error.message}\n`);
        process.exitCode = 78;
      } else {
        process.stderr.write(`failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
      }
    } finally {
      await context?.close();
    }
  };
  void main();
}

/** node:util parseArgs with errors turned into UsageError. */
export function parseCommandLine<T extends NonNullable<ParseArgsConfig["options"]>>(
  argv: string[],
  options: T,
) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** Creates the indexes of the models a script registered, as the service does at start-up. */
export async function prepareModels(connection: Connection): Promise<void> {
  await ensureIndexes(connection);
}

export function print(stream: Writable, line: string): void {
  stream.write(`${line}\n`);
}

/**
 * Audits a revocation made from a script and tells the operator what happened; the exit code is 1
 * when nothing was revoked (unknown id, or revoked already), so shell scripts can tell.
 */
export async function reportRevocation(
  audit: { record(entry: NewAuditEntry): Promise<unknown> },
  out: (line: string) => void,
  revocation: { action: string; target: string; revoked: boolean; details: Record<string, string> },
): Promise<number> {
  const { action, target, revoked, details } = revocation;
  await audit.record({
    actor: "script",
    action,
    channel: "script",
    outcome: revoked ? "ok" : "unchanged",
    details,
  });
  out(revoked ? `revoked ${target}` : `${target} is unknown or already revoked`);
  return revoked ? 0 : 1;
}
