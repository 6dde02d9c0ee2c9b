import net from "node:net";
import { createHmac } from "node:crypto";
import mongoose, { type Connection, type mongo } from "mongoose";
import type { webhook } from "@line/bot-sdk";
import { startHarness, testChannelSecret, type Harness } from "../support/harness";
import { failCommand } from "../support/fail-points";
import { intakeAppName } from "../../src/http/intake";
import { completeEvent } from "../../src/dev/line-platform/webhook-events";
import { IdFactory } from "../../src/dev/line-platform/ids";

/**
 * Webhooks verified in the same turn of the service's event loop share inbox inserts: the first goes
 * at once, the others gather into one insert while it is in flight. To make "the same turn" certain
 * rather than likely, the test writes complete requests on already-open connections in one
 * synchronous stretch; the service then reads them all in its next poll. Commands are counted as
 * connection checkouts of the intake's own pool (one per command), never timed.
 */

/** The service's intake connection, found by its name among the process's mongoose connections. */
function intakeConnection(): Connection {
  const found = mongoose.connections.filter(
    (connection) => connection.readyState === 1 && connection.getClient().options.appName === intakeAppName,
  );
  expect(found).toHaveLength(1);
  return found[0]!;
}

/** A keep-alive HTTP/1.1 connection written to by hand, so that several requests leave in one stretch. */
class RawConnection {
  private buffer = Buffer.alloc(0);
  private waiting: (() => void) | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.waiting?.();
    });
  }

  static async open(port: number): Promise<RawConnection> {
    const socket = net.connect(port, "127.0.0.1");
    await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    const connection = new RawConnection(socket);
    // A first request, answered, proves the service has accepted the connection and reads it.
    connection.write("GET /healthz HTTP/1.1\r\nhost: service\r\n\r\n");
    expect(await connection.nextStatus()).toBe(200);
    return connection;
  }

  write(request: string | Buffer): void {
    this.socket.write(request);
  }

  post(body: string, signature: string): void {
    this.write(
      `POST /webhook HTTP/1.1\r\nhost: service\r\ncontent-type: application/json; charset=utf-8\r\n` +
        `x-line-signature: ${signature}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }

  /** The status of the next whole response on this connection. */
  async nextStatus(): Promise<number> {
    for (;;) {
      const headEnd = this.buffer.indexOf("\r\n\r\n");
      if (headEnd >= 0) {
        const head = this.buffer.subarray(0, headEnd).toString("latin1");
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (this.buffer.length >= headEnd + 4 + length) {
          this.buffer = this.buffer.subarray(headEnd + 4 + length);
          return Number(/^HTTP\/1\.1 (\d{3})/.exec(head)![1]);
        }
      }
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

function sign(body: string): string {
  return createHmac("sha256", testChannelSecret).update(body).digest("base64");
}

describe("webhooks verified in the same turn share inbox inserts", () => {
  let harness: Harness;
  let connections: RawConnection[] = [];
  const ids = new IdFactory();
  let nextUser = 0;

  /** The intake's driver client; it stays the same object while it reconnects. */
  let intakeClient: mongo.MongoClient;

  beforeAll(async () => {
    harness = await startHarness();
    intakeClient = intakeConnection().getClient();
  });
  afterAll(async () => {
    await harness.stop();
  });
  afterEach(async () => {
    await failCommand(harness.database.uri, "off");
    connections.forEach((connection) => connection.close());
    connections = [];
  });

  /** A one-event text webhook from a user of its own, as LINE sends it, its reply token known to the platform. */
  function textEvent(text = "เมนู"): webhook.Event {
    nextUser += 1;
    const userId = `U${nextUser.toString(16).padStart(32, "a")}`;
    const event = completeEvent(harness.platform.textFrom(userId, text), {
      now: harness.clock.now().getTime(),
      ids,
      redelivery: false,
    });
    harness.platform.acceptSignedEvents([event]);
    return event;
  }

  const bodyOf = (event: webhook.Event) => JSON.stringify({ destination: "Ubot", events: [event] });
  const userOf = (event: webhook.Event) => (event.source as { userId: string }).userId;

  /**
   * Posts each body on a connection of its own, all in one synchronous stretch, and returns the
   * statuses in order with the number of commands the intake sent for them.
   */
  async function postTogether(posts: Array<{ body: string; signature?: string }>) {
    const port = Number(new URL(harness.service.url).port);
    connections = await Promise.all(posts.map(() => RawConnection.open(port)));
    const client = intakeClient;
    let commands = 0;
    const count = () => commands++;
    client.on("connectionCheckedOut", count);
    try {
      posts.forEach(({ body, signature }, i) => connections[i]!.post(body, signature ?? sign(body)));
      const statuses = await Promise.all(connections.map((connection) => connection.nextStatus()));
      return { statuses, commands };
    } finally {
      client.off("connectionCheckedOut", count);
    }
  }

  function answersTo(event: webhook.Event) {
    return harness.platform.deliveries().filter((delivery) => delivery.to === userOf(event));
  }

  test("when six new webhooks arrive in one turn, then they cost two inserts (the first at once, five together), each is answered 200, and each event is answered once", async () => {
    const events = Array.from({ length: 6 }, () => textEvent());

    const { statuses, commands } = await postTogether(events.map((event) => ({ body: bodyOf(event) })));

    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    expect(commands).toBe(2);
    await harness.settle();
    for (const event of events) expect(answersTo(event)).toEqual([expect.objectContaining({ via: "reply" })]);
  });

  test("when redeliveries of accepted events share an insert with new events, then every webhook is answered 200 and only the new events are processed", async () => {
    const earlier = [textEvent(), textEvent()];
    for (const event of earlier)
      expect((await postTogether([{ body: bodyOf(event) }])).statuses).toEqual([200]);
    await harness.settle();
    const fresh = [textEvent(), textEvent(), textEvent()];
    const redelivered = earlier.map((event) => ({ ...event, deliveryContext: { isRedelivery: true } }));
    harness.platform.acceptSignedEvents(redelivered);

    // The first goes alone; the gathered insert holds two duplicates and two new events.
    const { statuses, commands } = await postTogether(
      [fresh[0]!, redelivered[0]!, fresh[1]!, redelivered[1]!, fresh[2]!].map((event) => ({
        body: bodyOf(event),
      })),
    );

    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(commands).toBe(2);
    await harness.settle();
    for (const event of [...earlier, ...fresh]) expect(answersTo(event)).toHaveLength(1);
  });

  test("when the database fails the gathered insert, then exactly its webhooks get 503, the one sent before it and a forged one keep their answers, and LINE's redeliveries are processed once", async () => {
    const first = textEvent();
    const gathered = [textEvent(), textEvent(), textEvent()];
    const forged = textEvent();
    // The first inbox insert passes; the next (the gathered one, and any retry of it) loses its connection.
    await failCommand(
      harness.database.uri,
      { skip: 1 },
      {
        failCommands: ["insert"],
        closeConnection: true,
        namespace: `${harness.service.context.connection.name}.webhook_events`,
      },
    );

    const { statuses } = await postTogether([
      { body: bodyOf(first) },
      ...gathered.map((event) => ({ body: bodyOf(event) })),
      { body: bodyOf(forged), signature: sign(`${bodyOf(forged)} `) },
    ]);

    expect(statuses).toEqual([200, 503, 503, 503, 401]);
    await failCommand(harness.database.uri, "off");
    const redeliveries = gathered.map((event) => {
      const again = { ...event, deliveryContext: { isRedelivery: true } };
      harness.platform.acceptSignedEvents([again]);
      return { body: bodyOf(again) };
    });
    // LINE redelivers until it gets a 200; the intake's pool reconnects after the lost connection.
    for (const redelivery of redeliveries) {
      const until = Date.now() + 30_000;
      while ((await postTogether([redelivery])).statuses[0] !== 200) {
        if (Date.now() > until) throw new Error("the redelivery was not accepted before the deadline");
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    await harness.settle();
    for (const event of [first, ...gathered]) expect(answersTo(event)).toHaveLength(1);
    expect(answersTo(forged)).toEqual([]);
    const inbox = harness.service.context.connection.collection("webhook_events");
    expect(await inbox.countDocuments({ _id: forged.webhookEventId as never })).toBe(0);
  });
});
