import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { BenchReport } from "../../scripts/bench/report";

const root = path.join(__dirname, "../..");
const script = path.join(root, "dist/scripts/bench.js");

/** Runs the compiled bench (npm test builds first) and collects its output. */
function runBench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Whether the bench works end to end, not how fast anything is: no figure is compared to a bound. */
describe("npm run bench (a very short run)", () => {
  test("when run with tiny settings, then it measures the echo baseline and the bot over every phase and writes a well-formed report", async () => {
    expect(fs.existsSync(script)).toBe(true); // npm test builds first
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tipline-bench-smoke-")), "report.json");

    const { code, stdout, stderr } = await runBench([
      ...["--runs", "1", "--rates", "10", "--seconds", "1", "--closed-seconds", "1"],
      ...["--warmup", "10", "--users", "4", "--vus", "2", "--workers", "1"],
      ...["--drain-seconds", "60", "--skip-local-rss", "--loop-monitor", "--out", out],
    ]);

    expect({ code, stderr: code === 0 ? "" : stderr }).toEqual({ code: 0, stderr: "" });
    const report = JSON.parse(fs.readFileSync(out, "utf8")) as BenchReport;
    const targets = report.runs[0]!.targets;
    expect(targets.map((target) => target.label)).toEqual(["echo", "bot ×1"]);
    for (const target of targets) {
      const measured = target.phases.filter((phase) => !phase.warmup).map((p) => `${p.traffic} ${p.key}`);
      expect(measured).toEqual([
        "new open 10/s",
        "new closed turns",
        "returning open 10/s",
        "returning closed turns",
        "new closed acks",
      ]);
      for (const phase of target.phases) {
        expect(phase.sent).toBeGreaterThan(0);
        expect(phase.processes.service?.cpuMsPerEvent).toEqual(expect.any(Number));
        expect(phase.processes.generator?.cpuMsPerEvent).toEqual(expect.any(Number));
        expect(phase.machine.loadBefore).toHaveLength(3);
        // --loop-monitor: every service process answered for the phase's window.
        expect(phase.serviceLoop?.perProcess).toHaveLength(target.processes);
        expect(phase.serviceLoop?.delayP99Ms).toEqual(expect.any(Number));
        if (target.name === "echo") expect(phase.serviceLoop?.commands).toEqual({});
        else expect(phase.serviceLoop?.commands["insert webhook_events"]).toBeGreaterThan(0);
      }
      // The bot answered through the fake LINE by reply, which is what turns are measured on.
      const replies = target.phases.reduce((sum, phase) => sum + Number(phase.fakeLine["replies"]), 0);
      expect(replies).toBeGreaterThan(0);
    }
    expect(report.store).toMatch(/embedded store|MONGODB_URI/);
    expect(report.summary.targets.map((check) => check.description)).toContain(
      "new users: closed-loop replies/s ≥ 0.6× the echo baseline",
    );
    expect(stdout).toContain("## New users");
    expect(stdout).toContain("### event-loop delay p99 / max (ms), commands per event (--loop-monitor)");
    expect(fs.readFileSync(out.replace(/\.json$/, ".md"), "utf8")).toBe(stdout);
  }, 300_000);
});
