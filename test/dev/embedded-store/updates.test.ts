import { Binary, type Collection, type Document, MongoClient, ObjectId } from "mongodb";
import { startTestDatabase, type TestDatabase } from "../../support/database";

let database: TestDatabase;
let client: MongoClient;
let counter = 0;

function freshCollection(): Collection {
  counter += 1;
  return client.db().collection(`updates_${counter}`);
}

/** Inserts one document and returns a reader for its current state. */
async function seeded(
  doc: Document,
): Promise<{ collection: Collection; current: () => Promise<Document | null> }> {
  const collection = freshCollection();
  await collection.insertOne({ _id: 1, ...doc } as Document);
  return {
    collection,
    current: () => collection.findOne({ _id: 1 } as Document, { projection: { _id: 0 } }),
  };
}

beforeAll(async () => {
  database = await startTestDatabase();
  client = await MongoClient.connect(database.uri, { serverSelectionTimeoutMS: 5000 });
});
afterAll(async () => {
  await client.close();
  await database.stop();
});

describe("update operators", () => {
  test("when $set and $unset are applied, then fields (also nested ones) are set and removed", async () => {
    const { collection, current } = await seeded({ a: 1, b: 2, c: { d: 1 } });

    await collection.updateOne({ _id: 1 } as Document, { $set: { a: 10, "c.e": 5 }, $unset: { b: "" } });

    expect(await current()).toEqual({ a: 10, c: { d: 1, e: 5 } });
  });

  test("when $inc is applied, then numbers are incremented and missing fields start from zero", async () => {
    const { collection, current } = await seeded({ views: 5 });

    await collection.updateOne({ _id: 1 } as Document, { $inc: { views: 2, shares: 1 } });

    expect(await current()).toEqual({ views: 7, shares: 1 });
  });

  test("when $push with $each is applied, then all values are appended in order", async () => {
    const { collection, current } = await seeded({ log: ["a"] });

    await collection.updateOne({ _id: 1 } as Document, { $push: { log: { $each: ["b", "c"] } } } as Document);

    expect(await current()).toEqual({ log: ["a", "b", "c"] });
  });

  test("when $addToSet is applied, then only values not yet present are added", async () => {
    const { collection, current } = await seeded({ tags: ["x"] });

    await collection.updateOne({ _id: 1 } as Document, { $addToSet: { tags: { $each: ["x", "y"] } } });

    expect(await current()).toEqual({ tags: ["x", "y"] });
  });

  test("when $pull is applied with a condition, then matching elements are removed", async () => {
    const { collection, current } = await seeded({ scores: [1, 5, 8, 3] });

    await collection.updateOne({ _id: 1 } as Document, { $pull: { scores: { $gte: 5 } } } as Document);

    expect(await current()).toEqual({ scores: [1, 3] });
  });

  test("when $max and $min are applied, then a field only moves in that direction", async () => {
    const { collection, current } = await seeded({ high: 5, low: 5 });

    await collection.updateOne({ _id: 1 } as Document, { $max: { high: 9 }, $min: { low: 7 } });

    expect(await current()).toEqual({ high: 9, low: 5 });
  });

  test("when $currentDate is applied, then the field holds the server's current date", async () => {
    const { collection, current } = await seeded({});
    const before = Date.now();

    await collection.updateOne({ _id: 1 } as Document, { $currentDate: { touchedAt: true } });

    const touchedAt = (await current())?.touchedAt as Date;
    expect(touchedAt).toBeInstanceOf(Date);
    expect(touchedAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  test("when $rename is applied, then the value moves to the new field name", async () => {
    const { collection, current } = await seeded({ old: "v" });

    await collection.updateOne({ _id: 1 } as Document, { $rename: { old: "renamed" } });

    expect(await current()).toEqual({ renamed: "v" });
  });

  test("when an update uses the positional $, then the array element matched by the filter is updated", async () => {
    const { collection, current } = await seeded({
      items: [
        { sku: "a", qty: 1 },
        { sku: "b", qty: 1 },
      ],
    });

    await collection.updateOne({ _id: 1, "items.sku": "b" } as Document, { $inc: { "items.$.qty": 4 } });

    expect(await current()).toEqual({
      items: [
        { sku: "a", qty: 1 },
        { sku: "b", qty: 5 },
      ],
    });
  });

  test("when an update uses arrayFilters, then only elements matching the filter are updated", async () => {
    const { collection, current } = await seeded({ grades: [{ g: 80 }, { g: 95 }, { g: 99 }] });

    await collection.updateOne(
      { _id: 1 } as Document,
      { $set: { "grades.$[high].top": true } },
      {
        arrayFilters: [{ "high.g": { $gte: 95 } }],
      },
    );

    expect(await current()).toEqual({ grades: [{ g: 80 }, { g: 95, top: true }, { g: 99, top: true }] });
  });

  test("when an update uses a pipeline, then computed fields are stored", async () => {
    const { collection, current } = await seeded({ first: "Malee", last: "Srisuk" });

    await collection.updateOne({ _id: 1 } as Document, [
      { $set: { full: { $concat: ["$first", " ", "$last"] } } },
    ]);

    expect(await current()).toEqual({ first: "Malee", last: "Srisuk", full: "Malee Srisuk" });
  });

  // MongoDB keeps `_id` when a pipeline update's result has none, and refuses a different one (66).
  test("when a pipeline update replaces the root with $replaceWith, then the document keeps its _id", async () => {
    const { collection } = await seeded({ draft: { step: "place", district: "Fang" }, stale: true });

    await collection.updateOne({ _id: 1 } as Document, [{ $replaceWith: "$draft" }]);

    expect(await collection.findOne({ _id: 1 } as Document)).toEqual({
      _id: 1,
      step: "place",
      district: "Fang",
    });
  });

  test("when a pipeline update uses $replaceRoot with a new document, then the document keeps its _id", async () => {
    const { collection } = await seeded({ a: 1, b: 2 });

    await collection.updateOne({ _id: 1 } as Document, [
      { $replaceRoot: { newRoot: { total: { $add: ["$a", "$b"] } } } },
    ]);

    expect(await collection.findOne({ _id: 1 } as Document)).toEqual({ _id: 1, total: 3 });
  });

  test("when a pipeline update's new root has another _id, then it fails with ImmutableField (66)", async () => {
    const { collection, current } = await seeded({ a: 1 });

    await expect(
      collection.updateOne({ _id: 1 } as Document, [{ $replaceWith: { _id: 2, a: 2 } }]),
    ).rejects.toMatchObject({ code: 66 });
    expect(await current()).toEqual({ a: 1 });
  });

  test("when a pipeline update projects _id away, then the document still has it", async () => {
    const { collection } = await seeded({ a: 1, b: 2 });

    await collection.updateOne({ _id: 1 } as Document, [{ $project: { _id: 0, a: 1 } }]);

    expect(await collection.findOne({ _id: 1 } as Document)).toEqual({ _id: 1, a: 1 });
  });
});

describe("update results", () => {
  test("when updateMany matches several documents, then each is updated and counted", async () => {
    const collection = freshCollection();
    await collection.insertMany([{ s: "new" }, { s: "new" }, { s: "closed" }]);

    const result = await collection.updateMany({ s: "new" }, { $set: { s: "acknowledged" } });

    expect(result).toMatchObject({ matchedCount: 2, modifiedCount: 2 });
    await expect(collection.countDocuments({ s: "acknowledged" })).resolves.toBe(2);
  });

  test("when updateMany reaches thousands of documents through an index while other clients insert, then each document it started with is updated once", async () => {
    const collection = freshCollection();
    await collection.createIndex({ batch: 1 });
    await collection.insertMany(Array.from({ length: 3000 }, (_, n) => ({ batch: "a", n })));

    const [result] = await Promise.all([
      collection.updateMany({ batch: "a" }, { $inc: { n: 1_000_000 } }),
      ...Array.from({ length: 50 }, (_, n) => collection.insertOne({ batch: "b", n })),
    ]);

    expect(result).toMatchObject({ matchedCount: 3000, modifiedCount: 3000 });
    await expect(
      collection.countDocuments({ batch: "a", n: { $gte: 1_000_000, $lt: 2_000_000 } }, { hint: "batch_1" }),
    ).resolves.toBe(3000);
    await expect(collection.countDocuments({ batch: "b" }, { hint: "batch_1" })).resolves.toBe(50);
  });

  test("when an update sets values already present, then it matches but modifies nothing", async () => {
    const { collection } = await seeded({ a: 1 });

    const result = await collection.updateOne({ _id: 1 } as Document, { $set: { a: 1 } });

    expect(result).toMatchObject({ matchedCount: 1, modifiedCount: 0 });
  });

  test.each([
    ["a top-level field", "blob"],
    ["a field of an embedded document", "file.blob"],
  ])(
    "when $set writes a Binary that differs in a few bytes into %s, then the document is modified and holds the new bytes",
    async (_where, path) => {
      // Bytes that are not valid UTF-8 (a sealed payload, a photo): text comparisons see them as equal.
      const before = Buffer.alloc(64, 0xff);
      const after = Buffer.from(before);
      after[10] = 0xfe;
      after[63] = 0x80;
      const { collection, current } = await seeded({
        blob: new Binary(before),
        file: { blob: new Binary(before) },
      });

      const result = await collection.updateOne({ _id: 1 } as Document, {
        $set: { [path]: new Binary(after) },
      });

      expect(result).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
      const stored = (await current())!;
      const blob = (path === "blob" ? stored.blob : stored.file.blob) as Binary;
      expect(Buffer.from(blob.value())).toEqual(after);
    },
  );

  test("when $addToSet adds a Binary already in the array, then the array keeps one copy", async () => {
    const { collection, current } = await seeded({ blobs: [new Binary(Buffer.alloc(8, 0xff))] });

    await collection.updateOne({ _id: 1 } as Document, {
      $addToSet: { blobs: { $each: [new Binary(Buffer.alloc(8, 0xff)), new Binary(Buffer.alloc(8, 0xfe))] } },
    });

    expect(((await current())!.blobs as Binary[]).map((blob) => Buffer.from(blob.value())[0])).toEqual([
      0xff, 0xfe,
    ]);
  });

  test("when $set writes a Binary with the same bytes, then it matches but modifies nothing", async () => {
    const { collection } = await seeded({ blob: new Binary(Buffer.alloc(16, 0xff)) });

    const result = await collection.updateOne({ _id: 1 } as Document, {
      $set: { blob: new Binary(Buffer.alloc(16, 0xff)) },
    });

    expect(result).toMatchObject({ matchedCount: 1, modifiedCount: 0 });
  });

  test("when an update would change _id, then it fails with ImmutableField (66) and the document is unchanged", async () => {
    const { collection, current } = await seeded({ a: 1 });

    await expect(
      collection.updateOne({ _id: 1 } as Document, { $set: { _id: 2, a: 2 } }),
    ).rejects.toMatchObject({
      code: 66,
    });
    expect(await current()).toEqual({ a: 1 });
  });

  test("when two operators touch the same path, then the update fails with ConflictingUpdateOperators (40)", async () => {
    const { collection, current } = await seeded({ a: 1 });

    await expect(
      collection.updateOne({ _id: 1 } as Document, { $set: { a: 5 }, $inc: { a: 1 } }),
    ).rejects.toMatchObject({
      code: 40,
    });
    expect(await current()).toEqual({ a: 1 });
  });

  test("when an update uses an unknown operator, then it is rejected and nothing changes", async () => {
    const { collection, current } = await seeded({ a: 1 });

    await expect(
      collection.updateOne({ _id: 1 } as Document, { $frobnicate: { a: 2 } } as Document),
    ).rejects.toThrow();
    expect(await current()).toEqual({ a: 1 });
  });
});

describe("upserts", () => {
  test("when an upsert matches nothing, then the new document is seeded from the filter's equality fields", async () => {
    const collection = freshCollection();

    const result = await collection.updateOne(
      { code: "K7Q2", "owner.district": "Fang", level: { $eq: 2 }, $and: [{ kind: "tip" }], age: { $gt: 3 } },
      { $set: { status: "new" } },
      { upsert: true },
    );

    expect(result.upsertedId).toBeInstanceOf(ObjectId);
    expect(
      await collection.findOne({ _id: result.upsertedId as ObjectId }, { projection: { _id: 0 } }),
    ).toEqual({
      code: "K7Q2",
      owner: { district: "Fang" },
      level: 2,
      kind: "tip",
      status: "new",
    });
  });

  test("when an upsert inserts, then $setOnInsert fields are written", async () => {
    const collection = freshCollection();

    await collection.updateOne(
      { key: "k" },
      { $set: { seen: 1 }, $setOnInsert: { createdBy: "first" } },
      { upsert: true },
    );

    expect(await collection.findOne({ key: "k" }, { projection: { _id: 0 } })).toEqual({
      key: "k",
      seen: 1,
      createdBy: "first",
    });
  });

  test("when an upsert matches an existing document, then $setOnInsert is ignored", async () => {
    const collection = freshCollection();
    await collection.insertOne({ key: "k", createdBy: "first" });

    const result = await collection.updateOne(
      { key: "k" },
      { $set: { seen: 2 }, $setOnInsert: { createdBy: "second" } },
      { upsert: true },
    );

    expect(result).toMatchObject({ matchedCount: 1, upsertedCount: 0 });
    expect(await collection.findOne({ key: "k" }, { projection: { _id: 0 } })).toEqual({
      key: "k",
      createdBy: "first",
      seen: 2,
    });
  });

  test("when an upsert filters on _id, then the inserted document uses that _id", async () => {
    const collection = freshCollection();

    const result = await collection.updateOne(
      { _id: "lease:campaigns" } as Document,
      { $inc: { n: 1 } },
      { upsert: true },
    );

    expect(result.upsertedId).toBe("lease:campaigns");
    expect(await collection.findOne({ _id: "lease:campaigns" } as Document)).toEqual({
      _id: "lease:campaigns",
      n: 1,
    });
  });

  test("when a replacement upsert inserts, then the filter's _id is kept", async () => {
    const collection = freshCollection();

    await collection.replaceOne({ _id: 7 } as Document, { v: "x" }, { upsert: true });

    expect(await collection.findOne({ _id: 7 } as Document)).toEqual({ _id: 7, v: "x" });
  });
});
