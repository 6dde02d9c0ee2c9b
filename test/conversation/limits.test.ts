import { startHarness, type Harness } from "../support/harness";
import { TestUser } from "../support/test-user";
import { generateTrackingCode } from "../../src/tips/tracking-code";

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

  test("when a citizen sends more than 30 messages in a minute, then one polite notice is sent and the rest are ignored", async () => {
    const user = new TestUser(harness);
    for (let i = 0; i < 30; i++) await user.says("เมนู");
    await user.says("เมนู");
    expect(user.lastText()).toContain("ข้อความเข้ามาเร็วเกินไป");
    expect(await user.says("เมนู")).toHaveLength(0);
    harness.clock.advance(61_000);
    await user.says("เมนู");
    expect(user.lastText()).toContain("เลือกจากเมนู");
  });

  test("when a citizen keeps typing wrong tracking codes, then checks are refused for an hour", async () => {
    const user = new TestUser(harness);
    // Valid-looking codes (correct check character) that belong to no report.
    for (let i = 0; i < 10; i++) {
      await user.says(generateTrackingCode());
      expect(user.lastText()).toContain("ไม่พบเรื่องรหัส");
    }
    await user.says(generateTrackingCode());
    expect(user.lastText()).toContain("หลายครั้งเกินไป");
  });

  test("when a citizen mistypes one character of a code, then the answer says it may be a typo", async () => {
    const user = new TestUser(harness);
    await user.says("สถานะ");
    await user.says("TK-2345-6789-ABCD");
    expect(user.lastText()).toContain("อาจพิมพ์ผิด");
  });
});
