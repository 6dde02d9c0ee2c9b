import {
  type CollationOptions,
  type Collection,
  type Document,
  MongoClient,
  MongoServerError,
} from "mongodb";
import { startTestDatabase, type TestDatabase, usingRealMongo } from "../../support/database";

// MongoDB's collation: string comparison by a locale's rules. Strength 1 compares base letters
// only (a = á = A), 2 adds accents (a = A, a ≠ á), 3 (the default) adds case. numericOrdering
// compares digit runs as numbers. It applies to filters, sorts, distinct and to indexes, and an
// operation without one inherits the collection's default.

let database: TestDatabase;
let client: MongoClient;
let counter = 0;

const caseInsensitive = { locale: "en", strength: 2 };

async function names(docs: Document[] = defaultNames()): Promise<Collection> {
  counter += 1;
  const collection = client.db().collection(`collation_${counter}`);
  await collection.insertMany(docs);
  return collection;
}

function defaultNames(): Document[] {
  return [
    { _id: 1, name: "somchai" },
    { _id: 2, name: "Somchai" },
    { _id: 3, name: "SOMCHAI" },
    { _id: 4, name: "malee" },
  ];
}

beforeAll(async () => {
  database = await startTestDatabase();
  client = await MongoClient.connect(database.uri, { serverSelectionTimeoutMS: 5000 });
});
afterAll(async () => {
  await client.close();
  await database.stop();
});

test("when find has a strength-2 collation, then string equality ignores case", async () => {
  const collection = await names();

  const found = await collection.find({ name: "somchai" }, { collation: caseInsensitive }).toArray();

  expect(found.map((doc) => doc._id).sort()).toEqual([1, 2, 3]);
});

test("when find has no collation, then string equality is exact", async () => {
  const collection = await names();

  expect(await collection.countDocuments({ name: "somchai" })).toBe(1);
});

test("when countDocuments has a collation, then the count follows it", async () => {
  const collection = await names();

  await expect(collection.countDocuments({ name: "SomChai" }, { collation: caseInsensitive })).resolves.toBe(
    3,
  );
});

test("when the count command has a collation, then the count follows it", async () => {
  const collection = await names();

  const reply = await client
    .db()
    .command({ count: collection.collectionName, query: { name: "SOMCHAI" }, collation: caseInsensitive });

  expect(reply.n).toBe(3);
});

test("when distinct has a strength-1 collation, then values equal under it collapse into one", async () => {
  const collection = await names([{ tag: "café" }, { tag: "cafe" }, { tag: "CAFE" }, { tag: "tea" }]);

  const values = await collection.distinct("tag", {}, { collation: { locale: "fr", strength: 1 } });

  expect(values).toHaveLength(2);
});

test("when deleteMany has a collation, then it deletes what the collation matches", async () => {
  const collection = await names();

  const { deletedCount } = await collection.deleteMany({ name: "Somchai" }, { collation: caseInsensitive });

  expect(deletedCount).toBe(3);
  expect(await collection.countDocuments()).toBe(1);
});

test("when updateMany has a collation, then it updates what the collation matches", async () => {
  const collection = await names();

  const { matchedCount } = await collection.updateMany(
    { name: "somCHAI" },
    { $set: { seen: true } },
    { collation: caseInsensitive },
  );

  expect(matchedCount).toBe(3);
});

test("when a range filter has a collation, then it compares by the locale", async () => {
  const collection = await names();

  // Binary order puts every capital before "m"; English order does not.
  const found = await collection.find({ name: { $lt: "n" } }, { collation: caseInsensitive }).toArray();

  expect(found.map((doc) => doc._id)).toEqual([4]);
});

test("when a sort has numericOrdering, then digit runs sort as numbers", async () => {
  const collection = await names([{ code: "10" }, { code: "9" }, { code: "2" }]);

  const binary = await collection.find().sort({ code: 1 }).toArray();
  const numeric = await collection
    .find()
    .sort({ code: 1 })
    .collation({ locale: "en", numericOrdering: true })
    .toArray();

  expect(binary.map((doc) => doc.code)).toEqual(["10", "2", "9"]);
  expect(numeric.map((doc) => doc.code)).toEqual(["2", "9", "10"]);
});

test("when a collection has a default collation, then operations without one inherit it", async () => {
  counter += 1;
  const collection = await client
    .db()
    .createCollection(`collation_default_${counter}`, { collation: caseInsensitive });
  await collection.insertMany(defaultNames());

  await expect(collection.countDocuments({ name: "SOMCHAI" })).resolves.toBe(3);
  await expect(
    collection.countDocuments({ name: "SOMCHAI" }, { collation: { locale: "simple" } }),
  ).resolves.toBe(1);
});

test("when a unique index has a strength-2 collation, then values differing only in case are duplicates", async () => {
  counter += 1;
  const collection = client.db().collection(`collation_unique_${counter}`);
  await collection.createIndex({ email: 1 }, { unique: true, collation: caseInsensitive });
  await collection.insertOne({ email: "officer@example.org" });

  const duplicate = collection.insertOne({ email: "Officer@Example.org" });

  await expect(duplicate).rejects.toMatchObject({ code: 11000 });
});

test("when an index has a collation, then listIndexes reports it", async () => {
  counter += 1;
  const collection = client.db().collection(`collation_listed_${counter}`);
  await collection.createIndex({ name: 1 }, { collation: caseInsensitive, name: "name_ci" });

  const indexes = await collection.listIndexes().toArray();

  expect(indexes.find((index) => index.name === "name_ci")).toMatchObject({
    collation: { locale: "en", strength: 2 },
  });
});

test("when the locale does not exist, then the operation fails with BadValue (2)", async () => {
  const collection = await names();

  const failure = await collection
    .find({ name: "x" }, { collation: { locale: "xx_not_a_locale" } })
    .toArray()
    .catch((error: unknown) => error);

  expect(failure).toBeInstanceOf(MongoServerError);
  expect((failure as MongoServerError).code).toBe(2);
});

// The embedded store only: it answers with the collation or refuses; MongoDB answers these.
(usingRealMongo ? test.skip : test)(
  "when an aggregation would compare strings in a stage the store cannot collate, then it is refused, not answered binarily",
  async () => {
    const collection = await names();

    await expect(
      collection
        .aggregate([{ $group: { _id: "$name", n: { $sum: 1 } } }], { collation: caseInsensitive })
        .toArray(),
    ).rejects.toMatchObject({ code: 72 });
  },
);

test("when aggregations with and without collations alternate, then each $match and $sort after the first stage follows its own", async () => {
  const collection = await names();
  // The $set first: the $match and $sort then run inside the pipeline, not as the planner's filter.
  const pipeline = [{ $set: { seen: true } }, { $match: { name: "somchai" } }, { $sort: { _id: -1 } }];
  const ids = async (collation?: CollationOptions) =>
    (await collection.aggregate(pipeline, collation ? { collation } : {}).toArray()).map((doc) => doc._id);

  await expect(ids(caseInsensitive)).resolves.toEqual([3, 2, 1]);
  await expect(ids()).resolves.toEqual([1]);
  await expect(ids({ locale: "en", strength: 3 })).resolves.toEqual([1]);
  await expect(ids(caseInsensitive)).resolves.toEqual([3, 2, 1]);
  await expect(ids()).resolves.toEqual([1]);
});
