import type { ContentOptions } from "./types";

/** What the content endpoints answer for a message id (LINE-FACTS §8). */
export type ContentLookup =
  | { state: "missing" }
  | { state: "gone" }
  | { state: "preparing" }
  | { state: "ready"; bytes: Buffer; contentType: string };

interface StoredContent {
  bytes: Buffer;
  contentType: string;
  preparingPolls: number;
  gone: boolean;
}

/** LINE deletes content after an undisclosed period; keeping the latest ones bounds local mode's memory. */
const MAX_STORED_CONTENTS = 1_000;

export class ContentStore {
  private readonly contents = new Map<string, StoredContent>();

  put(messageId: string, bytes: Buffer, contentType: string, opts: ContentOptions = {}): void {
    this.contents.delete(messageId);
    this.contents.set(messageId, {
      bytes,
      contentType,
      preparingPolls: Math.max(0, opts.preparingPolls ?? 0),
      gone: opts.gone ?? false,
    });
    const oldest = this.contents.keys().next();
    if (this.contents.size > MAX_STORED_CONTENTS && !oldest.done) this.contents.delete(oldest.value);
  }

  /** Every poll (of the content or of its transcoding status) while preparing counts down one. */
  poll(messageId: string): ContentLookup {
    const content = this.contents.get(messageId);
    if (!content) return { state: "missing" };
    if (content.gone) return { state: "gone" };
    if (content.preparingPolls > 0) {
      content.preparingPolls--;
      return { state: "preparing" };
    }
    return { state: "ready", bytes: content.bytes, contentType: content.contentType };
  }
}
