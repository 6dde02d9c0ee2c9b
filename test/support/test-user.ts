import type { messagingApi } from "@line/bot-sdk";
import { fakeUserId, type LocationInput, type PartialWebhookEvent } from "../../src/dev/line-platform";
import { isLocale, type Locale, type TextArgs } from "../../src/i18n";
import type { Harness } from "./harness";

type Message = messagingApi.Message & { quickReply?: messagingApi.QuickReply };

/**
 * A citizen in a 1:1 chat, in the spirit of grammY's TestUser: each action is a signed webhook into
 * the running app, and the answer is what the bot asked LINE to send to this user.
 */
export class TestUser {
  readonly userId: string;
  /** The language the bot answers this user in (their LINE profile's), for `t`. */
  locale: Locale;
  private seen = 0;

  constructor(
    private readonly harness: Harness,
    options: { userId?: string; language?: string } = {},
  ) {
    this.userId = options.userId ?? fakeUserId();
    const language = options.language ?? "th";
    // A profile in another language (ja) gets Thai, the default.
    this.locale = isLocale(language) ? language : "th";
    harness.platform.setProfile(this.userId, { displayName: "Test Citizen", language });
  }

  /** A text as the bot says it to this user: tests name texts by key, so rewording does not break them. */
  t(key: string, args?: TextArgs): string {
    return this.harness.service.context.texts.t(this.locale, key, args);
  }

  /** The first line of a text: enough to recognise a message whose other lines depend on arguments. */
  line(key: string, args?: TextArgs): string {
    return this.t(key, args).split("\n")[0]!;
  }

  /** Taps the quick-reply button whose label is this text key. */
  tapsLabel(key: string, params?: Record<string, string>): Promise<Message[]> {
    return this.tapsButton(this.t(key), params);
  }

  /** Types what a button says instead of tapping it. */
  typesLabel(key: string, args?: TextArgs): Promise<Message[]> {
    return this.says(this.t(key, args));
  }

  /** Taps a postback button inside a Flex card of the last answer (receipt, status, review). */
  async tapsCardButton(label: string): Promise<Message[]> {
    const button = this.cardButtons().find((candidate) => candidate.label === label);
    if (!button)
      throw new Error(
        `no card button "${label}" in: ${this.cardButtons()
          .map((b) => b.label)
          .join(", ")}`,
      );
    return this.taps(button.data);
  }

  /** The postback buttons of the Flex cards in the last answer. */
  cardButtons(): Array<{ label: string; data: string; displayText?: string }> {
    const found: Array<{ label: string; data: string; displayText?: string }> = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === "object") {
        const record = node as Record<string, unknown>;
        if (record.type === "button") {
          const action = record.action as {
            type: string;
            label: string;
            data?: string;
            displayText?: string;
          };
          if (action.type === "postback" && action.data)
            found.push({ label: action.label, data: action.data, displayText: action.displayText });
        }
        for (const [key, value] of Object.entries(record)) if (key !== "quickReply") walk(value);
      }
    };
    walk(this.lastBatch);
    return found;
  }

  says(text: string): Promise<Message[]> {
    return this.send(this.harness.platform.textFrom(this.userId, text));
  }

  taps(data: string, params?: Record<string, string>): Promise<Message[]> {
    return this.send(this.harness.platform.postbackFrom(this.userId, data, params));
  }

  /** Taps the quick-reply button on the last message whose label matches. */
  async tapsButton(label: string | RegExp, params?: Record<string, string>): Promise<Message[]> {
    const button = this.quickReplies().find((item) =>
      typeof label === "string" ? item.label === label : label.test(item.label),
    );
    if (!button)
      throw new Error(
        `no quick reply "${String(label)}" in: ${this.quickReplies()
          .map((b) => b.label)
          .join(", ")}`,
      );
    if (!button.data) throw new Error(`quick reply "${button.label}" is not a postback`);
    return this.taps(button.data, params);
  }

  sendsImage(bytes: Buffer, contentType = "image/jpeg"): Promise<Message[]> {
    return this.send(this.harness.platform.imageFrom(this.userId, bytes, contentType));
  }

  sendsFile(bytes: Buffer, fileName: string): Promise<Message[]> {
    return this.send(this.harness.platform.fileFrom(this.userId, bytes, fileName));
  }

  sendsLocation(location: LocationInput): Promise<Message[]> {
    return this.send(this.harness.platform.locationFrom(this.userId, location));
  }

  sendsSticker(): Promise<Message[]> {
    return this.send(this.harness.platform.stickerFrom(this.userId));
  }

  follows(): Promise<Message[]> {
    return this.send(this.harness.platform.follow(this.userId));
  }

  /** Every message delivered to this user so far. */
  received(): Message[] {
    return this.harness.platform
      .deliveries()
      .filter((delivery) => delivery.to === this.userId)
      .flatMap((delivery) => delivery.messages as Message[]);
  }

  lastMessages(): Message[] {
    return this.lastBatch;
  }

  quickReplies(): Array<{ label: string; data?: string; type: string; displayText?: string }> {
    const last = this.lastBatch.at(-1);
    return (last?.quickReply?.items ?? []).map((item) => {
      const action = item.action as { type: string; label?: string; data?: string; displayText?: string };
      return {
        label: action.label ?? "",
        data: action.data,
        type: action.type,
        displayText: action.displayText,
      };
    });
  }

  /** All text of the last answer, flex texts included, for assertions. */
  lastText(): string {
    return this.lastBatch.map(textOf).join("\n");
  }

  private lastBatch: Message[] = [];

  async send(event: PartialWebhookEvent): Promise<Message[]> {
    const delivery = await this.harness.platform.sendWebhook([event]);
    if (delivery.status !== 200) throw new Error(`webhook answered ${delivery.status}: ${delivery.body}`);
    await this.harness.settle();
    const all = this.received();
    this.lastBatch = all.slice(this.seen);
    this.seen = all.length;
    return this.lastBatch;
  }

  /** Looks at an earlier answer again as the latest (a test that put the conversation back where it was). */
  rewindTo(messages: Message[]): void {
    this.lastBatch = messages;
  }

  /** Takes what arrived since the last look, if anything did, as the latest answer (e.g. after a retried event). */
  catchUp(): Message[] {
    const all = this.received();
    if (all.length === this.seen) return [];
    this.lastBatch = all.slice(this.seen);
    this.seen = all.length;
    return this.lastBatch;
  }
}

/** The visible text of a message: text messages, and every text node of a Flex message. */
export function textOf(message: unknown): string {
  const texts: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      const record = node as Record<string, unknown>;
      if (typeof record.text === "string") texts.push(record.text);
      for (const [key, value] of Object.entries(record))
        if (key !== "quickReply" && key !== "text") walk(value);
    }
  };
  walk(message);
  return texts.join("\n");
}
