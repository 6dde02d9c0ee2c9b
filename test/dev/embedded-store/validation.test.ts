import { type Collection, type Document, MongoClient } from "mongodb";
import { startTestDatabase, type TestDatabase } from "../../support/database";

// MongoDB 7.0/8.0 parse commands strictly (IDL): an unknown field in a command or in one of its
// statements fails the whole command with 40415; a hint must name an existing index (BadValue, 2);
// counts such as `limit` may not be negative (51024); `_id` may not hold `$`-prefixed fields (52).
// MongoDB 8.0 added `sort` to update statements (updateOne/replaceOne pick the first by it).

let database: TestDatabase;
let client: MongoClient;
let counter = 0;

async function seeded(): Promise<Collection> {
  counter += 1;
  const collection = client.db().collection(`validation_${counter}`);
  await collection.insertMany([
    { _id: 1, rank: 3, district: "Fang" },
    { _id: 2, rank: 1, district: "Hang Dong" },
    { _id: 3, rank: 2 },
  ] as Document[]);
  await collection.createIndex({ district: 1 }, { sparse: true, name: "district_sparse" });
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

describe("unknown fields", () => {
  test("when a find command has an unknown field, then it fails with 40415", async () => {
    const collection = await seeded();

    await expect(client.db().command({ find: collection.collectionName, bogus: 1 })).rejects.toMatchObject({
      code: 40415,
    });
  });

  test("when an insert command has an unknown field, then nothing is inserted and it fails with 40415", async () => {
    const collection = await seeded();

    await expect(
      client.db().command({ insert: collection.collectionName, documents: [{ _id: 9 }], bogus: 1 }),
    ).rejects.toMatchObject({ code: 40415 });
    expect(await collection.countDocuments()).toBe(3);
  });

  test("when an update statement has an unknown field, then the whole command fails with 40415", async () => {
    const collection = await seeded();

    await expect(
      client.db().command({
        update: collection.collectionName,
        updates: [{ q: { _id: 1 }, u: { $set: { touched: true } }, bogus: 1 }],
      }),
    ).rejects.toMatchObject({ code: 40415 });
    expect(await collection.findOne({ _id: 1 } as Document)).not.toHaveProperty("touched");
  });

  test("when a delete statement has an unknown field, then the command fails with 40415", async () => {
    const collection = await seeded();

    await expect(
      client
        .db()
        .command({ delete: collection.collectionName, deletes: [{ q: {}, limit: 0, sort: { _id: 1 } }] }),
    ).rejects.toMatchObject({ code: 40415 });
    expect(await collection.countDocuments()).toBe(3);
  });

  test("when a command carries the fields every driver sends, then they are accepted", async () => {
    const collection = await seeded();

    const reply = await client.db().command({
      find: collection.collectionName,
      filter: {},
      comment: "audit",
      maxTimeMS: 5000,
      readConcern: { level: "local" },
      apiVersion: "1",
    });

    expect(reply.cursor.firstBatch).toHaveLength(3);
  });
});

describe("hint", () => {
  test("when find hints an index that does not exist, then it fails with BadValue (2)", async () => {
    const collection = await seeded();

    await expect(collection.find({}).hint("no_such_index").toArray()).rejects.toMatchObject({ code: 2 });
  });

  test("when an update hints an index that does not exist, then the statement fails with BadValue (2)", async () => {
    const collection = await seeded();

    const failure = await collection
      .updateOne({ _id: 1 } as Document, { $set: { touched: true } }, { hint: { nope: 1 } })
      .catch((error: unknown) => error);

    expect(failure).toMatchObject({ code: 2 });
  });

  test("when a delete hints an index that does not exist, then the statement fails with BadValue (2)", async () => {
    const collection = await seeded();

    await expect(collection.deleteMany({}, { hint: "no_such_index" })).rejects.toMatchObject({ code: 2 });
    expect(await collection.countDocuments()).toBe(3);
  });

  test("when find hints a sparse index, then only documents that index holds are returned", async () => {
    const collection = await seeded();

    const found = await collection.find({}).hint("district_sparse").toArray();

    expect(found.map((doc) => doc._id).sort()).toEqual([1, 2]);
  });

  test("when find hints an index by its key pattern, then the query runs", async () => {
    const collection = await seeded();

    await expect(collection.find({ district: "Fang" }).hint({ district: 1 }).toArray()).resolves.toHaveLength(
      1,
    );
  });
});

describe("values", () => {
  test("when a find command has a negative limit, then it fails with 51024", async () => {
    const collection = await seeded();

    await expect(client.db().command({ find: collection.collectionName, limit: -1 })).rejects.toMatchObject({
      code: 51024,
    });
  });

  test("when a document's _id holds a $-prefixed field, then the insert fails with DollarPrefixedFieldName (52)", async () => {
    counter += 1;
    const collection = client.db().collection(`validation_dollar_${counter}`);

    const failure = await collection
      .insertOne({ _id: { $oid: "57d7a121fa937f710a7d486e" } } as Document)
      .catch((error: unknown) => error);

    expect(failure).toMatchObject({ code: 52 });
    expect(await collection.countDocuments()).toBe(0);
  });

  test("when dots and dollars are in ordinary field names, then they are stored", async () => {
    counter += 1;
    const collection = client.db().collection(`validation_dots_${counter}`);

    await collection.insertOne({ _id: 1, $price: 50, "a.b": 1 } as Document);

    expect(await collection.findOne({ _id: 1 } as Document)).toEqual({ _id: 1, $price: 50, "a.b": 1 });
  });
});

describe("update sort (MongoDB 8.0)", () => {
  test("when updateOne has a sort, then the first document by that sort is updated", async () => {
    const collection = await seeded();

    await collection.updateOne({}, { $set: { chosen: true } }, { sort: { rank: 1 } });

    expect((await collection.find({ chosen: true }).toArray()).map((doc) => doc._id)).toEqual([2]);
  });

  test("when replaceOne has a descending sort, then the last document by that field is replaced", async () => {
    const collection = await seeded();

    await collection.replaceOne({}, { replaced: true }, { sort: { rank: -1 } });

    expect(await collection.findOne({ _id: 1 } as Document)).toEqual({ _id: 1, replaced: true });
  });

  test("when an update with multi: true has a sort, then the command is refused", async () => {
    const collection = await seeded();

    const outcome = await client
      .db()
      .command({
        update: collection.collectionName,
        updates: [{ q: {}, u: { $set: { x: 1 } }, multi: true, sort: { rank: 1 } }],
      })
      .then(
        (reply) => reply.writeErrors ?? [],
        (error: unknown) => [error],
      );

    expect(outcome).toHaveLength(1);
    expect(await collection.countDocuments({ x: 1 })).toBe(0);
  });
});
