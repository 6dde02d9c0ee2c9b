import mongoose, { type Connection } from "mongoose";
import type { Sealer } from "../../../src/crypto/sealer";
import { createFakeLinePlatform, type FakeLinePlatform } from "../../../src/dev/line-platform";
import { LineGateway } from "../../../src/line/gateway";
import {
  createEvidenceStore,
  ensureEvidenceIndexes,
  type ContentSource,
  type EvidenceLimits,
  type EvidenceStore,
} from "../../../src/tips/evidence";
import type { EvidenceChunkDoc, EvidenceFileDoc, UploadMarker } from "../../../src/tips/evidence/collections";
import { startTestDatabase, type TestDatabase } from "../../support/database";
import { capturedLogger, testSealer } from "./helpers";

export interface EvidenceEnvironment {
  platform: FakeLinePlatform;
  gateway: LineGateway;
  connection: Connection;
  sealer: Sealer;
  /** Every log line written so far, for anonymity checks. */
  logs(): string;
  /** A store on the real gateway (or on `line`, a wrapper of it), with LINE's preparing waits skipped. */
  store(options?: {
    limits?: Partial<EvidenceLimits>;
    line?: ContentSource;
    sleep?: (ms: number) => Promise<void>;
  }): EvidenceStore;
  /** Registers content on the fake platform under a fresh message id and returns the id. */
  lineSent(bytes: Buffer, contentType: string, options?: { preparingPolls?: number; gone?: boolean }): string;
  files(): mongoose.mongo.Collection<EvidenceFileDoc>;
  chunks(): mongoose.mongo.Collection<EvidenceChunkDoc>;
  uploads(): mongoose.mongo.Collection<UploadMarker>;
  stop(): Promise<void>;
}

let messageCounter = 0;

/** The test database, the fake LINE platform over real HTTP on 127.0.0.1 and the production gateway between them. */
export async function startEvidenceEnvironment(): Promise<EvidenceEnvironment> {
  const database: TestDatabase = await startTestDatabase();
  const connection = await mongoose.createConnection(database.uri).asPromise();
  await ensureEvidenceIndexes(connection);
  const platform = createFakeLinePlatform({
    webhookTimeoutMs: 30_000, // proves behaviour, not speed (see test/support/harness.ts)
    channelSecret: "evidence-test-secret",
    channelAccessToken: "token",
  });
  const baseUrl = await platform.listen();
  const { logger, output } = capturedLogger();
  const noWait = async () => {};
  const gateway = new LineGateway({
    channelAccessToken: "token",
    apiBaseUrl: baseUrl,
    dataApiBaseUrl: baseUrl,
    logger,
    sleep: noWait,
  });
  const sealer = testSealer();
  const db = () => {
    if (!connection.db) throw new Error("not connected");
    return connection.db;
  };
  return {
    platform,
    gateway,
    connection,
    sealer,
    logs: output,
    store: (options = {}) =>
      createEvidenceStore({
        connection,
        sealer,
        line: options.line ?? gateway,
        logger,
        limits: options.limits,
        sleep: options.sleep ?? noWait,
      }),
    lineSent(bytes, contentType, options) {
      const messageId = `58${String(Date.now()).slice(-8)}${String(++messageCounter).padStart(6, "0")}`;
      platform.putContent(messageId, bytes, contentType, options);
      return messageId;
    },
    files: () => db().collection<EvidenceFileDoc>("evidence.files"),
    chunks: () => db().collection<EvidenceChunkDoc>("evidence.chunks"),
    uploads: () => db().collection<UploadMarker>("evidence.uploads"),
    async stop() {
      await connection.close();
      await platform.close();
      await database.stop();
    },
  };
}

/** Every stored chunk's bytes, in file order, concatenated. */
export async function storedBytes(environment: EvidenceEnvironment, id: string): Promise<Buffer> {
  const chunks = await environment
    .chunks()
    .find({ files_id: new mongoose.mongo.ObjectId(id) })
    .sort({ n: 1 })
    .toArray();
  return Buffer.concat(chunks.map((chunk) => Buffer.from(chunk.data.buffer)));
}

/** The real gateway with its answers rewritten — e.g. without Content-Length, or cut off mid-download. */
export function rewritingContent(
  gateway: ContentSource,
  rewrite: (
    result: Extract<Awaited<ReturnType<ContentSource["getContent"]>>, { kind: "ready" }>,
  ) => Awaited<ReturnType<ContentSource["getContent"]>>,
): ContentSource {
  return {
    async getContent(messageId) {
      const result = await gateway.getContent(messageId);
      return result.kind === "ready" ? rewrite(result) : result;
    },
  };
}
