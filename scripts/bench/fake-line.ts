/**
 * A zero-latency LINE for the benchmark, in a process of its own (forked by scripts/bench.ts).
 *
 * It answers what the bot and the echo baseline call, with LINE's status codes and shapes (reply,
 * push, multicast, profile, loading animation, mark as read, a user's rich menu), and does as
 * little as possible besides: no message validation (that is src/dev/line-platform's job), so it is
 * never the bottleneck. Reply tokens are single use, as on LINE (a second use gets
 * 400 "Invalid reply token"); any token is accepted once, because the load generator issued them.
 *
 * When a reply arrives, its token and the arrival time (wall-clock ms, comparable across processes)
 * go to every client of the feed socket, batched per event-loop turn: the load generator turns them
 * into turn latencies and, in closed loops, into the moment a virtual user sends its next message.
 *
 * IPC: "stats" → counters so far; "reset" → forget used tokens; "stop" → exit.
 */
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";

export interface FakeLineStats {
  replies: number;
  /** Replies refused: token missing or used before. */
  invalidReplyTokens: number;
  pushes: number;
  multicasts: number;
  profiles: number;
  loadingAnimations: number;
  markAsRead: number;
  userRichMenus: number;
  unauthorized: number;
  /** Calls to endpoints this fake does not serve, by method and path shape. */
  unknown: Record<string, number>;
}

export type FakeLineMessage = { type: "stats" } | { type: "reset" } | { type: "stop" };
export type FakeLineReady = { type: "ready"; url: string; feedPort: number };

const accessToken = process.env.BENCH_LINE_ACCESS_TOKEN ?? "bench";

function wallMs(): number {
  return performance.timeOrigin + performance.now();
}

function main(): void {
  const stats: FakeLineStats = {
    replies: 0,
    invalidReplyTokens: 0,
    pushes: 0,
    multicasts: 0,
    profiles: 0,
    loadingAnimations: 0,
    markAsRead: 0,
    userRichMenus: 0,
    unauthorized: 0,
    unknown: {},
  };
  const usedTokens = new Set<string>();
  let nextId = 1;

  const subscribers = new Set<net.Socket>();
  let feed = "";
  const flushFeed = () => {
    const chunk = feed;
    feed = "";
    for (const socket of subscribers) socket.write(chunk);
  };
  const feedServer = net.createServer((socket) => {
    socket.setNoDelay(true);
    subscribers.add(socket);
    socket.on("close", () => subscribers.delete(socket));
    socket.on("error", () => subscribers.delete(socket));
  });

  const send = (res: http.ServerResponse, status: number, body: string) => {
    res.writeHead(status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
      "x-line-request-id": `bench-${nextId++}`,
    });
    res.end(body);
  };
  const sentMessages = (count: number) =>
    JSON.stringify({
      sentMessages: Array.from({ length: Math.max(1, count) }, () => ({ id: String(nextId++) })),
    });

  const reply = (res: http.ServerResponse, body: string) => {
    const arrivedAt = wallMs();
    let parsed: { replyToken?: unknown; messages?: unknown[] };
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch {
      return send(res, 400, '{"message":"The request body could not be parsed as JSON"}');
    }
    const token = parsed.replyToken;
    if (typeof token !== "string" || token === "" || usedTokens.has(token)) {
      stats.invalidReplyTokens++;
      return send(res, 400, '{"message":"Invalid reply token"}');
    }
    usedTokens.add(token);
    stats.replies++;
    if (feed === "") setImmediate(flushFeed);
    feed += `${token} ${arrivedAt.toFixed(3)}\n`;
    send(res, 200, sentMessages(parsed.messages?.length ?? 1));
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      if (req.headers.authorization !== `Bearer ${accessToken}`) {
        stats.unauthorized++;
        return send(res, 401, '{"message":"Authentication failed"}');
      }
      const path = (req.url ?? "").split("?")[0]!;
      const route = `${req.method} ${path}`;
      if (route === "POST /v2/bot/message/reply") return reply(res, Buffer.concat(chunks).toString("utf8"));
      if (route === "POST /v2/bot/message/push") {
        stats.pushes++;
        return send(res, 200, sentMessages(1));
      }
      if (route === "POST /v2/bot/message/multicast") {
        stats.multicasts++;
        return send(res, 200, "{}");
      }
      if (route === "POST /v2/bot/chat/loading/start") {
        stats.loadingAnimations++;
        return send(res, 202, "{}");
      }
      if (route === "POST /v2/bot/chat/markAsRead") {
        stats.markAsRead++;
        return send(res, 200, "{}");
      }
      const profile = /^GET \/v2\/bot\/profile\/(U[0-9a-f]{32})$/.exec(route);
      if (profile) {
        stats.profiles++;
        // Every sender is a friend of the account, as on LINE; Thai like most of the audience.
        return send(res, 200, JSON.stringify({ userId: profile[1], displayName: "ผู้ใช้", language: "th" }));
      }
      if (/^GET \/v2\/bot\/user\/[^/]+\/richmenu$/.test(route)) {
        stats.userRichMenus++;
        return send(res, 404, '{"message":"the user has no richmenu"}');
      }
      const shape = route.replace(/[UCR][0-9a-f]{32}/g, "{id}").replace(/\/\d{6,}/g, "/{n}");
      stats.unknown[shape] = (stats.unknown[shape] ?? 0) + 1;
      send(res, 404, '{"message":"Not found"}');
    });
  });
  server.keepAliveTimeout = 65_000;

  process.on("message", (message: FakeLineMessage) => {
    if (message.type === "stats") process.send!({ type: "stats", stats });
    else if (message.type === "reset") {
      usedTokens.clear();
      process.send!({ type: "reset" });
    } else if (message.type === "stop") {
      for (const socket of subscribers) socket.destroy();
      server.closeAllConnections();
      process.exit(0);
    }
  });
  process.on("disconnect", () => process.exit(0));

  server.listen(0, "127.0.0.1", () => {
    feedServer.listen(0, "127.0.0.1", () => {
      const ready: FakeLineReady = {
        type: "ready",
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        feedPort: (feedServer.address() as AddressInfo).port,
      };
      process.send!(ready);
    });
  });
}

main();
