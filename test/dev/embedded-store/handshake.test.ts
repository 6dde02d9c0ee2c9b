import { MongoClient, MongoServerError } from "mongodb";
import { startTestDatabase, type TestDatabase, usingRealMongo } from "../../support/database";

let database: TestDatabase;
let client: MongoClient;

beforeAll(async () => {
  database = await startTestDatabase();
  client = await MongoClient.connect(database.uri, { serverSelectionTimeoutMS: 5000 });
});
afterAll(async () => {
  await client.close();
  await database.stop();
});

test("when the driver connects, then hello reports a writable primary with session support", async () => {
  const hello = await client.db("admin").command({ hello: 1 });

  expect(hello).toMatchObject({ isWritablePrimary: true, ok: 1 });
  expect(hello.maxWireVersion).toBeGreaterThanOrEqual(9);
  expect(hello.logicalSessionTimeoutMinutes).toBeGreaterThan(0);
  expect(hello.maxBsonObjectSize).toBe(16 * 1024 * 1024);
  expect(hello.localTime).toBeInstanceOf(Date);
});

test.each([
  [{ ping: 1 }],
  [{ buildInfo: 1 }],
  [{ getParameter: 1, featureCompatibilityVersion: 1 }],
  [{ connectionStatus: 1 }],
  [{ serverStatus: 1 }],
])("when the admin command %j is run, then it succeeds", async (command) => {
  await expect(client.db("admin").command(command)).resolves.toMatchObject({ ok: 1 });
});

test("when buildInfo is asked, then it names a version the driver accepts", async () => {
  const info = await client.db("admin").command({ buildInfo: 1 });

  expect(info.version).toMatch(/^\d+\.\d+/);
  expect(info.versionArray).toHaveLength(4);
});

test("when buildInfo is asked, then it names MongoDB 8.0 or later, whose behaviour the suite expects", async () => {
  const info = await client.db("admin").command({ buildInfo: 1 });

  expect(info.versionArray[0]).toBeGreaterThanOrEqual(8);
});

test("when a command does not exist, then the error is CommandNotFound (59)", async () => {
  const failure = client.db().command({ noSuchCommandAnywhere: 1 });

  await expect(failure).rejects.toBeInstanceOf(MongoServerError);
  await expect(failure).rejects.toMatchObject({ code: 59, codeName: "CommandNotFound" });
});

// Only meaningful for the embedded store's single-host URI; a real cluster URI may list several hosts.
(usingRealMongo ? test.skip : test)(
  "when the URI asks for a direct connection, then commands work the same",
  async () => {
    const separator = database.uri.includes("?") ? "&" : "?";
    const direct = await MongoClient.connect(`${database.uri}${separator}directConnection=true`, {
      serverSelectionTimeoutMS: 5000,
    });

    await direct.db().collection("direct").insertOne({ via: "direct" });
    await expect(direct.db().collection("direct").countDocuments()).resolves.toBe(1);
    await direct.close();
  },
);

(usingRealMongo ? test.skip : test)(
  "when connected through the plain URI, then the driver sees a replica-set primary (so transactions are allowed)",
  async () => {
    const observer = new MongoClient(database.uri, { serverSelectionTimeoutMS: 5000 });
    const topologyTypes: string[] = [];
    observer.on("topologyDescriptionChanged", (event) => topologyTypes.push(event.newDescription.type));

    await observer.connect();
    await observer.close();

    expect(topologyTypes).toContain("ReplicaSetWithPrimary");
  },
);
