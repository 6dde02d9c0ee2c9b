import { startHarness, type Harness } from "../support/harness";
import { TestUser } from "../support/test-user";
import { generateTrackingCode } from "../../src/tips/tracking-code";
import { citizenLimits, retryTimeArgs } from "../../src/conversation/rate-limit";
import { bangkokClock } from "../../src/i18n/bangkok-time";

describe("abuse limits per pseudonym", () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness();
    // The limits count per fixed window: time must not cross a window boundary mid-test by itself.
    harness.clock.freeze();
  });
  afterAll(async () => {
    await harness.stop();
  });
  // Each test starts in a fresh minute: earlier tests' messages stay in theirs.
  beforeEach(() => harness.clock.advance(61_000));

  const sendsUpToTheLimit = async (user: TestUser) => {
    for (let i = 0; i < citizenLimits.messages.max; i++) await user.says("เมนู");
  };

  test("when a citizen sends more than 30 messages in a minute, then one notice says from when to continue, and the rest are ignored", async () => {
    const user = new TestUser(harness);
    await sendsUpToTheLimit(user);
    const now = harness.clock.now();
    await user.says("เมนู");
    const args = retryTimeArgs(citizenLimits.messages, now, "th");
    expect(user.lastText()).toBe(user.t("limit-messages", args));
    // The window is the minute: the notice names the next one, on Bangkok's clock.
    const nextMinute = new Date((Math.floor(now.getTime() / 60_000) + 1) * 60_000);
    expect(args.time).toBe(bangkokClock(nextMinute));
    expect(await user.says("เมนู")).toHaveLength(0);
    harness.clock.advance(61_000);
    await user.says("เมนู");
    expect(user.lastText()).toContain(user.t("idle-prompt"));
  });

  test("when a citizen past the limit types cancel, then the half-filled report is dropped all the same", async () => {
    const user = new TestUser(harness);
    await user.says("แจ้งเบาะแส");
    await user.tapsLabel("choice-consent-yes");
    await user.tapsLabel("category-bribery");
    for (let i = 3; i < citizenLimits.messages.max; i++) await user.says("เมนู");
    await user.says("เมนู"); // the notice
    expect(await user.says("อบต.แม่ริม")).toHaveLength(0);
    await user.says("ยกเลิก");
    expect(user.lastText()).toContain(user.t("report-cancelled"));
    harness.clock.advance(61_000);
    await user.says("สันทราย");
    expect(user.lastText()).toContain(user.t("idle-prompt"));
  });

  test("when a citizen keeps typing wrong tracking codes, then checks are refused until the hour's end, which the answer names", async () => {
    const user = new TestUser(harness);
    // Valid-looking codes (correct check character) that belong to no report.
    for (let i = 0; i < citizenLimits.wrongCodes.max; i++) {
      const code = generateTrackingCode();
      await user.says(code);
      expect(user.lastText()).toContain(user.t("status-not-found", { code }));
    }
    await user.says(generateTrackingCode());
    expect(user.lastText()).toContain(
      user.t("limit-wrong-codes", retryTimeArgs(citizenLimits.wrongCodes, harness.clock.now(), "th")),
    );
  });

  test("when a citizen mistypes one character of a code, then the answer says it may be a typo", async () => {
    const user = new TestUser(harness);
    await user.says("สถานะ");
    await user.says("TK-2345-6789-ABCD");
    expect(user.lastText()).toContain(user.t("input-code-typo"));
  });
});
