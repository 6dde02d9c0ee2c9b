import net from "node:net";

/** The ports this project's drills may use on a shared machine (see docs/RELIABILITY.md). */
export interface PortRange {
  first: number;
  last: number;
}

/**
 * DRILL_BOT_PORTS / DRILL_STORE_PORTS ("4300-4349") move a run to a range of its own: copies of the
 * suite sharing one machine otherwise race for the same ports between a kill and the restart.
 */
export const botPorts: PortRange = rangeFrom(process.env.DRILL_BOT_PORTS, { first: 3300, last: 3349 });
export const storePorts: PortRange = rangeFrom(process.env.DRILL_STORE_PORTS, { first: 27300, last: 27349 });

function rangeFrom(text: string | undefined, fallback: PortRange): PortRange {
  if (text === undefined || text === "") return fallback;
  const match = /^(\d+)-(\d+)$/.exec(text);
  const [first, last] = match ? [Number(match[1]), Number(match[2])] : [NaN, NaN];
  if (!(first >= 1024 && last >= first && last <= 65535))
    throw new Error(`port range "${text}": expected like 4300-4349`);
  return { first, last };
}

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
