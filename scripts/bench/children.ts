/** Starting, talking to and stopping the benchmark's processes. */
import { fork, spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";
import readline from "node:readline";

/** A forked helper (fake LINE, load generator) that answers IPC messages. */
export class Helper<Request, Reply extends { type: string }> {
  private readonly received: Reply[] = [];
  private readonly waiters: Array<{
    type: string;
    resolve: (reply: Reply) => void;
    reject: (error: Error) => void;
  }> = [];
  private exitError: Error | undefined;

  private constructor(readonly child: ChildProcess) {
    child.on("message", (message: Reply) => {
      const index = this.waiters.findIndex((waiter) => waiter.type === message.type);
      if (index >= 0) this.waiters.splice(index, 1)[0]!.resolve(message);
      else this.received.push(message);
    });
    child.once("exit", (code, signal) => {
      this.exitError = new Error(`${path.basename(String(child.spawnargs[1]))} exited (${code ?? signal})`);
      for (const waiter of this.waiters.splice(0)) waiter.reject(this.exitError);
    });
  }

  /** Forks `script` (a compiled file next to this one) and waits for its "ready" message. */
  static async start<Request, Reply extends { type: string }>(
    script: string,
    env: Record<string, string> = {},
  ): Promise<{ helper: Helper<Request, Reply>; ready: Reply }> {
    const child = fork(path.join(__dirname, script), [], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const helper = new Helper<Request, Reply>(child);
    return { helper, ready: await helper.next("ready") };
  }

  get pid(): number {
    return this.child.pid!;
  }

  send(message: Request): void {
    this.child.send(message as object);
  }

  /** The next message of this type (one that already came, or the next to come). */
  next(type: string): Promise<Reply> {
    const index = this.received.findIndex((message) => message.type === type);
    if (index >= 0) return Promise.resolve(this.received.splice(index, 1)[0]!);
    if (this.exitError) return Promise.reject(this.exitError);
    return new Promise((resolve, reject) => this.waiters.push({ type, resolve, reject }));
  }

  async ask(message: Request, replyType: string): Promise<Reply> {
    const reply = this.next(replyType);
    this.send(message);
    return reply;
  }

  async stop(stopMessage: Request): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.send(stopMessage);
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

/** Warnings and errors a service wrote (pino JSON lines at level ≥ 40), counted by message. */
export class LogCounter {
  readonly counts = new Map<string, number>();

  watch(stream: NodeJS.ReadableStream): void {
    readline.createInterface({ input: stream }).on("line", (line) => {
      let level = 0;
      let msg = line.slice(0, 120);
      try {
        const parsed = JSON.parse(line) as { level?: number; msg?: string };
        level = parsed.level ?? 0;
        msg = parsed.msg ?? msg;
      } catch {
        level = 50; // not a log line: a crash or a stack trace
      }
      if (level >= 40) this.counts.set(msg, (this.counts.get(msg) ?? 0) + 1);
    });
  }

  snapshot(): Map<string, number> {
    return new Map(this.counts);
  }

  /** What was logged since `earlier`. */
  since(earlier: Map<string, number>): Record<string, number> {
    const delta: Record<string, number> = {};
    for (const [msg, count] of this.counts) {
      const added = count - (earlier.get(msg) ?? 0);
      if (added > 0) delta[msg] = added;
    }
    return delta;
  }
}

/** A service process (the bot, the echo baseline, local mode) started from a compiled entry point. */
export interface ServiceProcess {
  child: ChildProcess;
  url: string;
  logs: LogCounter;
}

export function spawnService(
  entry: string,
  env: Record<string, string>,
  execArgv: string[] = [],
): ServiceProcess {
  const child = spawn(process.execPath, [...execArgv, entry], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs = new LogCounter();
  logs.watch(child.stdout!);
  logs.watch(child.stderr!);
  return { child, url: `http://127.0.0.1:${env.PORT}`, logs };
}

/** Polls /readyz until it answers 200 (or the process exits, or `timeoutMs` passes). */
export async function waitReady(service: ServiceProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (service.child.exitCode !== null) throw new Error(`service exited with ${service.child.exitCode}`);
    const ok = await fetch(`${service.url}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`service at ${service.url} did not become ready in ${timeoutMs / 1000} s`);
}

/** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
export async function stopProcess(child: ChildProcess, graceMs = 30_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
