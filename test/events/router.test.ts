import { Writable } from "node:stream";
import type { webhook } from "@line/bot-sdk";
import { routeEvents, type Feature } from "../../src/events/router";
import { createLogger } from "../../src/log";

const message = (text: string): webhook.Event =>
  ({
    type: "message",
    mode: "active",
    timestamp: 0,
    webhookEventId: "01TEST",
    deliveryContext: { isRedelivery: false },
    source: { type: "user", userId: "U" + "a".repeat(32) },
    replyToken: "reply-token",
    message: { id: "1", type: "text", text, quoteToken: "q" },
  }) as webhook.Event;

function capture(): { lines: Array<Record<string, unknown>>; logger: ReturnType<typeof createLogger> } {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: createLogger({ level: "info", destination }) };
}

describe("event router", () => {
  test("when a feature says more than LINE takes, then the first five go out and the error names the event and feature", async () => {
    const { lines, logger } = capture();
    const chatty: Feature = {
      name: "chatty",
      handles: () => true,
      handle: async (turn) => {
        for (let i = 1; i <= 6; i++) turn.say({ type: "text", text: `line ${i}` });
      },
    };
    const answer = await routeEvents([chatty], logger).apply(message("hi"), "event-6");
    expect(answer.map((m) => (m as { text: string }).text)).toEqual([1, 2, 3, 4, 5].map((i) => `line ${i}`));
    const error = lines.find((line) => line["msg"] === "turn produced more than 5 messages; extra dropped");
    expect(error).toMatchObject({ eventId: "event-6", feature: "chatty", count: 6 });
  });

  test("when the first feature declines, then the next one answers and nothing is logged for a quiet turn", async () => {
    const { lines, logger } = capture();
    const declines: Feature = {
      name: "declines",
      handles: () => false,
      handle: () => Promise.reject(new Error("no")),
    };
    const answers: Feature = {
      name: "answers",
      handles: async () => true,
      handle: async (turn) => turn.say({ type: "text", text: "ok" }),
    };
    const answer = await routeEvents([declines, answers], logger).apply(message("hi"), "event-1");
    expect(answer).toEqual([{ type: "text", text: "ok" }]);
    expect(lines).toEqual([]);
  });
});
