import { type Collection, type Document, MongoClient } from "mongodb";
import { startTestDatabase, type TestDatabase } from "../../support/database";

// MongoDB 5.0+: `let` defines variables that `$expr`, pipelines and pipeline updates read as `$$name`
// (find, aggregate, update, delete, findAndModify; also through bulkWrite).

let database: TestDatabase;
let client: MongoClient;
let counter = 0;

async function cakes(): Promise<Collection> {
  counter += 1;
  const collection = client.db().collection(`let_${counter}`);
  await collection.insertMany([
    { _id: 1, flavor: "chocolate", price: 8 },
    { _id: 2, flavor: "strawberry", price: 6 },
    { _id: 3, flavor: "cherry", price: 12 },
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

test("when find has let, then $expr in the filter reads the variable", async () => {
  const collection = await cakes();

  const found = await collection
    .find({ $expr: { $eq: ["$flavor", "$$targetFlavor"] } }, { let: { targetFlavor: "cherry" } })
    .toArray();

  expect(found.map((doc) => doc._id)).toEqual([3]);
});

test("when a let variable is an expression, then it is evaluated once before use", async () => {
  const collection = await cakes();

  const found = await collection
    .find({ $expr: { $gt: ["$price", "$$limit"] } }, { let: { limit: { $add: [4, 3] } } })
    .toArray();

  expect(found.map((doc) => doc._id).sort()).toEqual([1, 3]);
});

test("when aggregate has let, then every stage can read the variable", async () => {
  const collection = await cakes();

  const result = await collection
    .aggregate(
      [
        { $match: { $expr: { $lt: ["$price", "$$ceiling"] } } },
        { $project: { _id: 1, tax: { $multiply: ["$price", "$$rate"] } } },
      ],
      { let: { ceiling: 10, rate: 0.5 } },
    )
    .toArray();

  expect(result.sort((a, b) => a._id - b._id)).toEqual([
    { _id: 1, tax: 4 },
    { _id: 2, tax: 3 },
  ]);
});

test("when updateOne has let, then a pipeline update reads the variable", async () => {
  const collection = await cakes();

  await collection.updateOne({ $expr: { $eq: ["$flavor", "$$target"] } }, [{ $set: { comment: "$$note" } }], {
    let: { target: "strawberry", note: "sold out" },
  });

  expect(await collection.findOne({ _id: 2 } as Document)).toMatchObject({ comment: "sold out" });
});

test("when deleteMany has let, then $expr in its filter reads the variable", async () => {
  const collection = await cakes();

  const { deletedCount } = await collection.deleteMany(
    { $expr: { $gte: ["$price", "$$threshold"] } },
    { let: { threshold: 8 } },
  );

  expect(deletedCount).toBe(2);
  expect((await collection.find().toArray()).map((doc) => doc._id)).toEqual([2]);
});

test("when findOneAndUpdate has let, then the filter and the update read the variables", async () => {
  const collection = await cakes();

  const after = await collection.findOneAndUpdate(
    { $expr: { $eq: ["$_id", "$$id"] } },
    [{ $set: { price: { $add: ["$price", "$$raise"] } } }],
    { let: { id: 1, raise: 2 }, returnDocument: "after" },
  );

  expect(after).toEqual({ _id: 1, flavor: "chocolate", price: 10 });
});

test("when a bulkWrite carries let, then each of its updates and deletes reads it", async () => {
  const collection = await cakes();

  await collection.bulkWrite(
    [
      { updateOne: { filter: { $expr: { $eq: ["$_id", "$$first"] } }, update: [{ $set: { seen: true } }] } },
      { deleteOne: { filter: { $expr: { $eq: ["$_id", "$$last"] } } } },
    ],
    { let: { first: 1, last: 3 } },
  );

  expect(await collection.find().sort({ _id: 1 }).toArray()).toEqual([
    { _id: 1, flavor: "chocolate", price: 8, seen: true },
    { _id: 2, flavor: "strawberry", price: 6 },
  ]);
});

test("when a variable is used but not defined, then the command fails with 17276", async () => {
  const collection = await cakes();

  await expect(collection.find({ $expr: { $eq: ["$flavor", "$$nowhere"] } }).toArray()).rejects.toMatchObject(
    {
      code: 17276,
    },
  );
});
