/**
 * X-Line-Retry-Key (LINE-FACTS §6): a hexadecimal UUID chosen by the bot, accepted only by push,
 * multicast, narrowcast and broadcast. Once a request with a key is accepted (2xx), a repeat within
 * 24 hours gets 409 with x-line-accepted-request-id and is not sent again; after 24 hours the key
 * counts as new.
 */
export const RETRY_KEY_VALIDITY_MS = 24 * 60 * 60_000;
export const RETRY_KEY_FORMAT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AcceptedRequest {
  requestId: string;
  acceptedAt: number;
  /** What a push answered, repeated in its 409 body. */
  sentMessages?: unknown[];
}

export class RetryKeyStore {
  private readonly accepted = new Map<string, AcceptedRequest>();

  constructor(private readonly now: () => number) {}

  /** The earlier accepted request with this key, if it is still within its 24 hours. */
  find(key: string): AcceptedRequest | undefined {
    const found = this.accepted.get(key.toLowerCase());
    if (found && this.now() - found.acceptedAt < RETRY_KEY_VALIDITY_MS) return found;
    return undefined;
  }

  accept(key: string, requestId: string, sentMessages?: unknown[]): void {
    const now = this.now();
    // Delete first so the map stays in acceptance order (a reused expired key moves to the back),
    // which lets the sweep below stop at the first key still valid.
    this.accepted.delete(key.toLowerCase());
    this.accepted.set(key.toLowerCase(), { requestId, acceptedAt: now, sentMessages });
    for (const [k, request] of this.accepted) {
      if (now - request.acceptedAt < RETRY_KEY_VALIDITY_MS) break;
      this.accepted.delete(k);
    }
  }
}
