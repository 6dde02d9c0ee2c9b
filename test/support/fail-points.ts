import { MongoClient } from "mongodb";

/** `data` of MongoDB's failCommand fail point (see src/dev/embedded-store/failpoints.ts). */
export interface FailCommand {
  failCommands: string[];
  errorCode?: number;
  errorLabels?: string[];
  closeConnection?: boolean;
  /** "db.collection" */
  namespace?: string;
}

export type FailPointMode = "alwaysOn" | "off" | { times: number } | { skip: number };

/**
 * Arms MongoDB's `failCommand` fail point on the test database's server — the embedded store, or a
 * real mongod started with `--setParameter enableTestCommands=1` when MONGODB_URI is set.
 */
export async function failCommand(uri: string, mode: FailPointMode, data?: FailCommand): Promise<void> {
  const client = await MongoClient.connect(uri);
  try {
    await client.db("admin").command({ configureFailPoint: "failCommand", mode, ...(data && { data }) });
  } finally {
    await client.close();
  }
}

/**
 * ExceededTimeLimit: transient for the application, and — unlike ShutdownInProgress or
 * NotWritablePrimary — not a topology change, so the driver keeps its connection pool.
 */
export const exceededTimeLimit = 262;
