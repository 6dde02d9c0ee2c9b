import { startHarness, type Harness } from "../support/harness";
import { TestUser } from "../support/test-user";

/**
 * "Never down because a dependency is": with the database unreachable (a proxy in front of it is
 * cut; the data survives), the webhook answers 503 quickly so LINE redelivers, readiness turns red
 * and green again by itself, cron ticks and sweeps fail quietly, and nothing accepted is lost.
 * No assertion here is about speed except "well before the driver's own 10 s give-up".
 */
let harness: Harness;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on("unhandledRejection", onUnhandled);
  harness = await startHarness({ proxyDatabase: true, service: { inboxWriteTimeoutMs: 1_500 } });
});
afterAll(async () => {
  process.off("unhandledRejection", onUnhandled);
  await harness.stop();
});
afterEach(async () => {
  await harness.databaseProxy!.restore();
  expect(unhandled).toEqual([]);
});

async function readiness(): Promise<number> {
  return (await fetch(`${harness.service.url}/readyz`)).status;
}

/** Polls until `check` holds, up to a generous deadline (CI machines can be slow). */
async function eventually(check: () => Promise<boolean>, deadlineMs = 30_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error("condition not met before the deadline");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("when the database goes away", () => {
  test("then the webhook answers 503 instead of waiting for the driver, and LINE's redelivery is processed once after it returns", async () => {
    const citizen = new TestUser(harness);
    await harness.databaseProxy!.cut();
    const logged = harness.logs.length;
    const first = await harness.platform.sendWebhook([
      harness.platform.textFrom(citizen.userId, "แจ้งเบาะแส"),
    ]);

    expect(first.status).toBe(503);
    // Answered by our own bound or the broken connection, not after the driver's 10 s server
    // selection (the drills time it against LINE's 2 s).
    const log = harness.logs.slice(logged).join("");
    expect(log).toMatch(/DatabaseTimeoutError|MongoNetworkError/);
    expect(log).not.toContain("MongoServerSelectionError");

    await harness.databaseProxy!.restore();
    await eventually(async () => (await harness.platform.redeliver(first.events)).status === 200);
    await harness.settle();
    await harness.platform.redeliver(first.events); // a second copy: a duplicate, not a second turn
    await harness.settle();
    const answers = harness.platform.deliveries().filter((delivery) => delivery.to === citizen.userId);
    expect(answers).toHaveLength(1);
  });

  test("then readiness turns red, and green again without a restart once it is back", async () => {
    expect(await readiness()).toBe(200);
    await harness.databaseProxy!.cut();
    await eventually(async () => (await readiness()) === 503);
    await harness.databaseProxy!.restore();
    await eventually(async () => (await readiness()) === 200);
  });

  test("then events accepted before it left are processed once after it returns", async () => {
    const citizens = [new TestUser(harness), new TestUser(harness), new TestUser(harness)];
    const sent = await harness.platform.sendWebhook(
      citizens.map((citizen) => harness.platform.textFrom(citizen.userId, "สวัสดี")),
    );
    expect(sent.status).toBe(200);
    // Processing runs after the 200; cut before it could have finished, then let the processor fail.
    await harness.databaseProxy!.cut();
    await harness.settle();
    await harness.databaseProxy!.restore();
    await eventually(async () => {
      await harness.service.processor.scheduleDueWork().catch(() => 0);
      await harness.settle();
      return citizens.every((citizen) => citizen.received().length > 0);
    });
    for (const citizen of citizens) {
      expect(harness.platform.deliveries().filter((delivery) => delivery.to === citizen.userId)).toHaveLength(
        1,
      );
    }
  });

  test("then a scheduled job's tick fails quietly instead of rejecting", async () => {
    await harness.databaseProxy!.cut();
    let ran = false;
    const result = await harness.service.context.scheduler.runOnce("outage-probe", async () => {
      ran = true;
    });
    expect(result).toBe(false);
    expect(ran).toBe(false);
  });
});
