/** The id names no complete evidence file (malformed, deleted, or an upload that never finished). */
export class EvidenceNotFoundError extends Error {
  constructor(readonly evidenceId: string) {
    super(`evidence ${evidenceId} not found`);
    this.name = "EvidenceNotFoundError";
  }
}

/** The stored ciphertext failed GCM authentication: chunks were altered, reordered or swapped. */
export class EvidenceIntegrityError extends Error {
  constructor(readonly evidenceId: string) {
    super(`evidence ${evidenceId} failed its integrity check`);
    this.name = "EvidenceIntegrityError";
  }
}

/** Raised inside the upload pipeline when the content passes its size limit; never leaves the module. */
export class ContentTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`content exceeds ${limit} bytes`);
    this.name = "ContentTooLargeError";
  }
}
