import { Pool } from "undici";
import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * The tests' network rule (test/support/setup-network.ts) holds for every client the service uses,
 * including the undici pool of the LINE gateway, which nock does not see.
 */
test("when a test's undici client aims at a host other than this machine, then it is refused before a socket opens", async () => {
  // 192.0.2.1 is TEST-NET-1 (RFC 5737): never a real service.
  const pool = new Pool("http://192.0.2.1:80", { connectTimeout: 60_000 });
  try {
    await expect(pool.request({ path: "/", method: "GET" })).rejects.toThrow(/test network guard/);
  } finally {
    await pool.destroy();
  }
});

test("when a test's undici client talks to 127.0.0.1, then it goes through", async () => {
  const server = http.createServer((_request, response) => response.end("ok"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const pool = new Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  try {
    const answer = await pool.request({ path: "/", method: "GET" });
    expect(await answer.body.text()).toBe("ok");
  } finally {
    await pool.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});
