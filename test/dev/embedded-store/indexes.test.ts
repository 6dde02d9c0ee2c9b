import { type Collection, type Document, MongoClient, MongoServerError } from "mongodb";
import { startTestDatabase, type TestDatabase, usingRealMongo } from "../../support/database";

let database: TestDatabase;
let client: MongoClient;
let counter = 0;

function freshCollection(): Collection {
  counter += 1;
  return client.db().collection(`indexes_${counter}`);
}

beforeAll(async () => {
  database = await startTestDatabase();
  client = await MongoClient.connect(database.uri, { serverSelectionTimeoutMS: 5000 });
});
afterAll(async () => {
  await client.close();
  await database.stop();
});

describe("unique indexes", () => {
  test("when a duplicate value is inserted, then the error is E11000 shaped like MongoDB's", async () => {
    const collection = freshCollection();
    await collection.createIndex({ email: 1 }, { unique: true });
    await collection.insertOne({ email: "a@example.org" });

    const failure = collection.insertOne({ email: "a@example.org" });

    await expect(failure).rejects.toBeInstanceOf(MongoServerError);
    await expect(failure).rejects.toMatchObject({
      code: 11000,
      keyPattern: { email: 1 },
      keyValue: { email: "a@example.org" },
    });
    await expect(failure).rejects.toThrow(
      `E11000 duplicate key error collection: ${database.dbName}.${collection.collectionName} index: email_1 dup key: { email: "a@example.org" }`,
    );
  });

  test("when a compound unique index sees the same pair twice, then the second insert fails", async () => {
    const collection = freshCollection();
    await collection.createIndex({ district: 1, code: 1 }, { unique: true });
    await collection.insertMany([
      { district: "Fang", code: 1 },
      { district: "Fang", code: 2 },
      { district: "Hot", code: 1 },
    ]);

    await expect(collection.insertOne({ district: "Fang", code: 2 })).rejects.toMatchObject({
      code: 11000,
      keyValue: { district: "Fang", code: 2 },
    });
  });

  test("when an update would duplicate a unique value, then it fails and the document keeps its old value", async () => {
    const collection = freshCollection();
    await collection.createIndex({ handle: 1 }, { unique: true });
    await collection.insertMany([
      { _id: 1, handle: "a" },
      { _id: 2, handle: "b" },
    ] as Document[]);

    await expect(
      collection.updateOne({ _id: 2 } as Document, { $set: { handle: "a" } }),
    ).rejects.toMatchObject({
      code: 11000,
    });
    await expect(collection.findOne({ _id: 2 } as Document)).resolves.toEqual({ _id: 2, handle: "b" });
  });

  test("when a bulk update duplicates a unique value, then writeErrors names the failing statement", async () => {
    const collection = freshCollection();
    await collection.createIndex({ handle: 1 }, { unique: true });
    await collection.insertMany([
      { _id: 1, handle: "a" },
      { _id: 2, handle: "b" },
    ] as Document[]);

    const failure = collection.bulkWrite(
      [
        { updateOne: { filter: { _id: 1 } as Document, update: { $set: { note: "ok" } } } },
        { updateOne: { filter: { _id: 2 } as Document, update: { $set: { handle: "a" } } } },
      ],
      { ordered: false },
    );

    await expect(failure).rejects.toMatchObject({
      writeErrors: [expect.objectContaining({ index: 1, code: 11000 })],
    });
    await expect(collection.findOne({ _id: 1 } as Document)).resolves.toMatchObject({ note: "ok" });
  });

  test("when two documents lack the field of a non-sparse unique index, then they collide on null", async () => {
    const collection = freshCollection();
    await collection.createIndex({ phone: 1 }, { unique: true });
    await collection.insertOne({ name: "first" });

    await expect(collection.insertOne({ name: "second" })).rejects.toMatchObject({
      code: 11000,
      keyValue: { phone: null },
    });
  });

  test("when the unique index is sparse, then any number of documents may lack the field", async () => {
    const collection = freshCollection();
    await collection.createIndex({ phone: 1 }, { unique: true, sparse: true });

    await collection.insertMany([{ name: "a" }, { name: "b" }, { phone: "081" }]);

    await expect(collection.insertOne({ phone: "081" })).rejects.toMatchObject({ code: 11000 });
  });

  test("when the unique index is partial, then only documents matching its filter are constrained", async () => {
    const collection = freshCollection();
    await collection.createIndex(
      { userRef: 1 },
      { unique: true, partialFilterExpression: { status: { $eq: "open" } } },
    );
    await collection.insertMany([
      { userRef: "u1", status: "closed" },
      { userRef: "u1", status: "closed" },
      { userRef: "u1", status: "open" },
    ]);

    await expect(collection.insertOne({ userRef: "u1", status: "open" })).rejects.toMatchObject({
      code: 11000,
    });
  });

  test("when a unique index is built over existing duplicates, then creation fails and no index is left", async () => {
    const collection = freshCollection();
    await collection.insertMany([{ k: 1 }, { k: 1 }]);

    await expect(collection.createIndex({ k: 1 }, { unique: true })).rejects.toMatchObject({ code: 11000 });
    const names = (await collection.listIndexes().toArray()).map((index) => index.name);
    expect(names).toEqual(["_id_"]);
  });

  test("when a unique field holds an array, then each element is a key of its own", async () => {
    const collection = freshCollection();
    await collection.createIndex({ aliases: 1 }, { unique: true });
    await collection.insertOne({ aliases: ["x", "y"] });

    await expect(collection.insertOne({ aliases: ["z", "y"] })).rejects.toMatchObject({ code: 11000 });
  });
});

describe("index catalogue", () => {
  test("when indexes are created, then listIndexes returns them with their options", async () => {
    const collection = freshCollection();
    await collection.createIndex({ a: 1, b: -1 }, { name: "a_b", unique: true, sparse: true });
    await collection.createIndex({ at: 1 }, { expireAfterSeconds: 3600 });

    const indexes = await collection.listIndexes().toArray();

    expect(indexes).toEqual([
      { v: 2, key: { _id: 1 }, name: "_id_" },
      expect.objectContaining({ key: { a: 1, b: -1 }, name: "a_b", unique: true, sparse: true }),
      expect.objectContaining({ key: { at: 1 }, name: "at_1", expireAfterSeconds: 3600 }),
    ]);
  });

  test("when the same index is created again, then it is a no-op", async () => {
    const collection = freshCollection();
    await collection.createIndex({ a: 1 });

    await expect(collection.createIndex({ a: 1 })).resolves.toBe("a_1");
    expect(await collection.listIndexes().toArray()).toHaveLength(2);
  });

  test("when an index name is reused with different options, then the error is IndexKeySpecsConflict (86)", async () => {
    const collection = freshCollection();
    await collection.createIndex({ a: 1 }, { name: "shared" });

    await expect(collection.createIndex({ a: 1 }, { name: "shared", unique: true })).rejects.toMatchObject({
      code: 86,
    });
  });

  test("when an index is dropped by name, then it is no longer listed", async () => {
    const collection = freshCollection();
    await collection.createIndex({ a: 1 });
    await collection.createIndex({ b: 1 });

    await collection.dropIndex("a_1");

    expect((await collection.listIndexes().toArray()).map((index) => index.name)).toEqual(["_id_", "b_1"]);
  });

  test("when all indexes are dropped, then only _id_ remains", async () => {
    const collection = freshCollection();
    await collection.createIndexes([{ key: { a: 1 } }, { key: { b: 1 } }]);

    await collection.dropIndexes();

    expect((await collection.listIndexes().toArray()).map((index) => index.name)).toEqual(["_id_"]);
  });

  test("when a missing index is dropped, then the error is IndexNotFound (27)", async () => {
    const collection = freshCollection();
    await collection.insertOne({ a: 1 });

    await expect(collection.dropIndex("nope_1")).rejects.toMatchObject({ code: 27 });
  });
});

describe("queries on indexed fields", () => {
  test("when documents are found by an equality on an indexed field, then the result follows later updates and deletes", async () => {
    const collection = freshCollection();
    await collection.createIndex({ source: 1, status: 1, at: 1 });
    await collection.insertMany([
      { _id: 1, source: "a", status: "pending", at: 3 },
      { _id: 2, source: "b", status: "pending", at: 1 },
      { _id: 3, source: "a", status: "pending", at: 2 },
      { _id: 4, source: "a", status: "done", at: 1 },
    ] as Document[]);
    await collection.updateOne({ _id: 1 } as Document, { $set: { status: "done" } });
    await collection.updateOne({ _id: 2 } as Document, { $set: { source: "a" } });
    await collection.deleteOne({ _id: 4 } as Document);

    const pending = await collection.find({ source: "a", status: "pending" }).sort({ at: 1 }).toArray();

    expect(pending.map((doc) => doc._id)).toEqual([2, 3]);
    await expect(collection.countDocuments({ source: { $eq: "a" } })).resolves.toBe(3);
    await expect(collection.countDocuments({ source: "b" })).resolves.toBe(0);
  });

  test("when an indexed field holds an array or an embedded value, then equality finds it as a scan would", async () => {
    const collection = freshCollection();
    await collection.createIndex({ tags: 1 });
    await collection.createIndex({ "owner.district": 1 });
    await collection.insertMany([
      { name: "one", tags: ["x", "y"], owner: { district: "Fang" } },
      { name: "two", tags: "x", owner: [{ district: "Hot" }, { district: "Fang" }] },
      { name: "three", tags: [["x"]], owner: { district: "Hot" } },
      { name: "four", tags: 1, at: new Date(5) },
      { name: "five", tags: 1.0, at: new Date(5) },
    ]);
    const names = async (filter: Document) =>
      (await collection.find(filter).toArray()).map((doc) => doc.name as string).sort();

    await expect(names({ tags: "x" })).resolves.toEqual(["one", "two"]);
    await expect(names({ "owner.district": "Fang" })).resolves.toEqual(["one", "two"]);
    await expect(names({ "owner.district": "Fang", tags: "y" })).resolves.toEqual(["one"]);
    await expect(names({ tags: 1 })).resolves.toEqual(["five", "four"]);
    await expect(names({ tags: 1, at: new Date(5) })).resolves.toEqual(["five", "four"]);
    await expect(names({ tags: null })).resolves.toEqual([]);
  });
});

// Updates that leave an index's fields alone do not touch it (the store compares the fields the
// index reads); these check that updates that do change them still move the keys.
describe("index keys across updates", () => {
  test("when an update changes a field that a partial unique index filters on, then the document enters the index and can collide", async () => {
    const collection = freshCollection();
    await collection.createIndex(
      { userRef: 1 },
      { unique: true, partialFilterExpression: { status: { $eq: "open" } } },
    );
    await collection.insertMany([
      { _id: 1, userRef: "u1", status: "closed" },
      { _id: 2, userRef: "u1", status: "open" },
    ] as Document[]);

    await expect(
      collection.updateOne({ _id: 1 } as Document, { $set: { status: "open" } }),
    ).rejects.toMatchObject({ code: 11000 });
    await expect(collection.findOne({ _id: 1 } as Document)).resolves.toMatchObject({ status: "closed" });
  });

  test("when an update takes a document out of a partial unique index, then its value is free again", async () => {
    const collection = freshCollection();
    await collection.createIndex(
      { userRef: 1 },
      { unique: true, partialFilterExpression: { status: { $eq: "open" } } },
    );
    await collection.insertOne({ _id: 1, userRef: "u1", status: "open" } as Document);

    await collection.updateOne({ _id: 1 } as Document, { $set: { status: "closed", note: "x" } });

    await expect(collection.insertOne({ userRef: "u1", status: "open" })).resolves.toBeDefined();
  });

  test("when updates change other fields and then an indexed one (also a nested one), then hinted lookups find the document by its current keys only", async () => {
    const collection = freshCollection();
    await collection.createIndex({ code: 1 });
    await collection.createIndex({ "place.district": 1 });
    await collection.insertOne({ _id: 1, code: "a", place: { district: "Fang", zip: 1 }, n: 0 } as Document);
    const ids = async (filter: Document, hint: string) =>
      (await collection.find(filter).hint(hint).toArray()).map((doc) => doc._id);

    await collection.updateOne({ _id: 1 } as Document, { $set: { n: 1, "place.zip": 2 } });
    await expect(ids({ code: "a" }, "code_1")).resolves.toEqual([1]);
    await expect(ids({ "place.district": "Fang" }, "place.district_1")).resolves.toEqual([1]);

    await collection.updateOne({ _id: 1 } as Document, { $set: { code: "b", "place.district": "Hot" } });
    await expect(ids({ code: "a" }, "code_1")).resolves.toEqual([]);
    await expect(ids({ code: "b" }, "code_1")).resolves.toEqual([1]);
    await expect(ids({ "place.district": "Fang" }, "place.district_1")).resolves.toEqual([]);
    await expect(ids({ "place.district": "Hot" }, "place.district_1")).resolves.toEqual([1]);
  });

  test("when an update removes an indexed field, then the document is indexed under null", async () => {
    const collection = freshCollection();
    await collection.createIndex({ code: 1 }, { unique: true });
    await collection.insertMany([
      { _id: 1, code: "a" },
      { _id: 2, code: "b" },
    ] as Document[]);

    await collection.updateOne({ _id: 1 } as Document, { $unset: { code: "" } });

    await expect(
      collection.updateOne({ _id: 2 } as Document, { $unset: { code: "" } }),
    ).rejects.toMatchObject({ code: 11000 });
    await expect(collection.insertOne({ _id: 3, code: "a" } as Document)).resolves.toBeDefined();
  });
});

// MongoDB's TTL monitor runs once a minute; the embedded store sweeps every second.
(usingRealMongo ? describe.skip : describe)("TTL indexes", () => {
  test("when a document's TTL date has passed, then it is deleted by the background sweep", async () => {
    const collection = freshCollection();
    await collection.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
    await collection.insertMany([
      { name: "expired", expiresAt: new Date(Date.now() - 1000) },
      { name: "fresh", expiresAt: new Date(Date.now() + 3_600_000) },
      { name: "no date", expiresAt: "not a date" },
    ]);

    await waitFor(async () => (await collection.countDocuments()) === 2);

    expect((await collection.find().toArray()).map((doc) => doc.name)).toEqual(["fresh", "no date"]);
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("collMod", () => {
  test("when collMod changes a TTL index's expireAfterSeconds, then listIndexes reports the new value", async () => {
    const collection = freshCollection();
    await collection.createIndex({ at: 1 }, { expireAfterSeconds: 3600, name: "at_ttl" });

    const reply = await client.db().command({
      collMod: collection.collectionName,
      index: { name: "at_ttl", expireAfterSeconds: 60 },
    });

    expect(reply).toMatchObject({ expireAfterSeconds_old: 3600, expireAfterSeconds_new: 60 });
    const indexes = await collection.listIndexes().toArray();
    expect(indexes.find((index) => index.name === "at_ttl")).toMatchObject({ expireAfterSeconds: 60 });
  });

  test("when an index is hidden with collMod, then it can no longer be hinted", async () => {
    const collection = freshCollection();
    await collection.insertOne({ district: "Fang" });
    await collection.createIndex({ district: 1 }, { name: "district_1" });

    await client
      .db()
      .command({ collMod: collection.collectionName, index: { name: "district_1", hidden: true } });

    await expect(collection.find({ district: "Fang" }).hint("district_1").toArray()).rejects.toMatchObject({
      code: 2,
    });
    await expect(collection.find({ district: "Fang" }).toArray()).resolves.toHaveLength(1);
  });
});
