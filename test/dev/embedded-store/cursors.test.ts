import { type CommandStartedEvent, type Document, Long, MongoClient } from "mongodb";
import { startTestDatabase, type TestDatabase } from "../../support/database";

let database: TestDatabase;
let client: MongoClient;
const started: CommandStartedEvent[] = [];

beforeAll(async () => {
  database = await startTestDatabase();
  client = await MongoClient.connect(database.uri, { serverSelectionTimeoutMS: 5000, monitorCommands: true });
  client.on("commandStarted", (event) => started.push(event));
  await client
    .db()
    .collection("numbers")
    .insertMany(Array.from({ length: 250 }, (_, i) => ({ _id: i, even: i % 2 === 0 })) as Document[]);
});
beforeEach(() => {
  started.length = 0;
});
afterAll(async () => {
  await client.close();
  await database.stop();
});

function getMoreCount(): number {
  return started.filter((event) => event.commandName === "getMore").length;
}

test("when a find has more results than its batch size, then the cursor id is an Int64 and getMore continues it", async () => {
  // promoteLongs: false shows the wire type instead of the driver's convenience number.
  const reply = await client.db().command({ find: "numbers", batchSize: 10 }, { promoteLongs: false });

  expect(reply.cursor.firstBatch).toHaveLength(10);
  expect(reply.cursor.id).toBeInstanceOf(Long);
  expect(reply.cursor.id.isZero()).toBe(false);

  const more = await client.db().command({ getMore: reply.cursor.id, collection: "numbers", batchSize: 15 });
  expect(more.cursor.nextBatch.map((doc: Document) => doc._id)).toEqual(
    Array.from({ length: 15 }, (_, i) => i + 10),
  );
});

test("when a cursor is read to the end, then every batch respects batchSize and the last cursor id is 0", async () => {
  const ids = (await client.db().collection("numbers").find({}, { batchSize: 100 }).toArray()).map(
    (doc) => doc._id,
  );

  expect(ids).toEqual(Array.from({ length: 250 }, (_, i) => i));
  expect(getMoreCount()).toBe(2);
});

test("when all results fit the first batch, then the cursor id is 0", async () => {
  const reply = await client
    .db()
    .command({ find: "numbers", filter: { _id: { $lt: 5 } } }, { promoteLongs: false });

  expect(reply.cursor.firstBatch).toHaveLength(5);
  expect(reply.cursor.id).toEqual(Long.ZERO);
});

test("when singleBatch is asked, then the cursor is closed after the first batch", async () => {
  const reply = await client
    .db()
    .command({ find: "numbers", batchSize: 3, singleBatch: true }, { promoteLongs: false });

  expect(reply.cursor.firstBatch).toHaveLength(3);
  expect(reply.cursor.id).toEqual(Long.ZERO);
});

test("when a cursor is killed, then getMore on it fails with CursorNotFound (43)", async () => {
  const reply = await client.db().command({ find: "numbers", batchSize: 2 });

  const killed = await client.db().command({ killCursors: "numbers", cursors: [reply.cursor.id] });

  expect(killed.cursorsKilled).toEqual([reply.cursor.id]);
  await expect(
    client.db().command({ getMore: reply.cursor.id, collection: "numbers" }),
  ).rejects.toMatchObject({
    code: 43,
  });
});

test("when a driver cursor is closed early, then the server cursor is killed", async () => {
  const cursor = client.db().collection("numbers").find({}, { batchSize: 5 });
  await cursor.next();

  await cursor.close();

  expect(started.map((event) => event.commandName)).toContain("killCursors");
});

test("when 10,000 documents are inserted with insertMany, then a cursor reads all of them through getMore", async () => {
  const collection = client.db().collection("bulk");
  const docs = Array.from({ length: 10_000 }, (_, i) => ({ seq: i, label: `item ${i}` }));

  const { insertedCount } = await collection.insertMany(docs);

  const seqs: unknown[] = [];
  for await (const doc of collection.find({}, { batchSize: 1000 }).sort({ seq: 1 })) seqs.push(doc.seq);

  expect(insertedCount).toBe(10_000);
  expect(seqs).toEqual(docs.map((doc) => doc.seq));
  expect(getMoreCount()).toBe(9);
});

test("when a batch's documents would pass the 16 MiB reply limit, then the batch ends before it and getMore returns the rest", async () => {
  // 4 MiB each: four of them fill a batch up to the limit, the fifth goes to the next one.
  const big = client.db().collection<{ _id: number; text: string }>("big");
  const text = "x".repeat(4 * 1024 * 1024 - 100);
  await big.insertMany(Array.from({ length: 6 }, (_, i) => ({ _id: i, text })));

  const reply = await client.db().command({ find: "big", sort: { _id: 1 }, batchSize: 6 });
  const first = reply.cursor.firstBatch.map((doc: Document) => doc._id);
  const more = await client.db().command({ getMore: reply.cursor.id, collection: "big" });
  const rest = more.cursor.nextBatch.map((doc: Document) => doc._id);

  expect(first.length).toBeGreaterThan(0);
  expect(first.length).toBeLessThan(6);
  expect([...first, ...rest]).toEqual([0, 1, 2, 3, 4, 5]);
  expect(more.cursor.nextBatch.every((doc: Document) => doc.text === text)).toBe(true);
  await big.drop();
});

describe("sorted finds served by an index", () => {
  async function shuffled(name: string, size: number) {
    const collection = client.db().collection(name);
    const ids = Array.from({ length: size }, (_, i) => (i * 7919) % size);
    await collection.insertMany(
      ids.map((i) => ({
        _id: `s${String(i).padStart(5, "0")}`,
        status: i % 3 === 0 ? "gone" : "active",
      })) as Document[],
    );
    await collection.createIndex({ status: 1, _id: 1 });
    return collection;
  }

  test("when a find sorted by _id is read in batches, then the batches continue one order", async () => {
    const collection = await shuffled("sorted_batches", 2_000);

    const ids: string[] = [];
    for await (const doc of collection.find({ status: "active" }, { sort: { _id: 1 }, batchSize: 150 }))
      ids.push(doc._id as unknown as string);

    expect(ids).toHaveLength(1_333);
    expect(ids).toEqual([...ids].sort());
    expect(getMoreCount()).toBeGreaterThan(5);
  });

  test("when an index's bounds say all the filter says, then a find returns what a collection scan returns", async () => {
    // Index-only answers (no matcher) must agree with the matcher on every kind of value; a second
    // collection holds an array, which makes its index multikey.
    const values: unknown[] = ["active", "Active", "activf", 1, 1.5, null, true, new Date(5), { a: 1 }];
    for (const [name, extra] of [
      ["exact_plain", []],
      ["exact_multikey", [["active", "gone"]]],
    ] as const) {
      const collection = client.db().collection(name);
      const all = [...values, ...extra];
      await collection.insertMany(
        Array.from({ length: 60 }, (_, i) =>
          i % 10 === 9
            ? { _id: i }
            : { _id: i % 2 ? `s${String(i).padStart(3, "0")}` : i, status: all[i % all.length] },
        ) as Document[],
      );
      await collection.createIndex({ status: 1, _id: 1 });
      const filters: Document[] = [
        { status: "active" },
        { status: { $in: ["active", 1, true] } },
        { status: "active", _id: { $gt: "s010" } },
        { status: { $gte: "a", $lt: "b" } },
        { status: { $gt: 1 } },
        { status: 1, _id: { $lte: 30 } },
        { status: new Date(5) },
        { status: { $eq: "active", $ne: "x" } },
        { status: { $in: ["active"] }, other: { $exists: false } },
        { status: "active", _id: { $type: "string" } },
        { status: { $in: ["active", 1] }, _id: { $gt: 10, $ne: 18 } },
      ];
      for (const filter of filters) {
        const indexed = await collection.find(filter).sort({ _id: 1 }).toArray();
        const scanned = await collection.find(filter).hint({ $natural: 1 }).toArray();
        const byId = (a: Document, b: Document) => String(a._id).localeCompare(String(b._id));
        expect([name, filter, indexed.sort(byId)]).toEqual([name, filter, scanned.sort(byId)]);
      }
      // Under another collation than the index's, strings are not bounded by it: the matcher decides.
      const collation = { locale: "en", strength: 2 };
      const folded = await collection.find({ status: "active" }).collation(collation).toArray();
      const foldedScan = await collection
        .find({ status: "active" })
        .collation(collation)
        .hint({ $natural: 1 })
        .toArray();
      expect(folded.map((doc) => doc.status).sort()).toEqual(foldedScan.map((doc) => doc.status).sort());
      expect(folded.some((doc) => doc.status === "Active")).toBe(true);
      await collection.drop();
    }
  });

  test("when a document the cursor has not reached yet is changed in a field the index does not hold, then the cursor returns the new version", async () => {
    const collection = await shuffled("sorted_changed", 600);
    const cursor = collection.find({ status: "active" }, { sort: { _id: 1 }, batchSize: 50 });

    await cursor.next();
    await collection.updateOne({ _id: "s00500" } as Document, { $set: { note: "changed" } });
    const rest = await cursor.toArray();

    expect(rest.find((doc) => doc._id === ("s00500" as unknown))?.note).toBe("changed");
  });

  test("when a document the cursor has not reached yet is deleted, then the cursor does not return it", async () => {
    const collection = await shuffled("sorted_deleted", 600);
    const cursor = collection.find({ status: "active" }, { sort: { _id: -1 }, batchSize: 50 });

    const first = await cursor.next();
    await collection.deleteOne({ _id: "s00001" } as Document);
    await collection.updateOne({ _id: "s00002" } as Document, { $set: { status: "gone" } });
    const rest = await cursor.toArray();

    const ids = [first, ...rest].map((doc) => doc?._id);
    expect(ids).not.toContain("s00001");
    expect(ids).not.toContain("s00002");
    expect(ids).toContain("s00004");
  });
});
