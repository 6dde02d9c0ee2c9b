/**
 * The benchmark's load generator, in a process of its own (forked by scripts/bench.ts), made to be
 * cheap so that it is never what limits a measurement: node:http over keep-alive connections,
 * bodies built and signed before a phase starts, no per-event allocation beyond the request.
 *
 * A phase is one of:
 * - open loop: `rate` events per second on a fixed schedule, whatever the answers; latencies count
 *   from the scheduled time, so a stalled service is not excused by sending later;
 * - closed loop, turns: `vus` virtual users, each sending its next message when the reply to the
 *   previous one reached the fake LINE (or after 10 s without one): turn throughput;
 * - closed loop, acks: each virtual user sends its next message when the previous one was
 *   acknowledged: how fast the service takes events in, whether or not it keeps up processing them.
 *
 * LINE gives up on a webhook after 2 seconds; so does this generator (the error "timeout (2 s)").
 * Replies are matched to events by reply token through the fake LINE's feed (scripts/bench/fake-line.ts).
 */
import http from "node:http";
import net from "node:net";
import {
  newUserId,
  newUserText,
  parseReplyToken,
  replyTokenFor,
  returningUserId,
  returningUserScript,
  textWebhook,
  type SignedWebhook,
  type TrafficKind,
} from "./traffic";
import { percentile, round } from "./stats";

export interface PhasePlan {
  /** Goes into every reply token of the phase. */
  id: number;
  mode: "open" | "closed-turn" | "closed-ack";
  traffic: TrafficKind;
  webhookUrl: string;
  seconds: number;
  /** Open loop: events per second. */
  rate?: number;
  /** Closed loop: virtual users. */
  vus?: number;
  /** Closed loop: bodies signed in advance, as if it ran at this many events per second. */
  presignRate?: number;
  /** The longest to wait, after the window, for replies still owed. */
  drainMs: number;
}

export interface Latency {
  p50: number | null;
  p99: number | null;
  max: number | null;
}

export interface PhaseResult {
  mode: PhasePlan["mode"];
  traffic: TrafficKind;
  rate: number | null;
  vus: number | null;
  windowSeconds: number;
  sent: number;
  acked: number;
  /** Why webhooks were not acknowledged with 200: "status 503", "timeout (2 s)", "ECONNRESET", ... */
  ackErrors: Record<string, number>;
  /** Acknowledgements and replies that came within the window, per second of it. */
  acksPerSecond: number;
  repliesPerSecond: number;
  /** Replies received by the end of the drain, for events of this phase. */
  replies: number;
  ackMs: Latency;
  turnMs: Latency;
  /** Open loop: how late the generator sent, p99 (a busy generator shows here first). */
  sendLagP99Ms: number | null;
  /** Acknowledged events whose reply never came (by the end of the drain). */
  unanswered: number;
  duplicateReplies: number;
  /** Replies to events of earlier phases that arrived during this one. */
  strayReplies: number;
  /** From the end of the window until the last reply owed arrived (or the drain gave up). */
  drainSeconds: number;
  drained: boolean;
  /** Closed loop: events signed on the fly because the pre-signed ones ran out. */
  signedOnTheFly: number;
  /** Returning users: the most messages one user sent in this phase (the bot limits 30 a minute). */
  mostMessagesFromOneUser: number;
}

export type GeneratorRequest =
  | { type: "connect"; feedPort: number; secret: string; destination: string }
  | { type: "users"; salt: string; count: number }
  | { type: "prepare"; plan: PhasePlan }
  | { type: "stop" };

export type GeneratorReply =
  | { type: "ready" }
  | { type: "connected" }
  | { type: "users-set" }
  | { type: "prepared"; startAt: number }
  | { type: "window-ended"; at: number }
  | { type: "result"; result: PhaseResult };

const ACK_TIMEOUT_MS = 2_000;
const TURN_TIMEOUT_MS = 10_000;
/** Time between "prepared" and the first send: room for the bench to take its before-snapshot. */
const START_LEAD_MS = 500;
/** A drain that saw no reply for this long while replies are owed has stalled: give up early. */
const DRAIN_STALL_MS = 20_000;
/** Once nothing is owed, the drain ends after this long without a reply of the phase. */
const SETTLE_MS = 1_000;
const ACK_ERROR = -1;
const ACK_TIMEOUT = -2;

function wallMs(): number {
  return performance.timeOrigin + performance.now();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Events of one phase, by sequence number (the number in their reply token). */
class PhaseRecord {
  scheduledAt: Float64Array;
  sentAt: Float64Array;
  ackAt: Float64Array;
  replyAt: Float64Array;
  status: Int16Array;
  user: Int32Array;
  /** One past the highest sequence number used; numbers below it may be unused (sentAt 0). */
  count = 0;
  readonly ackErrors = new Map<string, number>();
  duplicateReplies = 0;
  strayReplies = 0;
  signedOnTheFly = 0;

  constructor(capacity: number) {
    this.scheduledAt = new Float64Array(capacity);
    this.sentAt = new Float64Array(capacity);
    this.ackAt = new Float64Array(capacity);
    this.replyAt = new Float64Array(capacity);
    this.status = new Int16Array(capacity);
    this.user = new Int32Array(capacity).fill(-1);
  }

  /** Makes room for `seq`, growing the arrays when a closed loop outruns the estimate. */
  use(seq: number): void {
    while (seq >= this.sentAt.length) {
      const grow = <T extends Float64Array | Int16Array | Int32Array>(array: T, fill = 0): T => {
        const bigger = new (array.constructor as new (n: number) => T)(array.length * 2);
        bigger.fill(fill as never);
        bigger.set(array as never);
        return bigger;
      };
      this.scheduledAt = grow(this.scheduledAt);
      this.sentAt = grow(this.sentAt);
      this.ackAt = grow(this.ackAt);
      this.replyAt = grow(this.replyAt);
      this.status = grow(this.status);
      this.user = grow(this.user, -1);
    }
    this.count = Math.max(this.count, seq + 1);
  }
}

/** A signed webhook ready to go, and (returning users) whose message and which answer it is. */
interface Pending {
  hook: SignedWebhook;
  user: number;
  step: number;
}

class Generator {
  private secret = "";
  private destination = "";
  /**
   * FIFO: each request goes on the connection idle the longest, so every open connection keeps being
   * used. node's default (LIFO) reuses the one freed last, and with few requests in flight a closed
   * loop kept sending on the same few connections — which node's cluster may all have handed to one
   * worker, leaving the other idle in the ×2 figures (docs/PERFORMANCE.md, fourth session).
   */
  private readonly agent = new http.Agent({
    keepAlive: true,
    maxSockets: 512,
    timeout: 30_000,
    scheduling: "fifo",
  });
  private feedBuffer = "";
  private messageId = 700_000_000_000_000_000n;

  private positions = new Int32Array(0);
  private userIds: string[] = [];
  /** Next returning user for open-loop traffic: users take turns evenly across phases. */
  private cursor = 0;

  private phaseId = -1;
  private record = new PhaseRecord(1);
  private readonly inFlight = new Map<number, { sentAt: number; expire: () => void }>();
  /** Closed loop, turns: the virtual user waiting for this event's reply. */
  private readonly waiting = new Map<number, () => void>();
  private lastReplyAt = 0;

  constructor(private readonly send: (reply: GeneratorReply) => void) {
    setInterval(() => this.expireAcks(), 50).unref();
  }

  async connect(feedPort: number, secret: string, destination: string): Promise<void> {
    this.secret = secret;
    this.destination = destination;
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect(feedPort, "127.0.0.1", resolve);
      socket.setNoDelay(true);
      socket.setEncoding("utf8");
      socket.on("data", (chunk: string) => this.onFeed(chunk));
      socket.once("error", reject);
    });
  }

  setUsers(salt: string, count: number): void {
    this.positions = new Int32Array(count);
    this.userIds = Array.from({ length: count }, (_, i) => returningUserId(salt, i));
    this.cursor = 0;
  }

  async run(plan: PhasePlan): Promise<void> {
    if (plan.traffic === "returning" && this.userIds.length === 0) throw new Error("no returning users set");
    const url = new URL(plan.webhookUrl);
    const target = { hostname: url.hostname, port: Number(url.port), path: url.pathname };
    const count =
      plan.mode === "open"
        ? Math.ceil(plan.rate! * plan.seconds)
        : Math.ceil((plan.presignRate ?? 2_000) * plan.seconds);
    this.phaseId = plan.id;
    this.record = new PhaseRecord(Math.max(16, count));
    this.waiting.clear();

    // Event timestamps: the planned send times (open loop) or the phase's start (closed loops).
    // Signing takes ~15 µs an event; the estimate keeps timestamps close to the real start.
    const plannedStart = wallMs() + START_LEAD_MS + count * 0.03;
    const lists =
      plan.mode === "closed-turn"
        ? this.presignPerVirtualUser(plan, count, plannedStart)
        : [this.presignQueue(plan, count, plannedStart)];
    const startAt = Math.max(plannedStart, wallMs() + START_LEAD_MS);
    this.send({ type: "prepared", startAt });
    await sleep(startAt - wallMs());

    const windowEnd = startAt + plan.seconds * 1000;
    if (plan.mode === "open") await this.openLoop(plan, target, lists[0]!, startAt);
    else if (plan.mode === "closed-ack") await this.closedAck(plan, target, lists[0]!, windowEnd);
    else await this.closedTurn(plan, target, lists, windowEnd);
    const endedAt = Math.max(windowEnd, wallMs());
    this.send({ type: "window-ended", at: endedAt });

    const drainedAt = await this.drain(plan.drainMs);
    this.send({ type: "result", result: this.summarize(plan, startAt, endedAt, drainedAt) });
  }

  /** Events in sending order, sequence number = position (open loop, and closed-loop acks). */
  private presignQueue(plan: PhasePlan, count: number, startAt: number): Pending[] {
    const queue: Pending[] = [];
    const steps = new Map<number, number>();
    for (let seq = 0; seq < count; seq++) {
      const timestamp = plan.mode === "open" ? startAt + (seq * 1000) / plan.rate! : startAt;
      if (plan.traffic === "new" || plan.mode === "closed-ack") {
        queue.push(this.pendingFor(-1, -1, plan.id, seq, timestamp));
        continue;
      }
      const user = (this.cursor + seq) % this.userIds.length;
      const step = steps.get(user) ?? this.positions[user]!;
      steps.set(user, step + 1);
      queue.push(this.pendingFor(user, step, plan.id, seq, timestamp));
    }
    if (plan.traffic === "returning" && plan.mode === "open") this.cursor += count;
    return queue;
  }

  /**
   * Closed loop, turns: virtual user v owns returning users v, v + vus, v + 2 × vus, ... and writes
   * to them in turn, so no user has two messages in flight and each one's answers stay in order.
   * Its k-th event has sequence number v × perVu + k.
   */
  private presignPerVirtualUser(plan: PhasePlan, count: number, startAt: number): Pending[][] {
    const vus = plan.vus!;
    if (plan.traffic === "returning" && this.userIds.length < vus)
      throw new Error(`${vus} virtual users need at least as many returning users`);
    const perVu = Math.ceil(count / vus);
    return Array.from({ length: vus }, (_, v) => {
      const list: Pending[] = [];
      const steps = new Map<number, number>();
      const owned = ownedUsers(v, vus, this.userIds.length);
      for (let k = 0; k < perVu; k++) {
        const seq = v * perVu + k;
        if (plan.traffic === "new") {
          list.push(this.pendingFor(-1, -1, plan.id, seq, startAt));
          continue;
        }
        const user = owned[k % owned.length]!;
        const step = steps.get(user) ?? this.positions[user]!;
        steps.set(user, step + 1);
        list.push(this.pendingFor(user, step, plan.id, seq, startAt));
      }
      return list;
    });
  }

  /** A signed message: from a new user (user -1), or returning user `user`'s answer number `step`. */
  private pendingFor(user: number, step: number, phase: number, seq: number, timestamp: number): Pending {
    this.messageId += 1n;
    const hook = textWebhook({
      secret: this.secret,
      destination: this.destination,
      userId: user < 0 ? newUserId() : this.userIds[user]!,
      text: user < 0 ? newUserText : scriptText(step),
      replyToken: replyTokenFor(phase, seq),
      timestamp: Math.round(timestamp),
      messageId: this.messageId.toString(),
    });
    return { hook, user, step };
  }

  private async openLoop(plan: PhasePlan, target: Target, queue: Pending[], startAt: number): Promise<void> {
    const interval = 1000 / plan.rate!;
    let seq = 0;
    while (seq < queue.length) {
      const now = wallMs();
      while (seq < queue.length && startAt + seq * interval <= now) {
        this.post(target, seq, queue[seq]!, startAt + seq * interval);
        seq++;
      }
      if (seq < queue.length) await sleep(startAt + seq * interval - wallMs());
    }
  }

  private async closedAck(
    plan: PhasePlan,
    target: Target,
    queue: Pending[],
    windowEnd: number,
  ): Promise<void> {
    let next = 0;
    const virtualUser = async () => {
      while (wallMs() < windowEnd) {
        const seq = next++;
        const pending = queue[seq] ?? this.onTheFly(-1, -1, plan.id, seq);
        await new Promise<boolean>((resolve) => this.post(target, seq, pending, wallMs(), resolve));
      }
    };
    await Promise.all(Array.from({ length: plan.vus! }, virtualUser));
  }

  private async closedTurn(
    plan: PhasePlan,
    target: Target,
    lists: Pending[][],
    windowEnd: number,
  ): Promise<void> {
    const vus = lists.length;
    const perVu = lists[0]!.length;
    let overflow = vus * perVu;
    const virtualUser = async (list: Pending[], v: number) => {
      const owned = ownedUsers(v, vus, this.userIds.length);
      for (let k = 0; wallMs() < windowEnd; k++) {
        let seq: number;
        let pending: Pending;
        if (k < list.length) {
          seq = v * perVu + k;
          pending = list[k]!;
        } else {
          // The service outran presignRate: continue the pattern, signing now.
          seq = overflow++;
          const user = plan.traffic === "new" ? -1 : owned[k % owned.length]!;
          pending = this.onTheFly(user, user < 0 ? -1 : this.positions[user]!, plan.id, seq);
        }
        const replied = new Promise<void>((resolve) => this.waiting.set(seq, resolve));
        const acked = await new Promise<boolean>((resolve) =>
          this.post(target, seq, pending, wallMs(), resolve),
        );
        if (acked) await Promise.race([replied, sleep(TURN_TIMEOUT_MS)]);
        this.waiting.delete(seq);
      }
    };
    await Promise.all(lists.map(virtualUser));
  }

  private onTheFly(user: number, step: number, phase: number, seq: number): Pending {
    this.record.signedOnTheFly++;
    return this.pendingFor(user, step, phase, seq, wallMs());
  }

  /** Sends one webhook; `done` learns whether it was acknowledged with a 200. */
  private post(
    target: Target,
    seq: number,
    pending: Pending,
    scheduledAt: number,
    done?: (ok: boolean) => void,
  ): void {
    const record = this.record;
    record.use(seq);
    const sentAt = wallMs();
    record.scheduledAt[seq] = scheduledAt;
    record.sentAt[seq] = sentAt;
    record.user[seq] = pending.user;
    if (pending.user >= 0) this.positions[pending.user] = pending.step + 1;
    let finished = false;
    const finish = (status: number, reason?: string) => {
      if (finished) return;
      finished = true;
      this.inFlight.delete(seq);
      if (record !== this.record) return; // a straggler from an earlier phase
      record.status[seq] = status;
      if (status === 200) record.ackAt[seq] = wallMs();
      else {
        const why = reason ?? `status ${status}`;
        record.ackErrors.set(why, (record.ackErrors.get(why) ?? 0) + 1);
      }
      done?.(status === 200);
    };
    const request = http.request(
      {
        agent: this.agent,
        hostname: target.hostname,
        port: target.port,
        path: target.path,
        method: "POST",
        headers: {
          "content-type": "application/json; charset=utf-8",
          "content-length": pending.hook.body.length,
          "x-line-signature": pending.hook.signature,
          "user-agent": "LineBotWebhook/2.0",
        },
      },
      (response) => {
        response.on("data", () => undefined);
        response.on("end", () => finish(response.statusCode ?? 0));
        response.on("error", (error: NodeJS.ErrnoException) =>
          finish(ACK_ERROR, error.code ?? error.message),
        );
      },
    );
    request.on("error", (error: NodeJS.ErrnoException) => finish(ACK_ERROR, error.code ?? error.message));
    this.inFlight.set(seq, {
      sentAt,
      expire: () => {
        finish(ACK_TIMEOUT, "timeout (2 s)");
        request.destroy();
      },
    });
    request.end(pending.hook.body);
  }

  /** LINE's request_timeout: a webhook unanswered after 2 s is abandoned. Oldest requests come first. */
  private expireAcks(): void {
    const now = wallMs();
    for (const entry of this.inFlight.values()) {
      if (now - entry.sentAt < ACK_TIMEOUT_MS) break;
      entry.expire();
    }
  }

  private onFeed(chunk: string): void {
    this.feedBuffer += chunk;
    const end = this.feedBuffer.lastIndexOf("\n");
    if (end < 0) return;
    const lines = this.feedBuffer.slice(0, end).split("\n");
    this.feedBuffer = this.feedBuffer.slice(end + 1);
    const record = this.record;
    for (const line of lines) {
      const space = line.indexOf(" ");
      const parsed = parseReplyToken(line.slice(0, space));
      if (!parsed || parsed.phase !== this.phaseId || parsed.seq >= record.count) {
        record.strayReplies++;
        continue;
      }
      this.lastReplyAt = wallMs();
      if (record.replyAt[parsed.seq]! > 0) {
        record.duplicateReplies++;
        continue;
      }
      record.replyAt[parsed.seq] = Number(line.slice(space + 1));
      this.waiting.get(parsed.seq)?.();
    }
  }

  /** Waits until every acknowledged event has its reply, the drain limit passes, or replies stop coming. */
  private async drain(limitMs: number): Promise<number> {
    const record = this.record;
    const startedAt = wallMs();
    this.lastReplyAt = startedAt;
    let oldestOwed = 0;
    for (;;) {
      while (
        oldestOwed < record.count &&
        !(record.status[oldestOwed] === 200 && record.replyAt[oldestOwed] === 0)
      )
        oldestOwed++;
      const now = wallMs();
      const owed = oldestOwed < record.count || this.inFlight.size > 0;
      // Events LINE gave up on (timeouts) may still be answered: let those replies land here too,
      // rather than in the next phase, whose CPU figures they would inflate.
      const settled = !owed && now - this.lastReplyAt > SETTLE_MS;
      if (settled || now - startedAt > limitMs || now - this.lastReplyAt > DRAIN_STALL_MS) return now;
      await sleep(50);
    }
  }

  private summarize(plan: PhasePlan, startAt: number, windowEnd: number, drainedAt: number): PhaseResult {
    const r = this.record;
    const ack: number[] = [];
    const turn: number[] = [];
    const lag: number[] = [];
    let sent = 0;
    let acked = 0;
    let acksInWindow = 0;
    let replies = 0;
    let repliesInWindow = 0;
    let unanswered = 0;
    const perUser = new Map<number, number>();
    for (let seq = 0; seq < r.count; seq++) {
      if (r.sentAt[seq] === 0) continue; // a pre-signed event the window had no time for
      sent++;
      if (plan.mode === "open") lag.push(r.sentAt[seq]! - r.scheduledAt[seq]!);
      const user = r.user[seq]!;
      if (user >= 0) perUser.set(user, (perUser.get(user) ?? 0) + 1);
      if (r.status[seq] === 200) {
        acked++;
        ack.push(r.ackAt[seq]! - r.scheduledAt[seq]!);
        if (r.ackAt[seq]! <= windowEnd) acksInWindow++;
      }
      if (r.replyAt[seq]! > 0) {
        replies++;
        turn.push(r.replyAt[seq]! - r.scheduledAt[seq]!);
        if (r.replyAt[seq]! <= windowEnd) repliesInWindow++;
      } else if (r.status[seq] === 200) unanswered++;
    }
    const windowSeconds = (windowEnd - startAt) / 1000;
    const latency = (values: number[]): Latency => ({
      p50: round(percentile(values, 50)),
      p99: round(percentile(values, 99)),
      max: round(percentile(values, 100)),
    });
    return {
      mode: plan.mode,
      traffic: plan.traffic,
      rate: plan.rate ?? null,
      vus: plan.vus ?? null,
      windowSeconds: round(windowSeconds, 2)!,
      sent,
      acked,
      ackErrors: Object.fromEntries(r.ackErrors),
      acksPerSecond: round(acksInWindow / windowSeconds)!,
      repliesPerSecond: round(repliesInWindow / windowSeconds)!,
      replies,
      ackMs: latency(ack),
      turnMs: latency(turn),
      sendLagP99Ms: plan.mode === "open" ? round(percentile(lag, 99), 2) : null,
      unanswered,
      duplicateReplies: r.duplicateReplies,
      strayReplies: r.strayReplies,
      drainSeconds: round((drainedAt - windowEnd) / 1000, 2)!,
      drained: unanswered === 0 && this.inFlight.size === 0,
      signedOnTheFly: r.signedOnTheFly,
      mostMessagesFromOneUser: Math.max(0, ...perUser.values()),
    };
  }
}

interface Target {
  hostname: string;
  port: number;
  path: string;
}

function scriptText(step: number): string {
  return returningUserScript[step % returningUserScript.length]!.text;
}

/** The returning users virtual user `v` of `vus` writes to. */
function ownedUsers(v: number, vus: number, users: number): number[] {
  const owned: number[] = [];
  for (let user = v; user < users; user += vus) owned.push(user);
  return owned;
}

function main(): void {
  const reply = (message: GeneratorReply) => process.send!(message);
  const generator = new Generator(reply);
  process.on("message", (message: GeneratorRequest) => {
    void (async () => {
      if (message.type === "connect") {
        await generator.connect(message.feedPort, message.secret, message.destination);
        reply({ type: "connected" });
      } else if (message.type === "users") {
        generator.setUsers(message.salt, message.count);
        reply({ type: "users-set" });
      } else if (message.type === "prepare") await generator.run(message.plan);
      else if (message.type === "stop") process.exit(0);
    })().catch((error: unknown) => {
      process.stderr.write(`load generator: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    });
  });
  process.on("disconnect", () => process.exit(0));
  reply({ type: "ready" });
}

main();
