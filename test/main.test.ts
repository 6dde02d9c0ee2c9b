import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const root = path.join(__dirname, "..");
const entry = path.join(root, "dist/src/main.js");

/** Starts the compiled service as `npm start` does, with an empty environment apart from a data folder. */
function startLocalMode(dataDir: string): {
  child: ChildProcess;
  ready: Promise<number>;
  output: () => string;
} {
  let output = "";
  const child = spawn(process.execPath, [entry], {
    cwd: root,
    env: { PATH: process.env.PATH, DATA_DIR: dataDir, PORT: "0" },
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
});
