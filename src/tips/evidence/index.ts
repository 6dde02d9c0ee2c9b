/**
 * Evidence citizens attach to a tip-off: downloaded from LINE, stripped of photo metadata,
 * encrypted and kept in the GridFS bucket "evidence".
 */
export { createEvidenceStore, type EvidenceStoreDeps } from "./store";
export { ensureEvidenceIndexes } from "./collections";
export { EvidenceIntegrityError, EvidenceNotFoundError } from "./errors";
export { defaultAllowedFileTypes, defaultEvidenceLimits } from "./limits";
export type { ContentSource } from "./line-content";
export type {
  EvidenceItem,
  EvidenceKind,
  EvidenceLimits,
  EvidenceStore,
  OpenedEvidence,
  StoreEvidenceFailure,
  StoreEvidenceResult,
} from "./types";
