/**
 * Counts the MongoDB commands a process sends, by command and collection, to see the database round
 * trips behind each event (docs/PERFORMANCE.md). Loaded into the bot by the bench:
 * `--bot-node-arg=--require=dist/scripts/bench/command-counter.js`; every 2 s (and at exit) it writes
 * `<pid>.json` to COMMAND_COUNT_DIR (default: the system's temporary directory). Never in production.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Module from "node:module";

type Command = Record<string, unknown>;
type CommandFunction = (this: unknown, ns: unknown, command: Command, ...rest: unknown[]) => unknown;

/** Commands sent so far, by key (see keyOf); read by loop-monitor for per-phase counts. */
export const counts: Record<string, number> = {};
const directory = process.env.COMMAND_COUNT_DIR ?? tmpdir();
const collectionCommands = new Set([
  "insert",
  "update",
  "delete",
  "find",
  "findAndModify",
  "distinct",
  "aggregate",
]);

/** "update conversations", "commitTransaction": a command's name, and its collection when it has one. */
function keyOf(command: Command): string {
  const name = Object.keys(command)[0] ?? "unknown";
  return collectionCommands.has(name) ? `${name} ${String(command[name])}` : name;
}

// The driver's Connection is wrapped the first time anything requires it.
const moduleWithRequire = Module as unknown as { prototype: { require: (id: string) => unknown } };
const originalRequire = moduleWithRequire.prototype.require;
let wrapped = false;
moduleWithRequire.prototype.require = function (this: unknown, id: string) {
  const loaded = originalRequire.call(this, id) as {
    Connection?: { prototype: { command: CommandFunction } };
  };
  if (!wrapped && id.endsWith("cmap/connection") && loaded.Connection) {
    wrapped = true;
    const command = loaded.Connection.prototype.command;
    loaded.Connection.prototype.command = function (ns, sent, ...rest) {
      const key = keyOf(sent);
      counts[key] = (counts[key] ?? 0) + 1;
      return command.call(this, ns, sent, ...rest);
    };
  }
  return loaded;
};

function write(): void {
  if (!wrapped) return;
  mkdirSync(directory, { recursive: true });
  writeFileSync(path.join(directory, `${process.pid}.json`), JSON.stringify(counts));
}
process.on("exit", write);
setInterval(write, 2_000).unref();
