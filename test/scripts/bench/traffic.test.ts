import { startHarness, type Harness } from "../../support/harness";
import { TestUser } from "../../support/test-user";
import {
  newUserText,
  parseReplyToken,
  replyTokenFor,
  returningUserScript,
  textWebhook,
} from "../../../scripts/bench/traffic";
import { signWebhookBody } from "../../../src/dev/line-platform";

describe("the benchmark's traffic", () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness.stop();
  });

  /** The start of a prompt as the bot words it in Thai (prompts may end with arguments). */
  const promptStart = (key: string) =>
    harness.service.context.texts.t("th", key, { count: 0 }).split("\n")[0]!.slice(0, 20);

  test("when a returning user sends the script's answers, then every one is accepted and the report moves on, round after round", async () => {
    const user = new TestUser(harness);

    for (let round = 0; round < 2; round++) {
      for (const { text, prompt } of returningUserScript) {
        await user.says(text);
        expect({ text, reply: user.lastText() }).toEqual({
          text,
          reply: expect.stringContaining(promptStart(prompt)),
        });
      }
    }
  });

  test("when a new user sends the benchmark's message, then the bot answers it with a reply", async () => {
    const user = new TestUser(harness);

    const answer = await user.says(newUserText);

    expect(answer.length).toBeGreaterThan(0);
    expect(
      harness.platform
        .deliveries()
        .filter((d) => d.to === user.userId)
        .map((d) => d.via),
    ).toEqual(["reply"]);
  });

  test("when a webhook is built for the load generator, then it is signed like LINE's and its reply token names its event", () => {
    const replyToken = replyTokenFor(7, 123_456);
    const hook = textWebhook({
      secret: "bench-secret",
      destination: "U0f1e2d3c4b5a69788796a5b4c3d2e1f0",
      userId: `U${"a".repeat(32)}`,
      text: "เมนู",
      replyToken,
      timestamp: 1_700_000_000_000,
      messageId: "700000000000000001",
    });

    expect(hook.signature).toBe(signWebhookBody(hook.body.toString("utf8"), "bench-secret"));
    expect(JSON.parse(hook.body.toString("utf8"))).toMatchObject({
      events: [{ type: "message", replyToken, message: { type: "text", text: "เมนู" } }],
    });
    expect(replyToken).toMatch(/^[0-9a-f]{32}$/);
    expect(parseReplyToken(replyToken)).toEqual({ phase: 7, seq: 123_456 });
  });
});
