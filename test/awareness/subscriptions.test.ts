import type { webhook } from "@line/bot-sdk";
import { startAwarenessStack, type AwarenessStack } from "./support/stack";
import { advanceToBangkok, campaignBody, multicastEndpoint, multicastRecipients } from "./support/fixtures";
import { TestUser } from "../support/test-user";
import { intentOf } from "../../src/awareness/subscription-feature";
import { Vocabulary } from "../../src/i18n/vocabulary";
import { texts } from "../support/engine";

const words = new Vocabulary(texts);

let stack: AwarenessStack;

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

/** Delivers one campaign run now (fresh campaign id each time) and returns who got it. */
async function deliverCampaign(overrides: Record<string, unknown> = {}): Promise<string[]> {
  const id = `campaign-${Math.random().toString(36).slice(2, 10)}`;
  await stack.awareness.campaigns.save(
    campaignBody({ id, topics: ["news", "knowledge", "reporting", "officials"], ...overrides }),
  );
  const before = stack.platform.calls({ endpoint: multicastEndpoint }).length;
  await stack.awareness.scheduler.deliverNow(await stack.awareness.campaigns.createManualRun(id));
  return multicastRecipients(stack.platform.calls({ endpoint: multicastEndpoint }).slice(before));
}

test("when someone follows the account, then they are greeted in their LINE language and asked whether they want news", async () => {
  const user = citizen("en");

  await user.follows();

  expect(user.lastText()).toContain(user.line("awareness-opt-in"));
  expect(user.quickReplies().map((button) => button.data)).toEqual([
    "c=subscribe",
    "c=news-later",
    "c=report",
    "c=quiz",
  ]);
  expect(await record(user)).toMatchObject({ status: "pending", locale: "en" });
});

test("when a follower types the Thai keyword, then they are subscribed and their user id is stored only sealed", async () => {
  const user = citizen();
  await user.follows();

  await user.says("รับข่าวสาร");

  expect(user.lastText()).toContain("ขอบคุณที่ร่วมต่อต้านการทุจริต");
  const subscriber = (await record(user))!;
  expect(subscriber).toMatchObject({
    status: "active",
    locale: "th",
    topics: ["news", "knowledge", "reporting", "officials"],
  });
  expect(subscriber.userId).not.toContain(user.userId.slice(1, 9));
  expect(stack.awareness.subscribers.openUserId(subscriber.userId)).toBe(user.userId);
});

test("when a follower taps the subscribe button, then they are subscribed", async () => {
  const user = citizen();
  await user.follows();

  await user.tapsLabel("awareness-choice-subscribe");

  expect((await record(user))!.status).toBe("active");
});

test("when a subscriber's record is looked up, then its key is the subscriber pseudonym, unrelated to the reporter pseudonym", async () => {
  const user = citizen();
  await user.says("subscribe");

  const subscriber = (await record(user))!;

  expect(subscriber._id).toBe(stack.service.context.pseudonym("subscriber", user.userId));
  expect(subscriber._id).not.toBe(stack.service.context.pseudonym("reporter", user.userId));
});

test.each(["ยกเลิกรับข่าวสาร", "unsubscribe", "STOP"])(
  "when a subscriber types %s, then they are unsubscribed and their user id is deleted",
  async (word) => {
    const user = citizen();
    await user.says("subscribe");

    await user.says(word);

    expect(await record(user)).toMatchObject({ status: "unsubscribed" });
    expect((await record(user))!.userId).toBeUndefined();
    expect(await deliverCampaign()).not.toContain(user.userId);
  },
);

test("when a subscriber blocks the account, then they receive no further campaign and their user id is deleted", async () => {
  const user = citizen();
  await user.says("subscribe");
  expect(await deliverCampaign()).toContain(user.userId);

  await user.send(stack.platform.unfollow(user.userId));

  expect(await record(user)).toMatchObject({ status: "blocked" });
  expect((await record(user))!.userId).toBeUndefined();
  expect(await deliverCampaign()).not.toContain(user.userId);
});

test("when a blocked subscriber follows again, then they are asked again and get nothing until they say yes", async () => {
  const user = citizen();
  await user.says("subscribe");
  await user.send(stack.platform.unfollow(user.userId));

  await user.send(stack.platform.follow(user.userId, { isUnblocked: true }));

  expect(user.lastText()).toContain(user.line("awareness-opt-in"));
  expect(await deliverCampaign()).not.toContain(user.userId);
  await user.tapsLabel("awareness-choice-subscribe");
  expect(await deliverCampaign()).toContain(user.userId);
});

test("when a subscriber removes a topic, then campaigns on that topic alone no longer reach them", async () => {
  const user = citizen();
  await user.says("subscribe");
  await user.taps("c=topics");

  await user.tapsButton(/สำหรับเจ้าหน้าที่รัฐ/);

  expect((await record(user))!.topics).toEqual(["news", "knowledge", "reporting"]);
  expect(user.quickReplies().map((button) => button.label)).toContain("สำหรับเจ้าหน้าที่รัฐ");
  expect(await deliverCampaign({ topics: ["officials"] })).not.toContain(user.userId);
});

test("when a subscriber tries to remove their last topic, then they are told to keep one", async () => {
  const user = citizen("en");
  await user.says("subscribe");
  for (const topic of ["news", "knowledge", "reporting"]) await user.taps(`c=topic&v=${topic}`);

  await user.taps("c=topic&v=officials");

  expect(user.lastText()).toContain(user.t("awareness-topics-need-one"));
  expect((await record(user))!.topics).toEqual(["officials"]);
});

test("when a subscriber switches the news language to English, then campaigns reach them in English", async () => {
  const user = citizen();
  await user.says("subscribe");
  await user.tapsLabel("awareness-choice-skip-province"); // the one-time province question

  await user.tapsLabel("awareness-choice-language");

  expect(user.lastText()).toContain("in English");
  const id = `campaign-english`;
  await stack.awareness.campaigns.save(campaignBody({ id, topics: ["news"] }));
  await stack.awareness.scheduler.deliverNow(await stack.awareness.campaigns.createManualRun(id));
  expect(user.received().at(-1)).toMatchObject({
    type: "text",
    text: "Gifts over 3,000 baht should be declined.",
  });
});

test("when a campaign message arrives, then it carries unsubscribe and report buttons", async () => {
  const user = citizen();
  await user.says("subscribe");
  await deliverCampaign();

  const last = user.received().at(-1) as { quickReply?: { items: Array<{ action: { data: string } }> } };

  expect(last.quickReply?.items.map((item) => item.action.data)).toEqual(["c=unsubscribe", "c=report"]);
});

test("when someone who is not subscribed opens the news settings, then they are offered to subscribe", async () => {
  const user = citizen();

  await user.taps("c=news");

  expect(user.lastText()).toContain("ยังไม่ได้รับข่าวสาร");
  expect(user.quickReplies()[0]!.data).toBe("c=subscribe");
});

test("when a message is not one of the awareness keywords or commands, then the feature lets it fall through", () => {
  const source = { type: "user", userId: "U0123456789abcdef0123456789abcdef" } as const;
  const text = (value: string) =>
    ({
      type: "message",
      source,
      message: { type: "text", id: "1", text: value },
    }) as unknown as webhook.Event;
  const postback = (data: string) =>
    ({ type: "postback", source, postback: { data } }) as unknown as webhook.Event;
  const group = {
    type: "follow",
    source: { type: "group", groupId: "C0123456789abcdef0123456789abcdef" },
  } as unknown as webhook.Event;

  for (const event of [
    text("สวัสดี"),
    text("I want to subscribe"),
    text("แจ้งเบาะแส"),
    postback("c=report"),
    postback("f=quiz&s=tea-money&r=1&v=corrupt"),
    group,
  ]) {
    expect(intentOf(event, words)).toBeUndefined();
  }
  expect(intentOf(text("  Subscribe "), words)).toEqual({ kind: "subscribe" });
});
