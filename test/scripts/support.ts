import { Writable } from "node:stream";
import mongoose from "mongoose";
import { createSealer } from "../../src/crypto/sealer";
import { createPseudonymizer } from "../../src/crypto/pseudonym";
import type { ScriptContext } from "../../scripts/lib/cli";
import { startTestDatabase, type TestDatabase } from "../support/database";

export interface ScriptEnvironment {
  context: ScriptContext;
  stdout(): string;
  stderr(): string;
  clear(): void;
  stop(): Promise<void>;
}

/** What a script sees when an operator runs it, on a fresh test database, with its output captured. */
export async function startScriptEnvironment(): Promise<ScriptEnvironment> {
  const database: TestDatabase = await startTestDatabase();
  const connection = await mongoose.createConnection(database.uri).asPromise();
  let out = "";
  let err = "";
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        append(chunk.toString("utf8"));
        done();
      },
    });
  const keys = [{ id: "k1", key: Buffer.alloc(32, 1) }];
  return {
    context: {
      connection,
      config: {
        encryption: { keys, currentKeyId: "k1" },
        pseudonymKey: Buffer.alloc(32, 2),
        deadlines: { acknowledgeWithinMs: 7 * 86_400_000, feedbackWithinMs: 90 * 86_400_000 },
        port: 0,
      },
      sealer: createSealer(keys, "k1"),
      pseudonym: createPseudonymizer(Buffer.alloc(32, 2)),
      now: () => new Date(),
      stdout: sink((text) => (out += text)),
      stderr: sink((text) => (err += text)),
    },
    stdout: () => out,
    stderr: () => err,
    clear() {
      out = "";
      err = "";
    },
    async stop() {
      await connection.close();
      await database.stop();
    },
  };
}
