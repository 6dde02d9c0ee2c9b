import { type ClientSession, type Collection, type Document, MongoClient, MongoServerError } from "mongodb";
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

test("when two transactions write the same document, then the second fails with a TransientTransactionError", async () => {
  const collection = await freshCollection();
  await collection.insertOne({ _id: 1, owner: "nobody" } as Document);
  const rival = other.startSession();
  const rivalCollection = fromOtherClient(collection);

  session.startTransaction();
  await collection.updateOne({ _id: 1 } as Document, { $set: { owner: "first" } }, { session });
  rival.startTransaction();
  let failure: unknown;
  try {
    // MongoDB rejects the rival's write at once; the embedded store detects the conflict at its commit.
    await rivalCollection.updateOne(
      { _id: 1 } as Document,
      { $set: { owner: "second" } },
      { session: rival },
    );
    await session.commitTransaction();
    await rival.commitTransaction();
  } catch (error) {
    failure = error;
  }
  if (session.inTransaction()) await session.commitTransaction();
  if (rival.inTransaction()) await rival.abortTransaction();
  await rival.endSession();

  expect(failure).toBeInstanceOf(MongoServerError);
  expect((failure as MongoServerError).hasErrorLabel("TransientTransactionError")).toBe(true);
  await expect(collection.findOne({ _id: 1 } as Document)).resolves.toEqual({ _id: 1, owner: "first" });
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
