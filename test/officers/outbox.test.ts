import { TipService } from "../../src/tips/tip-service";
import { retryKeyFor } from "../../src/line/retry-key";
import { Transactions } from "../../src/data/unit-of-work";
import {
  citizenReports,
  enrolledGroup,
  startOfficerHarness,
  type OfficerHarness,
  type TestChat,
} from "./support/officers";

const push = "POST /v2/bot/message/push";

describe("notification outbox", () => {
  let env: OfficerHarness;
  let group: TestChat;

  const cardsFor = (code: string) =>
    group.received().filter((message) => JSON.stringify(message).includes(code));

  beforeAll(async () => {
    env = await startOfficerHarness();
    group = await enrolledGroup(env, { districtIds: ["cm-san-sai"] });
  });
  afterAll(async () => {
    await env.stop();
  });

  test("when LINE keeps failing a push, then the notification waits for a retry and is delivered once later", async () => {
    env.harness.platform.failNext(push, 500, 5); // the gateway's own five attempts all fail
    const { tip } = await citizenReports(env);
    const [pending] = await env.officers.outbox.model.find({ tipId: tip._id, kind: "new-tip" }).lean().exec();
    expect(pending).toMatchObject({ status: "pending", attempts: 1 });
    expect(cardsFor(tip.code)).toHaveLength(0);

    env.harness.clock.advance(10_000);
    await env.officers.outbox.deliverDue();
    expect(cardsFor(tip.code)).toHaveLength(1);
    expect(await env.officers.outbox.model.findById(pending!._id).lean().exec()).toMatchObject({
      status: "sent",
      attempts: 2,
    });
  });

  test("when a push landed but its response was lost, then the retry uses the same retry key and nothing is sent twice", async () => {
    env.harness.platform.failNext(push, 500, 1, { processed: true });
    env.harness.platform.clearCalls();
    const { tip } = await citizenReports(env);
    const [notification] = await env.officers.outbox.model
      .find({ tipId: tip._id, kind: "new-tip" })
      .lean()
      .exec();
    const keys = env.harness.platform
      .calls({ endpoint: push })
      .map((call) => call.headers["x-line-retry-key"]);
    expect(keys).toEqual([
      retryKeyFor("notify", notification!._id.toHexString()),
      retryKeyFor("notify", notification!._id.toHexString()),
    ]);
    expect(cardsFor(tip.code)).toHaveLength(1);
    expect(notification?.status).toBe("sent");
  });

  test("when a tip was stored but its routing never ran, then the periodic job routes and notifies it", async () => {
    const { sealer, config } = env.harness.service.context;
    // A second TipService has none of the officers' hooks: as if the process died right after storing the tip.
    const bare = new TipService(
      env.harness.service.context.connection,
      sealer,
      config.deadlines,
      async () => 0,
    );
    const tip = await bare.submit(
      {
        reporter: "pseudonym-of-someone",
        draftStartedAt: env.harness.clock.now(),
        category: "procurement",
        agencyType: "local-government",
        provinceId: "chiang-mai",
        districtId: "cm-san-sai",
        details: {
          agencyName: "เทศบาล",
          narrative: "ฮั้วประมูลถนนลาดยางในตำบล",
          people: null,
          incidentDate: { kind: "unknown" },
          placeDescription: null,
          contactPhone: null,
        },
        evidenceIds: [],
        reporterLocale: "th",
      },
      env.harness.clock.now(),
    );
    expect(cardsFor(tip.code)).toHaveLength(0);
    await env.officers.jobs.deadlines(env.harness.clock.now());
    await env.settle();
    expect(cardsFor(tip.code)).toHaveLength(1);
  });

  test("when a notification already stored is queued again inside an event's transaction, then the transaction still commits and nothing is doubled", async () => {
    const { outbox } = env.officers;
    const again = {
      key: "reporter-status:test-again",
      kind: "reporter-status" as const,
      target: { type: "reporter" as const, id: "tip-x" },
    };
    const fresh = {
      key: "reporter-status:test-fresh",
      kind: "reporter-status" as const,
      target: { type: "reporter" as const, id: "tip-y" },
    };
    expect(await outbox.enqueue([again])).toBe(1);

    // MongoDB aborts a transaction on any write error, so a duplicate-key insert here would fail the commit.
    const queued = await new Transactions(env.harness.service.context.connection).run(() =>
      outbox.enqueue([again, fresh]),
    );

    expect(queued).toBe(1);
    const stored = await outbox.model
      .find({ key: { $in: [again.key, fresh.key] } })
      .lean()
      .exec();
    expect(stored.map((n) => n.key).sort()).toEqual([again.key, fresh.key]);
    expect(stored.every((n) => n.status !== undefined && n.attempts >= 0)).toBe(true);
  });
});
