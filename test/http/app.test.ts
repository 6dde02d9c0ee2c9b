import http from "node:http";
import type { AddressInfo } from "node:net";
import { createApp } from "../../src/http/app";
import { createLogger } from "../../src/log";

describe("express application", () => {
  let server: http.Server;
  let base: string;

  beforeAll(async () => {
    const app = createApp({
      logger: createLogger({ level: "silent" }),
      routers: [],
      ready: async () => true,
    });
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const requestId = async (header?: string) =>
    (
      await fetch(`${base}/healthz`, { headers: header === undefined ? {} : { "x-request-id": header } })
    ).headers.get("x-request-id");
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  test("when a proxy passes a plain request id, then the response carries it", async () => {
    expect(await requestId("edge-42.a_b")).toBe("edge-42.a_b");
  });

  test("when the request id is missing, odd or too long, then a fresh UUID is used", async () => {
    expect(await requestId()).toMatch(uuid);
    expect(await requestId("<script>")).toMatch(uuid);
    expect(await requestId("x".repeat(101))).toMatch(uuid);
    expect(await requestId()).not.toBe(await requestId());
  });

  test("when a path is unknown, then the answer is a 404", async () => {
    expect((await fetch(`${base}/nowhere`)).status).toBe(404);
  });
});
