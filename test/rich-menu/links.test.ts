import { messagingApi } from "@line/bot-sdk";
import { lineAction, menus } from "../../src/rich-menu/menus";
import { committedImage } from "../../src/rich-menu/images";
import { syncRichMenus } from "../../src/rich-menu/sync";
import { testAccessToken } from "../support/harness";
import { TestUser } from "../support/test-user";
import { startOfficerHarness, TestChat, type OfficerHarness } from "../officers/support/officers";

let env: OfficerHarness;

beforeAll(async () => {
  env = await startOfficerHarness();
});

afterAll(() => env.stop());

async function syncMenus(): Promise<Map<string, string>> {
  const { harness } = env;
  const clientOptions = { channelAccessToken: testAccessToken, baseURL: harness.config.line.apiBaseUrl };
  const texts = harness.service.context.texts;
  const report = await syncRichMenus({
    api: new messagingApi.MessagingApiClient(clientOptions),
    images: new messagingApi.MessagingApiBlobClient(clientOptions),
    texts,
    definitions: menus,
    imageOf: (menu) => committedImage(menu, texts),
  });
  return new Map(report.menus.map((menu) => [menu.key, menu.richMenuId]));
}

const t = (locale: "th" | "en", key: string, args?: Record<string, string | number>) =>
  env.harness.service.context.texts.t(locale, key, args);

/** The LINE action of the citizen-th menu's area for a command (or the language switch). */
function area(command: string): messagingApi.Action & { data: string } {
  const texts = env.harness.service.context.texts;
  const menu = menus[0]!;
  const found = menu.areas.find((candidate) =>
    candidate.action.kind === "language"
      ? command === "language"
      : "command" in candidate.action && candidate.action.command === command,
  )!;
  return lineAction(found, "th", texts) as messagingApi.Action & { data: string };
}

describe("tapping the citizen menu", () => {
  let ids: Map<string, string>;
  beforeAll(async () => {
    ids = await syncMenus();
  });

  test.each([
    ["report", () => t("th", "report-consent")],
    ["status", () => t("th", "status-ask-code")],
    [
      "my-reports",
      () =>
        t("th", "my-reports-empty", {
          days: Math.round(env.harness.config.contactRetentionAfterCloseMs / 86_400_000),
        }),
    ],
    ["news", () => t("th", "awareness-not-subscribed")],
    ["help", () => t("th", "help")],
  ])("when a citizen taps %s, then the bot answers as for that command", async (command, expected) => {
    const citizen = new TestUser(env.harness);
    await citizen.taps(area(command).data);
    expect(citizen.lastText()).toContain(expected());
  });

  test("when a citizen taps quiz, then the quiz starts with its answer buttons", async () => {
    const citizen = new TestUser(env.harness);
    await citizen.taps(area("quiz").data);
    expect(citizen.quickReplies().map((button) => button.label)).toContain(t("th", "quiz-choice-corrupt"));
  });

  test("when a citizen taps the language area, then the bot answers in English and links the English menu; Thai again unlinks it", async () => {
    const citizen = new TestUser(env.harness);
    const { platform } = env.harness;
    expect(platform.richMenuFor(citizen.userId)?.menu.richMenuId).toBe(ids.get("citizen-th"));

    // What LINE sends after a richmenuswitch tap: the switch's data, with the new alias in params.
    await citizen.taps(area("language").data, {
      newRichMenuAliasId: "tipline-citizen-en",
      status: "SUCCESS",
    });
    expect(citizen.lastText()).toContain(t("en", "language-changed"));
    expect(platform.richMenuFor(citizen.userId)).toMatchObject({
      source: "user",
      menu: { richMenuId: ids.get("citizen-en") },
    });

    await citizen.says("ภาษาไทย");
    expect(citizen.lastText()).toContain(t("th", "language-changed"));
    expect(platform.richMenuFor(citizen.userId)).toMatchObject({
      source: "default",
      menu: { richMenuId: ids.get("citizen-th") },
    });
  });

  test("when a citizen's LINE is in English, then their first message links the English menu", async () => {
    const citizen = new TestUser(env.harness, { language: "en" });
    await citizen.says("hello");
    expect(env.harness.platform.richMenuFor(citizen.userId)?.menu.richMenuId).toBe(ids.get("citizen-en"));
  });

  test("when an officer enrolls, then they get the officer menu, and a citizen language change keeps it", async () => {
    const officer = new TestChat(env);
    await officer.says(`/enroll ${await env.code("officer", { districtIds: ["cm-san-sai"] })}`);
    expect(env.harness.platform.richMenuFor(officer.userId)?.menu.richMenuId).toBe(ids.get("officer-th"));

    await officer.says("English");
    expect(officer.lastText()).toContain(t("en", "language-changed"));
    expect(env.harness.platform.richMenuFor(officer.userId)?.menu.richMenuId).toBe(ids.get("officer-th"));
  });

  test.each(["th", "en"] as const)(
    "when an officer taps the %s officer menu's console area, then the bot answers with a one-time console sign-in link",
    async (locale) => {
      const officer = new TestChat(env, { language: locale });
      await officer.says(`/enroll ${await env.code("officer", { districtIds: ["cm-san-sai"] })}`);
      const menu = menus.find((candidate) => candidate.key === `officer-${locale}`)!;
      const consoleArea = menu.areas.find((candidate) => candidate.icon === "console")!;
      const action = lineAction(consoleArea, locale, env.harness.service.context.texts);
      expect(action).toMatchObject({ type: "message", label: t(locale, "rich-menu-officer-console") });
      await officer.says(String((action as messagingApi.MessageAction).text));
      expect(officer.lastText()).toMatch(/\/console\/sign-in\/[A-Za-z0-9_-]{20,}/);
    },
  );

  test("when LINE keeps refusing the link, then the citizen still gets the answer and the log says why without naming them", async () => {
    const citizen = new TestUser(env.harness);
    env.harness.platform.failNext("POST /v2/bot/user/{userId}/richmenu/{richMenuId}", 500, 20);
    await citizen.says("English");
    expect(citizen.lastText()).toContain(t("en", "language-changed"));
    const warning = env.harness.logs.find((line) => line.includes("could not set the rich menu"));
    expect(warning).toBeDefined();
    expect(warning).not.toContain(citizen.userId);
    env.harness.platform.clearCalls();
  });
});
