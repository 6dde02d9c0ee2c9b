import net from "node:net";
import { BSON, type Document } from "bson";
import { MongoClient } from "mongodb";
import { startEmbeddedStore, type EmbeddedStore } from "../../../src/dev/embedded-store";
import { usingRealMongo } from "../../support/database";

/*
 * Framing-level behaviour of the store itself, spoken over raw sockets. These exercise this
 * server's TCP handling, so they run against the embedded store only.
 */
const describeEmbedded = usingRealMongo ? describe.skip : describe;

const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_MSG = 2013;

interface Reply {
  responseTo: number;
  opCode: number;
  doc: Document;
}

/** A minimal wire client: writes hand-built frames and parses whatever comes back. */
class RawConnection {
  private buffered = Buffer.alloc(0);
  private waiting: Array<(reply: Reply) => void> = [];
  readonly closed: Promise<void>;
  private nextRequestId = 1;

  private constructor(private readonly socket: net.Socket) {
    this.closed = new Promise((resolve) => socket.on("close", () => resolve()));
    socket.on("error", () => undefined);
    socket.on("data", (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      while (this.buffered.length >= 4 && this.buffered.length >= this.buffered.readInt32LE(0)) {
        const frame = this.buffered.subarray(0, this.buffered.readInt32LE(0));
        this.buffered = this.buffered.subarray(frame.length);
        this.waiting.shift()?.(parseReply(frame));
      }
    });
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, "127.0.0.1", () => resolve(new RawConnection(socket)));
      socket.once("error", reject);
    });
  }

  nextReply(): Promise<Reply> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  send(opCode: number, payload: Buffer): number {
    const requestId = this.nextRequestId++;
    const header = Buffer.alloc(16);
    header.writeInt32LE(16 + payload.length, 0);
    header.writeInt32LE(requestId, 4);
    header.writeInt32LE(0, 8);
    header.writeInt32LE(opCode, 12);
    this.socket.write(Buffer.concat([header, payload]));
    return requestId;
  }

  sendRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  close(): void {
    this.socket.destroy();
  }
}

function parseReply(frame: Buffer): Reply {
  const opCode = frame.readInt32LE(12);
  const docStart = opCode === OP_REPLY ? 36 : 21;
  return { responseTo: frame.readInt32LE(8), opCode, doc: BSON.deserialize(frame.subarray(docStart)) };
}

function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32LE(value, 0);
  return buffer;
}

function opMsg(body: Document, flags = 0, sequences: Array<[string, Document[]]> = []): Buffer {
  const parts = [int32(flags), Buffer.from([0]), Buffer.from(BSON.serialize(body))];
  for (const [identifier, docs] of sequences) {
    const content = Buffer.concat([
      Buffer.from(`${identifier}\0`),
      ...docs.map((d) => Buffer.from(BSON.serialize(d))),
    ]);
    parts.push(Buffer.from([1]), int32(content.length + 4), content);
  }
  return Buffer.concat(parts);
}

function opQuery(namespace: string, query: Document): Buffer {
  return Buffer.concat([
    int32(0),
    Buffer.from(`${namespace}\0`),
    int32(0),
    int32(-1),
    Buffer.from(BSON.serialize(query)),
  ]);
}

describeEmbedded("embedded store wire protocol", () => {
  let store: EmbeddedStore;
  let connection: RawConnection;

  beforeAll(async () => {
    store = await startEmbeddedStore();
  });
  beforeEach(async () => {
    connection = await RawConnection.open(store.port);
  });
  afterEach(() => connection.close());
  afterAll(() => store.stop());

  test("when the handshake arrives as a legacy OP_QUERY isMaster on admin.$cmd, then the answer is an OP_REPLY", async () => {
    const replied = connection.nextReply();
    const requestId = connection.send(OP_QUERY, opQuery("admin.$cmd", { isMaster: 1, helloOk: true }));

    const reply = await replied;

    expect(reply).toMatchObject({ opCode: OP_REPLY, responseTo: requestId });
    expect(reply.doc).toMatchObject({
      ismaster: true,
      helloOk: true,
      maxWireVersion: 25,
      minWireVersion: 0,
      ok: 1,
    });
  });

  test("when a legacy OP_QUERY targets a collection instead of $cmd, then it is refused with an error reply", async () => {
    const replied = connection.nextReply();
    connection.send(OP_QUERY, opQuery("app.tips", { status: "new" }));

    expect((await replied).doc).toMatchObject({ ok: 0, code: 352 });
  });

  test("when hello arrives over OP_MSG, then it reports the limits and session support the driver needs", async () => {
    const replied = connection.nextReply();
    connection.send(OP_MSG, opMsg({ hello: 1, $db: "admin" }));

    const { doc, opCode } = await replied;

    expect(opCode).toBe(OP_MSG);
    expect(doc).toMatchObject({
      isWritablePrimary: true,
      logicalSessionTimeoutMinutes: 30,
      maxBsonObjectSize: 16 * 1024 * 1024,
      maxMessageSizeBytes: 48_000_000,
      maxWriteBatchSize: 100_000,
      hosts: [`127.0.0.1:${store.port}`],
    });
    expect(doc.localTime).toBeInstanceOf(Date);
    expect(typeof doc.connectionId).toBe("number");
  });

  test("when a message sets moreToCome, then it gets no reply", async () => {
    const replied = connection.nextReply();
    connection.send(OP_MSG, opMsg({ endSessions: [], $db: "admin" }, 1 << 1));
    const pingId = connection.send(OP_MSG, opMsg({ ping: 1, $db: "admin" }));

    expect((await replied).responseTo).toBe(pingId);
  });

  test("when frames arrive split into pieces or joined together, then each one is answered", async () => {
    const frame = (requestId: number): Buffer => {
      const payload = opMsg({ ping: 1, $db: "admin" });
      const header = Buffer.concat([int32(16 + payload.length), int32(requestId), int32(0), int32(OP_MSG)]);
      return Buffer.concat([header, payload]);
    };
    const replies = [connection.nextReply(), connection.nextReply(), connection.nextReply()];
    const first = frame(101);
    for (let i = 0; i < first.length; i += 7) {
      connection.sendRaw(first.subarray(i, i + 7));
      await new Promise((resolve) => setImmediate(resolve));
    }
    connection.sendRaw(Buffer.concat([frame(102), frame(103)]));

    const answered = await Promise.all(replies);

    expect(answered.map((reply) => reply.responseTo)).toEqual([101, 102, 103]);
  });

  test("when an OP_MSG carries a checksum, then it is accepted", async () => {
    const replied = connection.nextReply();
    connection.send(OP_MSG, Buffer.concat([opMsg({ ping: 1, $db: "admin" }, 1), int32(0)]));

    expect((await replied).doc).toMatchObject({ ok: 1 });
  });

  test("when documents arrive as a kind-1 document sequence, then they are all inserted", async () => {
    const replied = connection.nextReply();
    const docs = [{ _id: 1 }, { _id: 2 }, { _id: 3 }];
    connection.send(OP_MSG, opMsg({ insert: "seq", $db: "wire" }, 0, [["documents", docs]]));

    expect((await replied).doc).toMatchObject({ n: 3, ok: 1 });
  });

  test("when a command is unknown, then the reply is CommandNotFound and the connection stays usable", async () => {
    const replied = connection.nextReply();
    connection.send(OP_MSG, opMsg({ frobnicate: 1, $db: "admin" }));
    expect((await replied).doc).toMatchObject({ ok: 0, code: 59, codeName: "CommandNotFound" });

    const next = connection.nextReply();
    connection.send(OP_MSG, opMsg({ ping: 1, $db: "admin" }));
    expect((await next).doc).toMatchObject({ ok: 1 });
  });

  test("when a frame declares an impossible length, then only that connection is closed", async () => {
    const bystander = await RawConnection.open(store.port);
    connection.sendRaw(Buffer.concat([int32(3), Buffer.alloc(12)]));
    await connection.closed;

    const replied = bystander.nextReply();
    bystander.send(OP_MSG, opMsg({ ping: 1, $db: "admin" }));
    expect((await replied).doc).toMatchObject({ ok: 1 });
    bystander.close();
  });

  test("when a frame holds invalid BSON, then that connection is closed and the server keeps serving", async () => {
    const unknownElementType = Buffer.from([8, 0, 0, 0, 0x20, 0x61, 0, 0]);
    connection.send(OP_MSG, Buffer.concat([int32(0), Buffer.from([0]), unknownElementType]));
    await connection.closed;

    const client = await MongoClient.connect(`${store.uri}wire`, { serverSelectionTimeoutMS: 3000 });
    await expect(client.db().command({ ping: 1 })).resolves.toMatchObject({ ok: 1 });
    await client.close();
  });

  test("when a frame uses an unsupported opcode, then that connection is closed", async () => {
    connection.send(2012, Buffer.alloc(16));

    await expect(connection.closed).resolves.toBeUndefined();
  });
});
