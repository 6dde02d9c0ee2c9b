import { spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { createFakeLinePlatform, fakeUserId } from "../src/dev/line-platform";
import { startTestDatabase, type TestDatabase } from "./support/database";
import { testAccessToken, testChannelSecret } from "./support/harness";

const root = path.join(__dirname, "..");
const entry = path.join(root, "dist/src/main.js");

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

describe("several service processes on one port (WORKERS)", () => {
  let database: TestDatabase;
  const platform = createFakeLinePlatform({
    channelSecret: testChannelSecret,
    channelAccessToken: testAccessToken,
  });

  beforeAll(async () => {
    database = await startTestDatabase();
  });
  afterAll(async () => {
    await platform.close();
    await database.stop();
  });

  test("when WORKERS=2, then two processes serve the port, every chat is answered once, and SIGTERM stops them all", async () => {
    const lineUrl = await platform.listen(0);
    const port = await freePort();
    let output = "";
    const child = spawn(process.execPath, [entry], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: "development",
        PORT: String(port),
        WORKERS: "2",
        MONGODB_URI: database.uri,
        LINE_CHANNEL_SECRET: testChannelSecret,
        LINE_CHANNEL_ACCESS_TOKEN: testAccessToken,
        LINE_API_BASE_URL: lineUrl,
        LINE_DATA_API_BASE_URL: lineUrl,
        DATA_ENCRYPTION_KEYS: `k1:${"11".repeat(32)}`,
        DATA_ENCRYPTION_KEY_ID: "k1",
        PSEUDONYM_KEY: "22".repeat(32),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    try {
      const deadline = Date.now() + 120_000;
      while ((output.match(/"msg":"ready"/g) ?? []).length < 2) {
        if (child.exitCode !== null || Date.now() > deadline)
          throw new Error(`workers did not start:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const pids = new Set([...output.matchAll(/"pid":(\d+)/g)].map((match) => match[1]));
      expect(pids.size).toBeGreaterThanOrEqual(2);

      platform.setWebhookUrl(`http://127.0.0.1:${port}/webhook`);
      const users = Array.from({ length: 20 }, () => fakeUserId());
      for (const userId of users) {
        const delivery = await platform.sendWebhook([platform.textFrom(userId, "เมนู")]);
        expect(delivery.status).toBe(200);
      }
      const answeredAll = async () =>
        users.every((userId) => platform.deliveries().some((d) => d.to === userId));
      while (!(await answeredAll())) {
        if (Date.now() > deadline) throw new Error("not every chat was answered");
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      for (const userId of users)
        expect(platform.deliveries().filter((d) => d.to === userId)).toHaveLength(1);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    expect(output).toContain("all workers stopped");
  }, 180_000);
});
