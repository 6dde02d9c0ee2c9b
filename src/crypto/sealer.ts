import { createCipheriv, createDecipheriv, randomFillSync } from "node:crypto";
import type { EncryptionKey } from "../config";

/**
 * AES-256-GCM with key ids. Sealed values are self-describing strings `v1.<kid>.<iv>.<tag>.<ciphertext>`
 * (base64url parts) so they fit in any document field and old values stay readable after a key
 * rotation: new writes use the current key, reads pick the key named in the value.
 */
export interface Sealer {
  seal(plaintext: string | Buffer, context?: string): string;
  open(sealed: string, context?: string): Buffer;
  openText(sealed: string, context?: string): string;
  /** For streaming evidence: a fresh key id + iv per stream, used with createCipheriv by the caller. */
  readonly currentKeyId: string;
  keyFor(id: string): Buffer;
}

export class DecryptionError extends Error {
  constructor(reason: string) {
    super(`cannot open sealed value: ${reason}`);
    this.name = "DecryptionError";
  }
}

const ivLength = 12;
/** 341 IVs' worth: one call to the system's random source instead of one per seal. */
const ivPool = Buffer.alloc(ivLength * 341);
let ivOffset = ivPool.length;

/**
 * A fresh random 96-bit IV. Drawing each seal's IV from the operating system cost as much as the
 * encryption itself (docs/PERFORMANCE.md, fourth session); the pool draws them 341 at a time from
 * the same source and hands every byte out once, so IVs stay as unpredictable and as unique.
 * The slice is only valid until the next call: callers use it at once (createCipheriv copies it).
 */
function nextIv(): Buffer {
  if (ivOffset === ivPool.length) {
    randomFillSync(ivPool);
    ivOffset = 0;
  }
  ivOffset += ivLength;
  return ivPool.subarray(ivOffset - ivLength, ivOffset);
}

export function createSealer(keys: EncryptionKey[], currentKeyId: string): Sealer {
  const ring = new Map(keys.map((k) => [k.id, k.key]));
  const keyFor = (id: string): Buffer => {
    const key = ring.get(id);
    if (!key) throw new DecryptionError(`unknown key id "${id}"`);
    return key;
  };
  const current = keyFor(currentKeyId);

  return {
    currentKeyId,
    keyFor,
    seal(plaintext, context) {
      const iv = nextIv();
      const cipher = createCipheriv("aes-256-gcm", current, iv);
      const ivText = iv.toString("base64url");
      // The context (e.g. "tip.narrative") is authenticated, so a value moved to another field fails to open.
      if (context) cipher.setAAD(Buffer.from(context));
      const head = cipher.update(plaintext);
      const tail = cipher.final(); // GCM is a stream mode: empty, but it completes the tag
      const body = tail.length === 0 ? head : Buffer.concat([head, tail]);
      return `v1.${currentKeyId}.${ivText}.${cipher.getAuthTag().toString("base64url")}.${body.toString("base64url")}`;
    },
    open(sealed, context) {
      const parts = sealed.split(".");
      if (parts.length !== 5 || parts[0] !== "v1") throw new DecryptionError("not a v1 sealed value");
      const [, keyId, iv, tag, body] = parts as [string, string, string, string, string];
      const decipher = createDecipheriv("aes-256-gcm", keyFor(keyId), Buffer.from(iv, "base64url"));
      if (context) decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      try {
        return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]);
      } catch {
        throw new DecryptionError("authentication failed (wrong key, context or tampered value)");
      }
    },
    openText(sealed, context) {
      return this.open(sealed, context).toString("utf8");
    },
  };
}
