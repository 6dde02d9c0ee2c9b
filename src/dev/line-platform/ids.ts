import { randomBytes, randomUUID } from "node:crypto";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** LINE ids are a type letter and 32 lowercase hex digits (U user, C group, R room). */
export const USER_ID = /^U[0-9a-f]{32}$/;
export const CHAT_ID = /^[UCR][0-9a-f]{32}$/;

export const fakeUserId = (): string => `U${randomBytes(16).toString("hex")}`;
export const fakeGroupId = (): string => `C${randomBytes(16).toString("hex")}`;
export const fakeRoomId = (): string => `R${randomBytes(16).toString("hex")}`;

/** webhookEventId is a ULID (DOCS-RECV #webhook-redelivery): 48-bit millisecond time + 80 random bits, Crockford base32. */
export function ulid(timeMs: number): string {
  let time = "";
  let t = Math.max(0, Math.floor(timeMs));
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD.charAt(t % 32) + time;
    t = Math.floor(t / 32);
  }
  const random = Array.from(randomBytes(16), (byte) => CROCKFORD.charAt(byte % 32)).join("");
  return time + random;
}

/** Ids and tokens shaped like LINE's (numeric message ids, hex reply tokens, opaque quote tokens). */
export class IdFactory {
  // LINE message ids are 18-digit decimal strings; counting up keeps them unique within a platform.
  private nextMessageId = 500_000_000_000_000_000n + BigInt(randomBytes(4).readUInt32BE()) * 1_000_000n;

  messageId(): string {
    this.nextMessageId += 1n;
    return this.nextMessageId.toString();
  }

  replyToken(): string {
    return randomBytes(16).toString("hex");
  }

  quoteToken(): string {
    return `q${randomBytes(24).toString("base64url")}`;
  }

  markAsReadToken(): string {
    return randomBytes(24).toString("base64url");
  }

  requestId(): string {
    return randomUUID();
  }
}
