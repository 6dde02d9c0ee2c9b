import { spawnSync } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GridFSBucket, MongoClient, type Document } from "mongodb";
import {
  type EmbeddedStore,
  type EmbeddedStoreOptions,
  startEmbeddedStore,
} from "../../../src/dev/embedded-store";
import { usingRealMongo } from "../../support/database";

/*
 * A `kill -9` leaves the data directory exactly as the store's last write() calls left it. Copying
 * the directory of a running store right after writes are acknowledged therefore gives the files a
 * crash at that instant would leave; starting a second store on the copy is the restart. (Real
 * kills of a separate process are in kill.test.ts.)
 */
const describeEmbedded = usingRealMongo ? describe.skip : describe;

interface Running {
  store: EmbeddedStore;
  client: MongoClient;
}

describeEmbedded("embedded store durability", () => {
  let directory: string;
  let dataDir: string;
  const running: Running[] = [];

  async function start(dir: string, options: Partial<EmbeddedStoreOptions> = {}): Promise<Running> {
    const store = await startEmbeddedStore({ dataDir: dir, ...options });
    const client = await MongoClient.connect(`${store.uri}demo`, { serverSelectionTimeoutMS: 5000 });
    const handle = { store, client };
    running.push(handle);
    return handle;
  }

  let copies = 0;
  /** The files a crash now would leave, in a directory of their own. */
  async function crashCopy(from = dataDir): Promise<string> {
    const to = join(directory, `crash-${++copies}`);
    await cp(from, to, { recursive: true });
    return to;
  }

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), "embedded-durability-"));
    dataDir = join(directory, "data");
  });
  afterEach(async () => {
    for (const { store, client } of running.splice(0)) {
      await client.close();
      await store.stop();
    }
    await rm(directory, { recursive: true, force: true });
  });

  test("when every kind of change is acknowledged and the store then crashes, then a restart has all of them", async () => {
    const live = await start(dataDir);
    await exerciseEveryMutation(live.client);

    const restarted = await start(await crashCopy());

    expect(await dump(restarted.client)).toEqual(await dump(live.client));
  });

  test("when the store crashes after compactions, then snapshot plus journal replay to the acknowledged state", async () => {
    const live = await start(dataDir, { compactAfterBytes: 4096 });
    await exerciseEveryMutation(live.client);
    await live.store.snapshot();
    const events = live.client.db().collection("after_snapshot");
    for (let i = 0; i < 50; i++) await events.insertOne({ i, padding: "x".repeat(200) });

    const files = await readdir(dataDir);
    const restarted = await start(await crashCopy());

    expect(files).toContain("store.snapshot");
    expect(files.filter((name) => name.startsWith("store-journal-")).length).toBeGreaterThanOrEqual(1);
    expect(await dump(restarted.client)).toEqual(await dump(live.client));
  });

  test("when many clients insert at once, then each acknowledged insert is already in the journal file", async () => {
    const live = await start(dataDir);
    const tips = live.client.db().collection("tips");
    const missingAtAck: number[] = [];

    await Promise.all(
      Array.from({ length: 40 }, (_, n) =>
        tips.insertOne({ marker: `ack-marker-${n}-end` }).then(() => {
          // Read synchronously, at the moment the acknowledgement arrives.
          const journal = Buffer.concat(journalFiles(dataDir).map((file) => readFileSync(file)));
          if (!journal.includes(`ack-marker-${n}-end`)) missingAtAck.push(n);
        }),
      ),
    );

    expect(missingAtAck).toEqual([]);
    const stats = live.store.journalStats();
    expect(stats?.frames).toBeGreaterThanOrEqual(40);
  });

  test("when a crash cut the last journal write short, then the restart drops just that torn record and accepts writes", async () => {
    const live = await start(dataDir);
    const tips = live.client.db().collection("tips");
    await tips.insertOne({ n: 1 });
    await tips.insertOne({ n: 2, note: "the torn one" });
    const copy = await crashCopy();
    const [journal] = journalFiles(copy);
    const data = await readFile(journal!);
    await writeFile(journal!, data.subarray(0, data.length - 7));

    const restarted = await start(copy);
    const restartedTips = restarted.client.db().collection("tips");

    expect(await restartedTips.find({}, { projection: { _id: 0 } }).toArray()).toEqual([{ n: 1 }]);
    await restartedTips.insertOne({ n: 3 });
    await restarted.client.close();
    await restarted.store.stop();
    running.splice(running.indexOf(restarted), 1);
    const again = await start(copy);
    expect(
      (await again.client.db().collection("tips").find().toArray()).map((doc) => doc.n as number),
    ).toEqual([1, 3]);
  });

  test("when a journal record in the middle is damaged, then start fails and leaves the files as they were", async () => {
    const live = await start(dataDir);
    const tips = live.client.db().collection("tips");
    await tips.insertOne({ code: "FIRST-RECORD" });
    await tips.insertOne({ code: "LATER-RECORD" });
    const copy = await crashCopy();
    const [journal] = journalFiles(copy);
    const data = await readFile(journal!);
    data.write("X", data.indexOf("FIRST-RECORD"), "latin1");
    await writeFile(journal!, data);

    await expect(startEmbeddedStore({ dataDir: copy })).rejects.toThrow(/damaged .*intact records follow/);
    expect((await readFile(journal!)).equals(data)).toBe(true);
  });

  test("when a journal generation is missing, then start fails instead of silently skipping its changes", async () => {
    const live = await start(dataDir);
    await live.client.db().collection("tips").insertOne({ n: 1 });
    await live.store.snapshot();
    await live.client.db().collection("tips").insertOne({ n: 2 });
    const copy = await crashCopy();
    await rm(join(copy, "store.snapshot"));

    await expect(startEmbeddedStore({ dataDir: copy })).rejects.toThrow(
      /store-journal-000001\.log is missing/,
    );
  });

  test("when a crash came during a compaction, before or after the new snapshot replaced the old, then nothing is lost or applied twice", async () => {
    const live = await start(dataDir);
    const tips = live.client.db().collection("tips");
    await tips.insertOne({ n: 1 });
    await live.store.snapshot(); // snapshot S1 (journal 2 on top)
    await tips.insertOne({ n: 2 });
    const beforeSecond = await crashCopy(); // S1 + journal 2
    await live.store.snapshot(); // S2 (journal 3 on top); journal 2 deleted
    await tips.insertOne({ n: 3 });
    const afterSecond = await crashCopy(); // S2 + journal 3
    const expected = await dump(live.client);

    // Rotated and written journal 3, but S2 not yet renamed into place.
    const beforeRename = await crashCopy(beforeSecond);
    await cp(journalFiles(afterSecond).at(-1)!, join(beforeRename, "store-journal-000003.log"));
    await writeFile(join(beforeRename, "store.snapshot.123.abcd.tmp"), "half a snapshot");
    // S2 in place, but journal 2 not yet deleted.
    const afterRename = await crashCopy(afterSecond);
    await cp(join(beforeSecond, "store-journal-000002.log"), join(afterRename, "store-journal-000002.log"));

    for (const dir of [beforeRename, afterRename]) {
      const restarted = await start(dir);
      expect(await dump(restarted.client)).toEqual(expected);
      expect((await readdir(dir)).filter((name) => name.endsWith(".tmp"))).toEqual([]);
    }
  });

  test("when a second store is started on a data directory in use, then it is refused", async () => {
    await start(dataDir);

    await expect(startEmbeddedStore({ dataDir })).rejects.toThrow(/in use by process/);
  });

  test("when the lock was left by a process that no longer runs, then the store takes the directory over", async () => {
    const gone = spawnSync(process.execPath, ["-e", ""]).pid;
    await mkdir(dataDir, { recursive: true });
    await writeFile(join(dataDir, "store.lock"), `${gone}\n`);

    const { client } = await start(dataDir);

    await expect(client.db().collection("tips").insertOne({ n: 1 })).resolves.toBeDefined();
  });

  // /dev/full answers every write with ENOSPC: a full disk, for real.
  const testWithDevFull = existsSync("/dev/full") ? test : test.skip;
  testWithDevFull(
    "when the disk is full, then the write is not acknowledged and later commands are refused",
    async () => {
      const failures: Error[] = [];
      const { client } = await start(dataDir, { onJournalFailure: (error) => failures.push(error) });
      // The first journal file is created on the first write; make it the full device.
      await symlink("/dev/full", join(dataDir, "store-journal-000001.log"));
      const tips = client.db().collection("tips");

      await expect(tips.insertOne({ n: 1 })).rejects.toMatchObject({
        code: 1,
        message: expect.stringMatching(/could not be made durable/),
      });
      await expect(tips.findOne({})).rejects.toThrow(/cannot write its journal/);
      expect(failures).toEqual([expect.objectContaining({ code: "ENOSPC" })]);
    },
  );
});

function journalFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.startsWith("store-journal-"))
    .sort()
    .map((name) => join(dir, name));
}

/** Writes through every mutation path the store has, each one acknowledged before the next. */
async function exerciseEveryMutation(client: MongoClient): Promise<void> {
  const db = client.db();
  const tips = db.collection("tips");
  await tips.createIndex({ code: 1 }, { unique: true });
  await tips.insertOne({ code: "A", status: "new", n: 1 });
  await tips.insertMany([
    { code: "B", status: "new", n: 2 },
    { code: "C", status: "new", n: 3 },
    { code: "D", status: "new", n: 4 },
  ]);
  await tips.updateOne({ code: "A" }, { $set: { status: "acknowledged" }, $inc: { n: 10 } });
  await tips.updateMany({ status: "new" }, { $push: { history: "seen" } } as Document);
  await tips.updateOne({ code: "E" }, { $set: { status: "new" }, $setOnInsert: { n: 5 } }, { upsert: true });
  await tips.replaceOne({ code: "B" }, { code: "B", status: "replaced" });
  await tips.deleteOne({ code: "C" });
  await tips.findOneAndUpdate({ code: "D" }, { $set: { status: "closed" } });
  await tips.findOneAndReplace({ code: "E" }, { code: "E", status: "replaced-by-fam" });
  await tips.findOneAndDelete({ code: "D" });
  await tips
    .bulkWrite(
      [
        { insertOne: { document: { code: "F" } } },
        { insertOne: { document: { code: "A" } } }, // duplicate: fails, the others stand
        { updateOne: { filter: { code: "F" }, update: { $set: { bulk: true } } } },
        { deleteOne: { filter: { code: "B" } } },
      ],
      { ordered: false },
    )
    .catch(() => undefined);
  await tips.createIndex({ status: 1, n: -1 }, { name: "status_n" });
  await tips.createIndex({ temporary: 1 });
  await tips.dropIndex("temporary_1");

  await tips.createIndexes([
    { key: { a: 1 }, name: "a_1" },
    { key: { b: 1 }, name: "b_1", sparse: true },
  ]);
  await tips.createIndex({ seenAt: 1 }, { expireAfterSeconds: 3600, name: "seenAt_ttl" });
  await db.command({ collMod: "tips", index: { name: "seenAt_ttl", expireAfterSeconds: 7200 } });
  await db.command({ collMod: "tips", index: { name: "a_1", hidden: true } });
  await tips.updateOne({ code: "F" }, [{ $set: { copied: "$code" } }]);

  await db.createCollection("thai_names", { collation: { locale: "th", strength: 1 } });
  await db.collection("thai_names").insertMany([{ name: "สมชาย" }, { name: "Somchai" }]);
  await db.createCollection("open_tips", { viewOn: "tips", pipeline: [{ $match: { status: "new" } }] });
  await db.createCollection("closed_tips", { viewOn: "tips", pipeline: [{ $match: { status: "new" } }] });
  await db.command({ collMod: "closed_tips", viewOn: "tips", pipeline: [{ $match: { status: "closed" } }] });

  const report = db.collection("report");
  await report.createIndex({ status: 1 });
  await report.insertOne({ stale: true });
  await tips.aggregate([{ $group: { _id: "$status", count: { $sum: 1 } } }, { $out: "report" }]).toArray();
  await tips
    .aggregate([
      { $project: { _id: "$code", status: 1 } },
      { $merge: { into: "merged", whenMatched: "replace" } },
    ])
    .toArray();
  await tips
    .aggregate([{ $project: { _id: "$code", seen: { $literal: true } } }, { $merge: { into: "merged" } }])
    .toArray();
  await db.createCollection("dropped_later");
  await db.collection("dropped_later").insertOne({ gone: true });
  await db.collection("dropped_later").drop();
  await db.collection("renamed_from").insertMany([{ r: 1 }, { r: 2 }]);
  await db.collection("renamed_from").createIndex({ r: 1 });
  await db.renameCollection("renamed_from", "renamed_to");
  await db.collection("renamed_onto").insertOne({ old: true });
  await db.collection("renamed_to").rename("renamed_onto", { dropTarget: true });

  const scratch = client.db("scratch");
  await scratch.collection("temp").insertOne({ soon: "gone" });
  await scratch.dropDatabase();

  const sessions = db.collection("sessions");
  await sessions.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
  await sessions.insertMany([{ keep: true }, { expiresAt: new Date(Date.now() - 60_000) }]);
  await waitFor(async () => (await sessions.countDocuments({ expiresAt: { $exists: true } })) === 0);

  const bucket = new GridFSBucket(db, { bucketName: "evidence" });
  await new Promise<void>((resolve, reject) => {
    const upload = bucket.openUploadStream("photo.jpg", { chunkSizeBytes: 1024 });
    upload.once("finish", () => resolve());
    upload.once("error", reject);
    upload.end(Buffer.alloc(5000, 7));
  });

  const ledger = db.collection("ledger");
  await ledger.insertMany([
    { _id: "alice", balance: 100 },
    { _id: "bob", balance: 0 },
  ] as Document[]);
  const session = client.startSession();
  try {
    await session.withTransaction(async () => {
      await ledger.updateOne({ _id: "alice" } as Document, { $inc: { balance: -30 } }, { session });
      await ledger.updateOne({ _id: "bob" } as Document, { $inc: { balance: 30 } }, { session });
      await db.collection("transfers").insertOne({ amount: 30 }, { session });
    });
    await session.withTransaction(async () => {
      await db.createCollection("created_in_transaction", { session });
    });
    session.startTransaction();
    await ledger.updateOne({ _id: "alice" } as Document, { $inc: { balance: -1000 } }, { session });
    await session.abortTransaction();
  } finally {
    await session.endSession();
  }
}

/** Everything a client can see: databases, collections and views (options, uuid), indexes, documents in natural order. */
async function dump(client: MongoClient): Promise<Document> {
  const result: Document = {};
  const { databases } = await client.db().admin().listDatabases();
  for (const { name } of databases.sort((a, b) => a.name.localeCompare(b.name))) {
    const db = client.db(name);
    const collections = (await db.listCollections().toArray()).sort((a, b) => a.name.localeCompare(b.name));
    for (const info of collections) {
      const collection = db.collection(info.name);
      result[`${name}.${info.name}`] = {
        info,
        // A view has no indexes of its own; its documents are read through its pipeline.
        indexes: info.type === "view" ? [] : await collection.listIndexes().toArray(),
        docs: await collection.find().toArray(),
      };
    }
  }
  return result;
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
