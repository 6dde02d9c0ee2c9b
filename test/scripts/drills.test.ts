import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const root = path.join(__dirname, "../..");
const entry = path.join(root, "dist/scripts/drills/index.js");

interface DrillResult {
  drill: string;
  counts: { sent: number; acknowledged: number; processed: number; lost: number; duplicated: number };
  events: { unacknowledged: number };
  bot: { kills: number; unexpectedExits: number; unhandledRejections: number; userIdLeaks: number };
  checks: Array<{ name: string; ok: boolean; detail?: string; speed?: boolean }>;
}

/**
 * The fast fault drills (one kill mid-conversation, a short LINE outage, the hostile corpus), run
 * exactly as `npm run drills -- --fast` runs them: the compiled bot in a child process. Counts only:
 * checks that depend on the machine's speed (LINE's 2-second timeout) are reported by the drills,
 * never asserted here.
 */
describe("fault drills (fast set)", () => {
  let results: DrillResult[] = [];
  let output = "";

  beforeAll(async () => {
    expect(fs.existsSync(entry)).toBe(true); // npm test builds first
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tipline-drills-")), "results.json");
    const child = spawn(process.execPath, [entry, "--fast", "--out", out], {
      cwd: root,
      env: { PATH: process.env.PATH },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    await new Promise<void>((resolve) => child.once("exit", () => resolve()));
    if (fs.existsSync(out))
      results = (JSON.parse(fs.readFileSync(out, "utf8")) as { results: DrillResult[] }).results;
  }, 900_000); // a generous deadline: CI machines are shared and sometimes heavily loaded

  test.each(["hostile", "kill-conversation", "line-5xx-30s"])(
    "when the %s drill runs, then nothing is lost or duplicated and the bot stays up",
    (name) => {
      const result = results.find((candidate) => candidate.drill === name);
      if (!result) throw new Error(`no result for ${name}:\n${output}`);
      const failed = result.checks.filter((check) => !check.ok && !check.speed);
      if (failed.length > 0) console.error(output); // the drills' own report says what happened
      expect({ drill: name, failed }).toEqual({ drill: name, failed: [] });
      expect(result.counts.sent).toBeGreaterThan(0);
      expect(result.counts.lost).toBe(0);
      expect(result.counts.duplicated).toBe(0);
      expect(result.bot.unexpectedExits).toBe(0);
      expect(result.bot.unhandledRejections).toBe(0);
      expect(result.bot.userIdLeaks).toBe(0);
      if (name === "kill-conversation") expect(result.bot.kills).toBe(1);
    },
  );
});
