import net from "node:net";

/** The ports this project's drills may use on a shared machine (see docs/RELIABILITY.md). */
export interface PortRange {
  first: number;
  last: number;
}

export const botPorts: PortRange = { first: 3300, last: 3349 };
export const storePorts: PortRange = { first: 27300, last: 27349 };

const taken = new Set<number>();

/**
 * A port of the range nobody listens on now and this run has not handed out yet. Handed-out ports
 * are kept for the whole run: the bot is restarted on its port, the proxy restored on its own.
 */
export async function freePort(range: PortRange): Promise<number> {
  for (let port = range.first; port <= range.last; port++) {
    if (taken.has(port)) continue;
    if (await canListen(port)) {
      taken.add(port);
      return port;
    }
  }
  throw new Error(`no free port in ${range.first}-${range.last}`);
}

/** Gives a port back once whatever listened on it has stopped for good. */
export function releasePort(port: number): void {
  taken.delete(port);
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}
