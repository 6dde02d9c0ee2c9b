import { Readable } from "node:stream";
import { HTTPFetchError } from "@line/bot-sdk";
import type { ContentResult } from "../../../src/line/gateway";
import { fetchLineContent, type ContentSource } from "../../../src/tips/evidence/line-content";
import { capturedLogger } from "./helpers";

function answering(...results: Array<ContentResult | Error>): ContentSource & { calls: number } {
  const source = {
    calls: 0,
    async getContent(): Promise<ContentResult> {
      const next = results[Math.min(source.calls++, results.length - 1)];
      if (!next || next instanceof Error) throw next ?? new Error("no answer");
      return next;
    },
  };
  return source;
}

const ready: ContentResult = {
  kind: "ready",
  stream: Readable.from([Buffer.from("x")]),
  contentType: "image/jpeg",
};
const preparing: ContentResult = { kind: "preparing" };

describe("fetchLineContent", () => {
  const policy = { retries: 3, delayMs: 2000 };

  it("when LINE is preparing twice and then ready, then the content is returned after two waits", async () => {
    const waits: number[] = [];
    const sleep = async (ms: number) => void waits.push(ms);
    const result = await fetchLineContent(
      answering(preparing, preparing, ready),
      "m1",
      { ...policy, sleep },
      capturedLogger().logger,
    );
    expect([result.kind, waits]).toEqual(["ready", [2000, 2000]]);
  });

  it("when LINE is still preparing after every retry, then the answer is preparing", async () => {
    const line = answering(preparing);
    const result = await fetchLineContent(
      line,
      "m1",
      { ...policy, sleep: async () => {} },
      capturedLogger().logger,
    );
    expect([result, line.calls]).toEqual([{ kind: "unavailable", reason: "preparing" }, 4]);
  });

  it("when LINE says the content is gone, then the answer is gone", async () => {
    const result = await fetchLineContent(
      answering({ kind: "gone" }),
      "m1",
      { ...policy, sleep: async () => {} },
      capturedLogger().logger,
    );
    expect(result).toEqual({ kind: "unavailable", reason: "gone" });
  });

  const lineError = (status: number, body = "{}") =>
    new HTTPFetchError(`${status}`, {
      status,
      statusText: "",
      headers: new Headers({ "x-line-request-id": "req-123" }),
      body,
    });

  it("when LINE refuses the request, then the answer is failed and the log has LINE's request id but not the message id", async () => {
    const { logger, output } = capturedLogger();
    const result = await fetchLineContent(
      answering(lineError(403)),
      "5830000000001",
      { ...policy, sleep: async () => {} },
      logger,
    );
    expect([result, output().includes("req-123"), output().includes("5830000000001")]).toEqual([
      { kind: "unavailable", reason: "failed" },
      true,
      false,
    ]);
  });

  it.each([
    ["a 500", lineError(500)],
    ["a 429", lineError(429, '{"message":"The API rate limit has been exceeded. Try again later."}')],
    ["no connection", new TypeError("LINE API request failed: ECONNREFUSED")],
  ])(
    "when LINE is unavailable (%s) after the gateway's retries, then the failure goes to the turn, which is retried",
    async (_what, error) => {
      const { logger, output } = capturedLogger();
      await expect(
        fetchLineContent(answering(error), "5830000000001", { ...policy, sleep: async () => {} }, logger),
      ).rejects.toBe(error);
      expect(output().includes("5830000000001")).toBe(false);
    },
  );

  it("when the monthly quota is used up, then the answer is failed (waiting does not help)", async () => {
    const result = await fetchLineContent(
      answering(lineError(429, '{"message":"You have reached your monthly limit."}')),
      "m1",
      { ...policy, sleep: async () => {} },
      capturedLogger().logger,
    );
    expect(result).toEqual({ kind: "unavailable", reason: "failed" });
  });
});
