import { pipeline as pipelineWithCallback, Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import mongoose, { type Connection } from "mongoose";
import type { Sealer } from "../../crypto/sealer";
import type { Logger } from "../../log";
import { sessionOption } from "../../data/unit-of-work";
import {
  bucketName,
  chunksCollection,
  complete,
  database,
  fileNameContext,
  filesCollection,
  parseEvidenceId,
  toEvidenceItem,
  uploadsCollection,
  type EvidenceChunkDoc,
  type EvidenceFileDoc,
  type EvidenceMetadata,
  type GridFSBucket,
  type ObjectId,
  type UploadMarker,
} from "./collections";
import { ContentTooLargeError, EvidenceIntegrityError, EvidenceNotFoundError } from "./errors";
import { stripImageMetadata } from "./images";
import { fetchLineContent, type ContentSource } from "./line-content";
import { defaultEvidenceLimits, normalizeContentType, planStorage, type StoragePlan } from "./limits";
import { byteLimit, gcmDecrypt, gcmEncrypt, serialWriter, sha256Tap } from "./streams";
import { isPublicRef, newPublicRef } from "../public-ref";
import { minuteObjectId, toMinute } from "../coarse-time";
import type {
  EvidenceItem,
  EvidenceKind,
  EvidenceLimits,
  EvidenceStore,
  OpenedEvidence,
  StoreEvidenceFailure,
  StoreEvidenceResult,
} from "./types";

export interface EvidenceStoreDeps {
  connection: Connection;
  sealer: Sealer;
  /** A LineGateway; only getContent is used. */
  line: ContentSource;
  logger: Logger;
  limits?: Partial<EvidenceLimits>;
  /** Injected so tests do not wait through LINE's "still preparing" delays. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * A keyed hash of a LINE message id (never the id itself: with LINE's help it would name the
   * sender). With it, storing the same message twice — a turn retried after a failure — finds the
   * first copy instead of downloading and storing it again.
   */
  messageKey?: (messageId: string) => string;
}

/** Metadata known before the bytes are read. */
type UploadFields = Pick<
  EvidenceMetadata,
  "kind" | "contentType" | "metadataStripped" | "fileNameSealed" | "owner" | "lineMessage"
>;
/** What the draft contributes; type and stripping follow from how the content is stored. */
type DraftFields = Omit<UploadFields, "contentType" | "metadataStripped">;

const deleteBatchSize = 500;

/** File names are user content; LINE's are short, so anything longer is cut rather than stored whole. */
const maxFileNameLength = 255;

/**
 * Evidence in GridFS, encrypted with AES-256-GCM per file (key id, IV and tag in the files document's
 * metadata, the file id as associated data). Photos are re-encoded without their metadata; other
 * content is streamed from LINE to the database without being held in memory.
 */
export function createEvidenceStore(deps: EvidenceStoreDeps): EvidenceStore {
  const limits: EvidenceLimits = { ...defaultEvidenceLimits, ...deps.limits };
  const allowedFileTypes = limits.allowedFileTypes.map(normalizeContentType);
  const { sealer } = deps;
  const logger = deps.logger.child({ component: "evidence" });
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  // Resolved on first use, so the store can be built before the connection has opened.
  const db = () => database(deps.connection);
  const files = () => db().collection<EvidenceFileDoc>(filesCollection);
  const chunks = () => db().collection<EvidenceChunkDoc>(chunksCollection);
  const uploads = () => db().collection<UploadMarker>(uploadsCollection);
  let bucket: GridFSBucket | undefined;
  const gridFs = () => (bucket ??= new mongoose.mongo.GridFSBucket(db(), { bucketName }));

  const aadFor = (id: ObjectId) => Buffer.from(`evidence:${id.toHexString()}`);

  /**
   * plaintext → size limit → SHA-256 → AES-256-GCM → GridFS, under back-pressure. The files document
   * GridFS writes at the end cannot carry the tag (known only after the last byte), so it is added
   * by an update right after; until then the file counts as incomplete and is never served.
   */
  async function uploadEncrypted(
    id: ObjectId,
    plaintext: Readable,
    limit: number,
    fields: UploadFields,
    /** When the stored bytes are a re-encoding: the hash of what the citizen sent. Else the stored bytes' own. */
    originalSha256?: string,
  ): Promise<EvidenceItem> {
    const limiter = byteLimit(limit);
    const hash = sha256Tap();
    const cipher = gcmEncrypt(sealer.keyFor(sealer.currentKeyId), aadFor(id));
    await uploads().insertOne({ _id: id, startedAt: new Date() });
    const metadata: EvidenceMetadata = {
      ...fields,
      ref: newPublicRef(),
      keyId: sealer.currentKeyId,
      iv: cipher.iv.toString("base64"),
      tipId: null,
    };
    const upload = gridFs().openUploadStream("evidence", { id, metadata });
    // Failures reach us through the write/end callbacks; this keeps the duplicate 'error' event from crashing the process.
    upload.on("error", () => undefined);
    const writer = serialWriter(upload);
    try {
      await pipeline(plaintext, limiter, hash, cipher, writer.consume);
    } catch (error) {
      await writer.stop(); // so no chunk insert lands after the caller deleted the partial file
      upload.destroy();
      throw error;
    }
    const size = limiter.bytes;
    const sha256 = originalSha256 ?? hash.digest();
    // GridFS stamps uploadDate to the millisecond; like the id, it is kept to the minute (coarse-time.ts).
    const receivedAt = toMinute(upload.gridFSFile?.uploadDate ?? new Date());
    await files().updateOne(
      { _id: id },
      {
        $set: {
          uploadDate: receivedAt,
          "metadata.authTag": cipher.authTag().toString("base64"),
          "metadata.size": size,
          "metadata.originalSha256": sha256,
        },
      },
    );
    await uploads().deleteOne({ _id: id });
    return {
      id: id.toHexString(),
      ref: metadata.ref!,
      kind: fields.kind,
      contentType: fields.contentType,
      size,
      originalSha256: sha256,
      metadataStripped: fields.metadataStripped,
      receivedAt,
    };
  }

  /** Photos: read whole (bounded by imageMaxBytes, as sharp needs the full image), re-encode, then store. */
  async function storeImage(
    id: ObjectId,
    source: Readable,
    fields: DraftFields,
  ): Promise<StoreEvidenceResult> {
    const original = await readAtMost(source, limits.imageMaxBytes);
    const stripped = await stripImageMetadata(original.bytes, limits.imageMaxPixels);
    if (!stripped.ok) {
      return { ok: false, reason: stripped.reason === "too-many-pixels" ? "too-large" : "unsupported-type" };
    }
    const item = await uploadEncrypted(
      id,
      Readable.from([stripped.bytes]),
      Number.MAX_SAFE_INTEGER, // already bounded by imageMaxPixels
      { ...fields, contentType: stripped.contentType, metadataStripped: true },
      original.sha256,
    );
    return { ok: true, item };
  }

  /** Stores per plan; a failure deletes whatever was written and becomes a result, never a throw. */
  async function storeContent(
    id: ObjectId,
    plan: Exclude<StoragePlan, { mode: "refuse" }>,
    source: Readable,
    fields: DraftFields,
  ): Promise<StoreEvidenceResult> {
    try {
      if (plan.mode === "image") return await storeImage(id, source, fields);
      const item = await uploadEncrypted(id, source, limits.mediaMaxBytes, {
        ...fields,
        contentType: plan.contentType,
        metadataStripped: false,
      });
      return { ok: true, item };
    } catch (error) {
      source.destroy();
      await deleteFiles([id]).catch((cleanupError: unknown) =>
        // purgeOrphans finds it later through its upload marker
        logger.error(
          { evidenceId: id.toHexString(), err: summarize(cleanupError) },
          "partial evidence not deleted",
        ),
      );
      if (error instanceof ContentTooLargeError) return { ok: false, reason: "too-large" };
      logger.warn({ evidenceId: id.toHexString(), err: summarize(error) }, "evidence not stored");
      return { ok: false, reason: "failed" };
    }
  }

  function refused(
    kind: EvidenceKind,
    reason: StoreEvidenceFailure,
    unread?: Readable,
    id?: ObjectId,
  ): StoreEvidenceResult {
    unread?.destroy(); // stops the download: none of it is wanted
    // "failed" was logged with its cause where it happened; the others are answers, not faults.
    if (reason !== "failed") logger.info({ evidenceId: id?.toHexString(), kind, reason }, "evidence refused");
    return { ok: false, reason };
  }

  async function deleteFiles(ids: ObjectId[]): Promise<void> {
    if (ids.length === 0) return;
    // Files document first: from that moment readers no longer see the evidence, whatever happens next.
    await files().deleteMany({ _id: { $in: ids } });
    await chunks().deleteMany({ files_id: { $in: ids } });
    await uploads().deleteMany({ _id: { $in: ids } });
  }

  /** Deletes whatever `found` yields, in batches, so a large purge does not hold every id in memory. */
  async function deleteAll(found: AsyncIterable<{ _id: ObjectId }>): Promise<Set<string>> {
    const deleted = new Set<string>();
    let batch: ObjectId[] = [];
    for await (const { _id } of found) {
      batch.push(_id);
      deleted.add(_id.toHexString());
      if (batch.length >= deleteBatchSize) {
        await deleteFiles(batch);
        batch = [];
      }
    }
    await deleteFiles(batch);
    return deleted;
  }

  return {
    async storeFromLine({ messageId, kind, fileName, owner }) {
      const lineMessage = deps.messageKey?.(messageId);
      if (lineMessage) {
        // Read outside any transaction on purpose: an earlier attempt's upload is not part of one.
        const earlier = await files().findOne({
          "metadata.owner": owner,
          "metadata.lineMessage": lineMessage,
          ...complete,
        });
        if (earlier) return { ok: true, item: toEvidenceItem(earlier, sealer) };
      }
      const content = await fetchLineContent(
        deps.line,
        messageId,
        { retries: limits.preparingRetries, delayMs: limits.preparingDelayMs, sleep },
        logger,
      );
      if (content.kind === "unavailable") return refused(kind, content.reason);

      const plan = planStorage(kind, content.contentType, fileName, allowedFileTypes);
      if (plan.mode === "refuse") return refused(kind, "unsupported-type", content.stream);
      const limit = plan.mode === "image" ? limits.imageMaxBytes : limits.mediaMaxBytes;
      // Content-Length only lets us refuse early: the byte counter enforces the limit whatever LINE announced.
      if (content.length !== undefined && content.length > limit)
        return refused(kind, "too-large", content.stream);

      const id = minuteObjectId(new Date());
      const name = fileName?.slice(0, maxFileNameLength);
      const fields: DraftFields = {
        kind,
        owner,
        ...(lineMessage !== undefined && { lineMessage }),
        ...(name !== undefined && { fileNameSealed: sealer.seal(name, fileNameContext) }),
      };
      const result = await storeContent(id, plan, content.stream, fields);
      if (!result.ok) return refused(kind, result.reason, undefined, id);
      const { item } = result;
      logger.info(
        { evidenceId: item.id, kind, size: item.size, metadataStripped: item.metadataStripped },
        "evidence stored",
      );
      return { ok: true, item: { ...item, ...(name !== undefined && { fileName: name }) } };
    },

    async attachToTip(ids, owner, tipId) {
      const objectIds = parseIds(ids);
      if (objectIds.length === 0) return 0;
      const result = await files().updateMany(
        { _id: { $in: objectIds }, "metadata.owner": owner, "metadata.tipId": null, ...complete },
        // The message marker only served retries of the draft: a tip's evidence keeps no trace of it.
        { $set: { "metadata.tipId": tipId, "metadata.owner": null }, $unset: { "metadata.lineMessage": "" } },
        sessionOption(),
      );
      return result.modifiedCount;
    },

    async discardDraft(owner, ids) {
      const filter: mongoose.mongo.Filter<EvidenceFileDoc> = {
        "metadata.owner": owner,
        "metadata.tipId": null,
      };
      if (ids) filter._id = { $in: parseIds(ids) };
      const deleted = await deleteAll(files().find(filter, { projection: { _id: 1 } }));
      return deleted.size;
    },

    async purgeOrphans(olderThan) {
      const drafts = await deleteAll(
        files().find({ "metadata.tipId": null, uploadDate: { $lt: olderThan } }, { projection: { _id: 1 } }),
      );
      // Uploads a crash interrupted: chunks (and perhaps an untagged files document) nothing finished.
      const interrupted = await deleteAll(
        uploads().find({ startedAt: { $lt: olderThan } }, { projection: { _id: 1 } }),
      );
      const purged = new Set([...drafts, ...interrupted]).size;
      if (purged > 0) logger.info({ purged }, "orphaned evidence purged");
      return purged;
    },

    async open(id) {
      const objectId = parseEvidenceId(id);
      const doc = objectId && (await files().findOne({ _id: objectId, ...complete }));
      if (!objectId || !doc) throw new EvidenceNotFoundError(id);
      return openFile(doc);
    },

    async openByRef(ref) {
      const doc = isPublicRef(ref) ? await files().findOne({ "metadata.ref": ref, ...complete }) : null;
      if (!doc) throw new EvidenceNotFoundError(ref);
      return openFile(doc);
    },

    async list(tipId) {
      const docs = await files()
        .find({ "metadata.tipId": tipId, ...complete })
        .sort({ uploadDate: 1, _id: 1 }) // uploadDate is only the minute; ids keep the order within it
        .toArray();
      return docs.map((doc) => toEvidenceItem(doc, sealer));
    },
  };

  function openFile(doc: EvidenceFileDoc): OpenedEvidence {
    const objectId = doc._id;
    const id = objectId.toHexString();
    const item = toEvidenceItem(doc, sealer);
    const { keyId, iv, authTag, tipId } = doc.metadata;
    let decrypt;
    try {
      const key = sealer.keyFor(keyId);
      decrypt = gcmDecrypt(
        key,
        Buffer.from(iv, "base64"),
        Buffer.from(authTag ?? "", "base64"),
        aadFor(objectId),
        id,
      );
    } catch {
      throw new EvidenceIntegrityError(id); // malformed IV or tag in the metadata, or its key was retired
    }
    // A failure (missing chunk, wrong tag) destroys the returned stream with that error, so the
    // consumer learns of it there and the completion callback has nothing left to do.
    const stream = pipelineWithCallback(gridFs().openDownloadStream(objectId), decrypt, () => undefined);
    return { item, ...(tipId !== null && { tipId }), stream };
  }
}

function parseIds(ids: string[]): ObjectId[] {
  return ids.map(parseEvidenceId).filter((id): id is ObjectId => id !== undefined);
}

/** Reads a stream into memory, refusing more than `limit` bytes, and hashes it on the way. */
async function readAtMost(source: Readable, limit: number): Promise<{ bytes: Buffer; sha256: string }> {
  const hash = sha256Tap();
  const parts: Buffer[] = [];
  await pipeline(source, byteLimit(limit), hash, async (data: AsyncIterable<Buffer>) => {
    for await (const part of data) parts.push(part);
  });
  return { bytes: Buffer.concat(parts), sha256: hash.digest() };
}

/** The error's class and code only: messages from drivers and libraries can quote content or ids. */
function summarize(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error };
  const code = (error as { code?: unknown }).code;
  return { type: error.name, ...((typeof code === "string" || typeof code === "number") && { code }) };
}
