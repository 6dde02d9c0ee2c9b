/**
 * Reply-token rules (LINE-FACTS §3, DOCS-REF #send-reply-message-reply-token):
 * - a token can be used once, within one minute of receiving the webhook;
 * - a token in a redelivered webhook is usable within one minute of receiving the redelivery,
 *   unless it was already used or 20 minutes have passed since the event occurred.
 */
export const REPLY_TOKEN_LIFETIME_MS = 60_000;
export const REDELIVERY_WINDOW_MS = 20 * 60_000;

interface TokenRecord {
  /** The chat the reply lands in: a user, group or room id. */
  chatId: string;
  eventTime: number;
  expiresAt: number;
  used: boolean;
}

const SWEEP_EVERY = 1_000;

export class ReplyTokenRegistry {
  private readonly tokens = new Map<string, TokenRecord>();
  private issuedSinceSweep = 0;

  constructor(private readonly now: () => number) {}

  /**
   * Makes a token usable for a minute from now. A token already used stays used; a redelivered one
   * is also cut off 20 minutes after its event.
   */
  issue(token: string, chatId: string, eventTime: number, redelivery: boolean): void {
    const now = this.now();
    const existing = this.tokens.get(token);
    if (existing?.used) return;
    const expiresAt = redelivery
      ? Math.min(now + REPLY_TOKEN_LIFETIME_MS, eventTime + REDELIVERY_WINDOW_MS)
      : now + REPLY_TOKEN_LIFETIME_MS;
    this.tokens.set(token, { chatId, eventTime, expiresAt, used: false });
    if (++this.issuedSinceSweep >= SWEEP_EVERY) this.sweep(now);
  }

  /** Spends a token; returns the chat it replies into, or undefined if unknown, used or expired. */
  consume(token: string): { chatId: string } | undefined {
    const record = this.tokens.get(token);
    if (!record || record.used || this.now() > record.expiresAt) return undefined;
    record.used = true;
    return { chatId: record.chatId };
  }

  /** Forgets tokens that no redelivery could make valid again, so local mode doesn't grow forever. */
  private sweep(now: number): void {
    this.issuedSinceSweep = 0;
    for (const [token, record] of this.tokens) {
      if (now > Math.max(record.expiresAt, record.eventTime + REDELIVERY_WINDOW_MS))
        this.tokens.delete(token);
    }
  }
}
