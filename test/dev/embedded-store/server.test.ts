import { MongoClient } from "mongodb";
import { type DurabilityGate, Engine } from "../../../src/dev/embedded-store/engine";
import { WireServer } from "../../../src/dev/embedded-store/server";
import { usingRealMongo } from "../../support/database";

/*
 * The server holds every reply until the journal says what the reply could have observed is on
 * disk. A gate the test opens by hand stands in for the journal, so "not yet" is a fact, not a race.
 */
const describeEmbedded = usingRealMongo ? describe.skip : describe;

/** A journal whose fsync finishes when the test says so. */
class HandGate implements DurabilityGate {
  failure: Error | undefined;
  private pending:
    { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } | undefined;

  untilDurable(): Promise<void> | undefined {
    return this.pending?.promise;
  }

  hold(): void {
    let resolve!: () => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.pending = { promise, resolve, reject };
  }

  release(): void {
    this.pending?.resolve();
    this.pending = undefined;
  }

  fail(error: Error): void {
    this.pending?.reject(error);
    this.pending = undefined;
  }
}

describeEmbedded("embedded store replies and the journal", () => {
  let server: WireServer;
  let client: MongoClient;
  let gate: HandGate;
  let engine: Engine;

  beforeEach(async () => {
    engine = new Engine(() => undefined);
    gate = new HandGate();
    engine.durability = gate;
    server = new WireServer(engine, () => undefined);
    const port = await server.listen("127.0.0.1", 0);
    client = await MongoClient.connect(`mongodb://127.0.0.1:${port}/demo?directConnection=true`, {
      serverSelectionTimeoutMS: 5000,
    });
  });
  afterEach(async () => {
    gate.release();
    await client.close(true);
    await server.close();
  });

  /** Settles `promise` into a flag, so a test can look whether it settled yet. */
  function track(promise: Promise<unknown>): { settled: boolean } {
    const state = { settled: false };
    promise.then(
      () => (state.settled = true),
      () => (state.settled = true),
    );
    return state;
  }

  test("when the journal has not made a write durable, then neither its acknowledgement nor a read that saw it leaves", async () => {
    const tips = client.db().collection("tips");
    gate.hold();
    const insert = tips.insertOne({ code: "A" });
    await waitFor(() => engine.catalog.collection("demo", "tips")?.count === 1); // applied in memory
    const read = tips.findOne({ code: "A" });
    const insertState = track(insert);
    const readState = track(read);

    // The read's reply is computed within milliseconds; give it far longer, only the gate may hold it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(insertState.settled).toBe(false);
    expect(readState.settled).toBe(false);

    gate.release();
    await expect(insert).resolves.toMatchObject({ acknowledged: true });
    await expect(read).resolves.toMatchObject({ code: "A" });
  });

  test("when the journal fails instead, then the client gets an error, never an acknowledgement", async () => {
    gate.hold();
    const insert = client.db().collection("tips").insertOne({ code: "B" });
    await waitFor(() => engine.catalog.collection("demo", "tips")?.count === 1);

    gate.fail(new Error("ENOSPC: no space left on device"));

    await expect(insert).rejects.toMatchObject({
      code: 1,
      message: expect.stringMatching(/could not be made durable: ENOSPC/),
    });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
