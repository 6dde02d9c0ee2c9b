import { MongoClient, MongoServerError } from "mongodb";
import { startTestDatabase, type TestDatabase } from "../../support/database";
import { exceededTimeLimit, failCommand } from "../../support/fail-points";

let database: TestDatabase;
let client: MongoClient;

beforeAll(async () => {
  database = await startTestDatabase();
  client = await MongoClient.connect(database.uri, { retryWrites: false });
});
afterAll(async () => {
  await failCommand(database.uri, "off");
  await client.close();
  await database.stop();
});
afterEach(() => failCommand(database.uri, "off"));

const collection = () => client.db(database.dbName).collection<{ _id: number }>("failpoints");

describe("failCommand fail point", () => {
  test("when armed for n times, then the named command fails n times with the code and labels, then works", async () => {
    await failCommand(
      database.uri,
      { times: 2 },
      {
        failCommands: ["insert"],
        errorCode: exceededTimeLimit,
        errorLabels: ["TransientTransactionError"],
      },
    );
    const results: string[] = [];
    for (const id of [1, 2, 3]) {
      try {
        await collection().insertOne({ _id: id });
        results.push("ok");
      } catch (error) {
        results.push(
          error instanceof MongoServerError
            ? `${error.code}:${error.hasErrorLabel("TransientTransactionError")}`
            : String(error),
        );
      }
    }
    expect(results).toEqual(["262:true", "262:true", "ok"]);
  });

  test("when filtered by namespace, then commands on other collections are not affected", async () => {
    await failCommand(
      database.uri,
      { times: 1 },
      {
        failCommands: ["find"],
        errorCode: 2,
        namespace: `${database.dbName}.other`,
      },
    );
    await expect(collection().findOne({})).resolves.toBeDefined();
    await expect(client.db(database.dbName).collection("other").findOne({})).rejects.toMatchObject({
      code: 2,
    });
    await expect(client.db(database.dbName).collection("other").findOne({})).resolves.toBeNull();
  });

  test("when asked to skip, then the first matching commands pass and later ones fail until it is turned off", async () => {
    await failCommand(database.uri, { skip: 1 }, { failCommands: ["count"], errorCode: 2 });
    const count = () => client.db(database.dbName).command({ count: "failpoints" });
    await expect(count()).resolves.toMatchObject({ ok: 1 });
    await expect(count()).rejects.toMatchObject({ code: 2 });
    await expect(count()).rejects.toMatchObject({ code: 2 });
    await failCommand(database.uri, "off");
    await expect(count()).resolves.toMatchObject({ ok: 1 });
  });

  test("when closeConnection is set, then the client sees a network error and a new connection works", async () => {
    await failCommand(database.uri, { times: 1 }, { failCommands: ["ping"], closeConnection: true });
    await expect(client.db("admin").command({ ping: 1 })).rejects.toMatchObject({
      name: "MongoNetworkError",
    });
    await expect(client.db("admin").command({ ping: 1 })).resolves.toMatchObject({ ok: 1 });
  });
});
