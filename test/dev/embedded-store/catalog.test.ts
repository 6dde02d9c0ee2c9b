import { type Db, MongoClient } from "mongodb";
import { startTestDatabase, type TestDatabase } from "../../support/database";

let database: TestDatabase;
let client: MongoClient;
let db: Db;

beforeAll(async () => {
  database = await startTestDatabase();
  client = await MongoClient.connect(database.uri, { serverSelectionTimeoutMS: 5000 });
  db = client.db();
});
afterAll(async () => {
  await client.close();
  await database.stop();
});

test("when a collection is created twice, then the second create fails with NamespaceExists (48)", async () => {
  await db.createCollection("created_twice");

  await expect(db.command({ create: "created_twice" })).rejects.toMatchObject({
    code: 48,
    codeName: "NamespaceExists",
  });
});

test("when listCollections filters by name, then only that collection is listed, with its options", async () => {
  await db.createCollection("listed_a");
  await db.createCollection("listed_b");

  const listed = await db.listCollections({ name: "listed_a" }).toArray();

  expect(listed).toHaveLength(1);
  expect(listed[0]).toMatchObject({ name: "listed_a", type: "collection", options: {} });
});

test("when listCollections asks for names only, then entries carry just name and type", async () => {
  await db.createCollection("named_only");

  const listed = await db.listCollections({ name: "named_only" }, { nameOnly: true }).toArray();

  expect(listed).toEqual([{ name: "named_only", type: "collection" }]);
});

test("when a document is inserted into a new collection, then the collection is created implicitly", async () => {
  await db.collection("implicit").insertOne({ a: 1 });

  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
  expect(names).toContain("implicit");
});

test("when a collection is dropped, then it is no longer listed and its documents are gone", async () => {
  await db.collection("dropped").insertOne({ a: 1 });

  await expect(db.collection("dropped").drop()).resolves.toBe(true);

  expect(await db.listCollections({ name: "dropped" }).toArray()).toEqual([]);
  expect(await db.collection("dropped").countDocuments()).toBe(0);
});

test("when listing databases, then this test's database is among them", async () => {
  await db.collection("present").insertOne({ a: 1 });

  const { databases } = await client.db("admin").admin().listDatabases();

  expect(databases.map((d) => d.name)).toContain(database.dbName);
});

test("when listIndexes targets a missing collection, then the error is NamespaceNotFound (26)", async () => {
  await expect(db.command({ listIndexes: "never_created" })).rejects.toMatchObject({ code: 26 });
});

test("when a database is dropped, then its collections are gone", async () => {
  const other = client.db(`${database.dbName}_other`);
  await other.collection("soon_gone").insertOne({ a: 1 });

  await other.dropDatabase();

  expect(await other.listCollections().toArray()).toEqual([]);
});

test("when collection stats are asked, then the document count is reported", async () => {
  await db.collection("counted").insertMany([{ a: 1 }, { a: 2 }]);

  const stats = await db.command({ collStats: "counted" });

  expect(stats).toMatchObject({ count: 2, ok: 1 });
});

test("when a collection is renamed, then its documents and indexes move and the old name is gone", async () => {
  const source = db.collection("rename_source");
  await source.createIndex({ code: 1 }, { unique: true });
  await source.insertMany([{ code: "A" }, { code: "B" }]);

  await source.rename("rename_target");

  const target = db.collection("rename_target");
  expect((await target.find().sort({ code: 1 }).toArray()).map((doc) => doc.code)).toEqual(["A", "B"]);
  expect((await target.listIndexes().toArray()).map((index) => index.name)).toEqual(["_id_", "code_1"]);
  expect(await db.listCollections({ name: "rename_source" }).toArray()).toEqual([]);
});

test("when a rename targets an existing collection, then it fails with NamespaceExists (48) unless dropTarget is set", async () => {
  await db.collection("rename_from").insertOne({ from: true });
  await db.collection("rename_onto").insertOne({ onto: true });

  await expect(db.renameCollection("rename_from", "rename_onto")).rejects.toMatchObject({ code: 48 });
  await db.renameCollection("rename_from", "rename_onto", { dropTarget: true });

  expect(
    await db
      .collection("rename_onto")
      .find({}, { projection: { _id: 0 } })
      .toArray(),
  ).toEqual([{ from: true }]);
});

test("when a missing collection is renamed, then it fails with NamespaceNotFound (26)", async () => {
  await expect(db.renameCollection("rename_missing", "rename_anything")).rejects.toMatchObject({ code: 26 });
});

test("when a collection an open transaction wrote to is renamed, then the rename waits for the commit and carries its write", async () => {
  await db.collection("rename_busy").insertOne({ before: true });
  const session = client.startSession();
  try {
    session.startTransaction();
    await db.collection("rename_busy").insertOne({ inTransaction: true }, { session });
    let renamed = false;
    const rename = db.renameCollection("rename_busy", "rename_after_commit").then(() => (renamed = true));

    // As in MongoDB, DDL on a collection in use by a transaction waits behind it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(renamed).toBe(false);
    await session.commitTransaction();
    await rename;
  } finally {
    await session.endSession();
  }

  const moved = await db
    .collection("rename_after_commit")
    .find({}, { projection: { _id: 0 } })
    .toArray();
  expect(moved).toEqual([{ before: true }, { inTransaction: true }]);
});

test("when renameCollection is sent to a database other than admin, then it is refused with Unauthorized (13)", async () => {
  await db.collection("rename_elsewhere").insertOne({ n: 1 });

  await expect(
    db.command({ renameCollection: `${db.databaseName}.rename_elsewhere`, to: `${db.databaseName}.x` }),
  ).rejects.toMatchObject({ code: 13 });
});
