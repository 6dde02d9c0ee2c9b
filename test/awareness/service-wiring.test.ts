import { startHarness, type Harness } from "../support/harness";
import { TestUser } from "../support/test-user";
import { AdminTokens } from "../../src/admin/auth";
import { advanceToBangkok, campaignBody } from "./support/fixtures";

/** The awareness module inside the whole service (startHarness). */
describe("awareness in the running service", () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness();
    advanceToBangkok(harness.clock, "10:00");
  }, 180_000);

  afterAll(async () => {
    await harness.stop();
  });

  test("when the service is composed, then the awareness feature sits between the officers and the citizen chat", () => {
    expect(harness.service.features.map((feature) => feature.name)).toEqual([
      "officers",
      "awareness",
      "citizen-chat",
    ]);
  });

  test("when a citizen follows, then they are greeted with the opt-in, and the main menu offers news and the quiz", async () => {
    const user = new TestUser(harness, { language: "en" });

    await user.follows();
    const greeting = user.lastText();
    await user.says("menu");

    expect(greeting).toContain(user.line("awareness-opt-in"));
    expect(user.quickReplies().map((button) => button.data)).toEqual(
      expect.arrayContaining(["c=news", "c=quiz"]),
    );
  });

  test("when a citizen types the quiz keyword and answers every situation, then the score offers subscribing and reporting, and subscribing works", async () => {
    const user = new TestUser(harness);

    await user.says("แบบทดสอบ");
    for (let i = 0; i < 8; i++) await user.tapsLabel("quiz-choice-corrupt");
    const score = user.lastText();
    const buttons = user.quickReplies().map((button) => button.data);
    await user.tapsLabel("awareness-choice-subscribe");

    // Five of the eight situations are corruption.
    expect(score).toContain(user.t("quiz-score", { score: 5, total: 8, band: "mid" }));
    expect(buttons).toEqual(["c=subscribe", "c=report", "c=quiz"]);
    expect(user.lastText()).toContain(user.t("awareness-subscribed", { topics: "" }).split(" ")[0]!);
  });

  test("when a citizen in the middle of a report types the quiz keyword, then they are asked before the report is dropped, and staying goes on with it", async () => {
    const user = new TestUser(harness);
    await user.says("แจ้งเบาะแส");
    await user.tapsLabel("choice-consent-yes");

    await user.says("quiz");
    expect(user.lastText()).toBe(user.t("leave-confirm", { flow: "report", target: "quiz" }));
    await user.tapsLabel("choice-leave-stay");

    expect(user.lastText()).toContain(user.t("report-category"));
  });

  test("when staff call the campaign API with an admin token, then it is behind the service's bearer tokens", async () => {
    const tokens = new AdminTokens(harness.service.context.connection);
    const { token } = await tokens.create({ label: "campaign staff", role: "admin" }, harness.clock.now());
    const post = (authorization?: string) =>
      fetch(`${harness.service.url}/admin/api/campaigns`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
        body: JSON.stringify(campaignBody({ id: "wired-campaign" })),
      });

    expect((await post()).status).toBe(401);
    expect((await post(`Bearer ${token}`)).status).toBe(201);
  });
});
