import mongoose, { type Connection, Schema, Types } from "mongoose";
import { startTestDatabase, type TestDatabase } from "../../support/database";

/*
 * The store as the application uses it: through mongoose, over TCP, with schemas declaring indexes.
 */
let database: TestDatabase;
const connections: Connection[] = [];

async function connect(): Promise<Connection> {
  const connection = await mongoose
    .createConnection(database.uri, { serverSelectionTimeoutMS: 5000 })
    .asPromise();
  connections.push(connection);
  return connection;
}

interface Officer {
  code: string;
  name: string;
  districts: string[];
  enrolledAt: Date;
}

interface Tip {
  trackingCode: string;
  officer?: Types.ObjectId;
  status: string;
  revision: number;
}

const officerSchema = new Schema<Officer>(
  {
    code: { type: String, required: true, unique: true },
    name: String,
    districts: [String],
    enrolledAt: { type: Date, default: () => new Date() },
  },
  { timestamps: true },
);

const tipSchema = new Schema<Tip>({
  trackingCode: { type: String, required: true, unique: true },
  officer: { type: Schema.Types.ObjectId, ref: "Officer" },
  status: { type: String, default: "new", index: true },
  revision: { type: Number, default: 0 },
});

let primary: Connection;

beforeAll(async () => {
  database = await startTestDatabase();
  primary = await connect();
  await primary.model("Officer", officerSchema).init();
  await primary.model("Tip", tipSchema).init();
});
afterAll(async () => {
  await Promise.all(connections.map((connection) => connection.close()));
  await database.stop();
});

test("when a document is saved and read back, then values, types and timestamps round-trip", async () => {
  const Officer = primary.model<Officer>("Officer");

  const saved = await Officer.create({ code: "OF-1", name: "Somchai", districts: ["ฝาง", "ฮอด"] });
  const found = await Officer.findById(saved._id).lean();

  expect(found).toMatchObject({ code: "OF-1", name: "Somchai", districts: ["ฝาง", "ฮอด"] });
  expect(found?._id).toBeInstanceOf(Types.ObjectId);
  expect(found?.enrolledAt).toBeInstanceOf(Date);
  expect(found).toHaveProperty("createdAt", expect.any(Date));
});

test("when a schema's unique field is duplicated, then mongoose raises a MongoServerError with code 11000", async () => {
  const Tip = primary.model<Tip>("Tip");
  await Tip.create({ trackingCode: "K7Q2-9" });

  const failure = Tip.create({ trackingCode: "K7Q2-9" });

  await expect(failure).rejects.toMatchObject({
    name: "MongoServerError",
    code: 11000,
    keyPattern: { trackingCode: 1 },
    keyValue: { trackingCode: "K7Q2-9" },
  });
});

test("when schema indexes are initialised, then they are listed on the collection", async () => {
  const indexes = await primary.model("Tip").listIndexes();

  expect(indexes.map((index) => index.name)).toEqual(
    expect.arrayContaining(["_id_", "trackingCode_1", "status_1"]),
  );
});

test("when syncIndexes runs twice, then the second run changes nothing", async () => {
  const Tip = primary.model("Tip");
  await Tip.syncIndexes();

  await expect(Tip.syncIndexes()).resolves.toEqual([]);
});

test("when references are populated, then the referenced documents are loaded", async () => {
  const Officer = primary.model<Officer>("Officer");
  const Tip = primary.model<Tip>("Tip");
  const officer = await Officer.create({ code: "OF-2", name: "Malee" });
  await Tip.create({ trackingCode: "POP-1", officer: officer._id });

  const tip = await Tip.findOne({ trackingCode: "POP-1" }).populate<{ officer: Officer }>("officer").lean();

  expect(tip?.officer.name).toBe("Malee");
});

test("when findOneAndUpdate upserts and returns the document after, then the inserted document is returned", async () => {
  const Tip = primary.model<Tip>("Tip");

  const tip = await Tip.findOneAndUpdate(
    { trackingCode: "UPS-1" },
    { $set: { status: "acknowledged" }, $inc: { revision: 1 } },
    { upsert: true, returnDocument: "after" },
  ).lean();

  expect(tip).toMatchObject({ trackingCode: "UPS-1", status: "acknowledged", revision: 1 });
});

test("when an update is guarded by a revision, then a stale writer updates nothing", async () => {
  const Tip = primary.model<Tip>("Tip");
  const tip = await Tip.create({ trackingCode: "REV-1" });

  const first = await Tip.updateOne(
    { _id: tip._id, revision: 0 },
    { $set: { status: "a" }, $inc: { revision: 1 } },
  );
  const stale = await Tip.updateOne(
    { _id: tip._id, revision: 0 },
    { $set: { status: "b" }, $inc: { revision: 1 } },
  );

  expect(first.modifiedCount).toBe(1);
  expect(stale.matchedCount).toBe(0);
});

test("when three connections write in parallel, then every write lands and all of them see it", async () => {
  const [a, b, c] = await Promise.all([connect(), connect(), connect()]);
  const models = [a, b, c].map((connection) => connection!.model<Tip>("Tip", tipSchema));

  await Promise.all(
    models.flatMap((Model, m) =>
      Array.from({ length: 30 }, (_, i) =>
        Model.create({ trackingCode: `PAR-${m}-${i}`, status: "parallel" }),
      ),
    ),
  );

  const counts = await Promise.all(models.map((Model) => Model.countDocuments({ status: "parallel" })));
  expect(counts).toEqual([90, 90, 90]);
});

test("when connection.transaction's callback throws, then nothing it wrote is kept", async () => {
  const Tip = primary.model<Tip>("Tip");

  const attempt = primary.transaction(async (session) => {
    await Tip.create([{ trackingCode: "TXN-ROLLBACK" }], { session });
    throw new Error("validation failed later");
  });

  await expect(attempt).rejects.toThrow("validation failed later");
  await expect(Tip.countDocuments({ trackingCode: "TXN-ROLLBACK" })).resolves.toBe(0);
});

test("when connection.transaction's callback succeeds, then its writes are committed", async () => {
  const Tip = primary.model<Tip>("Tip");
  const Officer = primary.model<Officer>("Officer");

  await primary.transaction(async (session) => {
    await Tip.create([{ trackingCode: "TXN-OK" }], { session });
    await Officer.create([{ code: "OF-TXN", name: "Anan" }], { session });
  });

  await expect(Tip.countDocuments({ trackingCode: "TXN-OK" })).resolves.toBe(1);
  await expect(Officer.countDocuments({ code: "OF-TXN" })).resolves.toBe(1);
});

test("when many connection.transaction calls run at once on different documents, then all commit", async () => {
  const Tip = primary.model<Tip>("Tip");
  await Tip.insertMany(Array.from({ length: 20 }, (_, i) => ({ trackingCode: `TXN-PAR-${i}` })));

  await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      primary.transaction(async (session) => {
        await Tip.updateOne({ trackingCode: `TXN-PAR-${i}` }, { $inc: { revision: 1 } }, { session });
        await Tip.create([{ trackingCode: `TXN-PAR-NEW-${i}` }], { session });
      }),
    ),
  );

  await expect(Tip.countDocuments({ trackingCode: /^TXN-PAR-\d/, revision: 1 })).resolves.toBe(20);
  await expect(Tip.countDocuments({ trackingCode: /^TXN-PAR-NEW-/ })).resolves.toBe(20);
});

test("when connection.transaction calls at once write the same document, then conflicts are retried and every increment lands", async () => {
  const Tip = primary.model<Tip>("Tip");
  await Tip.create({ trackingCode: "TXN-HOT", revision: 0 });

  await Promise.all(
    Array.from({ length: 8 }, () =>
      primary.transaction(async (session) => {
        await Tip.updateOne({ trackingCode: "TXN-HOT" }, { $inc: { revision: 1 } }, { session });
      }),
    ),
  );

  await expect(Tip.findOne({ trackingCode: "TXN-HOT" }).lean()).resolves.toMatchObject({ revision: 8 });
});

test("when streaming with a query cursor, then every matching document is visited once", async () => {
  const Tip = primary.model<Tip>("Tip");
  await Tip.insertMany(
    Array.from({ length: 300 }, (_, i) => ({ trackingCode: `CUR-${i}`, status: "streamed" })),
  );

  const seen = new Set<string>();
  for await (const tip of Tip.find({ status: "streamed" }).batchSize(50).cursor()) seen.add(tip.trackingCode);

  expect(seen.size).toBe(300);
});
