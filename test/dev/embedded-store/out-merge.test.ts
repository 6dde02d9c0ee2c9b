import { type Collection, type Document, MongoClient } from "mongodb";
import { startTestDatabase, type TestDatabase } from "../../support/database";

// MongoDB's writing stages. `$out` (last stage) replaces the target collection with the results,
// keeping the target's indexes. `$merge` folds each result into the target by its `on` fields
// (default `_id`; others need a unique index on exactly them, else 51183) with `whenMatched`
// (merge by default, replace, keepExisting, fail, or a pipeline) and `whenNotMatched` (insert by
// default, discard, fail). Neither may run inside a transaction.

let database: TestDatabase;
let client: MongoClient;
let counter = 0;

async function tips(): Promise<Collection> {
  counter += 1;
  const collection = client.db().collection(`merge_source_${counter}`);
  await collection.insertMany([
    { _id: 1, district: "Fang", status: "open" },
    { _id: 2, district: "Fang", status: "closed" },
    { _id: 3, district: "San Sai", status: "open" },
  ] as Document[]);
  return collection;
}

function target(): Collection {
  counter += 1;
  return client.db().collection(`merge_target_${counter}`);
}

beforeAll(async () => {
  database = await startTestDatabase();
  client = await MongoClient.connect(database.uri, { serverSelectionTimeoutMS: 5000 });
});
afterAll(async () => {
  await client.close();
  await database.stop();
});

test("when a pipeline ends with $out, then the target holds exactly the results and the cursor is empty", async () => {
  const source = await tips();
  const summary = target();
  await summary.insertOne({ _id: "stale" } as Document);

  const returned = await source
    .aggregate([{ $group: { _id: "$district", tips: { $sum: 1 } } }, { $out: summary.collectionName }])
    .toArray();

  expect(returned).toEqual([]);
  expect(await summary.find().sort({ _id: 1 }).toArray()).toEqual([
    { _id: "Fang", tips: 2 },
    { _id: "San Sai", tips: 1 },
  ]);
});

test("when $out replaces a collection, then the collection's indexes stay", async () => {
  const source = await tips();
  const copy = target();
  await copy.createIndex({ district: 1 }, { name: "by_district" });

  await source.aggregate([{ $out: copy.collectionName }]).toArray();

  expect((await copy.listIndexes().toArray()).map((index) => index.name)).toContain("by_district");
  await expect(copy.countDocuments()).resolves.toBe(3);
});

test("when $out results break a unique index of the target, then the target keeps its old contents", async () => {
  const source = await tips();
  const copy = target();
  await copy.createIndex({ district: 1 }, { unique: true });
  await copy.insertOne({ _id: "kept", district: "Hang Dong" } as Document);

  await expect(source.aggregate([{ $out: copy.collectionName }]).toArray()).rejects.toMatchObject({
    code: 11000,
  });

  expect(await copy.find().toArray()).toEqual([{ _id: "kept", district: "Hang Dong" }]);
});

test("when $merge runs with the defaults, then matching documents are merged and others inserted", async () => {
  const source = await tips();
  const merged = target();
  await merged.insertMany([
    { _id: 1, reviewed: true },
    { _id: 9, district: "Mae Ai" },
  ] as Document[]);

  await source
    .aggregate([{ $match: { status: "open" } }, { $merge: { into: merged.collectionName } }])
    .toArray();

  expect(await merged.find().sort({ _id: 1 }).toArray()).toEqual([
    { _id: 1, reviewed: true, district: "Fang", status: "open" },
    { _id: 3, district: "San Sai", status: "open" },
    { _id: 9, district: "Mae Ai" },
  ]);
});

test("when $merge replaces matches and discards the rest, then only existing documents change", async () => {
  const source = await tips();
  const merged = target();
  await merged.insertOne({ _id: 2, old: true } as Document);

  await source
    .aggregate([
      { $merge: { into: merged.collectionName, whenMatched: "replace", whenNotMatched: "discard" } },
    ])
    .toArray();

  expect(await merged.find().toArray()).toEqual([{ _id: 2, district: "Fang", status: "closed" }]);
});

test("when $merge keeps existing documents, then matches are left as they were", async () => {
  const source = await tips();
  const merged = target();
  await merged.insertOne({ _id: 1, untouched: true } as Document);

  await source
    .aggregate([{ $merge: { into: merged.collectionName, whenMatched: "keepExisting" } }])
    .toArray();

  expect(await merged.findOne({ _id: 1 } as Document)).toEqual({ _id: 1, untouched: true });
  await expect(merged.countDocuments()).resolves.toBe(3);
});

test("when $merge has a pipeline for matches, then $$new is the incoming result", async () => {
  const source = await tips();
  const merged = target();
  await merged.insertOne({ _id: 3, seen: 1 } as Document);

  await source
    .aggregate([
      { $match: { _id: 3 } },
      {
        $merge: {
          into: merged.collectionName,
          whenMatched: [{ $set: { seen: { $add: ["$seen", 1] }, status: "$$new.status" } }],
        },
      },
    ])
    .toArray();

  expect(await merged.findOne({ _id: 3 } as Document)).toEqual({ _id: 3, seen: 2, status: "open" });
});

test("when $merge matches on fields without a unique index, then it fails with 51183", async () => {
  const source = await tips();
  const merged = target();
  await merged.insertOne({ district: "Fang" });

  await expect(
    source
      .aggregate([
        { $project: { _id: 0, district: 1 } },
        { $merge: { into: merged.collectionName, on: "district" } },
      ])
      .toArray(),
  ).rejects.toMatchObject({ code: 51183 });
});

test("when $merge matches on a uniquely indexed field, then results fold into documents with the same value", async () => {
  const source = await tips();
  const merged = target();
  await merged.createIndex({ district: 1 }, { unique: true });
  await merged.insertOne({ district: "Fang", officer: "on duty" });

  await source
    .aggregate([
      { $group: { _id: "$district", tips: { $sum: 1 } } },
      { $project: { _id: 0, district: "$_id", tips: 1 } },
      { $merge: { into: merged.collectionName, on: "district" } },
    ])
    .toArray();

  const docs = await merged
    .find({}, { projection: { _id: 0 } })
    .sort({ district: 1 })
    .toArray();
  expect(docs).toEqual([
    { district: "Fang", officer: "on duty", tips: 2 },
    { district: "San Sai", tips: 1 },
  ]);
});

test("when $merge with whenNotMatched fail finds no match, then the aggregation fails", async () => {
  const source = await tips();
  const merged = target();

  await expect(
    source.aggregate([{ $merge: { into: merged.collectionName, whenNotMatched: "fail" } }]).toArray(),
  ).rejects.toMatchObject({ code: 13113 });
});

test("when $out runs inside a transaction, then it is refused with OperationNotSupportedInTransaction (263)", async () => {
  const source = await tips();
  const copy = target();
  const session = client.startSession();
  try {
    session.startTransaction();
    await expect(
      source.aggregate([{ $out: copy.collectionName }], { session }).toArray(),
    ).rejects.toMatchObject({
      code: 263,
    });
  } finally {
    if (session.inTransaction()) await session.abortTransaction().catch(() => undefined);
    await session.endSession();
  }
});
