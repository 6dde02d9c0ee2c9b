import net from "node:net";
import type { Engine, Logger } from "./engine";
import type { ConnectionInfo } from "./commands";
import { MalformedMessageError } from "./errors";
import { CloseConnectionSignal } from "./failpoints";
import { decodeRequest, encodeReply, frameLength, type Request } from "./wire";

/**
 * The TCP side: accepts connections, cuts the byte stream into frames and hands each to the
 * engine. Command failures become error replies inside the engine; a frame that cannot be parsed
 * closes that one connection and nothing else.
 */
export class WireServer {
  private readonly server = net.createServer((socket) => this.accept(socket));
  private readonly sockets = new Set<net.Socket>();
  private lastConnectionId = 0;

  constructor(
    private readonly engine: Engine,
    private readonly log: Logger,
  ) {}

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        resolve((this.server.address() as net.AddressInfo).port);
      });
    });
  }

  get connectionCount(): number {
    return this.sockets.size;
  }

  get totalConnections(): number {
    return this.lastConnectionId;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private accept(socket: net.Socket): void {
    const connectionId = ++this.lastConnectionId;
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.on("close", () => this.sockets.delete(socket));
    // Clients vanish mid-write all the time (tests stopping, pools shrinking): nothing to report.
    socket.on("error", () => socket.destroy());

    const frames = new FrameAssembler();
    const info: ConnectionInfo = { connectionId };
    // Commands of one connection run one after another (a reply may wait on a slow one), while
    // other connections are served in between whenever a command yields.
    let previous: Promise<void> = Promise.resolve();
    socket.on("data", (chunk: Buffer) => {
      frames.push(chunk);
      try {
        for (let frame = frames.next(); frame; frame = frames.next()) {
          const request = decodeRequest(frame);
          previous = previous.then(() => this.handleRequest(socket, request, info));
        }
      } catch (error) {
        const reason = error instanceof MalformedMessageError ? error.message : "internal error";
        this.log("embedded store closed a connection after a bad frame", { connectionId, reason });
        socket.destroy();
      }
    });
  }

  private async handleRequest(socket: net.Socket, request: Request, info: ConnectionInfo): Promise<void> {
    if (socket.destroyed) return;
    // The handshake names the application (MongoClient's appName): fail points can filter on it.
    const application = (request.command.client as { application?: { name?: unknown } } | undefined)
      ?.application;
    if (typeof application?.name === "string") info.appName = application.name;
    let reply: Awaited<ReturnType<Engine["execute"]>>;
    try {
      reply = await this.engine.execute(request, info);
    } catch (error) {
      // The failCommand fail point asked to hang up: the client sees a network error.
      if (!(error instanceof CloseConnectionSignal)) {
        this.log("embedded store closed a connection after an internal error", {
          connectionId: info.connectionId,
        });
      }
      socket.destroy();
      return;
    }
    if (!request.expectsReply || socket.destroyed) return;
    try {
      // Nothing is acknowledged, and nothing that may have read it is answered, before it is on disk.
      await this.engine.untilDurable();
    } catch (error) {
      const errmsg = `the write could not be made durable: ${(error as Error).message}`;
      reply = { ok: 0, errmsg, code: 1, codeName: "InternalError" };
    }
    if (socket.destroyed) return;
    let encoded: Buffer;
    try {
      encoded = encodeReply(request, reply);
    } catch (error) {
      // e.g. a single document over the BSON size limit: answer with an error rather than hang up.
      const errmsg = `reply could not be encoded: ${(error as Error).message}`;
      encoded = encodeReply(request, { ok: 0, errmsg, code: 1, codeName: "InternalError" });
    }
    socket.write(encoded);
  }
}

/**
 * Collects socket chunks into whole frames. Chunks are only joined once a frame is complete, so a
 * large message arriving in many small chunks is copied once rather than once per chunk.
 */
class FrameAssembler {
  private chunks: Buffer[] = [];
  private bytes = 0;

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
  }

  /** The next complete frame, or undefined until more bytes arrive. Throws on an invalid length. */
  next(): Buffer | undefined {
    if (this.bytes < 4) return undefined;
    const first = this.chunks[0] as Buffer;
    const length = frameLength(first.length >= 4 ? first : this.joined());
    if (this.bytes < length) return undefined;
    const all = this.joined();
    const rest = all.subarray(length);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.bytes = rest.length;
    return all.subarray(0, length);
  }

  private joined(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.bytes)];
    return this.chunks[0] as Buffer;
  }
}
