import { readFileSync } from "node:fs";
import type { Connection } from "mongoose";
import { connectDatabase, databaseReachable } from "../../src/data/database";
import { hostAndPort, throughProxy, TcpProxy } from "../../src/dev/tcp-proxy";
import { createLogger } from "../../src/log";
import { startTestDatabase, type TestDatabase } from "../support/database";

/**
 * The database comes back, and so does the bot. The MongoDB driver (7.8) could hang its server
 * monitor for good: a heartbeat written to a socket the peer had already closed, but whose 'close'
 * the driver had not handled yet, waited for a 'drain' that never comes. Nothing shows while the
 * server stays known; at the next outage the server turns "Unknown", only the hung monitor could
 * bring it back, and every operation fails until the process is restarted (found by the
 * database-away fault drill: 8 minutes of failures after a 20 s outage; patches/README.md). The patch
 * in patches/ makes that write fail as the network error it is, and the monitor reconnects.
 *
 * The race is made certain rather than waited for: the monitor's socket is destroyed and, before
 * its 'close' is handled, a check is requested (what a pool connection's error does when every
 * socket drops at once); then the database goes away and comes back. This reaches into the
 * driver's internals on purpose. Deadlines are generous: the test proves recovery, not speed.
 */
let database: TestDatabase;
let proxy: TcpProxy;
let connection: Connection;

beforeAll(async () => {
  database = await startTestDatabase();
  const { host, port } = hostAndPort(database.uri);
  proxy = new TcpProxy(host, port);
  await proxy.start();
  // directConnection: the store advertises its own address; the driver must not go around the proxy.
  const proxied = throughProxy(database.uri, proxy.port);
  const uri = `${proxied}${proxied.includes("?") ? "&" : "?"}directConnection=true`;
  connection = await connectDatabase(uri, createLogger({ level: "silent" }));
});
afterAll(async () => {
  await connection.close();
  await proxy.stop();
  await database.stop();
});

interface MonitorInternals {
  connection: { socket: { destroy(): void } } | null;
  requestCheck(): void;
}

function serverMonitor(): MonitorInternals {
  const client = connection.getClient() as unknown as {
    topology: { s: { servers: Map<string, { monitor: MonitorInternals }> } };
  };
  const [server] = client.topology.s.servers.values();
  return server!.monitor;
}

async function answersAgain(deadlineMs = 60_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await databaseReachable(connection))) {
    if (Date.now() > deadline) throw new Error("the database never answered again");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

test("the installed driver carries the project's patch (npm install runs patch-package)", () => {
  const source = readFileSync(require.resolve("mongodb/lib/cmap/connection.js"), "utf8");
  expect(source).toContain("Patched (integrity-tipline");
});

test("a heartbeat caught by a closing socket does not keep the driver from recovering after an outage", async () => {
  await answersAgain();
  // A requested check runs at once only when the last one is older than the driver's 500 ms.
  await new Promise((resolve) => setTimeout(resolve, 700));
  const monitor = serverMonitor();
  expect(monitor.connection).not.toBeNull();
  monitor.connection!.socket.destroy();
  monitor.requestCheck();

  await proxy.cut();
  await expect(databaseReachable(connection)).resolves.toBe(false);
  await proxy.restore();
  await answersAgain();
}, 200_000);

test("after cuts of the database while it is in use, it answers again without a restart", async () => {
  for (let round = 0; round < 3; round++) {
    const inUse = Array.from({ length: 10 }, () => databaseReachable(connection));
    await proxy.cut();
    await Promise.all(inUse);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await proxy.restore();
    await answersAgain();
  }
}, 200_000);
