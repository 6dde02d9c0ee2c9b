import type { webhook } from "@line/bot-sdk";
import type { Logger } from "../log";
import { InvalidReplyTokenError, type LineGateway, type Message } from "./gateway";
import { retryKeyFor } from "./retry-key";

const maxMessagesPerRequest = 5;

/**
 * One event's answer. Handlers `say` what they want to send; `flush` sends it once, as a single
 * reply (LINE allows 5 messages per reply). If the reply token is spent or expired — an event
 * processed late after a crash — a 1:1 chat gets the answer by push instead, keyed by the event id
 * so a retry never sends it twice. Groups and standby mode get no push: that would be unsolicited.
 */
export class Turn {
  private readonly outbox: Message[] = [];

  constructor(
    readonly event: webhook.Event,
    readonly eventId: string,
    private readonly line: LineGateway,
    private readonly logger: Logger,
  ) {}

  say(...messages: Message[]): void {
    this.outbox.push(...messages);
  }

  get pending(): readonly Message[] {
    return this.outbox;
  }

  async flush(): Promise<void> {
    if (this.outbox.length === 0) return;
    if (this.outbox.length > maxMessagesPerRequest) {
      // A flow that says more than LINE takes in one reply is a bug; send the first five rather than nothing.
      this.logger.error({ count: this.outbox.length }, "turn produced more than 5 messages; extra dropped");
    }
    const messages = this.outbox.splice(0, maxMessagesPerRequest);
    this.outbox.length = 0;
    if (this.event.mode === "standby") return; // another channel has the chat: LINE says not to send

    const replyToken = "replyToken" in this.event ? this.event.replyToken : undefined;
    if (replyToken) {
      try {
        await this.line.reply(replyToken, messages);
        return;
      } catch (error) {
        if (!(error instanceof InvalidReplyTokenError)) throw error;
        this.logger.info({ eventId: this.eventId }, "reply token spent; falling back to push");
      }
    }
    const userId = this.event.source?.type === "user" ? this.event.source.userId : undefined;
    if (userId) await this.line.push(userId, messages, retryKeyFor("turn", this.eventId));
  }
}
