import net from "node:net";
import nock from "nock";

// Tests may only talk to services on this machine: any other host is refused before a socket opens.
const loopbackHost = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/;
nock.disableNetConnect();
nock.enableNetConnect(loopbackHost);
nock.emitter.on("no match", (req: { method?: string; host?: string; path?: string }) => {
  if (req.host && !/^(127\.0\.0\.1|localhost|\[::1\])/.test(req.host)) {
    console.error(`nock: blocked request to ${req.method} ${req.host}${req.path ?? ""}`);
  }
});

// nock guards node:http and fetch, not every client: the LINE gateway's undici pool (and any raw
// socket) connects through net.Socket#connect, so the same rule is kept there too.
const loopbackAddress = /^(127\.\d+\.\d+\.\d+|localhost|::1)$/;
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
  const host = targetHost(args);
  if (host !== undefined && !loopbackAddress.test(host)) {
    const refused = new Error(
      `test network guard: connection to ${host} refused (tests talk to 127.0.0.1 only)`,
    );
    process.nextTick(() => this.destroy(refused));
    return this;
  }
  return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof connect;

/** The host a connect call aims at; undefined for a local (IPC) path. node passes its own calls as one normalised array. */
function targetHost(args: unknown[]): string | undefined {
  const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
  if (typeof first === "object" && first !== null) {
    const options = first as { host?: string; path?: string };
    if (options.path !== undefined) return undefined;
    return options.host ?? "localhost";
  }
  if (typeof first === "string" && Number.isNaN(Number(first))) return undefined; // connect(path)
  return typeof args[1] === "string" ? args[1] : "localhost";
}
