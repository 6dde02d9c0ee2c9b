import { startAwarenessStack, type AwarenessStack } from "./support/stack";
import { advanceToBangkok, campaignBody, multicastEndpoint, multicastRecipients } from "./support/fixtures";
import { TestUser } from "../support/test-user";
import { provinceAnswerWindowMs } from "../../src/awareness/subscription-feature";
import { parseCampaignInput, CampaignValidationError } from "../../src/awareness/campaign-schema";
import { loadGeography } from "../../src/geo";

let stack: AwarenessStack;
const geography = loadGeography();
const province = (nameEn: string) => geography.provinces.find((p) => p.nameEn === nameEn)!;

beforeAll(async () => {
  stack = await startAwarenessStack();
  advanceToBangkok(stack.clock, "10:00");
}, 180_000);

afterAll(async () => {
  await stack.stop();
});

const citizen = (language = "th") => new TestUser(stack, { language });
const record = (user: TestUser) =>
  stack.awareness.subscribers.get(stack.service.context.pseudonym("subscriber", user.userId));

test("when someone subscribes for the first time, then they are asked their province once, in Thai, with skip", async () => {
  const user = citizen();

  await user.says("รับข่าวสาร");

  expect(user.lastText().endsWith(user.t("awareness-province-question"))).toBe(true);
  const labels = user.quickReplies().map((button) => button.label);
  expect(labels).toEqual([
    ...geography.quickPickProvinces.map((p) => p.nameTh),
    user.t("awareness-choice-skip-province"),
  ]);
  await user.tapsLabel("awareness-choice-skip-province");
  expect(user.lastText()).toContain(user.t("awareness-province-cleared"));
  expect((await record(user))?.province).toBeUndefined();

  await user.says("ยกเลิกรับข่าวสาร");
  await user.says("รับข่าวสาร");
  expect(user.lastText()).not.toContain(user.t("awareness-province-question"));
});

test("when the asked subscriber types a province in Thai or English, then it is kept", async () => {
  const thai = citizen();
  await thai.says("รับข่าวสาร");
  await thai.says("ลำปาง");
  expect(thai.lastText()).toContain(thai.t("awareness-province-set", { province: "ลำปาง" }));
  expect((await record(thai))?.province).toBe(province("Lampang").id);

  const english = citizen("en");
  await english.says("subscribe");
  await english.says("Chiang Mai");
  expect(english.lastText()).toContain(english.t("awareness-province-set", { province: "Chiang Mai" }));
  expect((await record(english))?.province).toBe(province("Chiang Mai").id);

  // The menu lets them change it; "จังหวัด" and spacing do not matter.
  await english.tapsLabel("awareness-choice-province");
  expect(english.lastText()).toContain(english.t("awareness-province-question"));
  await english.says("Bangkok");
  expect((await record(english))?.province).toBe(province("Bangkok").id);
  await english.tapsLabel("awareness-choice-province");
  await english.says("จังหวัด เชียงใหม่");
  expect((await record(english))?.province).toBe(province("Chiang Mai").id);
});

test("when a province name is typed without our question open, then the awareness feature leaves it to the citizen chat", async () => {
  const user = citizen();
  await user.says("รับข่าวสาร");
  stack.clock.advance(provinceAnswerWindowMs + 1_000);

  await user.says("ลำปาง");

  expect(user.lastText()).not.toContain(user.t("awareness-province-set", { province: "ลำปาง" }));
  expect((await record(user))?.province).toBeUndefined();
  // Not subscribed at all: never read as an answer either.
  const stranger = citizen();
  await stranger.says("ลำปาง");
  expect(await record(stranger)).toBeUndefined();
});

test("when a campaign targets provinces, then only subscribers who chose one of them get it; an untargeted one reaches everyone", async () => {
  const lampang = await stack.seedSubscribers(700, {
    topics: ["officials"],
    province: province("Lampang").id,
  });
  const chiangMai = await stack.seedSubscribers(300, {
    topics: ["officials"],
    province: province("Chiang Mai").id,
  });
  const bangkok = await stack.seedSubscribers(200, {
    topics: ["officials"],
    province: province("Bangkok").id,
  });
  const none = await stack.seedSubscribers(250, { topics: ["officials"] });
  const target = [province("Lampang").id, province("Chiang Mai").id];
  const before = stack.platform.calls({ endpoint: multicastEndpoint }).length;

  await stack.awareness.campaigns.save(
    campaignBody({ id: "north-only", topics: ["officials"], audience: { provinces: target } }),
  );
  const run = await stack.awareness.campaigns.createManualRun("north-only");
  const result = await stack.awareness.scheduler.deliverNow(run);

  // Earlier tests' citizens chose Lampang and Chiang Mai too, with every topic.
  expect(result).toMatchObject({ outcome: "done", counts: { failed: 0, skipped: 0 } });
  const reached = new Set(
    multicastRecipients(stack.platform.calls({ endpoint: multicastEndpoint }).slice(before)),
  );
  expect([...lampang, ...chiangMai].every((id) => reached.has(id))).toBe(true);
  expect([...bangkok, ...none].some((id) => reached.has(id))).toBe(false);
  expect(result).toMatchObject({ counts: { sent: reached.size } });
  expect(reached.size).toBeLessThan(1_010);

  await stack.awareness.campaigns.save(campaignBody({ id: "whole-country", topics: ["officials"] }));
  const everyone = await stack.awareness.scheduler.deliverNow(
    await stack.awareness.campaigns.createManualRun("whole-country"),
  );
  expect(everyone.outcome).toBe("done");
  expect((everyone as { counts: { sent: number } }).counts.sent).toBeGreaterThanOrEqual(1_450);
});

test("when a campaign names a province src/geo does not know, then it is refused naming the field", () => {
  expect(() => parseCampaignInput(campaignBody({ audience: { provinces: ["atlantis"] } }))).toThrow(
    CampaignValidationError,
  );
  try {
    parseCampaignInput(campaignBody({ audience: { provinces: ["atlantis"] } }));
  } catch (error) {
    expect((error as CampaignValidationError).problems).toEqual([
      { path: "audience.provinces[0]", message: expect.stringContaining("not a province id") },
    ]);
  }
  expect(
    parseCampaignInput(campaignBody({ audience: { provinces: [province("Lampang").id] } })),
  ).toMatchObject({
    audience: { provinces: [province("Lampang").id] },
  });
});
