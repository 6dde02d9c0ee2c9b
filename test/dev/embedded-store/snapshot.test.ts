import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { BSON } from "bson";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Binary, Decimal128, type Document, Long, MongoClient, ObjectId } from "mongodb";
import {
  type EmbeddedStore,
  type EmbeddedStoreOptions,
  startEmbeddedStore,
} from "../../../src/dev/embedded-store";
import { usingRealMongo } from "../../support/database";

/* Snapshots are a feature of the embedded store only (local mode keeps demo data across restarts). */
const describeEmbedded = usingRealMongo ? describe.skip : describe;

describeEmbedded("embedded store snapshots", () => {
  let directory: string;
  let dataDir: string;
  let snapshotPath: string;
  const running: Array<{ store: EmbeddedStore; client: MongoClient }> = [];

  async function start(
    options: Partial<EmbeddedStoreOptions> = {},
  ): Promise<{ store: EmbeddedStore; client: MongoClient }> {
    const store = await startEmbeddedStore({ dataDir, ...options });
    const client = await MongoClient.connect(`${store.uri}demo`, { serverSelectionTimeoutMS: 5000 });
    const handle = { store, client };
    running.push(handle);
    return handle;
  }

  async function stop(handle: { store: EmbeddedStore; client: MongoClient }): Promise<void> {
    await handle.client.close();
    await handle.store.stop();
  }

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), "embedded-store-"));
    dataDir = join(directory, "nested");
    snapshotPath = join(dataDir, "store.snapshot");
  });
  afterEach(async () => {
    for (const handle of running.splice(0)) await stop(handle);
    await rm(directory, { recursive: true, force: true });
  });

  test("when the store stops and starts again on the same file, then documents and indexes are back", async () => {
    const first = await start();
    const tips = first.client.db().collection("tips");
    await tips.createIndex({ trackingCode: 1 }, { unique: true });
    await tips.insertMany([{ trackingCode: "A" }, { trackingCode: "B" }]);
    await stop(first);

    const second = await start();
    const restored = second.client.db().collection("tips");

    expect(
      (await restored.find().sort({ trackingCode: 1 }).toArray()).map((tip) => tip.trackingCode),
    ).toEqual(["A", "B"]);
    expect((await restored.listIndexes().toArray()).map((index) => index.name)).toEqual([
      "_id_",
      "trackingCode_1",
    ]);
    await expect(restored.insertOne({ trackingCode: "A" })).rejects.toMatchObject({ code: 11000 });
  });

  test("when BSON values are snapshotted, then they are restored with the same types", async () => {
    const doc = {
      _id: new ObjectId(),
      at: new Date("2020-08-26T00:00:00Z"),
      blob: new Binary(Buffer.from("evidence")),
      big: Long.fromString("9007199254740993"),
      amount: Decimal128.fromString("99.95"),
      thai: "เมื่อวาน",
    };
    const first = await start();
    await first.client.db().collection("values").insertOne(doc);
    await stop(first);

    const second = await start();

    await expect(second.client.db().collection("values").findOne({ _id: doc._id })).resolves.toEqual(doc);
  });

  test("when snapshot() is called, then the snapshot holds the data and the journal it folded in is gone", async () => {
    const handle = await start();
    await handle.client
      .db()
      .collection("explicit")
      .insertOne({ _id: 1 } as Document);

    await handle.store.snapshot();

    expect(await fileSize(snapshotPath)).toBeGreaterThan(0);
    expect((await readdir(dataDir)).sort()).toEqual([
      "store-journal-000002.log",
      "store.lock",
      "store.snapshot",
    ]);
  });

  test("when a snapshot is written, then only the owner can read it", async () => {
    const handle = await start();
    await handle.client.db().collection("private").insertOne({ a: 1 });

    await handle.store.snapshot();

    expect((await stat(snapshotPath)).mode & 0o777).toBe(0o600);
  });

  test("when the snapshot file is corrupt, then start fails and the file is left as it was", async () => {
    await start().then(stop);
    await writeFile(snapshotPath, Buffer.from("definitely not bson"));

    await expect(startEmbeddedStore({ dataDir })).rejects.toThrow(/snapshot/);
    expect((await readFile(snapshotPath)).toString()).toBe("definitely not bson");
  });

  test("when one document record of the snapshot is altered, then start fails instead of loading wrong data", async () => {
    const first = await start();
    await first.client.db().collection("tips").insertOne({ code: "ABCD" });
    await stop(first);
    const data = await readFile(snapshotPath);
    const at = data.indexOf("ABCD");
    data.write("ABCE", at, "latin1");
    await writeFile(snapshotPath, data);

    await expect(startEmbeddedStore({ dataDir })).rejects.toThrow(/snapshot .* cannot be read/);
    expect((await readFile(snapshotPath)).indexOf("ABCE")).toBe(at);
  });

  test("when the snapshot ends early, then start fails: a cut snapshot is never taken for a whole one", async () => {
    const first = await start();
    await first.client
      .db()
      .collection("tips")
      .insertMany([{ n: 1 }, { n: 2 }]);
    await stop(first);
    const data = await readFile(snapshotPath);
    // Drop the end record (the last frame), leaving frames that are each intact.
    const endRecord = data.lastIndexOf("TLJ1");
    await writeFile(snapshotPath, data.subarray(0, endRecord));

    await expect(startEmbeddedStore({ dataDir })).rejects.toThrow(/incomplete/);
  });

  test("when the data directory holds a version 1 snapshot (local mode before the journal), then its data is loaded", async () => {
    const id = new ObjectId();
    const version1 = Buffer.concat([
      BSON.serialize({ format: "integrity-tipline/embedded-store", version: 1, savedAt: new Date() }),
      BSON.serialize({
        collection: {
          db: "demo",
          name: "tips",
          options: {},
          indexes: [
            { v: 2, key: { _id: 1 }, name: "_id_" },
            { v: 2, key: { code: 1 }, name: "code_1", unique: true },
          ],
        },
      }),
      BSON.serialize({ document: { _id: id, code: "OLD" } }),
    ]);
    await mkdir(dataDir, { recursive: true });
    await writeFile(snapshotPath, version1);

    const { client } = await start();
    const tips = client.db().collection("tips");

    await expect(tips.findOne({ code: "OLD" })).resolves.toEqual({ _id: id, code: "OLD" });
    await expect(tips.insertOne({ code: "OLD" })).rejects.toMatchObject({ code: 11000 });
  });

  test("when the store logs, then no document content appears in messages or fields", async () => {
    const logged: string[] = [];
    const handle = await start({ log: (msg, fields) => logged.push(msg + JSON.stringify(fields ?? {})) });
    const tips = handle.client.db().collection("logged");
    await tips.createIndex({ secret: 1 }, { unique: true });
    await tips.insertOne({ secret: "PERSONAL-DATA-1234" });
    await tips.insertOne({ secret: "PERSONAL-DATA-1234" }).catch(() => undefined);
    await handle.store.snapshot();
    await stop(handle);
    running.splice(running.indexOf(handle), 1);

    expect(logged.length).toBeGreaterThan(0);
    expect(logged.join("\n")).not.toContain("PERSONAL-DATA");
  });
});

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}
