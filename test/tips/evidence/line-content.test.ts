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

  it("when the gateway gives up with an HTTP error, then the answer is failed and the log has LINE's request id but not the message id", async () => {
    const error = new HTTPFetchError("Internal Server Error", {
      status: 500,
      statusText: "Internal Server Error",
      headers: new Headers({ "x-line-request-id": "req-123" }),
      body: "{}",
    });
    const { logger, output } = capturedLogger();
    const result = await fetchLineContent(
      answering(error),
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
});
