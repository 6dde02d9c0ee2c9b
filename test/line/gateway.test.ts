import http from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { createFakeLinePlatform, fakeUserId, type FakeLinePlatform } from "../../src/dev/line-platform";
import { InvalidReplyTokenError, LineGateway } from "../../src/line/gateway";
import { retryKeyFor } from "../../src/line/retry-key";
import { createLogger } from "../../src/log";

const secret = "gateway-test-secret";
const token = "gateway-test-token";
const hello = [{ type: "text" as const, text: "สวัสดี" }];

describe("LINE gateway", () => {
  let platform: FakeLinePlatform;
  let baseUrl: string;
  let logs: string[];
  let waits: number[];
  let line: LineGateway;

  beforeAll(async () => {
    platform = createFakeLinePlatform({ channelSecret: secret, channelAccessToken: token });
    baseUrl = await platform.listen(0);
  });
  afterAll(async () => {
    await platform.close();
  });
  beforeEach(() => {
    platform.clearCalls();
    platform.clearDeliveries();
    logs = [];
    waits = [];
    const destination = new Writable({
      write(chunk: Buffer, _e, done) {
        logs.push(chunk.toString());
        done();
      },
    });
    line = new LineGateway({
      channelAccessToken: token,
      apiBaseUrl: baseUrl,
      dataApiBaseUrl: baseUrl,
      logger: createLogger({ level: "debug", destination }),
      sleep: async (ms) => void waits.push(ms),
    });
  });

  test("when LINE answers 500 twice, then the push is retried with the same retry key and delivered once", async () => {
    const to = fakeUserId();
    platform.failNext("POST /v2/bot/message/push", 500, 2);
    const key = retryKeyFor("test", "500-twice");
    expect(await line.push(to, hello, key)).toBe("sent");
    const calls = platform.calls({ endpoint: "POST /v2/bot/message/push" });
    expect(calls.map((call) => call.status)).toEqual([500, 500, 200]);
    expect(new Set(calls.map((call) => call.headers["x-line-retry-key"]))).toEqual(new Set([key]));
    expect(platform.deliveries().filter((d) => d.to === to)).toHaveLength(1);
    expect(waits).toHaveLength(2);
  });

  test("when the response to an accepted push is lost, then the retry gets 409 and nothing is sent twice", async () => {
    const to = fakeUserId();
    platform.failNext("POST /v2/bot/message/push", 500, 1, { processed: true });
    expect(await line.push(to, hello, retryKeyFor("test", "lost-response"))).toBe("already-sent");
    expect(platform.deliveries().filter((d) => d.to === to)).toHaveLength(1);
  });

  test("when LINE rate-limits with Retry-After, then the gateway waits that long and retries", async () => {
    const to = fakeUserId();
    platform.failNext("POST /v2/bot/message/multicast", 429, 1, {
      headers: { "retry-after": "2" },
      body: { message: "The API rate limit has been exceeded. Try again later." },
    });
    expect(await line.multicast([to], hello, retryKeyFor("test", "429"))).toBe("sent");
    expect(waits).toEqual([2000]);
  });

  test("when the monthly message quota is used up, then the gateway does not retry", async () => {
    platform.failNext("POST /v2/bot/message/push", 429, 1, {
      body: { message: "You have reached your monthly limit." },
    });
    await expect(line.push(fakeUserId(), hello, retryKeyFor("test", "quota"))).rejects.toMatchObject({
      status: 429,
    });
    expect(waits).toEqual([]);
  });

  test("when LINE keeps failing, then the gateway gives up after its bounded attempts", async () => {
    platform.failNext("POST /v2/bot/message/push", 503, 5);
    await expect(line.push(fakeUserId(), hello, retryKeyFor("test", "down"))).rejects.toMatchObject({
      status: 503,
    });
    expect(platform.calls({ endpoint: "POST /v2/bot/message/push" })).toHaveLength(5);
  });

  test("when a 400 comes back, then it is not retried", async () => {
    await expect(
      line.push(fakeUserId(), [{ type: "text", text: "" }], retryKeyFor("test", "400")),
    ).rejects.toMatchObject({ status: 400 });
    expect(platform.calls({ endpoint: "POST /v2/bot/message/push" })).toHaveLength(1);
  });

  test("when the reply token is unknown, then InvalidReplyTokenError is thrown", async () => {
    await expect(line.reply("not-a-token", hello)).rejects.toBeInstanceOf(InvalidReplyTokenError);
  });

  test("when the connection breaks after a reply was written, then the sender was told and the retry's spent token counts as delivered", async () => {
    const bodies: string[] = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        bodies.push(Buffer.concat(chunks).toString("utf8"));
        if (bodies.length === 1) {
          req.socket.destroy(); // the answer is lost: LINE may have delivered the reply
          return;
        }
        res.writeHead(400, { "content-type": "application/json" }).end('{"message":"Invalid reply token"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const gateway = new LineGateway({
        channelAccessToken: token,
        apiBaseUrl: `http://127.0.0.1:${port}`,
        dataApiBaseUrl: `http://127.0.0.1:${port}`,
        logger: createLogger({ level: "silent" }),
        sleep: async (ms) => void waits.push(ms),
      });
      let sent = 0;
      await expect(gateway.reply("token-1", hello, () => sent++)).resolves.toBeUndefined();
      expect(sent).toBe(2);
      expect(bodies.map((body) => JSON.parse(body) as unknown)).toEqual([
        { replyToken: "token-1", messages: hello },
        { replyToken: "token-1", messages: hello },
      ]);
      expect(waits).toHaveLength(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test("when LINE cannot be reached, then the call fails as a connection failure and the reply is never told sent", async () => {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve)); // nothing listens there any more
    const gateway = new LineGateway({
      channelAccessToken: token,
      apiBaseUrl: `http://127.0.0.1:${port}`,
      dataApiBaseUrl: `http://127.0.0.1:${port}`,
      logger: createLogger({ level: "silent" }),
      sleep: async (ms) => void waits.push(ms),
    });
    let sent = 0;
    const failure = gateway.reply("token-2", hello, () => sent++);
    await expect(failure).rejects.toBeInstanceOf(TypeError);
    await expect(failure).rejects.toThrow(/ECONNREFUSED/);
    expect(sent).toBe(0);
    expect(waits.length).toBeGreaterThan(0);
  });

  test("when calls fail, then logs carry status and LINE's request id but no user id or message text", async () => {
    const to = fakeUserId();
    platform.failNext("POST /v2/bot/message/push", 500, 1);
    await line.push(to, hello, retryKeyFor("test", "logs"));
    const text = logs.join("");
    expect(text).toContain('"status":500');
    expect(text).toContain("requestId");
    expect(text).not.toContain(to);
    expect(text).not.toContain("สวัสดี");
  });

  test("when the same logical send is keyed twice, then the retry keys are identical UUIDs", () => {
    const key = retryKeyFor("campaign", "run-1", 7);
    expect(key).toBe(retryKeyFor("campaign", "run-1", 7));
    expect(key).not.toBe(retryKeyFor("campaign", "run-1", 8));
    expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
