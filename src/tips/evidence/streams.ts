import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { Transform, type Writable } from "node:stream";
import { ContentTooLargeError, EvidenceIntegrityError } from "./errors";

/** Passes bytes through and fails the pipeline as soon as more than `limit` went by, before they are stored. */
export function byteLimit(limit: number): Transform & { readonly bytes: number } {
  let bytes = 0;
  const limiter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (bytes > limit) callback(new ContentTooLargeError(limit));
      else callback(null, chunk);
    },
  });
  return Object.defineProperty(limiter, "bytes", { get: () => bytes }) as Transform & {
    readonly bytes: number;
  };
}

/** Hashes what passes through; `digest()` is valid once the stream has ended. */
export function sha256Tap(): Transform & { digest(): string } {
  const hash = createHash("sha256");
  let hex: string | undefined;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      hex = hash.digest("hex");
      callback();
    },
  });
  return Object.assign(tap, {
    digest(): string {
      if (hex === undefined) throw new Error("sha256Tap read before the stream ended");
      return hex;
    },
  });
}

export interface GcmSealing {
  iv: Buffer;
  /** Valid once the stream has ended (GCM computes the tag over all ciphertext). */
  authTag(): Buffer;
}

/**
 * AES-256-GCM over a stream with a fresh 12-byte IV. `aad` binds the ciphertext to its file id,
 * so chunks copied from another evidence file do not authenticate.
 */
export function gcmEncrypt(key: Buffer, aad: Buffer): Transform & GcmSealing {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(aad);
  let tag: Buffer | undefined;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      callback(null, cipher.update(chunk));
    },
    flush(callback) {
      const rest = cipher.final();
      tag = cipher.getAuthTag();
      callback(null, rest);
    },
  });
  return Object.assign(stream, {
    iv,
    authTag(): Buffer {
      if (!tag) throw new Error("auth tag read before the stream ended");
      return tag;
    },
  });
}

/** The inverse of gcmEncrypt; ends with EvidenceIntegrityError when the tag does not match. */
export function gcmDecrypt(
  key: Buffer,
  iv: Buffer,
  authTag: Buffer,
  aad: Buffer,
  evidenceId: string,
): Transform {
  const decipher = createDecipheriv("aes-256-gcm", key, iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(authTag);
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      callback(null, decipher.update(chunk));
    },
    flush(callback) {
      try {
        callback(null, decipher.final());
      } catch {
        callback(new EvidenceIntegrityError(evidenceId));
      }
    },
  });
}

export interface SerialWriter {
  /** The last stage of a pipeline(): writes each chunk after the previous one was accepted, then ends the target. */
  consume(source: AsyncIterable<Buffer>): Promise<void>;
  /** Lets the write in flight finish and refuses any further one. */
  stop(): Promise<void>;
}

/**
 * stream.pipeline rejects as soon as a stage fails without waiting for a function stage, so a write
 * it had issued (for GridFS: a chunk insert) can still land afterwards. After a failure, `stop()`
 * makes sure nothing reaches the target any more before the caller cleans up.
 */
export function serialWriter(target: Writable): SerialWriter {
  let stopped = false;
  let inFlight: Promise<void> = Promise.resolve();
  const step = (action: () => Promise<void>): Promise<void> => {
    if (stopped) return Promise.reject(new Error("writer stopped"));
    inFlight = action();
    return inFlight;
  };
  return {
    async consume(source) {
      for await (const chunk of source) await step(() => writeTo(target, chunk));
      await step(() => endOf(target));
    },
    async stop() {
      stopped = true;
      await inFlight.catch(() => undefined); // its outcome no longer matters, only that it is over
    },
  };
}

function writeTo(target: Writable, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) =>
    target.write(chunk, (error) => (error ? reject(error) : resolve())),
  );
}

function endOf(target: Writable): Promise<void> {
  return new Promise((resolve, reject) =>
    target.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
}
