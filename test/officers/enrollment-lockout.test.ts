import { fakeUserId } from "../../src/dev/line-platform";
import { enrollmentLockoutPolicy } from "../../src/officers/enrollment-lockout";
import { TRACKING_CODE_ALPHABET } from "../../src/tips/tracking-code";
import { startOfficerHarness, TestChat, type OfficerHarness } from "./support/officers";

/** A well-formed code nobody issued. */
const wrongCode = (n: number) =>
  `EN-WRNG-CDXX-${TRACKING_CODE_ALPHABET[n % TRACKING_CODE_ALPHABET.length]!.repeat(4)}`;

describe("wrong enrollment codes lock the sender out", () => {
  let env: OfficerHarness;

  beforeAll(async () => {
    env = await startOfficerHarness();
    // Misses are counted in fixed hourly windows: start each run five minutes into an hour, so a
    // slow run does not cross a window boundary halfway through a test (it failed once at 15:00).
    const hour = 3_600_000;
    const now = env.harness.clock.now().getTime();
    env.harness.clock.advance(Math.ceil(now / hour) * hour + 5 * 60_000 - now);
  });
  afterAll(async () => {
    await env.stop();
  });

  const audits = (filter: Record<string, unknown>) => env.officers.audit.model.find(filter).lean().exec();

  /** Many attempts in a few webhook bodies (LINE batches events too), processed in order. */
  async function typeMany(chat: TestChat, texts: string[], fromUserId = chat.userId): Promise<void> {
    const { platform } = env.harness;
    for (let i = 0; i < texts.length; i += 25) {
      const events = texts
        .slice(i, i + 25)
        .map((text) =>
          platform.textFrom(
            fromUserId,
            text,
            chat.chatId === chat.userId ? undefined : { groupId: chat.chatId },
          ),
        );
      const delivery = await platform.sendWebhook(events);
      expect(delivery.status).toBe(200);
    }
    await env.settle();
    chat.newMessages();
  }

  test("when 200 wrong codes are typed in 1:1 and then a valid one, then the valid one is refused while locked out", async () => {
    const chat = new TestChat(env);
    const actor = `officer:${env.officers.directory.officerIdFor(chat.userId)}`;
    await typeMany(
      chat,
      Array.from({ length: 200 }, (_, n) => `/enroll ${wrongCode(n)}`),
    );
    const valid = await env.code("officer", { districtIds: ["cm-san-sai"] });
    await chat.says(`/enroll ${valid}`);

    expect(chat.lastText()).toContain("ลองใหม่หลัง");
    expect(await env.officers.directory.officerByUserId(chat.userId)).toBeNull();
    // Five misses are audited one by one, then the lockout once; the 195 locked attempts are not.
    expect(await audits({ actor, action: "enroll", reason: "invalid-code" })).toHaveLength(
      enrollmentLockoutPolicy.maxMisses,
    );
    expect(await audits({ actor, action: "enroll-lockout" })).toEqual([
      expect.objectContaining({ outcome: "refused", reason: "too-many-attempts", channel: "line" }),
    ]);
  }, 300_000); // 200 events through the whole service: seconds alone, much longer on a loaded machine

  test("when the lockout has passed, then the same valid code enrolls (a locked attempt does not use it up)", async () => {
    const chat = new TestChat(env);
    await typeMany(
      chat,
      Array.from({ length: enrollmentLockoutPolicy.maxMisses }, (_, n) => `/enroll ${wrongCode(n)}`),
    );
    const valid = await env.code("officer", { districtIds: ["cm-san-sai"] });
    await chat.says(`/enroll ${valid}`);
    expect(chat.lastText()).toContain("ลองใหม่หลัง");

    env.harness.clock.advance(enrollmentLockoutPolicy.lockoutMs + 1_000);
    await chat.says(`/enroll ${valid}`);
    expect(chat.lastText()).toContain("ลงทะเบียนเป็นเจ้าหน้าที่เรียบร้อยแล้ว");
  });

  test("when the lockout starts, then the answer says in the officer's language when to try again", async () => {
    const chat = new TestChat(env, { language: "en" });
    await typeMany(
      chat,
      Array.from({ length: enrollmentLockoutPolicy.maxMisses - 1 }, (_, n) => `/enroll ${wrongCode(n)}`),
    );
    await chat.says(`/enroll ${wrongCode(99)}`);
    const until = new Date(
      Math.ceil((env.harness.clock.now().getTime() + enrollmentLockoutPolicy.lockoutMs) / 60_000) * 60_000,
    );
    const time = new Intl.DateTimeFormat("en-GB", { timeStyle: "short", timeZone: "Asia/Bangkok" }).format(
      until,
    );
    expect(chat.lastText()).toContain("try again after");
    // The clock may cross a minute while the attempt is processed: either minute is the right answer.
    const later = new Intl.DateTimeFormat("en-GB", { timeStyle: "short", timeZone: "Asia/Bangkok" }).format(
      new Date(until.getTime() + 60_000),
    );
    expect([time, later].some((shown) => chat.lastText().includes(shown))).toBe(true);
  });

  test("when different members of a group keep guessing, then the group is locked for everyone", async () => {
    const group = new TestChat(env, { group: true });
    await group.joins();
    const guessers = Array.from({ length: enrollmentLockoutPolicy.maxMisses }, () => fakeUserId());
    for (const [n, guesser] of guessers.entries()) {
      await typeMany(group, [`/enroll ${wrongCode(n)}`], guesser);
    }
    const valid = await env.code("officer", { districtIds: ["cm-san-sai"] });
    await group.says(`/enroll ${valid}`, fakeUserId());

    expect(group.lastText()).toContain("ลองใหม่หลัง");
    expect(await env.officers.directory.groupByChatId(group.chatId)).toBeNull();
    const groupId = env.officers.directory.groupIdFor(group.chatId);
    expect(await audits({ action: "enroll-lockout", "details.groupId": groupId })).toHaveLength(1);
  });

  test("when a person locked out in 1:1 tries in a group, then they are refused there too", async () => {
    const chat = new TestChat(env);
    await typeMany(
      chat,
      Array.from({ length: enrollmentLockoutPolicy.maxMisses }, (_, n) => `/enroll ${wrongCode(n)}`),
    );
    const group = new TestChat(env, { group: true });
    await group.joins();
    await group.says(`/enroll ${await env.code("officer", { districtIds: ["cm-fang"] })}`, chat.userId);
    expect(group.lastText()).toContain("ลองใหม่หลัง");
    expect(await env.officers.directory.groupByChatId(group.chatId)).toBeNull();
  });
});
