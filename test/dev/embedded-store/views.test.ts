import { type Db, type Document, MongoClient } from "mongodb";
import { startTestDatabase, type TestDatabase } from "../../support/database";

// MongoDB views: `create` with `viewOn` and `pipeline` defines a read-only collection computed by
// the pipeline on read. listCollections reports it as `type: "view"`; writes to it fail with
// CommandNotSupportedOnView (166); `collMod` can redefine it.

let database: TestDatabase;
let client: MongoClient;
let db: Db;
let counter = 0;

/** A tips collection and a view of its open ones without the narrative. */
async function openTips(): Promise<{ source: string; view: string }> {
  counter += 1;
  const source = `tips_${counter}`;
  const view = `open_tips_${counter}`;
  await db.collection(source).insertMany([
    { _id: 1, status: "open", district: "Fang", narrative: "sealed" },
    { _id: 2, status: "closed", district: "Fang", narrative: "sealed" },
    { _id: 3, status: "open", district: "San Sai", narrative: "sealed" },
  ] as Document[]);
  await db.createCollection(view, {
    viewOn: source,
    pipeline: [{ $match: { status: "open" } }, { $project: { narrative: 0 } }],
  });
  return { source, view };
}

beforeAll(async () => {
  database = await startTestDatabase();
  client = await MongoClient.connect(database.uri, { serverSelectionTimeoutMS: 5000 });
  db = client.db();
});
afterAll(async () => {
  await client.close();
  await database.stop();
});

test("when a view is read with find, then the documents come through its pipeline", async () => {
  const { view } = await openTips();

  const found = await db.collection(view).find({}).sort({ _id: 1 }).toArray();

  expect(found).toEqual([
    { _id: 1, status: "open", district: "Fang" },
    { _id: 3, status: "open", district: "San Sai" },
  ]);
});

test("when a find on a view has a filter and a projection, then they apply after the view's pipeline", async () => {
  const { view } = await openTips();

  const found = await db
    .collection(view)
    .find({ district: "San Sai" }, { projection: { _id: 1 } })
    .toArray();

  expect(found).toEqual([{ _id: 3 }]);
});

test("when a view is counted, aggregated and asked for distinct values, then each sees the view's documents", async () => {
  const { view } = await openTips();

  await expect(db.collection(view).countDocuments()).resolves.toBe(2);
  await expect(db.collection(view).distinct("district")).resolves.toEqual(
    expect.arrayContaining(["Fang", "San Sai"]),
  );
  const grouped = await db
    .collection(view)
    .aggregate([{ $group: { _id: "$status", n: { $sum: 1 } } }])
    .toArray();
  expect(grouped).toEqual([{ _id: "open", n: 2 }]);
});

test("when the source changes, then the view shows the change at the next read", async () => {
  const { source, view } = await openTips();

  await db.collection(source).updateOne({ _id: 2 } as Document, { $set: { status: "open" } });

  await expect(db.collection(view).countDocuments()).resolves.toBe(3);
});

test("when collections are listed, then the view is listed as a view with its definition", async () => {
  const { source, view } = await openTips();

  const [entry] = await db.listCollections({ name: view }).toArray();

  expect(entry).toMatchObject({
    name: view,
    type: "view",
    options: { viewOn: source, pipeline: [{ $match: { status: "open" } }, { $project: { narrative: 0 } }] },
    info: { readOnly: true },
  });
});

test("when a document is written to a view, then the write fails with CommandNotSupportedOnView (166)", async () => {
  const { view } = await openTips();

  await expect(db.collection(view).insertOne({ _id: 9 } as Document)).rejects.toMatchObject({ code: 166 });
  await expect(db.collection(view).deleteMany({})).rejects.toMatchObject({ code: 166 });
  await expect(db.collection(view).updateOne({}, { $set: { x: 1 } })).rejects.toMatchObject({ code: 166 });
});

test("when a view is defined on another view, then reads go through both pipelines", async () => {
  const { view } = await openTips();
  const inFang = `${view}_fang`;
  await db.createCollection(inFang, { viewOn: view, pipeline: [{ $match: { district: "Fang" } }] });

  await expect(db.collection(inFang).find().toArray()).resolves.toEqual([
    { _id: 1, status: "open", district: "Fang" },
  ]);
});

test("when collMod redefines a view, then reads use the new pipeline", async () => {
  const { source, view } = await openTips();

  await db.command({ collMod: view, viewOn: source, pipeline: [{ $match: { status: "closed" } }] });

  await expect(db.collection(view).find().toArray()).resolves.toEqual([
    { _id: 2, status: "closed", district: "Fang", narrative: "sealed" },
  ]);
});

test("when a view is dropped, then the source is untouched", async () => {
  const { source, view } = await openTips();

  await db.collection(view).drop();

  expect(await db.listCollections({ name: view }).toArray()).toEqual([]);
  await expect(db.collection(source).countDocuments()).resolves.toBe(3);
});

test("when $lookup reads from a view, then it sees the view's documents", async () => {
  const { view } = await openTips();
  counter += 1;
  const districts = db.collection(`districts_${counter}`);
  await districts.insertMany([{ _id: "Fang" }, { _id: "Mae Ai" }] as Document[]);

  const joined = await districts
    .aggregate([
      { $lookup: { from: view, localField: "_id", foreignField: "district", as: "open" } },
      { $sort: { _id: 1 } },
    ])
    .toArray();

  expect(joined.map((doc) => [doc._id, doc.open.length])).toEqual([
    ["Fang", 1],
    ["Mae Ai", 0],
  ]);
});
