import mongoose, { type Connection } from "mongoose";
import { startHarness, type Harness } from "../support/harness";
import { intakeAppName, intakePoolSize } from "../../src/http/intake";

/** The service's intake connection, found by its name among the process's mongoose connections. */
function intakeConnection(): Connection {
  const found = mongoose.connections.filter(
    (connection) => connection.readyState === 1 && connection.getClient().options.appName === intakeAppName,
  );
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe("webhook intake connection", () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness.stop();
  });

  test("when LINE posts a webhook, then its inbox write goes through the intake's own small pool, not the pool processing uses, and the event is processed and answered", async () => {
    const intake = intakeConnection();
    expect(intake.getClient()).not.toBe(harness.service.context.connection.getClient());
    expect(intake.getClient().options.maxPoolSize).toBe(intakePoolSize);
    let checkouts = 0;
    const countIntake = () => checkouts++;
    intake.getClient().on("connectionCheckedOut", countIntake);
    const userId = `U${"7".repeat(32)}`;

    try {
      const delivery = await harness.platform.sendWebhook([harness.platform.textFrom(userId, "menu")]);
      expect(delivery.status).toBe(200);
      await harness.settle();
    } finally {
      intake.getClient().off("connectionCheckedOut", countIntake);
    }

    expect(checkouts).toBe(1); // the insert, and nothing else of the event's work
    const inbox = harness.service.context.connection.collection("webhook_events");
    expect(await inbox.countDocuments({ status: { $ne: "done" } })).toBe(0);
    expect(harness.platform.deliveries().filter((delivery) => delivery.to === userId)).toEqual([
      expect.objectContaining({ via: "reply" }),
    ]);
  });

  test("when the service stops, then the intake connection is closed with it", async () => {
    const intake = intakeConnection();
    await harness.stop();
    expect(intake.readyState).toBe(0);
    harness = await startHarness();
  });
});
