import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ConfigError, loadConfig } from "../../src/config";
import { environmentSchema } from "../../src/config/schema";

const key = "ab".repeat(32);
const production = {
  NODE_ENV: "production",
  LINE_CHANNEL_SECRET: "secret",
  LINE_CHANNEL_ACCESS_TOKEN: "token",
  MONGODB_URI: "mongodb://db.example:27017/tipline",
  DATA_ENCRYPTION_KEYS: `k1:${key}`,
  DATA_ENCRYPTION_KEY_ID: "k1",
  PSEUDONYM_KEY: key,
  PUBLIC_BASE_URL: "https://tipline.example.go.th",
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("loadConfig", () => {
  test("when production has everything it needs, then it loads", () => {
    expect(problemsOf(production)).toEqual([]);
  });

  test.each([
    "LINE_CHANNEL_ACCESS_TOKEN",
    "MONGODB_URI",
    "DATA_ENCRYPTION_KEYS",
    "PSEUDONYM_KEY",
    "PUBLIC_BASE_URL",
  ])("when production lacks %s, then the error names it", (name) => {
    const env: Record<string, string> = { ...production };
    delete env[name];
    expect(problemsOf(env).some((problem) => problem.startsWith(name))).toBe(true);
  });

  test("when a key is the wrong length, then the error says what a key must be", () => {
    expect(problemsOf({ ...production, PSEUDONYM_KEY: "short" })).toEqual([
      "PSEUDONYM_KEY: must be 32 bytes, written as 64 hex characters or base64",
    ]);
  });

  test("when the current key id is not in the ring, then the error names the variable", () => {
    expect(problemsOf({ ...production, DATA_ENCRYPTION_KEY_ID: "k2" })[0]).toMatch(
      /^DATA_ENCRYPTION_KEY_ID:/,
    );
  });

  test("when PORT is not a number, then the error names PORT", () => {
    expect(problemsOf({ ...production, PORT: "http" })[0]).toMatch(/^PORT:/);
  });

  test("when WORKERS is above 1 in local mode, then the error says several workers need a database and LINE", () => {
    expect(problemsOf({ NODE_ENV: "development", WORKERS: "2", DATA_DIR: os.tmpdir() })).toEqual([
      "WORKERS: more than 1 needs MONGODB_URI and LINE credentials (local mode runs in one process)",
    ]);
    expect(problemsOf({ ...production, WORKERS: "4" })).toEqual([]);
  });

  test("when development has no keys, then local keys are generated once and reused", () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tipline-config-"));
    const first = loadConfig({ DATA_DIR: dataDir });
    const second = loadConfig({ DATA_DIR: dataDir });
    expect(first.localLine).toBe(true);
    expect(first.embeddedStore).toBe(true);
    expect(second.pseudonymKey.equals(first.pseudonymKey)).toBe(true);
    expect(second.line.channelSecret).toBe(first.line.channelSecret);
    expect(fs.statSync(path.join(dataDir, "local-secrets.json")).mode & 0o777).toBe(0o600);
  });

  test("when local mode is given a channel secret, then it is honoured", () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tipline-config-"));
    expect(
      loadConfig({ DATA_DIR: dataDir, LINE_CHANNEL_SECRET: "outside-tool-secret" }).line.channelSecret,
    ).toBe("outside-tool-secret");
  });

  test("when .env.example is read, then it documents exactly the variables the schema reads", () => {
    const example = fs.readFileSync(path.join(__dirname, "../../.env.example"), "utf8");
    const documented = [...example.matchAll(/^([A-Z_]+)=/gm)].map((match) => match[1]).sort();
    expect(documented).toEqual(Object.keys(environmentSchema.shape).sort());
  });
});
