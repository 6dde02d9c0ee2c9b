import { execFile, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const root = path.join(__dirname, "../../..");
const entry = path.join(root, "dist/src/main.js");

export interface LocalMode {
  url: string;
  dataDir: string;
  storePort: number;
  /** Everything the service printed, for a failure's message. */
  output(): string;
  /** Runs a compiled operator script against this local mode's store, as the README says. */
  script(name: string, args: string[]): Promise<string>;
  stop(): Promise<void>;
}

/**
 * `npm start`'s path: the compiled service with an empty environment but a data folder and a free
 * port, so it starts the embedded store and the fake LINE platform and sets the rich menus.
 */
export async function startLocalMode(
  timeoutMs = 120_000,
  /** A data folder the caller owns (kept at stop), e.g. to start again on the same data. */
  options: { dataDir?: string } = {},
): Promise<LocalMode> {
  if (!fs.existsSync(entry))
    throw new Error(`${entry} is missing: run "npm run build" first (npm test does)`);
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "tipline-browser-"));
  let output = "";
  const child: ChildProcess = spawn(process.execPath, [entry], {
    cwd: root,
    env: { PATH: process.env.PATH, DATA_DIR: dataDir, PORT: "0", LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const started = new Promise<{ port: number; storePort: number }>((resolve, reject) => {
    let storePort: number | undefined;
    const timer = setTimeout(
      () => reject(new Error(`local mode not ready in ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    let pending = ""; // a chunk may end inside a line
    child.stdout!.on("data", (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      const lines = (pending + text).split("\n");
      pending = lines.pop()!;
      for (const line of lines) {
        if (!line.startsWith("{")) continue;
        const record = JSON.parse(line) as { msg?: string; port?: number };
        if (record.msg?.startsWith("embedded store started")) storePort = record.port;
        if (record.msg === "ready" && record.port && storePort) {
          clearTimeout(timer);
          resolve({ port: record.port, storePort });
        }
      }
    });
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`local mode exited with ${code}:\n${output}`));
    });
  });
  const { port, storePort } = await started;
  return {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    storePort,
    output: () => output,
    async script(name, args) {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [path.join(root, "dist/scripts", `${name}.js`), ...args],
        {
          cwd: root,
          env: {
            PATH: process.env.PATH,
            DATA_DIR: dataDir,
            MONGODB_URI: `mongodb://127.0.0.1:${storePort}/tipline`,
          },
        },
      );
      return stdout;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
      if (!options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
