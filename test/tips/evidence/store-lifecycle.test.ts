import { randomBytes } from "node:crypto";
import mongoose from "mongoose";
import {
  EvidenceIntegrityError,
  EvidenceNotFoundError,
  type EvidenceStore,
} from "../../../src/tips/evidence";
import { startEvidenceEnvironment, type EvidenceEnvironment } from "./environment";
import { readAll } from "./helpers";

let environment: EvidenceEnvironment;
let store: EvidenceStore;

beforeAll(async () => {
  environment = await startEvidenceEnvironment();
  store = environment.store();
});
afterAll(() => environment.stop());

let ownerCounter = 0;
const newOwner = () => `draft-${++ownerCounter}`;
const oid = (id: string) => new mongoose.mongo.ObjectId(id);

async function stored(owner: string, bytes = randomBytes(2000)): Promise<string> {
  const result = await store.storeFromLine({
    messageId: environment.lineSent(bytes, "application/pdf"),
    kind: "file",
    fileName: "x.pdf",
    owner,
  });
  if (!result.ok) throw new Error(`not stored: ${result.reason}`);
  return result.item.id;
}

async function exists(id: string) {
  return {
    file: (await environment.files().countDocuments({ _id: oid(id) })) > 0,
    chunks: (await environment.chunks().countDocuments({ files_id: oid(id) })) > 0,
  };
}

/**
 * Rewrites a stored chunk as an attacker with database access would. Delete and insert rather than
 * $set: the embedded store (mingo's update) takes two Binary values differing in a few bytes for
 * equal about half the time and then silently keeps the old one.
 */
async function overwriteChunk(id: string, n: number, data: Buffer): Promise<void> {
  const chunk = await environment.chunks().findOne({ files_id: oid(id), n });
  if (!chunk) throw new Error(`no chunk ${n}`);
  await environment.chunks().deleteOne({ _id: chunk._id });
  await environment.chunks().insertOne({ ...chunk, data: new mongoose.mongo.Binary(data) });
  if (!(await chunkData(id, n)).equals(data)) throw new Error("the tampered chunk was not stored");
}

async function chunkData(id: string, n: number): Promise<Buffer> {
  const chunk = await environment.chunks().findOne({ files_id: oid(id), n });
  if (!chunk) throw new Error(`no chunk ${n}`);
  return Buffer.from(chunk.data.buffer);
}

async function backdate(id: string, days: number): Promise<void> {
  await environment
    .files()
    .updateOne({ _id: oid(id) }, { $set: { uploadDate: new Date(Date.now() - days * 86_400_000) } });
}

describe("attachToTip", () => {
  it("when a draft's items are attached, then only the owner's items are linked and counted", async () => {
    const [owner, stranger] = [newOwner(), newOwner()];
    const mine = [await stored(owner), await stored(owner)];
    const theirs = await stored(stranger);
    expect(await store.attachToTip([...mine, theirs, "not-an-id"], owner, "tip-1")).toBe(2);
  });

  it("when items are attached, then the tip lists them oldest first", async () => {
    const owner = newOwner();
    const ids = [await stored(owner), await stored(owner)];
    await store.attachToTip(ids, owner, "tip-2");
    expect((await store.list("tip-2")).map((item) => item.id)).toEqual(ids);
  });

  it("when items are attached, then their draft owner is cleared", async () => {
    const owner = newOwner();
    const id = await stored(owner);
    await store.attachToTip([id], owner, "tip-3");
    expect((await environment.files().findOne({ _id: oid(id) }))?.metadata).toMatchObject({
      owner: null,
      tipId: "tip-3",
    });
  });

  it("when an item already belongs to a tip, then attaching it to another tip does nothing", async () => {
    const owner = newOwner();
    const id = await stored(owner);
    await store.attachToTip([id], owner, "tip-4");
    expect([await store.attachToTip([id], owner, "tip-5"), (await store.open(id)).tipId]).toEqual([
      0,
      "tip-4",
    ]);
  });
});

describe("discardDraft", () => {
  it("when a draft is cancelled, then all its items and their chunks are deleted", async () => {
    const owner = newOwner();
    const ids = [await stored(owner), await stored(owner)];
    expect([await store.discardDraft(owner), ...(await Promise.all(ids.map(exists)))]).toEqual([
      2,
      { file: false, chunks: false },
      { file: false, chunks: false },
    ]);
  });

  it("when given ids, then only those items of the draft are deleted", async () => {
    const owner = newOwner();
    const [removed, kept] = [await stored(owner), await stored(owner)];
    expect([await store.discardDraft(owner, [removed]), await exists(removed), await exists(kept)]).toEqual([
      1,
      { file: false, chunks: false },
      { file: true, chunks: true },
    ]);
  });

  it("when another owner's draft is discarded, then this owner's items stay", async () => {
    const [owner, other] = [newOwner(), newOwner()];
    const id = await stored(owner);
    expect([await store.discardDraft(other, [id]), await exists(id)]).toEqual([
      0,
      { file: true, chunks: true },
    ]);
  });

  it("when the owner's items are linked to a tip, then discarding the draft keeps them", async () => {
    const owner = newOwner();
    const id = await stored(owner);
    await store.attachToTip([id], owner, "tip-6");
    expect([await store.discardDraft(owner), await exists(id)]).toEqual([0, { file: true, chunks: true }]);
  });
});

describe("purgeOrphans", () => {
  const weekAgo = () => new Date(Date.now() - 7 * 86_400_000);

  it("when a draft item is older than the cutoff, then it is purged with its chunks", async () => {
    const id = await stored(newOwner());
    await backdate(id, 10);
    expect([await store.purgeOrphans(weekAgo()), await exists(id)]).toEqual([
      1,
      { file: false, chunks: false },
    ]);
  });

  it("when a draft item is newer than the cutoff, then it stays", async () => {
    const id = await stored(newOwner());
    await store.purgeOrphans(weekAgo());
    expect(await exists(id)).toEqual({ file: true, chunks: true });
  });

  it("when an old item is linked to a tip, then it stays", async () => {
    const owner = newOwner();
    const id = await stored(owner);
    await store.attachToTip([id], owner, "tip-7");
    await backdate(id, 10);
    await store.purgeOrphans(weekAgo());
    expect(await exists(id)).toEqual({ file: true, chunks: true });
  });

  it("when an upload was interrupted long ago, then its leftover chunks and marker are purged", async () => {
    const id = new mongoose.mongo.ObjectId();
    await environment.uploads().insertOne({ _id: id, startedAt: new Date(Date.now() - 10 * 86_400_000) });
    await environment.chunks().insertOne({
      _id: new mongoose.mongo.ObjectId(),
      files_id: id,
      n: 0,
      data: new mongoose.mongo.Binary(randomBytes(100)),
    });
    await store.purgeOrphans(weekAgo());
    expect([await exists(id.toHexString()), await environment.uploads().countDocuments({ _id: id })]).toEqual(
      [{ file: false, chunks: false }, 0],
    );
  });
});

describe("open", () => {
  it("when the id is unknown, then EvidenceNotFoundError is thrown", async () => {
    await expect(store.open(new mongoose.mongo.ObjectId().toHexString())).rejects.toThrow(
      EvidenceNotFoundError,
    );
  });

  it("when the id is malformed, then EvidenceNotFoundError is thrown", async () => {
    await expect(store.open("../../etc/passwd")).rejects.toThrow(EvidenceNotFoundError);
  });

  it("when an upload has no auth tag yet, then it is not served", async () => {
    const id = await stored(newOwner());
    await environment.files().updateOne({ _id: oid(id) }, { $unset: { "metadata.authTag": "" } });
    await expect(store.open(id)).rejects.toThrow(EvidenceNotFoundError);
  });

  it("when a stored chunk was tampered with, then the stream ends with EvidenceIntegrityError", async () => {
    const id = await stored(newOwner(), randomBytes(600_000));
    const data = await chunkData(id, 1);
    data[1000] = (data[1000] ?? 0) ^ 0x01;
    await overwriteChunk(id, 1, data);
    await expect(readAll((await store.open(id)).stream)).rejects.toThrow(EvidenceIntegrityError);
  });

  it("when another file's ciphertext, IV and tag are copied under this id, then the stream ends with EvidenceIntegrityError", async () => {
    const owner = newOwner();
    const [victim, donor] = [await stored(owner, randomBytes(1000)), await stored(owner, randomBytes(1000))];
    const donorFile = await environment.files().findOne({ _id: oid(donor) });
    await environment
      .files()
      .updateOne(
        { _id: oid(victim) },
        { $set: { "metadata.iv": donorFile?.metadata.iv, "metadata.authTag": donorFile?.metadata.authTag } },
      );
    await overwriteChunk(victim, 0, await chunkData(donor, 0));
    await expect(readAll((await store.open(victim)).stream)).rejects.toThrow(EvidenceIntegrityError);
  });
});
