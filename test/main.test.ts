import { spawn, type ChildProcess } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const root = path.join(__dirname, "..");
const entry = path.join(root, "dist/src/main.js");

/** Starts the compiled service as `npm start` does, with an empty environment apart from a data folder. */
function startLocalMode(
  dataDir: string,
  /** Runs it under `bash -c "ulimit -f <KiB>; exec node …"`: no file it writes may grow past that. */
  fileSizeLimitKiB?: number,
): {
  child: ChildProcess;
  ready: Promise<number>;
  output: () => string;
} {
  let output = "";
  const env = { PATH: process.env.PATH, DATA_DIR: dataDir, PORT: "0" };
  const child =
    fileSizeLimitKiB === undefined
      ? spawn(process.execPath, [entry], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] })
      : spawn("bash", ["-c", `ulimit -f ${fileSizeLimitKiB} && exec "$0" "$1"`, process.execPath, entry], {
          cwd: root,
          env,
          stdio: ["ignore", "pipe", "pipe"],
        });
  const ready = new Promise<number>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"port":(\d+),"localLine":true/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => reject(new Error(`exited with ${code}: ${output}`)));
  });
  return { child, ready, output: () => output };
}

describe("local mode (npm start)", () => {
  test("when started with an empty environment, then /healthz and /readyz answer 200 and SIGTERM stops it cleanly", async () => {
    expect(fs.existsSync(entry)).toBe(true); // npm test builds first
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tipline-local-"));
    const { child, ready, output } = startLocalMode(dataDir);
    try {
      const port = await ready;
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/dev/line/calls`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/dev/emulator`)).status).toBe(200);

      const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(fs.existsSync(path.join(dataDir, "local-secrets.json"))).toBe(true);
      expect(fs.existsSync(path.join(dataDir, "store.snapshot"))).toBe(true);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
      if (child.exitCode !== null && child.exitCode !== 0) console.error(output());
    }
  });

  test("when the port is already taken, then it says so in one line with the fix (set PORT), no stack trace, and exits non-zero", async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "0.0.0.0", resolve));
    const taken = (blocker.address() as net.AddressInfo).port;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tipline-taken-"));
    try {
      const child = spawn(process.execPath, [entry], {
        cwd: root,
        env: { PATH: process.env.PATH, DATA_DIR: dataDir, PORT: String(taken) },
        stdio: ["ignore", "ignore", "pipe"],
      });
      let stderr = "";
      child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));

      expect(code).not.toBe(0);
      const lines = stderr.trim().split("\n");
      expect(lines).toEqual([expect.stringContaining(`port ${taken} is already in use`)]);
      expect(lines[0]).toContain(`PORT=${taken + 1} npm start`);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  // Node ignores SIGXFSZ, so past the limit a write fails with EFBIG: a full disk, for this process only.
  const testWithBash = fs.existsSync("/bin/bash") ? test : test.skip;
  testWithBash(
    "when the embedded store cannot write its journal, then local mode says so and exits non-zero, and a restart recovers",
    async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tipline-full-"));
      const limited = startLocalMode(dataDir, 256);
      const exited = new Promise<number | null>((resolve) => limited.child.once("exit", resolve));
      try {
        const port = await limited.ready;
        const { channelSecret } = JSON.parse(
          fs.readFileSync(path.join(dataDir, "local-secrets.json"), "utf8"),
        ) as { channelSecret: string };
        // Each event is journaled (inbox, conversation, answer): the journal soon reaches the limit.
        let running = true;
        void exited.then(() => (running = false));
        for (let i = 0; running && i < 5000; i++) await sendTextEvent(port, channelSecret, `event ${i}`);

        expect(await exited).toBe(70);
        expect(limited.output()).toContain("embedded store cannot write its journal; exiting");
        expect(limited.output()).toContain("EFBIG");
      } finally {
        if (limited.child.exitCode === null) limited.child.kill("SIGKILL");
      }

      const restarted = startLocalMode(dataDir);
      try {
        const port = await restarted.ready;
        expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
        const stopped = new Promise<number | null>((resolve) => restarted.child.once("exit", resolve));
        restarted.child.kill("SIGTERM");
        expect(await stopped).toBe(0);
      } finally {
        if (restarted.child.exitCode === null) restarted.child.kill("SIGKILL");
      }
    },
    120_000,
  );
});

/** One signed text-message webhook, as LINE would send it; resolves to the status (0: no answer). */
async function sendTextEvent(port: number, channelSecret: string, text: string): Promise<number> {
  const body = JSON.stringify({
    destination: "Ulocal",
    events: [
      {
        type: "message",
        mode: "active",
        timestamp: Date.now(),
        source: { type: "user", userId: `U${randomBytes(16).toString("hex")}` },
        webhookEventId: `01TEST${randomBytes(10).toString("hex").toUpperCase()}`,
        deliveryContext: { isRedelivery: false },
        replyToken: randomBytes(16).toString("hex"),
        message: { type: "text", id: String(Date.now()), text },
      },
    ],
  });
  const signature = createHmac("sha256", channelSecret).update(body).digest("base64");
  return fetch(`http://127.0.0.1:${port}/webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-line-signature": signature },
    body,
  }).then(
    (response) => response.status,
    () => 0,
  );
}
