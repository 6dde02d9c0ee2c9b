/**
 * Automated fault drills (issue 8): the bot runs as a child process against a store started apart
 * from it and the fake LINE platform, and each drill does something bad to it — kill -9, the
 * database away, LINE failing, hostile bodies — then counts events sent / acknowledged / processed /
 * lost / duplicated and the effects behind them. docs/RELIABILITY.md has the results and how to rerun.
 *
 *   npm run drills                      every drill, full size
 *   npm run drills -- --fast            the fast set, short variants (what `npm test` runs)
 *   npm run drills -- kill-campaign     one drill (names below); --fast makes it short
 *   options: --seed N (replay the same random instants), --out FILE (JSON results),
 *            --mongodb-uri mongodb://host:port (a real MongoDB instead of the embedded store)
 *
 * Exit code 0 when every drill passed, 1 when one failed, 2 for a usage error.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import type { Drill, DrillResult } from "./drill";
import { databaseAway } from "./drills/database-away";
import { hostile } from "./drills/hostile";
import { killCampaign } from "./drills/kill-campaign";
import { killConversation } from "./drills/kill-conversation";
import { killEvidence } from "./drills/kill-evidence";
import { killNotification } from "./drills/kill-notification";
import { lineOutage } from "./drills/line-outage";
import { machine, resultDetails, resultsTable } from "./report";
import { repositoryRoot } from "./world/bot";

/** In the order they run; the fast set (`--fast`) is kill-conversation, line-5xx-30s (8 s) and hostile. */
export const drills: Drill[] = [
  hostile,
  killConversation,
  killEvidence,
  killNotification,
  killCampaign,
  databaseAway(20_000, 50),
  databaseAway(70_000, 45),
  lineOutage(429, 30_000),
  lineOutage(500, 30_000),
];

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        fast: { type: "boolean", default: false },
        seed: { type: "string" },
        out: { type: "string" },
        "mongodb-uri": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(`usage: npm run drills -- [--fast] [--seed N] [--out FILE] [--mongodb-uri URI] [drill...]`);
    for (const drill of drills)
      console.log(`  ${drill.name.padEnd(20)} ${drill.fast ? "[fast] " : ""}${drill.summary}`);
    return 0;
  }
  const unknown = positionals.filter((name) => !drills.some((drill) => drill.name === name));
  if (unknown.length > 0) {
    console.error(`unknown drill(s): ${unknown.join(", ")}; see --help`);
    return 2;
  }
  const selected =
    positionals.length > 0
      ? drills.filter((drill) => positionals.includes(drill.name))
      : drills.filter((drill) => !values.fast || drill.fast);
  const seed = values.seed !== undefined ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
  const runId = new Date().toISOString().replace(/[:.]/g, "-");
  const outDir = path.join(repositoryRoot, "data", "drills", runId);
  fs.mkdirSync(outDir, { recursive: true });
  const outFile = values.out ? path.resolve(values.out) : path.join(outDir, "results.json");
  console.log(`fault drills, seed ${seed}, ${machine()}; logs in ${outDir}`);

  const results: DrillResult[] = [];
  for (const [index, drill] of selected.entries()) {
    console.log(`\n[${index + 1}/${selected.length}] ${drill.name}: ${drill.summary}`);
    try {
      const result = await drill.run({
        fast: values.fast,
        outDir,
        seed: seed + index,
        mongodbUri: values["mongodb-uri"],
        log: (line) => console.log(line),
      });
      results.push(result);
      const c = result.counts;
      console.log(
        `  ${result.passed ? "pass" : "FAIL"}: sent ${c.sent} / acknowledged ${c.acknowledged} / processed ${c.processed} / lost ${c.lost} / duplicated ${c.duplicated}`,
      );
    } catch (error) {
      // A drill that could not run is a failed drill, with its reason, and the others still run.
      console.error(
        `  drill could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      results.push(brokenResult(drill, values.fast, seed + index, error));
    }
    fs.writeFileSync(outFile, JSON.stringify({ machine: machine(), seed, results }, null, 2));
  }
  console.log(`\n${resultsTable(results)}\n\n${resultDetails(results)}\n\nJSON results: ${outFile}`);
  return results.every((result) => result.passed) ? 0 : 1;
}

function brokenResult(drill: Drill, fast: boolean, seed: number, error: unknown): DrillResult {
  const zero = { sent: 0, acknowledged: 0, processed: 0, lost: 0, duplicated: 0 };
  return {
    drill: drill.name,
    summary: drill.summary,
    passed: false,
    fast,
    seed,
    startedAt: new Date().toISOString(),
    durationMs: 0,
    counts: zero,
    events: { ...zero, unacknowledged: 0, deadLettered: 0 },
    effects: {},
    bot: {
      starts: 0,
      kills: 0,
      unexpectedExits: 0,
      unhandledRejections: 0,
      errorLines: 0,
      userIdLeaks: 0,
      errorSamples: [],
      log: "",
    },
    webhooks: { attempts: 0, byStatus: {}, max503Ms: 0, maxMs: 0 },
    lineCalls: {},
    checks: [
      { name: "the drill ran", ok: false, detail: error instanceof Error ? error.message : String(error) },
    ],
    evidence: { lostEvents: [], duplicatedEvents: [], problems: [] },
    notes: [],
  };
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
