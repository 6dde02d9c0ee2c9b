import { MongoClient } from "mongodb";
import { AudienceCursor } from "../../src/awareness/audience-cursor";
import { AudienceEntry } from "../../src/awareness/audience-entry";
import { startTestDatabase, type TestDatabase } from "../support/database";

let database: TestDatabase;
let client: MongoClient;

beforeAll(async () => {
  database = await startTestDatabase();
  client = await MongoClient.connect(database.uri);
  const docs = Array.from({ length: 2_345 }, (_, i) => ({
    _id: `k${String(i).padStart(5, "0")}`,
    status: i % 10 === 3 ? "blocked" : "active",
    locale: i % 2 ? "en" : "th",
    userId: `sealed-${i}`,
    topics: ["news"],
  }));
  await client
    .db()
    .collection("people")
    .insertMany(docs as never[]);
}, 60_000);

afterAll(async () => {
  await client?.close();
  await database?.stop();
});

function cursor(batchSize: number): AudienceCursor {
  return new AudienceCursor(client, client.db(), "people", {
    filter: { status: "active" },
    projection: { userId: 1, locale: 1 },
    sort: { _id: 1 },
    batchSize,
  });
}

async function readAll(audience: AudienceCursor): Promise<string[]> {
  const entry = new AudienceEntry();
  const ids: string[] = [];
  for (let batch = await audience.next(); batch; batch = await audience.next())
    while (batch.next(entry)) ids.push(`${entry.id} ${entry.locale} ${entry.userId}`);
  return ids;
}

describe("the audience cursor (find and getMore as raw replies)", () => {
  test("when a query spans many batches, then every matching document arrives once, in order, with its fields", async () => {
    const audience = cursor(500);

    const ids = await readAll(audience);
    await audience.close();

    const expected = Array.from({ length: 2_345 }, (_, i) => i)
      .filter((i) => i % 10 !== 3)
      .map((i) => `k${String(i).padStart(5, "0")} ${i % 2 ? "en" : "th"} sealed-${i}`);
    expect(ids).toEqual(expected);
  });

  test("when the cursor is closed part way, then the server's cursor is killed and later reads return nothing", async () => {
    const monitored = await MongoClient.connect(database.uri, { monitorCommands: true });
    const commands: string[] = [];
    monitored.on("commandStarted", (event) => commands.push(event.commandName));
    try {
      const audience = new AudienceCursor(monitored, monitored.db(), "people", {
        filter: { status: "active" },
        projection: { userId: 1 },
        sort: { _id: 1 },
        batchSize: 100,
      });
      expect(await audience.next()).toBeDefined();
      await new Promise((resolve) => setImmediate(resolve)); // the read-ahead goes out a macrotask later

      await audience.close();

      expect(await audience.next()).toBeUndefined();
      await audience.close(); // a second close is harmless
      // The find, the getMore read ahead, then the kill.
      expect(commands).toEqual(["find", "getMore", "killCursors"]);
    } finally {
      await monitored.close();
    }
  });

  test("when nothing matches, then the first read returns an empty batch and then the end", async () => {
    const audience = new AudienceCursor(client, client.db(), "people", {
      filter: { status: "nobody" },
      projection: { userId: 1 },
      sort: { _id: 1 },
      batchSize: 10,
    });

    expect(await readAll(audience)).toEqual([]);
    await audience.close();
  });

  test("when closed before the read-ahead went out, then no getMore is sent, only the kill", async () => {
    const monitored = await MongoClient.connect(database.uri, { monitorCommands: true });
    const commands: string[] = [];
    monitored.on("commandStarted", (event) => commands.push(event.commandName));
    try {
      const audience = new AudienceCursor(monitored, monitored.db(), "people", {
        filter: { status: "active" },
        projection: { userId: 1 },
        sort: { _id: 1 },
        batchSize: 100,
      });
      expect(await audience.next()).toBeDefined();

      await audience.close();

      expect(commands).toEqual(["find", "killCursors"]);
    } finally {
      await monitored.close();
    }
  });

  test("when prefetched with a smaller first batch, then the find is sent before any read, its reply is that size, and the rest follows in full batches", async () => {
    const monitored = await MongoClient.connect(database.uri, { monitorCommands: true });
    const sizes: Array<[string, number]> = [];
    monitored.on("commandStarted", (event) => {
      if (event.commandName === "find" || event.commandName === "getMore")
        sizes.push([event.commandName, Number(event.command.batchSize)]);
    });
    let sentBeforeRead = false;
    try {
      const audience = new AudienceCursor(monitored, monitored.db(), "people", {
        filter: { status: "active" },
        projection: { userId: 1, locale: 1 },
        sort: { _id: 1 },
        batchSize: 1_000,
        firstBatchSize: 100,
      });
      audience.prefetch();
      audience.prefetch(); // a second call sends nothing more
      await new Promise((resolve) => setTimeout(resolve, 50));
      sentBeforeRead = sizes.length === 1;
      const entry = new AudienceEntry();
      const first = await audience.next();
      let inFirst = 0;
      while (first!.next(entry)) inFirst++;
      const rest = await readAll(audience);
      await audience.close();

      expect(sentBeforeRead).toBe(true);
      expect(inFirst).toBe(100);
      expect(inFirst + rest.length).toBe(2_345 - 235);
      expect(sizes[0]).toEqual(["find", 100]);
      expect(sizes.slice(1).every(([name, size]) => name === "getMore" && size === 1_000)).toBe(true);
    } finally {
      await monitored.close();
    }
  });
});
