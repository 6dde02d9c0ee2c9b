import { stableId } from "../../src/dev/emulator/chats";
import { NATIONAL_QUEUE_GROUP_KEY, seedNationalQueue } from "../../src/dev/national-queue";
import { citizenReports, startOfficerHarness, type OfficerHarness } from "../officers/support/officers";

describe("local mode's national queue", () => {
  let env: OfficerHarness;
  const groupId = stableId("C", NATIONAL_QUEUE_GROUP_KEY);

  beforeAll(async () => {
    env = await startOfficerHarness();
    const { service } = env.harness;
    await seedNationalQueue(service, groupId, service.context.logger);
    await seedNationalQueue(service, groupId, service.context.logger); // a restart seeds again
  });
  afterAll(async () => {
    await env.stop();
  });

  test("when local mode starts twice, then the emulator's national group is enrolled once, for the fallback route", async () => {
    const groups = await env.officers.directory.listGroups();
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ status: "active", scope: { fallback: true, everywhere: false } });
  });

  test("when a tip arrives from a province no office covers, then the national group receives it", async () => {
    const { tip } = await citizenReports(env, { district: "อำเภอเมืองลำปาง" });
    const delivered = env.harness.platform
      .deliveries()
      .filter((delivery) => delivery.to === groupId)
      .map((delivery) => JSON.stringify(delivery.messages))
      .join();
    expect(delivered).toContain(tip.code);
  });
});
