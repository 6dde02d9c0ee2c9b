import { startOfficerHarness, type OfficerHarness } from "../officers/support/officers";

describe("dead letters for operators", () => {
  let env: OfficerHarness;
  let admin: string;
  let officer: string;
  const scope = { everywhere: true, provinceIds: [], districtIds: [], categories: [], fallback: false };

  beforeAll(async () => {
    env = await startOfficerHarness();
    const now = env.harness.clock.now();
    admin = (await env.officers.tokens.create({ label: "ops", role: "admin", scope }, now)).token;
    officer = (await env.officers.tokens.create({ label: "officer", role: "officer", scope }, now)).token;
  });
  afterAll(async () => {
    await env.stop();
  });

  const deadLetters = (token: string) =>
    fetch(`${env.harness.service.url}/admin/api/events/dead-letters`, {
      headers: { authorization: `Bearer ${token}` },
    });

  test("when an event fails for good, then admins see it counted with its type and error class, readiness stays green, and officers are refused", async () => {
    const userId = "U" + "9".repeat(32);
    // A message event without its message: a shape the bot cannot handle, so a dead letter.
    const broken = { ...env.harness.platform.textFrom(userId, "x"), message: undefined };
    expect((await env.harness.platform.sendWebhook([broken as never])).status).toBe(200);
    await env.settle();

    const response = await deadLetters(admin);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { count: number; recent: Array<Record<string, unknown>> };
    expect(body.count).toBe(1);
    expect(body.recent[0]).toMatchObject({ type: "message", reason: "TypeError", stage: "apply" });
    expect(JSON.stringify(body)).not.toContain(userId);
    const readiness = await fetch(`${env.harness.service.url}/readyz`);
    expect(readiness.status).toBe(200);
    expect(await readiness.json()).toEqual({
      status: "ready",
      processing: { behind: false, lagMs: 0, chatsRunning: 0, chatsWaiting: 0 },
    });
    expect((await deadLetters(officer)).status).toBe(403);
  });
});
