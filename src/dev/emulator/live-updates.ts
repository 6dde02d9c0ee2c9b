/**
 * Server-Sent Events for the page: one "call" event per Messaging API request the bot made, one
 * "chat" event when someone sent something from a page. Events only say that something changed;
 * the page then fetches what it shows, so a missed event costs nothing but a moment's delay.
 */
import type { Request, Response } from "express";
import type { FakeLinePlatform, RecordedCall } from "../line-platform";

/** What a "call" event carries: enough to refresh, to warn about a rejected request, and to show typing. */
export interface CallNotice {
  endpoint: string;
  status: number;
  at: string;
  /** For "POST /v2/bot/chat/loading/start": the user who sees the loading animation, and for how long. */
  loading?: { chatId: string; seconds: number };
}

export interface ChatNotice {
  chatId: string;
}

const LOADING_ENDPOINT = "POST /v2/bot/chat/loading/start";

export function callNotice(call: RecordedCall): CallNotice {
  const notice: CallNotice = { endpoint: call.endpoint, status: call.status, at: call.at };
  if (call.endpoint === LOADING_ENDPOINT && call.status < 300) {
    const body = (call.body ?? {}) as { chatId?: unknown; loadingSeconds?: unknown };
    if (typeof body.chatId === "string") {
      const seconds = typeof body.loadingSeconds === "number" ? body.loadingSeconds : 20;
      notice.loading = { chatId: body.chatId, seconds };
    }
  }
  return notice;
}

/**
 * The open event streams. It listens to the platform only while a page is connected, so routers made
 * and dropped in tests leave no listener behind.
 */
export class LiveUpdates {
  private readonly clients = new Set<Response>();
  private readonly onCall = (call: RecordedCall): void => this.broadcast("call", callNotice(call));

  constructor(
    private readonly platform: FakeLinePlatform,
    private readonly keepAliveMs: number,
  ) {}

  /** Answers GET /events: keeps the response open until the browser goes away. */
  attach(req: Request, res: Response): void {
    res.status(200).set({
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    });
    res.flushHeaders();
    res.write("retry: 2000\n\n");
    if (this.clients.size === 0) this.platform.on("call", this.onCall);
    this.clients.add(res);
    // A comment line now and then keeps proxies and the browser from timing the stream out.
    const keepAlive = setInterval(() => res.write(": keep-alive\n\n"), this.keepAliveMs);
    keepAlive.unref();
    req.on("close", () => {
      clearInterval(keepAlive);
      this.clients.delete(res);
      if (this.clients.size === 0) this.platform.off("call", this.onCall);
    });
  }

  chatChanged(chatId: string): void {
    this.broadcast("chat", { chatId } satisfies ChatNotice);
  }

  private broadcast(event: string, data: unknown): void {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const client of this.clients) client.write(frame);
  }
}
