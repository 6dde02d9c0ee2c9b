import { type Collection, type Document, MongoClient } from "mongodb";
import { startTestDatabase, type TestDatabase } from "../../support/database";

let database: TestDatabase;
let client: MongoClient;
let tips: Collection;

const day = (iso: string): Date => new Date(`${iso}T00:00:00Z`);

beforeAll(async () => {
  database = await startTestDatabase();
  client = await MongoClient.connect(database.uri, { serverSelectionTimeoutMS: 5000 });
  tips = client.db().collection("tips");
  await tips.insertMany([
    {
      _id: 1,
      district: "fang",
      category: "bribery",
      amount: 100,
      at: day("2024-08-26"),
      tags: ["road", "permit"],
    },
    { _id: 2, district: "fang", category: "procurement", amount: 300, at: day("2024-08-26"), tags: ["road"] },
    { _id: 3, district: "hot", category: "bribery", amount: 50, at: day("2024-08-27"), tags: [] },
    {
      _id: 4,
      district: "san-sai",
      category: "bribery",
      amount: 250,
      at: day("2024-08-28"),
      tags: ["school"],
    },
  ] as Document[]);
  await client
    .db()
    .collection("districts")
    .insertMany([
      { code: "fang", nameTh: "ฝาง" },
      { code: "hot", nameTh: "ฮอด" },
    ]);
});
afterAll(async () => {
  await client.close();
  await database.stop();
});

test("when grouping, then $sum, $avg, $min, $max and counts are computed per group", async () => {
  const groups = await tips
    .aggregate([
      { $match: { category: "bribery" } },
      {
        $group: {
          _id: "$district",
          total: { $sum: "$amount" },
          count: { $sum: 1 },
          avg: { $avg: "$amount" },
          min: { $min: "$amount" },
          max: { $max: "$amount" },
        },
      },
      { $sort: { _id: 1 } },
    ])
    .toArray();

  expect(groups).toEqual([
    { _id: "fang", total: 100, count: 1, avg: 100, min: 100, max: 100 },
    { _id: "hot", total: 50, count: 1, avg: 50, min: 50, max: 50 },
    { _id: "san-sai", total: 250, count: 1, avg: 250, min: 250, max: 250 },
  ]);
});

test("when $count follows a $match, then the count document is returned", async () => {
  const result = await tips.aggregate([{ $match: { amount: { $gte: 100 } } }, { $count: "n" }]).toArray();

  expect(result).toEqual([{ n: 3 }]);
});

test("when sorting, skipping, limiting and projecting, then the page has the projected shape", async () => {
  const result = await tips
    .aggregate([
      { $sort: { amount: -1 } },
      { $skip: 1 },
      { $limit: 2 },
      { $project: { _id: 0, district: 1, amount: 1 } },
    ])
    .toArray();

  expect(result).toEqual([
    { district: "san-sai", amount: 250 },
    { district: "fang", amount: 100 },
  ]);
});

test("when unwinding an array, then each element yields one document and empty arrays yield none", async () => {
  const result = await tips
    .aggregate([{ $unwind: "$tags" }, { $group: { _id: "$tags", n: { $sum: 1 } } }, { $sort: { _id: 1 } }])
    .toArray();

  expect(result).toEqual([
    { _id: "permit", n: 1 },
    { _id: "road", n: 2 },
    { _id: "school", n: 1 },
  ]);
});

test("when $lookup joins another collection, then matching foreign documents are attached", async () => {
  const result = await tips
    .aggregate([
      { $match: { _id: { $in: [1, 4] } } },
      { $lookup: { from: "districts", localField: "district", foreignField: "code", as: "districtInfo" } },
      { $project: { _id: 1, names: "$districtInfo.nameTh" } },
    ])
    .toArray();

  expect(result).toEqual([
    { _id: 1, names: ["ฝาง"] },
    { _id: 4, names: [] },
  ]);
});

test("when $facet runs sub-pipelines, then each facet holds its own result", async () => {
  const [result] = await tips
    .aggregate([
      {
        $facet: {
          byCategory: [{ $group: { _id: "$category", n: { $sum: 1 } } }, { $sort: { _id: 1 } }],
          total: [{ $count: "n" }],
        },
      },
    ])
    .toArray();

  expect(result).toEqual({
    byCategory: [
      { _id: "bribery", n: 3 },
      { _id: "procurement", n: 1 },
    ],
    total: [{ n: 4 }],
  });
});

test("when grouping by $dateToString, then documents are bucketed per day", async () => {
  const result = await tips
    .aggregate([
      { $group: { _id: { $dateToString: { format: "%Y-%m-%d", date: "$at" } }, n: { $sum: 1 } } },
      { $sort: { _id: 1 } },
    ])
    .toArray();

  expect(result).toEqual([
    { _id: "2024-08-26", n: 2 },
    { _id: "2024-08-27", n: 1 },
    { _id: "2024-08-28", n: 1 },
  ]);
});

test("when $addFields computes a field, then stored documents are left untouched", async () => {
  const result = await tips
    .aggregate([
      { $match: { _id: 2 } },
      { $addFields: { doubled: { $multiply: ["$amount", 2] }, "nested.flag": true } },
    ])
    .toArray();

  expect(result[0]).toMatchObject({ amount: 300, doubled: 600, nested: { flag: true } });
  await expect(tips.findOne({ _id: 2 } as Document)).resolves.not.toHaveProperty("doubled");
});

test("when a pipeline starts with $match and a plain inclusion $project, then the documents have exactly those fields in stored order", async () => {
  const result = await tips
    .aggregate([
      { $match: { category: "bribery" } },
      { $match: { amount: { $gte: 100 } } },
      { $project: { tags: 1, district: true } },
      { $sort: { _id: 1 } },
    ])
    .toArray();
  expect(result).toEqual([
    { _id: 1, district: "fang", tags: ["road", "permit"] },
    { _id: 4, district: "san-sai", tags: ["school"] },
  ]);
  expect(result.map((doc) => Object.keys(doc))).toEqual([
    ["_id", "district", "tags"],
    ["_id", "district", "tags"],
  ]);
  const withoutId = await tips
    .aggregate([
      { $project: { _id: 0, amount: 1, missing: 1 } },
      { $group: { _id: null, sum: { $sum: "$amount" } } },
    ])
    .toArray();
  expect(withoutId).toEqual([{ _id: null, sum: 700 }]);
});

test("when stages after an inclusion $project change the documents, then stored documents are left untouched", async () => {
  const result = await tips
    .aggregate([
      { $match: { _id: 1 } },
      { $project: { tags: 1 } },
      { $unwind: "$tags" },
      { $set: { tags: "changed" } },
    ])
    .toArray();
  expect(result).toEqual([
    { _id: 1, tags: "changed" },
    { _id: 1, tags: "changed" },
  ]);
  await expect(tips.findOne({ _id: 1 } as Document)).resolves.toMatchObject({ tags: ["road", "permit"] });
});

test("when $project is not a plain inclusion, then it is still computed by the full projection rules", async () => {
  const result = await tips
    .aggregate([{ $match: { _id: 2 } }, { $project: { district: 1, twice: { $multiply: ["$amount", 2] } } }])
    .toArray();
  expect(result).toEqual([{ _id: 2, district: "fang", twice: 600 }]);
  const excluded = await tips.aggregate([{ $match: { _id: 3 } }, { $project: { tags: 0, at: 0 } }]).toArray();
  expect(excluded).toEqual([{ _id: 3, district: "hot", category: "bribery", amount: 50 }]);
});

test("when a $group only counts by fields, then missing and null share a lone key, a missing field is left out of a document key, and groups keep first-seen order", async () => {
  const counts = client.db().collection("counts");
  await counts.insertMany([
    { _id: 1, a: "x", b: 1 },
    { _id: 2, a: null, b: 1 },
    { _id: 3, b: 2 },
    { _id: 4, a: "x", b: 1.0 },
    { _id: 5, a: new Date("2024-01-01T00:00:00Z"), b: 0 },
    { _id: 6, a: ["array"], b: 0 },
  ] as Document[]);
  const byA = await counts
    .aggregate([
      { $match: { _id: { $lte: 5 } } },
      { $group: { _id: "$a", n: { $sum: 1 }, twice: { $sum: 2 } } },
    ])
    .toArray();
  expect(byA).toEqual([
    { _id: "x", n: 2, twice: 4 },
    { _id: null, n: 2, twice: 4 },
    { _id: new Date("2024-01-01T00:00:00Z"), n: 1, twice: 2 },
  ]);
  const byBoth = await counts
    .aggregate([{ $match: { _id: { $lte: 5 } } }, { $group: { _id: { a: "$a", b: "$b" }, n: { $sum: 1 } } }])
    .toArray();
  expect(byBoth).toEqual([
    { _id: { a: "x", b: 1 }, n: 2 },
    { _id: { a: null, b: 1 }, n: 1 },
    { _id: { b: 2 }, n: 1 },
    { _id: { a: new Date("2024-01-01T00:00:00Z"), b: 0 }, n: 1 },
  ]);
  // An array key is grouped by the general rules, with the same shape of answer.
  const withArray = await counts.aggregate([{ $group: { _id: "$a", n: { $sum: 1 } } }]).toArray();
  expect(withArray).toContainEqual({ _id: ["array"], n: 1 });
  expect(withArray).toHaveLength(4);
  await expect(counts.countDocuments({ b: 1 })).resolves.toBe(3);
  await expect(counts.countDocuments({ b: 99 })).resolves.toBe(0);
  await expect(
    counts.aggregate([{ $match: { b: 99 } }, { $group: { _id: "$a", n: { $sum: 1 } } }]).toArray(),
  ).resolves.toEqual([]);
});

test("when the aggregate result exceeds the batch size, then the driver fetches the rest with getMore", async () => {
  const ids = (await tips.aggregate([{ $sort: { _id: 1 } }], { batchSize: 1 }).toArray()).map(
    (doc) => doc._id,
  );

  expect(ids).toEqual([1, 2, 3, 4]);
});
