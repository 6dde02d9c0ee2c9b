import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import {
  createFakeLinePlatform,
  fakeUserId,
  type FakeLinePlatform,
  type RecordedCall,
} from "../../../src/dev/line-platform";

const token = "test-channel-access-token";
let platform: FakeLinePlatform;
let baseUrl: string;

const text = (t: string) => ({ type: "text", text: t });

function call(
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  return fetch(`${baseUrl}${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...init.headers },
    body:
      init.body === undefined
        ? undefined
        : typeof init.body === "string"
          ? init.body
          : JSON.stringify(init.body),
  });
}

const push = (to: string, messages: unknown[], headers?: Record<string, string>) =>
  call("/v2/bot/message/push", { body: { to, messages }, headers });

async function start(options: Partial<Parameters<typeof createFakeLinePlatform>[0]> = {}): Promise<void> {
  await platform?.close();
  platform = createFakeLinePlatform({ channelSecret: "secret", channelAccessToken: token, ...options });
  baseUrl = await platform.listen();
}

beforeEach(() => start());

afterEach(async () => {
  await platform.close();
});

describe("every response", () => {
  it("when LINE answers, then each response carries its own x-line-request-id", async () => {
    const a = await push(fakeUserId(), [text("a")]);
    const b = await call(`/v2/bot/profile/${fakeUserId()}`);

    const ids = [a.headers.get("x-line-request-id"), b.headers.get("x-line-request-id")];
    expect(ids).toEqual([expect.stringMatching(/^[0-9a-f-]{36}$/), expect.stringMatching(/^[0-9a-f-]{36}$/)]);
    expect(ids[0]).not.toBe(ids[1]);
  });

  it("when the path is not a Messaging API endpoint, then LINE answers 404 with a request id", async () => {
    const response = await call("/v2/bot/message/teleport", { body: {} });

    expect(response.status).toBe(404);
    expect(response.headers.get("x-line-request-id")).toBeTruthy();
  });

  it("when the body is over 2 MB, then LINE answers 413", async () => {
    const response = await push(fakeUserId(), [text("x".repeat(2 * 1024 * 1024))]);

    expect(response.status).toBe(413);
  });

  it("when the body is not JSON, then LINE answers 400", async () => {
    const response = await call("/v2/bot/message/push", { body: "{not json" });

    expect(response.status).toBe(400);
  });
});

describe("authentication", () => {
  it("when the Authorization header is missing, then LINE answers 401", async () => {
    const response = await call("/v2/bot/message/push", {
      body: { to: fakeUserId(), messages: [text("a")] },
      headers: { authorization: "" },
    });

    expect(response.status).toBe(401);
  });

  it("when the bearer token is wrong, then LINE answers 401 and delivers nothing", async () => {
    const response = await push(fakeUserId(), [text("a")], { authorization: "Bearer stolen" });

    expect(response.status).toBe(401);
    expect(platform.deliveries()).toEqual([]);
  });

  it("when no channel access token is configured, then requests without Authorization are served", async () => {
    await start({ channelAccessToken: undefined });

    const response = await push(fakeUserId(), [text("a")], { authorization: "" });

    expect(response.status).toBe(200);
  });
});

describe("call record", () => {
  it("when calls are made, then each is recorded in order with its endpoint and status, rejected ones included", async () => {
    const userId = fakeUserId();
    await push(userId, [text("a")]);
    await push(userId, []);
    await call(`/v2/bot/profile/${userId}`);

    expect(platform.calls().map((c) => [c.endpoint, c.status])).toEqual([
      ["POST /v2/bot/message/push", 200],
      ["POST /v2/bot/message/push", 400],
      ["GET /v2/bot/profile/{userId}", 404],
    ]);
  });

  it("when a call is recorded, then it keeps the body, path, retry key and content type but never the access token", async () => {
    const userId = fakeUserId();
    const retryKey = "123e4567-e89b-12d3-a456-426614174000";

    await push(userId, [text("a")], { "x-line-retry-key": retryKey });

    expect(platform.calls()[0]).toEqual<RecordedCall>({
      endpoint: "POST /v2/bot/message/push",
      method: "POST",
      path: "/v2/bot/message/push",
      body: { to: userId, messages: [text("a")] },
      headers: { "x-line-retry-key": retryKey, "content-type": "application/json" },
      status: 200,
      at: expect.any(String),
    });
    expect(JSON.stringify(platform.calls())).not.toContain(token);
  });

  it("when calls are filtered by endpoint, then only that endpoint's calls are returned", async () => {
    await push(fakeUserId(), [text("a")]);
    await call(`/v2/bot/profile/${fakeUserId()}`);

    expect(platform.calls({ endpoint: "GET /v2/bot/profile/{userId}" })).toHaveLength(1);
  });

  it("when more calls are made than the cap, then only the newest are kept", async () => {
    await start({ maxRecordedCalls: 2 });

    for (const t of ["a", "b", "c"]) await push(fakeUserId(), [text(t)]);

    expect(
      platform.calls().map((c) => (c.body as { messages: Array<{ text: string }> }).messages[0]!.text),
    ).toEqual(["b", "c"]);
  });

  it("when more deliveries are made than the cap, then only the newest are kept", async () => {
    await start({ maxDeliveries: 2 });
    const users = [fakeUserId(), fakeUserId(), fakeUserId()];

    await call("/v2/bot/message/multicast", { body: { to: users, messages: [text("a")] } });

    expect(platform.deliveries().map((d) => d.to)).toEqual(users.slice(1));
  });

  it("when calls are cleared, then none are listed", async () => {
    await push(fakeUserId(), [text("a")]);

    platform.clearCalls();

    expect(platform.calls()).toEqual([]);
  });

  it("when /dev/line/calls is fetched, then it lists the recorded calls as JSON", async () => {
    await push(fakeUserId(), [text("a")]);

    const listed = (await (await fetch(`${baseUrl}/dev/line/calls`)).json()) as RecordedCall[];

    expect(listed.map((c) => c.endpoint)).toEqual(["POST /v2/bot/message/push"]);
  });

  it("when /dev/line/calls is deleted, then the record is cleared", async () => {
    await push(fakeUserId(), [text("a")]);

    await fetch(`${baseUrl}/dev/line/calls`, { method: "DELETE" });

    expect(platform.calls()).toEqual([]);
  });

  it("when a listener is registered, then it hears every call as it is recorded", async () => {
    const heard: string[] = [];
    platform.on("call", (c) => heard.push(`${c.endpoint} ${c.status}`));

    await push(fakeUserId(), [text("a")]);

    expect(heard).toEqual(["POST /v2/bot/message/push 200"]);
  });
});

describe("fault injection", () => {
  it("when a 429 is injected twice, then the next two calls get LINE's rate-limit answer and the third succeeds", async () => {
    platform.failNext("POST /v2/bot/message/multicast", 429, 2);
    const multicast = () =>
      call("/v2/bot/message/multicast", { body: { to: [fakeUserId()], messages: [text("a")] } });

    const answers = [await multicast(), await multicast(), await multicast()];

    expect(answers.map((a) => a.status)).toEqual([429, 429, 200]);
    expect(await answers[0]!.json()).toEqual({
      message: "The API rate limit has been exceeded. Try again later.",
    });
  });

  it("when a fault is injected, then the failed call delivers nothing and is recorded with its status", async () => {
    platform.failNext("POST /v2/bot/message/push", 500);

    await push(fakeUserId(), [text("a")]);

    expect(platform.deliveries()).toEqual([]);
    expect(platform.calls().map((c) => c.status)).toEqual([500]);
  });

  it("when an outage is injected, then every call fails until it ends and then calls succeed", async () => {
    let clock = 1_000_000;
    await start({ now: () => clock });
    platform.failFor("POST /v2/bot/message/push", 503, 30_000);

    const during = [await push(fakeUserId(), [text("a")]), await push(fakeUserId(), [text("b")])];
    clock += 30_000;
    const after = await push(fakeUserId(), [text("c")]);

    expect(during.map((response) => response.status)).toEqual([503, 503]);
    expect(after.status).toBe(200);
    expect(platform.deliveries()).toHaveLength(1);
  });

  it("when a fault is injected with headers and a body, then the call is answered with them", async () => {
    platform.failNext("POST /v2/bot/message/push", 429, 1, {
      headers: { "retry-after": "3" },
      body: { message: "You have reached your monthly limit." },
    });

    const response = await push(fakeUserId(), [text("a")]);

    expect(response.headers.get("retry-after")).toBe("3");
    expect(await response.json()).toEqual({ message: "You have reached your monthly limit." });
  });

  it("when a processed fault loses the response of a push with a retry key, then the retry gets 409 and nothing is sent twice", async () => {
    const userId = fakeUserId();
    const retryKey = "123e4567-e89b-12d3-a456-426614174000";
    platform.failNext("POST /v2/bot/message/push", 500, 1, { processed: true });

    const lost = await push(userId, [text("a")], { "x-line-retry-key": retryKey });
    const retried = await push(userId, [text("a")], { "x-line-retry-key": retryKey });

    expect([lost.status, retried.status]).toEqual([500, 409]);
    expect(platform.deliveries()).toHaveLength(1);
  });
});

describe("mounting", () => {
  it("when the router is mounted in another express app, then the API is served there next to its own routes", async () => {
    const app = express();
    app.get("/health", (_req, res) => res.send("ok"));
    app.use(platform.router);
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
    });
    const host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    try {
      const response = await fetch(`${host}/v2/bot/message/push`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ to: fakeUserId(), messages: [text("a")] }),
      });
      expect(response.status).toBe(200);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
