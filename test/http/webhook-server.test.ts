import http from "node:http";
import net from "node:net";
import { gzipSync } from "node:zlib";
import { createHmac } from "node:crypto";
import { startHarness, testChannelSecret, type Harness } from "../support/harness";

/**
 * The webhook is served by the HTTP server before express (src/http/webhook.ts): these tests hold
 * it to the answers express gave, through the real service with signed bodies, and check that what
 * it does not take (other methods, other paths, the webhook's variants) is still express's.
 */

function sign(body: string | Buffer): string {
  return createHmac("sha256", testChannelSecret).update(body).digest("base64");
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * One request with node's client, so the test decides the framing: a Buffer goes with its
 * content-length, an array of chunks goes chunked (no content-length), as LINE's proxies may send it.
 */
function request(
  base: string,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: Buffer | Buffer[] },
): Promise<Answer> {
  const { method = "POST", path = "/webhook", headers = {}, body } = options;
  return new Promise((resolve, reject) => {
    const outgoing = http.request(`${base}${path}`, { method, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolve({
          status: response.statusCode!,
          headers: response.headers,
          body: Buffer.concat(chunks).toString("utf8"),
        }),
      );
    });
    outgoing.on("error", reject);
    if (Buffer.isBuffer(body)) {
      outgoing.setHeader("content-length", body.length);
      outgoing.end(body);
    } else if (body) {
      for (const chunk of body) outgoing.write(chunk);
      outgoing.end();
    } else outgoing.end();
  });
}

/** A connection written to by hand, for framing node's client would not send (two requests back to back). */
class RawConnection {
  private readonly received: Buffer[] = [];
  private constructor(private readonly socket: net.Socket) {
    socket.on("data", (chunk: Buffer) => this.received.push(chunk));
  }

  static async open(port: number): Promise<RawConnection> {
    const socket = net.connect(port, "127.0.0.1");
    await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    return new RawConnection(socket);
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  text(): string {
    return Buffer.concat(this.received).toString("latin1");
  }

  /** Waits (polling, up to 30 s) until what arrived satisfies the condition. */
  async until(condition: (text: string) => boolean): Promise<void> {
    for (let i = 0; i < 600 && !condition(this.text()); i++)
      await new Promise((resolve) => setTimeout(resolve, 50));
  }

  close(): void {
    this.socket.destroy();
  }
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const json = { "content-type": "application/json; charset=utf-8" };

describe("the webhook served before express", () => {
  let harness: Harness;
  let base: string;
  let serial = 0;
  /** A signed body with one follow event from a user of its own. */
  const followBody = () => {
    serial += 1;
    const userId = `U${serial.toString(16).padStart(32, "f")}`;
    return Buffer.from(JSON.stringify({ destination: "U0", events: [harness.platform.follow(userId)] }));
  };
  const post = (body: Buffer | Buffer[], headers: Record<string, string> = {}, path = "/webhook") =>
    request(base, { path, headers: { ...json, ...headers }, body });

  beforeAll(async () => {
    harness = await startHarness();
    base = harness.service.url;
  });
  afterAll(async () => {
    await harness.stop();
  });

  test("when a signed body arrives, then the answer is 200 {} as JSON with a fresh request id", async () => {
    const body = followBody();
    const answer = await post(body, { "x-line-signature": sign(body) });
    expect(answer).toMatchObject({ status: 200, body: "{}" });
    expect(answer.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(answer.headers["content-length"]).toBe("2");
    expect(answer.headers["x-request-id"]).toMatch(uuid);
    await harness.settle();
  });

  test("when a proxy passes a plain request id, then the 200 and a 401 carry it and a rejection is logged with it", async () => {
    const body = followBody();
    const ok = await post(body, { "x-line-signature": sign(body), "x-request-id": "edge-7.a_b" });
    expect(ok.headers["x-request-id"]).toBe("edge-7.a_b");
    const forged = await post(body, { "x-line-signature": sign("other"), "x-request-id": "edge-8" });
    expect(forged.status).toBe(401);
    expect(forged.headers["x-request-id"]).toBe("edge-8");
    const logged = harness.logs.map((line) => JSON.parse(line)).find((line) => line.requestId === "edge-8");
    expect(logged).toMatchObject({ msg: "request rejected", status: 401, path: "/webhook" });
    expect(JSON.stringify(logged)).not.toContain("follow");
    await harness.settle();
  });

  test("when the request id is odd, then a fresh UUID is used", async () => {
    const answer = await post(Buffer.from("{}"), { "x-request-id": "<script>" });
    expect(answer.headers["x-request-id"]).toMatch(uuid);
  });

  test("when the signature is missing, empty or wrong, then the answer is 401 invalid signature", async () => {
    const body = followBody();
    const signatures: Record<string, string>[] = [
      {},
      { "x-line-signature": "" },
      { "x-line-signature": sign(body).slice(1) },
    ];
    for (const headers of signatures) {
      const answer = await post(body, headers);
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.body)).toEqual({ error: "invalid signature" });
      expect(answer.headers["content-type"]).toBe("application/json; charset=utf-8");
    }
  });

  test("when a signed body is not JSON, then the answer is 400 malformed JSON", async () => {
    const body = Buffer.from('{"events": [');
    const answer = await post(body, { "x-line-signature": sign(body) });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toEqual({ error: "malformed JSON" });
  });

  test("when a signed body is JSON but not a webhook, then the answer is 400 with the reason", async () => {
    const body = Buffer.from("[1,2]");
    const answer = await post(body, { "x-line-signature": sign(body) });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toEqual({ error: "body must be a JSON object" });
  });

  test("when a POST is empty, then the answer is 401 unsigned and 400 signed", async () => {
    expect((await request(base, {})).status).toBe(401);
    const answer = await request(base, { headers: { "x-line-signature": sign("") } });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toEqual({ error: "malformed JSON" });
  });

  test("when a signed body comes chunked, then it is read whole and accepted", async () => {
    harness.platform.clearDeliveries();
    const body = followBody();
    const chunks = [body.subarray(0, 10), body.subarray(10, 40), body.subarray(40)];
    const answer = await post(chunks, { "x-line-signature": sign(body) });
    expect(answer.status).toBe(200);
    expect(answer.headers["content-length"]).toBe("2");
    await harness.settle();
    expect(harness.platform.deliveries()).toHaveLength(1);
  });

  test("when a body is over the limit, announced or chunked, then the answer is 413 and the connection still serves", async () => {
    const big = Buffer.from(JSON.stringify({ events: [], padding: "x".repeat(1_100_000) }));
    const announced = await post(big, { "x-line-signature": sign(big) });
    expect(announced.status).toBe(413);
    expect(JSON.parse(announced.body)).toEqual({ error: "body too large" });
    const chunked = await post([big.subarray(0, 600_000), big.subarray(600_000)], {
      "x-line-signature": sign(big),
    });
    expect(chunked.status).toBe(413);

    // One keep-alive connection: the oversized body is read off, so the next request on it is answered.
    const connection = await RawConnection.open(harness.service.port);
    const small = followBody();
    connection.write(`POST /webhook HTTP/1.1\r\nhost: service\r\ncontent-length: ${big.length}\r\n\r\n`);
    connection.write(big);
    connection.write(
      `POST /webhook HTTP/1.1\r\nhost: service\r\nx-line-signature: ${sign(small)}\r\n` +
        `content-length: ${small.length}\r\n\r\n`,
    );
    connection.write(small);
    await connection.until((text) => [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].length >= 2);
    connection.close();
    expect([...connection.text().matchAll(/HTTP\/1\.1 (\d{3})/g)].map((match) => match[1])).toEqual([
      "413",
      "200",
    ]);
    await harness.settle();
  });

  test("when a signed body comes gzip-encoded, then it is inflated and accepted as before; an unknown encoding is 415", async () => {
    const body = followBody();
    const gzipped = await post(gzipSync(body), {
      "x-line-signature": sign(body),
      "content-encoding": "gzip",
    });
    expect(gzipped.status).toBe(200);
    const unknown = await post(body, { "x-line-signature": sign(body), "content-encoding": "compress" });
    expect(unknown.status).toBe(415);
    await harness.settle();
  });

  test("when the webhook is asked with another method, then express answers 404 as before", async () => {
    for (const method of ["GET", "PUT", "HEAD"]) {
      const answer = await request(base, { method });
      expect(answer.status).toBe(404);
      expect(answer.headers["x-request-id"]).toMatch(uuid);
    }
  });

  test("when a variant of the path is posted (trailing slash, capitals, a query), then express's route accepts it", async () => {
    for (const path of ["/webhook/", "/WEBHOOK", "/webhook?from=proxy"]) {
      const body = followBody();
      const answer = await post(body, { "x-line-signature": sign(body), "x-request-id": "variant-1" }, path);
      expect(answer).toMatchObject({ status: 200, body: "{}" });
      expect(answer.headers["x-request-id"]).toBe("variant-1");
      const forged = await post(body, { "x-line-signature": sign("x") }, path);
      expect(forged.status).toBe(401);
    }
    await harness.settle();
  });

  test("when other routes are asked, then express serves them with request ids", async () => {
    const health = await request(base, { method: "GET", path: "/healthz" });
    expect(health).toMatchObject({ status: 200 });
    expect(JSON.parse(health.body)).toEqual({ status: "ok" });
    expect(health.headers["x-request-id"]).toMatch(uuid);
    expect((await request(base, { method: "GET", path: "/readyz" })).status).toBe(200);
    expect((await request(base, { method: "POST", path: "/nowhere" })).status).toBe(404);
  });

  test("when the service is shutting down, then a webhook still in flight is answered 503", async () => {
    const body = followBody();
    const connection = await RawConnection.open(harness.service.port);
    // Headers and half the body first: the request is in flight when the service starts stopping.
    connection.write(
      `POST /webhook HTTP/1.1\r\nhost: service\r\nx-line-signature: ${sign(body)}\r\n` +
        `content-length: ${body.length}\r\n\r\n`,
    );
    connection.write(body.subarray(0, 20));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const restarted = harness.restart();
    connection.write(body.subarray(20));
    await connection.until((text) => text.includes("}"));
    connection.close();
    expect(connection.text()).toMatch(/^HTTP\/1\.1 503/);
    expect(connection.text()).toContain('{"error":"shutting down"}');
    await restarted;
    base = harness.service.url;
  });
});
