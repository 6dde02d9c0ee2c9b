import { stableId } from "../../../src/dev/emulator";
import { startEmulatorApp, type EmulatorApp } from "./emulator-app";

let app: EmulatorApp;
let abort: AbortController;

beforeEach(async () => {
  app = await startEmulatorApp({ keepAliveMs: 60_000 });
  abort = new AbortController();
});

afterEach(async () => {
  abort.abort();
  await app.close();
});

/** Opens the event stream and collects its text; `until` resolves once the text matches. */
async function openEvents(): Promise<{ until(pattern: RegExp): Promise<string> }> {
  const response = await fetch(`${app.base}/dev/emulator/events`, { signal: abort.signal });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  return {
    async until(pattern) {
      while (!pattern.test(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${String(pattern)}: ${text}`);
        text += decoder.decode(value, { stream: true });
      }
      return text;
    },
  };
}

describe("live updates (SSE)", () => {
  it("when the bot makes a Messaging API call, then a call event with its endpoint and status arrives", async () => {
    const events = await openEvents();
    await events.until(/retry: \d+/);

    await app.bot.api.pushMessage({
      to: stableId("U", "citizen-somchai"),
      messages: [{ type: "text", text: "แจ้งเตือน" }],
    });

    const text = await events.until(/event: call\ndata: .*\n\n/);
    const data = JSON.parse(/event: call\ndata: (.*)\n/.exec(text)![1]!) as unknown;
    expect(data).toMatchObject({ endpoint: "POST /v2/bot/message/push", status: 200 });
  });

  it("when the bot starts the loading animation, then the call event says for whom and how long", async () => {
    const events = await openEvents();
    await events.until(/retry: \d+/);
    const userId = stableId("U", "citizen-somchai");

    await app.bot.api.showLoadingAnimation({ chatId: userId, loadingSeconds: 10 });

    const text = await events.until(/loading/);
    expect(text).toContain(JSON.stringify({ chatId: userId, seconds: 10 }));
  });

  it("when something is sent from a page, then a chat event names the chat", async () => {
    const events = await openEvents();
    await events.until(/retry: \d+/);

    await app.post("/dev/emulator/api/chats/citizen-malee/sticker", {});

    expect(await events.until(/event: chat\n/)).toContain('data: {"chatId":"citizen-malee"}');
  });

  it("when the last page disconnects, then the emulator stops listening to the platform", async () => {
    const off = jest.spyOn(app.platform, "off");
    const events = await openEvents();
    await events.until(/retry: \d+/);

    abort.abort();

    await new Promise<void>((resolve) => {
      const poll = (): void => (off.mock.calls.length > 0 ? resolve() : void setTimeout(poll, 10));
      poll();
    });
    expect(off).toHaveBeenCalledWith("call", expect.any(Function));
  });
});
