import net from "node:net";

/**
 * A TCP proxy in front of the database, so a test or a fault drill can take the database away (and
 * bring it back) without losing its data: `cut()` drops every connection and refuses new ones, as a
 * stopped or unreachable server does; `restore()` listens again on the same port. Dev-only.
 */
export class TcpProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(port = 0): Promise<number> {
    const server = net.createServer((client) => this.forward(client));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    this.server = server;
    this.port = (server.address() as net.AddressInfo).port;
    return this.port;
  }

  /** The database is away: open connections break, new ones are refused. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async restore(): Promise<void> {
    if (!this.server) await this.start(this.port);
  }

  async stop(): Promise<void> {
    await this.cut();
  }

  private forward(client: net.Socket): void {
    const upstream = net.connect(this.targetPort, this.targetHost);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
      socket.on("error", () => socket.destroy());
    }
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    client.pipe(upstream).pipe(client);
  }
}

/** Rewrites a mongodb:// URI to go through the proxy (host:port replaced, path and options kept). */
export function throughProxy(uri: string, proxyPort: number): string {
  return uri.replace(/^mongodb:\/\/[^/]+/, `mongodb://127.0.0.1:${proxyPort}`);
}

export function hostAndPort(uri: string): { host: string; port: number } {
  const match = /^mongodb:\/\/([^/:,]+):(\d+)/.exec(uri);
  if (!match) throw new Error(`cannot proxy ${uri}: only single-host mongodb:// URIs`);
  return { host: match[1]!, port: Number(match[2]) };
}
