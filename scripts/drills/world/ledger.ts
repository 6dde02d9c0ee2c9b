import type { webhook } from "@line/bot-sdk";
import { retryKeyFor } from "../../../src/line/retry-key";

/** One answer LINE accepted for an event: a reply with its token, or a push keyed by its id. */
export interface Answer {
  via: "reply" | "push";
  purpose: "turn" | "apology";
  at: number;
  messages: unknown[];
}

/** One HTTP attempt to hand a webhook to the bot, as LINE would record it. */
export interface WebhookAttempt {
  at: number;
  ms: number;
  /** The bot's status, or LINE's error reason when there was none (could_not_connect, request_timeout). */
  status: number | "could_not_connect" | "request_timeout";
  redelivery: boolean;
}

export interface EventEntry {
  id: string;
  /** What the drill meant by it ("text", "image", "hostile:no-message"...), for the report. */
  label: string;
  chatId: string;
  /** Whether the bot answers this event; for events it answers nothing, the inbox says if it was processed. */
  answered: boolean;
  attempts: WebhookAttempt[];
  answers: Answer[];
}

/**
 * The drill's accounting, per event, from LINE's side: what was sent, what the bot acknowledged
 * (a 2xx), and what it answered — a reply with the event's token, or a push whose X-Line-Retry-Key
 * is the event's (`retryKeyFor("turn", id)`, or "apology" for a dead letter), accepted by LINE
 * (2xx, not 409). Processed = answered; lost = acknowledged and never processed; duplicated = more
 * than one answer delivered for one event.
 */
export class Ledger {
  private readonly events = new Map<string, EventEntry>();
  private readonly byReplyToken = new Map<string, string>();
  private readonly byRetryKey = new Map<string, { id: string; purpose: Answer["purpose"] }>();
  private readonly waiters = new Map<string, Array<(answer: Answer) => void>>();

  /** Called before the event is posted, so an answer faster than the 200 is not missed. */
  register(event: webhook.Event, label: string, answered = true): EventEntry {
    const id = event.webhookEventId;
    const existing = this.events.get(id);
    if (existing) return existing;
    const source = event.source as { userId?: string; groupId?: string; roomId?: string } | undefined;
    const entry: EventEntry = {
      id,
      label,
      chatId: source?.groupId ?? source?.roomId ?? source?.userId ?? "",
      answered,
      attempts: [],
      answers: [],
    };
    this.events.set(id, entry);
    const replyToken = (event as { replyToken?: unknown }).replyToken;
    if (typeof replyToken === "string") this.byReplyToken.set(replyToken, id);
    this.byRetryKey.set(retryKeyFor("turn", id), { id, purpose: "turn" });
    this.byRetryKey.set(retryKeyFor("apology", id), { id, purpose: "apology" });
    return entry;
  }

  recordAttempt(ids: string[], attempt: WebhookAttempt): void {
    for (const id of ids) this.events.get(id)?.attempts.push(attempt);
  }

  /** A reply LINE accepted; true when it answered one of our events. */
  recordReply(replyToken: string, messages: unknown[], isApology: (messages: unknown[]) => boolean): boolean {
    const id = this.byReplyToken.get(replyToken);
    if (!id) return false;
    this.addAnswer(id, {
      via: "reply",
      purpose: isApology(messages) ? "apology" : "turn",
      at: Date.now(),
      messages,
    });
    return true;
  }

  /** A push LINE accepted; true when its retry key was one of our events'. */
  recordPush(retryKey: string, messages: unknown[]): boolean {
    const found = this.byRetryKey.get(retryKey.toLowerCase());
    if (!found) return false;
    this.addAnswer(found.id, { via: "push", purpose: found.purpose, at: Date.now(), messages });
    return true;
  }

  get(id: string): EventEntry | undefined {
    return this.events.get(id);
  }

  all(): EventEntry[] {
    return [...this.events.values()];
  }

  /** The event's first answer, or undefined if none came within `deadlineMs`. */
  firstAnswer(id: string, deadlineMs: number): Promise<Answer | undefined> {
    const entry = this.events.get(id);
    if (entry?.answers[0]) return Promise.resolve(entry.answers[0]);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const list = this.waiters.get(id);
        list?.splice(list.indexOf(done), 1);
        resolve(undefined);
      }, deadlineMs);
      const done = (answer: Answer) => {
        clearTimeout(timer);
        resolve(answer);
      };
      const list = this.waiters.get(id) ?? [];
      list.push(done);
      this.waiters.set(id, list);
    });
  }

  private addAnswer(id: string, answer: Answer): void {
    const entry = this.events.get(id);
    if (!entry) return;
    entry.answers.push(answer);
    const waiting = this.waiters.get(id);
    this.waiters.delete(id);
    waiting?.forEach((resolve) => resolve(answer));
  }
}

export function acknowledged(entry: EventEntry): boolean {
  return entry.attempts.some(
    (attempt) => typeof attempt.status === "number" && attempt.status < 300 && attempt.status >= 200,
  );
}
