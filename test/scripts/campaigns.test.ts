import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { runCampaignsCli } from "../../scripts/campaigns";
import { startAwarenessStack, type AwarenessStack } from "../awareness/support/stack";
import { campaignBody, multicastEndpoint } from "../awareness/support/fixtures";
import { testAccessToken, testChannelSecret } from "../support/harness";
import { projectRoot } from "../../src/context";
import { fakeUserId } from "../../src/dev/line-platform";
import { lineDay } from "../../src/awareness/aggregation-units";

let stack: AwarenessStack;
let folder: string;

beforeAll(async () => {
  stack = await startAwarenessStack();
  folder = fs.mkdtempSync(path.join(os.tmpdir(), "campaigns-cli-"));
}, 180_000);

afterAll(async () => {
  await stack.stop();
  fs.rmSync(folder, { recursive: true, force: true });
});

/** Runs the CLI in-process with the service's environment (same keys, same database, the fake LINE). */
async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCampaignsCli(argv, {
    stdout: (line) => out.push(line),
    stderr: (line) => err.push(line),
    progressEveryMs: 5,
    env: {
      NODE_ENV: "test",
      LOG_LEVEL: "silent",
      LINE_CHANNEL_SECRET: testChannelSecret,
      LINE_CHANNEL_ACCESS_TOKEN: testAccessToken,
      LINE_API_BASE_URL: stack.config.line.apiBaseUrl,
      LINE_DATA_API_BASE_URL: stack.config.line.dataApiBaseUrl,
      MONGODB_URI: stack.database.uri,
      DATA_ENCRYPTION_KEYS: `k1:${"11".repeat(32)}`,
      DATA_ENCRYPTION_KEY_ID: "k1",
      PSEUDONYM_KEY: "22".repeat(32),
    },
  });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

function campaignFile(name: string, body: unknown): string {
  const file = path.join(folder, name);
  fs.writeFileSync(file, JSON.stringify(body));
  return file;
}

test("when a campaign file breaks LINE's limits, then the CLI refuses it with a message naming the field", async () => {
  const file = campaignFile(
    "bad.json",
    campaignBody({ content: { th: [{ type: "text", text: "ก".repeat(5_001) }] } }),
  );

  const result = await cli("import", file);

  expect(result.code).toBe(65);
  expect(result.err).toContain("content.th[0].text");
  expect(result.err).toContain("bad.json");
});

test("when a campaign file is not JSON, then the CLI says which file", async () => {
  const file = path.join(folder, "broken.json");
  fs.writeFileSync(file, "{ not json");

  const result = await cli("validate", file);

  expect(result.code).toBe(65);
  expect(result.err).toContain("broken.json");
});

test("when the starter content folder is validated, then every file passes", async () => {
  const result = await cli("validate", path.join(projectRoot, "scripts", "content"));

  expect(result.code).toBe(0);
  expect(result.out.split("\n").length).toBeGreaterThanOrEqual(8);
});

test("when a campaign is imported, scheduled and listed, then the list shows it scheduled with its next run", async () => {
  const at = new Date(Date.now() + 7 * 86_400_000);
  const file = campaignFile(
    "cli-campaign.json",
    campaignBody({ id: "cli-campaign", schedule: { at: at.toISOString() } }),
  );

  expect((await cli("import", file)).out).toBe("created  cli-campaign");
  expect((await cli("import", file)).out).toBe("updated  cli-campaign");
  expect((await cli("schedule", "cli-campaign")).code).toBe(0);
  const list = await cli("list", "--status", "scheduled");

  expect(list.out).toMatch(/^cli-campaign\s+scheduled\s+next \d{4}-\d{2}-\d{2} \d{2}:\d{2}/m);
  expect((await cli("pause", "cli-campaign")).out).toBe("cli-campaign: paused");
});

test("when a campaign is delivered from the CLI, then progress lines go to stderr and the counts to stdout", async () => {
  await stack.seedSubscribers(1_200, { topics: ["officials"] });
  campaignFile("deliver.json", campaignBody({ id: "cli-deliver", topics: ["officials"] }));
  await cli("import", path.join(folder, "deliver.json"));

  const result = await cli("deliver", "cli-deliver", "--ignore-quiet-hours");

  expect(result.code).toBe(0);
  expect(result.err).toContain("delivering cli-deliver@");
  expect(result.err).toMatch(/1200\/1200 \(100%\)\s+sent 1200/);
  expect(result.out).toMatch(/done; eligible 1200, sent 1200, failed 0, skipped 0/);
  expect(stack.platform.calls({ endpoint: multicastEndpoint }).length).toBeGreaterThanOrEqual(3);
  const before = await cli("stats", "cli-deliver", "--locale", "en");
  expect(before.out).toMatch(
    /unit cli_deliver {2}recipients 1200 {2}delivered 1200 {2}opened not read from LINE yet/,
  );
});

test("when the reach job has read LINE's figures, then stats prints the fake platform's per-unit figures for the run and the campaign", async () => {
  await stack.seedSubscribers(600, { topics: ["news"] });
  await cli("import", campaignFile("reach.json", campaignBody({ id: "cli-reach", topics: ["news"] })));
  const sentAt = new Date();
  expect((await cli("deliver", "cli-reach", "--ignore-quiet-hours")).code).toBe(0);
  stack.clock.advance(3 * 86_400_000);
  await stack.awareness.reach.runOnce(stack.clock.now());
  const query = new URLSearchParams({
    customAggregationUnit: "cli_reach",
    from: lineDay(sentAt),
    to: lineDay(stack.clock.now()),
  });
  const line = await fetch(
    `${stack.config.line.apiBaseUrl}/v2/bot/insight/message/event/aggregation?${query.toString()}`,
    { headers: { authorization: `Bearer ${testAccessToken}` } },
  );
  const { overview } = (await line.json()) as { overview: { uniqueImpression: number; uniqueClick: number } };

  const stats = await cli("stats", "cli-reach", "--locale", "en");

  expect(stats.code).toBe(0);
  const [run, campaign] = stats.out.split("\n");
  expect(run).toContain(
    `unit cli_reach  recipients 600  delivered 600  opened ${overview.uniqueImpression}  clicked ${overview.uniqueClick}`,
  );
  expect(campaign).toContain(
    `campaign cli-reach: 1 runs, recipients 600, delivered 600, opened ${overview.uniqueImpression}  clicked ${overview.uniqueClick}`,
  );
  expect((await cli("stats", "cli-reach", "--locale", "de")).code).toBe(2);
});

test("when a preview is sent to a LINE user id, then it is pushed to that user and the id is not printed", async () => {
  await cli("import", campaignFile("preview.json", campaignBody({ id: "cli-preview" })));
  const tester = fakeUserId();

  const result = await cli("preview", "cli-preview", "--user", tester);

  expect(result.code).toBe(0);
  expect(result.out).not.toContain(tester);
  expect(stack.platform.deliveries().at(-1)).toMatchObject({ to: tester, via: "push" });
});

test("when a command is unknown or an id is missing, then the usage is shown with exit code 2", async () => {
  expect((await cli("explode")).code).toBe(2);
  expect((await cli("pause")).code).toBe(2);
  expect((await cli("show", "no-such-campaign")).code).toBe(1);
});
