import type { Readable } from "node:stream";

export type EvidenceKind = "image" | "video" | "audio" | "file";

/** What officers (and the tip flow) see of a stored piece of evidence; the bytes come from EvidenceStore.open. */
export interface EvidenceItem {
  /** GridFS file id, hex: internal (drafts, attaching), never shown outside. */
  id: string;
  /** The public id: evidence URLs, the admin API and the audit log name evidence by it. */
  ref: string;
  kind: EvidenceKind;
  /** The stored bytes' type: a re-encoded image is image/jpeg or image/png whatever LINE reported. */
  contentType: string;
  /** Stored plaintext bytes (for images: the re-encoded size, not LINE's). */
  size: number;
  /** SHA-256 (hex) of the bytes exactly as LINE sent them, kept for integrity even when the image was re-encoded. */
  originalSha256: string;
  metadataStripped: boolean;
  /** The name the citizen's file had: user content, sealed at rest and opened only here. */
  fileName?: string;
  receivedAt: Date;
}

export type StoreEvidenceFailure = "too-large" | "unsupported-type" | "gone" | "preparing" | "failed";

export type StoreEvidenceResult =
  { ok: true; item: EvidenceItem } | { ok: false; reason: StoreEvidenceFailure };

export interface OpenedEvidence {
  item: EvidenceItem;
  tipId?: string;
  /**
   * Decrypted bytes. GCM is verified at the end of the stream: a tampered file makes the stream
   * error after it has emitted (unauthenticated) bytes, so a consumer must treat an error as
   * "discard everything received" — e.g. let it abort the HTTP response rather than finish it.
   */
  stream: Readable;
}

export interface EvidenceStore {
  /** Downloads LINE content for messageId, enforces limits, strips image metadata, encrypts, stores in GridFS bucket "evidence" owned by `owner` (a draft pseudonym string), not yet linked to a tip. Never throws. */
  storeFromLine(input: {
    messageId: string;
    kind: EvidenceKind;
    fileName?: string;
    owner: string;
  }): Promise<StoreEvidenceResult>;
  /** Links draft evidence to a submitted tip (metadata.tipId) and clears the draft owner. Only items owned by `owner` are linked. Returns how many were linked. */
  attachToTip(ids: string[], owner: string, tipId: string): Promise<number>;
  /** Deletes draft items of an owner (cancelled/expired draft) — or the given ids only. Linked items are never touched. */
  discardDraft(owner: string, ids?: string[]): Promise<number>;
  /**
   * Deletes unlinked draft items older than a cutoff, and uploads a crash left unfinished (cron
   * cleanup). The cutoff must lie before any upload that may still be running — use the draft TTL.
   */
  purgeOrphans(olderThan: Date): Promise<number>;
  /** Decrypting read stream for an officer (the caller audits). Throws EvidenceNotFoundError. */
  open(id: string): Promise<OpenedEvidence>;
  /** The same, by public ref (an evidence URL). Throws EvidenceNotFoundError. */
  openByRef(ref: string): Promise<OpenedEvidence>;
  /** A tip's evidence, oldest first. */
  list(tipId: string): Promise<EvidenceItem[]>;
}

export interface EvidenceLimits {
  /** Images are buffered for re-encoding, so they have their own, smaller cap. Default 20 MiB. */
  imageMaxBytes: number;
  /** Video, audio and other files, streamed. Default 100 MiB. */
  mediaMaxBytes: number;
  /** Content types accepted for kind "file" (see defaultAllowedFileTypes). */
  allowedFileTypes: string[];
  /** How many more times to ask when LINE answers 202 (still preparing). Default 3. */
  preparingRetries: number;
  /** Wait between those polls. Default 2000 ms. */
  preparingDelayMs: number;
  /** Decompression-bomb guard: images with more pixels are refused as unsupported. Default 100 megapixels. */
  imageMaxPixels: number;
}
