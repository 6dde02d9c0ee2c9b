import type { webhook } from "@line/bot-sdk";
import type { Logger } from "../log";
import { InvalidReplyTokenError, type LineGateway, type Message } from "./gateway";
import { retryKeyFor } from "./retry-key";

/** LINE takes at most five messages per reply or push. */
export const maxMessagesPerRequest = 5;

/**
 * One event's answer, collected while a feature handles it. Features `say` what they want to send;
 * nothing is sent from here: the processor records the answer with the event's effects (one
 * transaction) and only then delivers it, so a retry re-sends the same answer instead of
 * recomputing it.
 */
export class Turn {
  private readonly outbox: Message[] = [];
  private childLogger: Logger | undefined;

  /** `makeLogger` is called on first use: a pino child serialises its bindings when made, and most turns log nothing. */
  constructor(
    readonly event: webhook.Event,
    readonly eventId: string,
    private readonly makeLogger: () => Logger,
  ) {}

  get logger(): Logger {
    return (this.childLogger ??= this.makeLogger());
  }

  say(...messages: Message[]): void {
    this.outbox.push(...messages);
  }

  get pending(): readonly Message[] {
    return this.outbox;
  }

  /** The answer as it will be recorded and sent: at most five messages (more is a bug, logged). */
  answer(): Message[] {
    if (this.outbox.length > maxMessagesPerRequest) {
      // A flow that says more than LINE takes in one reply is a bug; send the first five rather than nothing.
      this.logger.error({ count: this.outbox.length }, "turn produced more than 5 messages; extra dropped");
    }
    return this.outbox.slice(0, maxMessagesPerRequest);
  }
}

/**
 * A reply token LINE reports invalid this soon after the webhook arrived cannot have expired (LINE
 * keeps it for a minute): our own earlier attempt used it.
 */
const surelyUnexpiredMs = 50_000;

export interface DeliveryAttempt {
  purpose: "turn" | "apology";
  /** The answer was recorded earlier and an earlier attempt may have delivered it. */
  resend: boolean;
  /**
   * A re-send after an attempt whose reply had left for LINE stopped without an outcome (the process
   * was killed): a reply token LINE now calls invalid was spent by that attempt, however long ago —
   * by the time another process retries, the token's minute has usually passed.
   */
  interrupted: boolean;
  /** Told when a reply's request has left for LINE, so a crash after it can be recognised later. */
  onReplySent?: () => void;
  /** When the webhook carrying the event arrived here. */
  receivedAt: Date;
  now: Date;
}

/**
 * Sends an event's answer: as a reply while the token is good; if it is spent or expired (an event
 * processed late, or an answer re-sent after a failure), a 1:1 chat gets it by push keyed by the
 * event id, so a second attempt is answered 409 by LINE instead of being delivered twice. A re-send
 * whose token LINE rejects within the token's lifetime, or after a crash cut short an attempt whose
 * reply had already left, was delivered by that attempt: no push. (Killed between the reply leaving
 * and that being recorded — one database write — the answer can still be pushed a second time.)
 * Groups and standby mode get no push: that would be unsolicited.
 */
export async function deliverAnswer(
  line: LineGateway,
  event: webhook.Event,
  eventId: string,
  messages: Message[],
  logger: Logger,
  attempt: DeliveryAttempt,
): Promise<void> {
  if (messages.length === 0) return;
  if (event.mode === "standby") return; // another channel has the chat: LINE says not to send
  const replyToken = "replyToken" in event ? event.replyToken : undefined;
  if (replyToken) {
    try {
      await line.reply(replyToken, messages, attempt.onReplySent);
      return;
    } catch (error) {
      if (!(error instanceof InvalidReplyTokenError)) throw error;
      const spentByUs =
        attempt.interrupted || attempt.now.getTime() - attempt.receivedAt.getTime() < surelyUnexpiredMs;
      if (attempt.resend && spentByUs) {
        logger.info({ eventId }, "reply token used by the earlier attempt: the answer was delivered");
        return;
      }
      logger.info({ eventId }, "reply token spent; falling back to push");
    }
  }
  const userId = event.source?.type === "user" ? event.source.userId : undefined;
  if (userId) await line.push(userId, messages, retryKeyFor(attempt.purpose, eventId));
}
