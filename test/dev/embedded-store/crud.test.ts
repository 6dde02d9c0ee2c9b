import {
  Binary,
  type Document,
  type Collection,
  Decimal128,
  Long,
  MongoBulkWriteError,
  MongoClient,
  ObjectId,
} from "mongodb";
import { startTestDatabase, type TestDatabase } from "../../support/database";

let database: TestDatabase;
let client: MongoClient;
let counter = 0;

/** A fresh collection per test keeps tests independent inside the file's database. */
function freshCollection(): Collection {
  counter += 1;
  return client.db().collection(`crud_${counter}`);
}

beforeAll(async () => {
  database = await startTestDatabase();
  client = await MongoClient.connect(database.uri, { serverSelectionTimeoutMS: 5000 });
});
afterAll(async () => {
  await client.close();
  await database.stop();
});

const people = [
  { name: "Somchai", age: 41, district: "Hang Dong", tags: ["officer"] },
  { name: "Malee", age: 29, district: "San Sai", tags: ["citizen", "subscriber"] },
  { name: "Anan", age: 35, district: "Hang Dong", tags: [] },
  { name: "Kanya", age: 52, district: "Fang", tags: ["citizen"] },
];

test("when a document without _id is inserted, then it gets an ObjectId", async () => {
  const collection = freshCollection();

  const { insertedId } = await collection.insertOne({ a: 1 });

  expect(insertedId).toBeInstanceOf(ObjectId);
  expect(await collection.findOne({ _id: insertedId })).toEqual({ _id: insertedId, a: 1 });
});

test("when BSON values are stored, then they come back with the same types", async () => {
  const collection = freshCollection();
  const doc = {
    _id: new ObjectId(),
    at: new Date("2024-08-26T03:00:00Z"),
    blob: new Binary(Buffer.from([1, 2, 3])),
    big: Long.fromString("9007199254740993"),
    amount: Decimal128.fromString("12.50"),
    nested: { list: [1, "two", null] },
  };

  await collection.insertOne(doc);

  expect(await collection.findOne({ _id: doc._id })).toEqual(doc);
});

test("when finding with a filter, sort, skip and limit, then the page is the expected one", async () => {
  const collection = freshCollection();
  await collection.insertMany(people.map((p) => ({ ...p })));

  const page = await collection
    .find({ age: { $gte: 30 } })
    .sort({ age: -1 })
    .skip(1)
    .limit(2)
    .toArray();

  expect(page.map((p) => p.name)).toEqual(["Somchai", "Anan"]);
});

test("when finding with an inclusion projection, then only those fields and _id are returned", async () => {
  const collection = freshCollection();
  await collection.insertMany(people.map((p) => ({ ...p })));

  const found = await collection.find({ name: "Malee" }, { projection: { name: 1, district: 1 } }).toArray();

  expect(found).toEqual([{ _id: expect.any(ObjectId), name: "Malee", district: "San Sai" }]);
});

test("when finding with an exclusion projection, then stored documents keep the excluded fields", async () => {
  const collection = freshCollection();
  await collection.insertMany(people.map((p) => ({ ...p })));

  const projected = await collection.findOne({ name: "Anan" }, { projection: { tags: 0, _id: 0 } });
  const stored = await collection.findOne({ name: "Anan" });

  expect(projected).toEqual({ name: "Anan", age: 35, district: "Hang Dong" });
  expect(stored).toHaveProperty("tags", []);
});

test("when querying an array field by value, then documents whose array contains it match", async () => {
  const collection = freshCollection();
  await collection.insertMany(people.map((p) => ({ ...p })));

  const citizens = await collection.find({ tags: "citizen" }).sort({ name: 1 }).toArray();

  expect(citizens.map((p) => p.name)).toEqual(["Kanya", "Malee"]);
});

test("when counting with a filter, then only matching documents are counted", async () => {
  const collection = freshCollection();
  await collection.insertMany(people.map((p) => ({ ...p })));

  await expect(collection.countDocuments({ district: "Hang Dong" })).resolves.toBe(2);
  await expect(collection.estimatedDocumentCount()).resolves.toBe(4);
});

test("when asking for distinct values, then each appears once and arrays contribute their elements", async () => {
  const collection = freshCollection();
  await collection.insertMany(people.map((p) => ({ ...p })));

  const districts = await collection.distinct("district");
  const tags = await collection.distinct("tags", { age: { $lt: 50 } });

  expect(districts.sort()).toEqual(["Fang", "Hang Dong", "San Sai"]);
  expect(tags.sort()).toEqual(["citizen", "officer", "subscriber"]);
});

test("when deleteOne matches several documents, then only one is deleted", async () => {
  const collection = freshCollection();
  await collection.insertMany(people.map((p) => ({ ...p })));

  const { deletedCount } = await collection.deleteOne({ district: "Hang Dong" });

  expect(deletedCount).toBe(1);
  await expect(collection.countDocuments()).resolves.toBe(3);
});

test("when deleteMany matches several documents, then all of them are deleted", async () => {
  const collection = freshCollection();
  await collection.insertMany(people.map((p) => ({ ...p })));

  const { deletedCount } = await collection.deleteMany({ age: { $lt: 45 } });

  expect(deletedCount).toBe(3);
  expect((await collection.find().toArray()).map((p) => p.name)).toEqual(["Kanya"]);
});

test("when an ordered insertMany hits a duplicate _id, then it stops there and reports the index", async () => {
  const collection = freshCollection();

  const failure = collection.insertMany([{ _id: 1 }, { _id: 1 }, { _id: 2 }] as never[]);

  await expect(failure).rejects.toBeInstanceOf(MongoBulkWriteError);
  await expect(failure).rejects.toMatchObject({
    code: 11000,
    writeErrors: [expect.objectContaining({ index: 1 })],
  });
  expect(await collection.countDocuments()).toBe(1);
});

test("when an unordered insertMany hits a duplicate _id, then the other documents are still inserted", async () => {
  const collection = freshCollection();

  const failure = collection.insertMany([{ _id: 1 }, { _id: 1 }, { _id: 2 }] as never[], { ordered: false });

  await expect(failure).rejects.toMatchObject({ code: 11000 });
  expect(await collection.countDocuments()).toBe(2);
});

test("when replaceOne runs, then the whole document is replaced and _id kept", async () => {
  const collection = freshCollection();
  const { insertedId } = await collection.insertOne({ a: 1, b: 2 });

  await collection.replaceOne({ _id: insertedId }, { c: 3 });

  expect(await collection.findOne({ _id: insertedId })).toEqual({ _id: insertedId, c: 3 });
});

test("when finding in a collection that does not exist, then the result is empty", async () => {
  await expect(client.db().collection("never_written").find({}).toArray()).resolves.toEqual([]);
});

test("when querying with regular expressions and logical operators, then matches follow MongoDB semantics", async () => {
  const collection = freshCollection();
  await collection.insertMany(people.map((p) => ({ ...p })));

  const found = await collection
    .find({ $or: [{ name: /^ma/i }, { age: { $gt: 50 } }], district: { $ne: "Hang Dong" } })
    .sort({ name: 1 })
    .toArray();

  expect(found.map((p) => p.name)).toEqual(["Kanya", "Malee"]);
});

describe("comparison and logical operators on plain fields", () => {
  const at = (minute: number) => new Date(Date.UTC(2025, 0, 1, 0, minute));
  const docs = [
    { _id: 1, n: 5, at: at(10), owner: "a", tags: ["x"] },
    { _id: 2, n: [1, 9], at: [at(1), at(30)], owner: "b", tags: ["x", "y"] },
    { _id: 3, n: "7", at: "2025-01-01", owner: "a" },
    { _id: 4, n: 12, at: at(20) },
  ];
  const ids = async (filter: Document) => {
    const collection = freshCollection();
    await collection.insertMany(docs.map((doc) => ({ ...doc })) as Document[]);
    return (await collection.find(filter).sort({ _id: 1 }).toArray()).map(
      (doc) => doc._id as unknown as number,
    );
  };

  test("when a range is given, then only values of the same type match, and any array element may satisfy each bound", async () => {
    await expect(ids({ n: { $gt: 4, $lt: 6 } })).resolves.toEqual([1, 2]);
    await expect(ids({ n: { $gte: 12 } })).resolves.toEqual([4]);
    await expect(ids({ at: { $lte: at(10) } })).resolves.toEqual([1, 2]);
    await expect(ids({ at: { $gt: at(10), $lt: at(25) } })).resolves.toEqual([2, 4]);
  });

  test("when $ne, $in and $eq are given, then missing fields count as not equal and arrays match by element", async () => {
    await expect(ids({ owner: { $ne: "a" } })).resolves.toEqual([2, 4]);
    await expect(ids({ tags: { $ne: "y" } })).resolves.toEqual([1, 3, 4]);
    await expect(ids({ owner: { $in: ["b", "c"] } })).resolves.toEqual([2]);
    await expect(ids({ at: { $eq: at(30) } })).resolves.toEqual([2]);
    await expect(ids({ owner: { $in: [] } })).resolves.toEqual([]);
  });

  test("when $or and $and combine conditions, then they nest as in MongoDB", async () => {
    await expect(ids({ _id: 1, $or: [{ at: { $lte: at(5) } }, { owner: "a" }] })).resolves.toEqual([1]);
    await expect(
      ids({ $or: [{ n: { $gt: 10 } }, { $and: [{ owner: "a" }, { tags: "x" }] }] }),
    ).resolves.toEqual([1, 4]);
  });
});
