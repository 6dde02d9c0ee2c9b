import {
  type ClientSession,
  type Collection,
  type Document,
  MongoClient,
  MongoServerError,
  MongoWriteConcernError,
} from "mongodb";
import { startTestDatabase, type TestDatabase } from "../../support/database";

let database: TestDatabase;
let client: MongoClient;
let other: MongoClient;
let counter = 0;
let session: ClientSession;

async function freshCollection(): Promise<Collection> {
  counter += 1;
  const name = `txn_${counter}`;
  // Create outside the transaction so every test also works on MongoDB versions before 4.4.
  await client.db().createCollection(name);
  return client.db().collection(name);
}

/** The same collection seen through a second, independent client. */
function fromOtherClient(collection: Collection): Collection {
  return other.db().collection(collection.collectionName);
}

beforeAll(async () => {
  database = await startTestDatabase();
  client = await MongoClient.connect(database.uri, { serverSelectionTimeoutMS: 5000 });
  other = await MongoClient.connect(database.uri, { serverSelectionTimeoutMS: 5000 });
});
beforeEach(() => {
  session = client.startSession();
});
afterEach(async () => {
  await session.endSession();
});
afterAll(async () => {
  await other.close();
  await client.close();
  await database.stop();
});

test("when a transaction commits, then all its writes become visible to other clients", async () => {
  const collection = await freshCollection();

  session.startTransaction();
  await collection.insertOne({ _id: 1, step: "tip" } as Document, { session });
  await collection.insertOne({ _id: 2, step: "audit" } as Document, { session });
  await session.commitTransaction();

  await expect(fromOtherClient(collection).countDocuments()).resolves.toBe(2);
});

test("when a transaction aborts, then none of its writes remain", async () => {
  const collection = await freshCollection();
  await collection.insertOne({ _id: 1, n: 0 } as Document);

  session.startTransaction();
  await collection.updateOne({ _id: 1 } as Document, { $inc: { n: 1 } }, { session });
  await collection.insertOne({ _id: 2 } as Document, { session });
  await collection.deleteOne({ _id: 1 } as Document, { session });
  await session.abortTransaction();

  await expect(collection.find().toArray()).resolves.toEqual([{ _id: 1, n: 0 }]);
});

test("when reading inside a transaction, then its own uncommitted writes are seen", async () => {
  const collection = await freshCollection();

  session.startTransaction();
  await collection.insertOne({ _id: 1, state: "draft" } as Document, { session });
  await collection.updateOne({ _id: 1 } as Document, { $set: { state: "submitted" } }, { session });
  const inside = await collection.findOne({ _id: 1 } as Document, { session });
  await session.abortTransaction();

  expect(inside).toEqual({ _id: 1, state: "submitted" });
});

test("when reading outside an open transaction, then its uncommitted writes are not seen", async () => {
  const collection = await freshCollection();

  session.startTransaction();
  await collection.insertOne({ _id: 1 } as Document, { session });
  const outside = await fromOtherClient(collection).countDocuments();
  await session.commitTransaction();

  expect(outside).toBe(0);
});

test("when two transactions write the same document, then the second statement fails at once with WriteConflict (112)", async () => {
  const collection = await freshCollection();
  await collection.insertOne({ _id: 1, owner: "nobody" } as Document);
  const rival = other.startSession();
  const rivalCollection = fromOtherClient(collection);

  session.startTransaction();
  await collection.updateOne({ _id: 1 } as Document, { $set: { owner: "first" } }, { session });
  rival.startTransaction();
  const failure = await rivalCollection
    .updateOne({ _id: 1 } as Document, { $set: { owner: "second" } }, { session: rival })
    .catch((error: unknown) => error);
  await session.commitTransaction();
  if (rival.inTransaction()) await rival.abortTransaction().catch(() => undefined);
  await rival.endSession();

  expect(failure).toBeInstanceOf(MongoServerError);
  expect((failure as MongoServerError).code).toBe(112);
  expect((failure as MongoServerError).hasErrorLabel("TransientTransactionError")).toBe(true);
  await expect(collection.findOne({ _id: 1 } as Document)).resolves.toEqual({ _id: 1, owner: "first" });
});

test("when a document changes after a transaction started, then the transaction's write to it conflicts", async () => {
  const collection = await freshCollection();
  await collection.insertMany([{ _id: 1, n: 0 }, { _id: 2 }] as Document[]);

  session.startTransaction();
  await collection.findOne({ _id: 2 } as Document, { session }); // the snapshot is taken here
  await fromOtherClient(collection).updateOne({ _id: 1 } as Document, { $inc: { n: 1 } });
  const failure = await collection
    .updateOne({ _id: 1 } as Document, { $inc: { n: 10 } }, { session })
    .catch((error: unknown) => error);
  if (session.inTransaction()) await session.abortTransaction().catch(() => undefined);

  expect(failure).toMatchObject({ code: 112 });
  await expect(collection.findOne({ _id: 1 } as Document)).resolves.toEqual({ _id: 1, n: 1 });
});

test("when a transaction reads after someone else committed, then it still sees its snapshot", async () => {
  const collection = await freshCollection();
  await collection.insertMany([{ _id: 1, state: "before" }, { _id: 2 }] as Document[]);

  session.startTransaction();
  await collection.findOne({ _id: 2 } as Document, { session });
  await fromOtherClient(collection).updateOne({ _id: 1 } as Document, { $set: { state: "after" } });
  await fromOtherClient(collection).insertOne({ _id: 3 } as Document);
  const inside = await collection.find({}, { session }).sort({ _id: 1 }).toArray();
  await session.commitTransaction();

  expect(inside).toEqual([{ _id: 1, state: "before" }, { _id: 2 }]);
});

test("when two transactions write different documents, then both commit", async () => {
  const collection = await freshCollection();
  await collection.insertMany([{ _id: 1 }, { _id: 2 }] as Document[]);
  const rival = other.startSession();
  const rivalCollection = fromOtherClient(collection);

  session.startTransaction();
  rival.startTransaction();
  await collection.updateOne({ _id: 1 } as Document, { $set: { by: "first" } }, { session });
  await rivalCollection.updateOne({ _id: 2 } as Document, { $set: { by: "second" } }, { session: rival });
  await rivalCollection.insertOne({ _id: 3, by: "second" } as Document, { session: rival });
  await session.commitTransaction();
  await rival.commitTransaction();
  await rival.endSession();

  await expect(collection.find().sort({ _id: 1 }).toArray()).resolves.toEqual([
    { _id: 1, by: "first" },
    { _id: 2, by: "second" },
    { _id: 3, by: "second" },
  ]);
});

test("when a write outside transactions reaches a document a transaction holds, then it waits for the commit", async () => {
  const collection = await freshCollection();
  await collection.insertOne({ _id: 1, n: 0 } as Document);

  session.startTransaction();
  await collection.updateOne({ _id: 1 } as Document, { $set: { n: 10 } }, { session });
  const outside = fromOtherClient(collection).updateOne({ _id: 1 } as Document, { $inc: { n: 1 } });
  let settled = false;
  void outside.finally(() => (settled = true));
  await collection.findOne({ _id: 1 } as Document, { session }); // a round trip while it waits
  const settledBeforeCommit = settled;
  await session.commitTransaction();

  await expect(outside).resolves.toMatchObject({ modifiedCount: 1 });
  expect(settledBeforeCommit).toBe(false);
  await expect(collection.findOne({ _id: 1 } as Document)).resolves.toEqual({ _id: 1, n: 11 });
});

test("when a waiting write outside transactions has maxTimeMS, then it fails with MaxTimeMSExpired (50)", async () => {
  const collection = await freshCollection();
  await collection.insertOne({ _id: 1, n: 0 } as Document);

  session.startTransaction();
  await collection.updateOne({ _id: 1 } as Document, { $set: { n: 10 } }, { session });
  const failure = await other
    .db()
    .command({
      update: collection.collectionName,
      updates: [{ q: { _id: 1 }, u: { $inc: { n: 1 } } }],
      maxTimeMS: 300,
    })
    .catch((error: unknown) => error);
  await session.commitTransaction();

  expect(failure).toMatchObject({ code: 50 });
  await expect(collection.findOne({ _id: 1 } as Document)).resolves.toEqual({ _id: 1, n: 10 });
});

test("when withTransaction meets a write conflict, then it retries and both callers' changes land", async () => {
  const collection = await freshCollection();
  await collection.insertOne({ _id: 1, n: 0 } as Document);
  const rival = other.startSession();
  const rivalCollection = fromOtherClient(collection);
  let attempts = 0;

  session.startTransaction();
  await collection.updateOne({ _id: 1 } as Document, { $inc: { n: 1 } }, { session });
  const retried = rival.withTransaction(async () => {
    attempts++;
    // The first attempt conflicts with the open transaction; later ones come after its commit.
    if (attempts === 2) await session.commitTransaction();
    await rivalCollection.updateOne({ _id: 1 } as Document, { $inc: { n: 1 } }, { session: rival });
  });
  await retried;
  if (session.inTransaction()) await session.commitTransaction();
  await rival.endSession();

  expect(attempts).toBeGreaterThanOrEqual(2);
  await expect(collection.findOne({ _id: 1 } as Document)).resolves.toEqual({ _id: 1, n: 2 });
});

test("when count runs inside a transaction, then it is refused with OperationNotSupportedInTransaction (263)", async () => {
  const collection = await freshCollection();

  session.startTransaction();
  const failure = await client
    .db()
    .command({ count: collection.collectionName }, { session })
    .catch((error: unknown) => error);
  if (session.inTransaction()) await session.abortTransaction().catch(() => undefined);

  expect(failure).toMatchObject({ code: 263 });
});

test("when countDocuments runs inside a transaction, then it works (it is an aggregation)", async () => {
  const collection = await freshCollection();
  await collection.insertOne({ _id: 1 } as Document);

  session.startTransaction();
  await collection.insertOne({ _id: 2 } as Document, { session });
  const counted = await collection.countDocuments({}, { session });
  await session.abortTransaction();

  expect(counted).toBe(2);
});

test("when a write asks for more acknowledging members than the set has, then it is applied and reports UnsatisfiableWriteConcern (100)", async () => {
  const collection = await freshCollection();

  const failure = await collection
    .insertOne({ _id: 1 } as Document, { writeConcern: { w: 10 } })
    .catch((error: unknown) => error);

  expect(failure).toBeInstanceOf(MongoWriteConcernError);
  expect((failure as MongoWriteConcernError).code).toBe(100);
  await expect(collection.countDocuments()).resolves.toBe(1);
});

test("when a write asks for an unknown write concern mode, then it reports UnknownReplWriteConcern (79)", async () => {
  const collection = await freshCollection();

  const failure = await collection
    .insertOne({ _id: 1 } as Document, { writeConcern: { w: "everywhere" as "majority" } })
    .catch((error: unknown) => error);

  expect((failure as MongoWriteConcernError).code).toBe(79);
});

test("when a write asks for majority, then it is acknowledged normally", async () => {
  const collection = await freshCollection();

  await expect(
    collection.insertOne({ _id: 1 } as Document, { writeConcern: { w: "majority", j: true } }),
  ).resolves.toMatchObject({
    acknowledged: true,
  });
});

test("when a statement fails inside a transaction, then the transaction is aborted as a whole", async () => {
  const collection = await freshCollection();
  await collection.insertOne({ _id: 1 } as Document);

  session.startTransaction();
  await collection.insertOne({ _id: 2 } as Document, { session });
  await expect(collection.insertOne({ _id: 1 } as Document, { session })).rejects.toMatchObject({
    code: 11000,
  });

  await expect(session.commitTransaction()).rejects.toMatchObject({ code: 251 });
  await expect(collection.countDocuments()).resolves.toBe(1);
});

test("when withTransaction's callback succeeds, then the writes are committed", async () => {
  const collection = await freshCollection();

  await session.withTransaction(async () => {
    await collection.insertOne({ _id: "tip" } as Document, { session });
    await collection.insertOne({ _id: "audit" } as Document, { session });
  });

  await expect(fromOtherClient(collection).countDocuments()).resolves.toBe(2);
});

test("when a transaction writes to a collection that does not exist yet, then it exists after commit", async () => {
  const name = `txn_created_${counter}`;

  session.startTransaction();
  await client
    .db()
    .collection(name)
    .insertOne({ _id: 1 } as Document, { session });
  await session.commitTransaction();

  await expect(other.db().collection(name).countDocuments()).resolves.toBe(1);
});

test("when a commit is retried after success, then the retry succeeds too", async () => {
  const collection = await freshCollection();

  session.startTransaction();
  await collection.insertOne({ _id: 1 } as Document, { session });
  await session.commitTransaction();

  await expect(session.commitTransaction()).resolves.toBeUndefined();
  await expect(collection.countDocuments()).resolves.toBe(1);
});
