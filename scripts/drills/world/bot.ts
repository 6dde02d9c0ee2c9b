import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";

/** The repository root, from dist/scripts/drills/world (or scripts/drills/world under ts-node tools). */
export const repositoryRoot = path.resolve(
  __dirname,
  __dirname.includes(`${path.sep}dist${path.sep}`) ? "../../../.." : "../../..",
);

/** What the bot's own log said, counted while it ran (the log itself is in `logFile`). */
export interface BotLogStats {
  lines: number;
  /** Lines at error level or above. */
  errors: number;
  /** process.on("unhandledRejection") fired: a bug at its source even though the process lived. */
  unhandledRejections: number;
  /** Lines that contain a LINE user id: the logs must never name a reporter. */
  userIdLeaks: number;
  /** Up to a few error messages (the `msg` field only), for the report. */
  errorSamples: string[];
}

export interface BotExit {
  at: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** We sent SIGKILL (a drill's crash) or SIGTERM (the end): any other exit is the bot falling over. */
  deliberate: boolean;
}

const userIdPattern = /U[0-9a-f]{32}/;

/**
 * The bot as production runs it: `node dist/src/main.js` in a process of its own, configured only
 * through its environment, so `kill -9` is a real crash and a restart a real start-up.
 */
export class BotProcess {
  private child: ChildProcess | undefined;
  private expectingExit = false;
  private readonly log: fs.WriteStream;
  readonly exits: BotExit[] = [];
  readonly stats: BotLogStats = {
    lines: 0,
    errors: 0,
    unhandledRejections: 0,
    userIdLeaks: 0,
    errorSamples: [],
  };
  starts = 0;
  kills = 0;
  /** From each kill to the next "ready": when LINE's refused connections are expected. */
  readonly downtimes: Array<{ from: number; to?: number }> = [];

  constructor(
    private readonly env: Record<string, string>,
    readonly port: number,
    readonly logFile: string,
  ) {
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    this.log = fs.createWriteStream(logFile, { flags: "a" });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Exits nobody asked for (a crash of the bot itself). */
  get unexpectedExits(): BotExit[] {
    return this.exits.filter((exit) => !exit.deliberate);
  }

  /** Starts the bot and resolves once it logged "ready"; rejects if it exits first or takes too long. */
  async start(readyWithinMs = 120_000): Promise<void> {
    if (this.running) throw new Error("the bot is already running");
    this.starts++;
    this.expectingExit = false;
    const child = spawn(process.execPath, [path.join(repositoryRoot, "dist/src/main.js")], {
      // Not the repository: a developer's .env there must not change the drill's configuration.
      cwd: path.dirname(this.logFile),
      env: this.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    this.log.write(`--- start ${this.starts} at ${new Date().toISOString()} (pid ${child.pid})\n`);
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the bot was not ready within ${readyWithinMs} ms`)),
        readyWithinMs,
      );
      readline.createInterface({ input: child.stdout! }).on("line", (line) => {
        if (this.scan(line)) {
          clearTimeout(timer);
          const down = this.downtimes.at(-1);
          if (down && down.to === undefined) down.to = Date.now();
          resolve();
        }
      });
      child.stderr!.on("data", (chunk: Buffer) => this.log.write(chunk));
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        this.exits.push({ at: new Date().toISOString(), code, signal, deliberate: this.expectingExit });
        this.log.write(`--- exit code ${code} signal ${signal}\n`);
        reject(new Error(`the bot exited (code ${code}, signal ${signal}) before it was ready`));
      });
    });
    await ready;
  }

  /** A crash: SIGKILL, no shutdown code runs. Resolves once the process is gone. */
  async kill9(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    this.kills++;
    this.expectingExit = true;
    this.log.write(`--- kill -9 at ${new Date().toISOString()}\n`);
    this.downtimes.push({ from: Date.now() });
    const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGKILL");
    await gone;
  }

  /** The normal end: SIGTERM and the bot's own graceful shutdown. Returns its exit code. */
  async stop(): Promise<number | null> {
    const child = this.child;
    if (!child || !this.running) return child?.exitCode ?? null;
    this.expectingExit = true;
    const gone = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    const killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    const code = await gone;
    clearTimeout(killer);
    return code;
  }

  async close(): Promise<void> {
    await this.stop();
    await new Promise<void>((resolve) => this.log.end(() => resolve()));
  }

  /** Counts what matters in one log line; true for the "ready" line. */
  private scan(line: string): boolean {
    this.log.write(`${line}\n`);
    this.stats.lines++;
    if (userIdPattern.test(line)) this.stats.userIdLeaks++;
    let entry: { level?: number; msg?: string };
    try {
      entry = JSON.parse(line) as { level?: number; msg?: string };
    } catch {
      return false; // not a log line (pino writes one JSON object per line)
    }
    if ((entry.level ?? 0) >= 50) {
      this.stats.errors++;
      if (this.stats.errorSamples.length < 10 && entry.msg && !this.stats.errorSamples.includes(entry.msg))
        this.stats.errorSamples.push(entry.msg);
    }
    if (entry.msg?.startsWith("unhandled promise rejection")) this.stats.unhandledRejections++;
    return entry.msg === "ready";
  }
}
