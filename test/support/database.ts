import { randomBytes } from "node:crypto";
import { MongoClient } from "mongodb";
import { startEmbeddedStore } from "../../src/dev/embedded-store";

/** A database of its own for one test file. */
export interface TestDatabase {
  /** Full URI including the unique database name. */
  uri: string;
  dbName: string;
  stop(): Promise<void>;
}

/** True when the suite runs against a real MongoDB (`MONGODB_URI`) rather than the embedded store. */
export const usingRealMongo = Boolean(process.env.MONGODB_URI);

/**
 * Gives each test file a fresh database. With `MONGODB_URI` set, that server is used under a unique
 * database name, dropped at stop(); otherwise an embedded store is started on a free port.
 */
export async function startTestDatabase(): Promise<TestDatabase> {
  const dbName = `test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const external = process.env.MONGODB_URI;
  if (external) {
    const uri = withDatabase(external, dbName);
    return {
      uri,
      dbName,
      stop: async () => {
        const client = await MongoClient.connect(uri);
        try {
          await client.db(dbName).dropDatabase();
        } finally {
          await client.close();
        }
      },
    };
  }
  const store = await startEmbeddedStore();
  return { uri: `${store.uri}${dbName}`, dbName, stop: () => store.stop() };
}

/** Puts `dbName` in the path of a (possibly multi-host, possibly `+srv`) URI, keeping its options. */
export function withDatabase(uri: string, dbName: string): string {
  const [base = "", query] = uri.split("?", 2) as [string, string | undefined];
  const schemeEnd = base.indexOf("://") + 3;
  const pathStart = base.indexOf("/", schemeEnd);
  const hosts = pathStart < 0 ? base : base.slice(0, pathStart);
  return `${hosts}/${dbName}${query === undefined ? "" : `?${query}`}`;
}
