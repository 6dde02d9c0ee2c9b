import { type Collection, type Document, MongoClient, MongoServerError } from "mongodb";
import { startTestDatabase, type TestDatabase } from "../../support/database";

let database: TestDatabase;
let client: MongoClient;
let counter = 0;

async function queue(): Promise<Collection> {
  counter += 1;
  const collection = client.db().collection(`fam_${counter}`);
  await collection.insertMany([
    { _id: 1, state: "pending", priority: 2, payload: "b" },
    { _id: 2, state: "pending", priority: 5, payload: "a" },
    { _id: 3, state: "done", priority: 9, payload: "c" },
  ] as Document[]);
  return collection;
}

beforeAll(async () => {
  database = await startTestDatabase();
  client = await MongoClient.connect(database.uri, { serverSelectionTimeoutMS: 5000 });
});
afterAll(async () => {
  await client.close();
  await database.stop();
});

test("when returning the document after the update, then the new version comes back", async () => {
  const collection = await queue();

  const result = await collection.findOneAndUpdate(
    { state: "pending" },
    { $set: { state: "claimed" } },
    { sort: { priority: -1 }, returnDocument: "after", includeResultMetadata: true },
  );

  expect(result.value).toMatchObject({ _id: 2, state: "claimed" });
  expect(result.lastErrorObject).toMatchObject({ n: 1, updatedExisting: true });
});

test("when returning the document before the update, then the old version comes back and the update is stored", async () => {
  const collection = await queue();

  const before = await collection.findOneAndUpdate({ _id: 1 } as Document, { $inc: { priority: 1 } });

  expect(before).toMatchObject({ _id: 1, priority: 2 });
  await expect(collection.findOne({ _id: 1 } as Document)).resolves.toMatchObject({ priority: 3 });
});

test("when several documents match, then sort decides which one is modified", async () => {
  const collection = await queue();

  const claimed = await collection.findOneAndUpdate(
    { state: "pending" },
    { $set: { state: "claimed" } },
    {
      sort: { priority: 1 },
    },
  );

  expect(claimed?._id).toBe(1);
});

test("when an upsert inserts, then lastErrorObject reports the upserted _id", async () => {
  const collection = await queue();

  const result = await collection.findOneAndUpdate(
    { _id: 10, state: "pending" } as Document,
    { $set: { priority: 1 } },
    { upsert: true, returnDocument: "after", includeResultMetadata: true },
  );

  expect(result.lastErrorObject).toMatchObject({ n: 1, updatedExisting: false, upserted: 10 });
  expect(result.value).toEqual({ _id: 10, state: "pending", priority: 1 });
});

test("when nothing matches and upsert is off, then the value is null", async () => {
  const collection = await queue();

  const result = await collection.findOneAndUpdate(
    { state: "missing" },
    { $set: { x: 1 } },
    { includeResultMetadata: true },
  );

  expect(result.value).toBeNull();
  expect(result.lastErrorObject).toMatchObject({ n: 0, updatedExisting: false });
});

test("when removing, then the removed document is returned and gone from the collection", async () => {
  const collection = await queue();

  const removed = await collection.findOneAndDelete({ state: "done" });

  expect(removed).toMatchObject({ _id: 3 });
  await expect(collection.countDocuments()).resolves.toBe(2);
});

test("when a projection is given, then the returned document is projected", async () => {
  const collection = await queue();

  const result = await collection.findOneAndUpdate(
    { _id: 2 } as Document,
    { $set: { state: "x" } },
    {
      projection: { state: 1, _id: 0 },
      returnDocument: "after",
    },
  );

  expect(result).toEqual({ state: "x" });
});

test("when findOneAndReplace runs, then the document is replaced", async () => {
  const collection = await queue();

  await collection.findOneAndReplace({ _id: 1 } as Document, { state: "replaced" });

  await expect(collection.findOne({ _id: 1 } as Document)).resolves.toEqual({ _id: 1, state: "replaced" });
});

test("when the update violates a unique index, then a top-level E11000 error is raised and data is intact", async () => {
  const collection = await queue();
  await collection.createIndex({ payload: 1 }, { unique: true });

  const failure = collection.findOneAndUpdate({ _id: 1 } as Document, { $set: { payload: "a", state: "x" } });

  await expect(failure).rejects.toBeInstanceOf(MongoServerError);
  await expect(failure).rejects.toMatchObject({
    code: 11000,
    keyPattern: { payload: 1 },
    keyValue: { payload: "a" },
  });
  await expect(collection.findOne({ _id: 1 } as Document)).resolves.toMatchObject({
    payload: "b",
    state: "pending",
  });
});
