import mongoose, { type Connection } from "mongoose";
import type { Sealer } from "../../crypto/sealer";
import type { EvidenceItem, EvidenceKind } from "./types";

export type ObjectId = mongoose.mongo.ObjectId;
export type GridFSBucket = mongoose.mongo.GridFSBucket;

export const bucketName = "evidence";
export const filesCollection = `${bucketName}.files`;
export const chunksCollection = `${bucketName}.chunks`;
/**
 * One marker per upload in progress. GridFS writes its files document last, so a crash mid-upload
 * leaves chunks nothing points to; the marker lets purgeOrphans find and delete them.
 */
export const uploadsCollection = `${bucketName}.uploads`;

/** Sealed-value context of file names, so a sealed name cannot be passed off as another field. */
export const fileNameContext = "evidence.fileName";

/** `metadata` of an evidence files document. Fields marked "after upload" are set once the bytes are in. */
export interface EvidenceMetadata {
  kind: EvidenceKind;
  contentType: string;
  keyId: string;
  /** base64 of the 12-byte GCM IV. */
  iv: string;
  /** base64 of the 16-byte GCM tag — after upload; a file without it is incomplete and never served. */
  authTag?: string;
  /** Stored plaintext bytes — after upload. */
  size?: number;
  /** hex SHA-256 of the bytes as LINE sent them — after upload. */
  originalSha256?: string;
  metadataStripped: boolean;
  fileNameSealed?: string;
  /** Keyed hash of the LINE message it came from, while in a draft (see EvidenceStoreDeps.messageKey). */
  lineMessage?: string;
  /** The draft's pseudonym while unlinked; null once attached to a tip. */
  owner: string | null;
  /** The public id in evidence URLs and the admin API (random, see public-ref.ts); absent only on files stored before refs existed, until start-up gives them one. */
  ref?: string;
  tipId: string | null;
}

export interface EvidenceFileDoc {
  _id: ObjectId;
  length: number;
  chunkSize: number;
  uploadDate: Date;
  filename: string;
  metadata: EvidenceMetadata;
}

export interface EvidenceChunkDoc {
  _id: ObjectId;
  files_id: ObjectId;
  n: number;
  data: mongoose.mongo.Binary;
}

export interface UploadMarker {
  _id: ObjectId;
  startedAt: Date;
}

/** Only uploads that finished (tag written) are evidence. */
export const complete = { "metadata.authTag": { $type: "string" } } as const;

export function database(connection: Connection): mongoose.mongo.Db {
  if (!connection.db) throw new Error("evidence store used before the database connection opened");
  return connection.db;
}

/** Hex ids from callers; anything else names no evidence. */
export function parseEvidenceId(id: string): ObjectId | undefined {
  return /^[0-9a-f]{24}$/i.test(id) ? new mongoose.mongo.ObjectId(id) : undefined;
}

/**
 * The queries' indexes: draft ownership (attach, discard), tip listing and orphan purge
 * (tipId null + uploadDate), evidence links (the public ref), plus the two GridFS requires, created here rather than lazily by the
 * driver on the first upload, and the upload markers' age.
 */
export async function ensureEvidenceIndexes(connection: Connection): Promise<void> {
  const db = database(connection);
  const files = db.collection<EvidenceFileDoc>(filesCollection);
  await files.createIndex({ filename: 1, uploadDate: 1 });
  await files.createIndex({ "metadata.owner": 1 });
  await files.createIndex({ "metadata.tipId": 1, uploadDate: 1 });
  await files.createIndex({ "metadata.ref": 1 }, { unique: true, sparse: true });
  await db
    .collection<EvidenceChunkDoc>(chunksCollection)
    .createIndex({ files_id: 1, n: 1 }, { unique: true });
  await db.collection<UploadMarker>(uploadsCollection).createIndex({ startedAt: 1 });
}

/** The officer-facing view of a complete files document. */
export function toEvidenceItem(doc: EvidenceFileDoc, sealer: Sealer): EvidenceItem {
  const { metadata } = doc;
  return {
    id: doc._id.toHexString(),
    ref: metadata.ref ?? "",
    kind: metadata.kind,
    contentType: metadata.contentType,
    size: metadata.size ?? doc.length,
    originalSha256: metadata.originalSha256 ?? "",
    metadataStripped: metadata.metadataStripped,
    ...(metadata.fileNameSealed !== undefined && {
      fileName: sealer.openText(metadata.fileNameSealed, fileNameContext),
    }),
    receivedAt: doc.uploadDate,
  };
}
