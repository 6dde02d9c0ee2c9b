import path from "node:path";
import { Writable } from "node:stream";
import { messagingApi } from "@line/bot-sdk";
import { createFakeLinePlatform, type FakeLinePlatform } from "../../src/dev/line-platform";
import { loadTranslator, type Translator } from "../../src/i18n";
import { menus, type MenuDefinition } from "../../src/rich-menu/menus";
import { committedImage } from "../../src/rich-menu/images";
import { syncRichMenus } from "../../src/rich-menu/sync";
import { run } from "../../scripts/rich-menu";

const token = "test-channel-access-token";
const texts = loadTranslator(path.join(__dirname, "../../locales"));
let platform: FakeLinePlatform;
let api: messagingApi.MessagingApiClient;
let images: messagingApi.MessagingApiBlobClient;

beforeEach(async () => {
  platform = createFakeLinePlatform({ channelSecret: "secret", channelAccessToken: token });
  const baseURL = await platform.listen();
  api = new messagingApi.MessagingApiClient({ channelAccessToken: token, baseURL });
  images = new messagingApi.MessagingApiBlobClient({ channelAccessToken: token, baseURL });
});

afterEach(() => platform.close());

const sync = (options: { texts?: Translator; prune?: boolean } = {}) =>
  syncRichMenus({
    api,
    images,
    texts: options.texts ?? texts,
    definitions: menus,
    imageOf: (menu: MenuDefinition) => committedImage(menu, texts),
    prune: options.prune,
  });

/** The Messaging API calls made, other than reads. */
const writes = () =>
  platform
    .calls()
    .filter((call) => call.method !== "GET")
    .map((call) => call.endpoint);

/** The same texts with the English report label changed, as after an edit of locales/en. */
function withEnglishReportLabel(label: string): Translator {
  return {
    ...texts,
    t: (locale, key, args) =>
      locale === "en" && key === "rich-menu-report" ? label : texts.t(locale, key, args),
  };
}

describe("syncing the rich menus", () => {
  it("when the channel has none, then every menu is created with its image and alias, and the Thai citizen menu is the default", async () => {
    const report = await sync();

    expect(report.menus.map((menu) => [menu.alias, menu.created, menu.aliasChanged])).toEqual(
      menus.map((menu) => [menu.alias, true, true]),
    );
    const { richMenuId } = await api.getDefaultRichMenuId();
    expect(richMenuId).toBe(report.menus[0]!.richMenuId);
    expect((await api.getRichMenu(richMenuId)).name).toMatch(/^tipline-citizen-th-[0-9a-f]{12}$/);
    const aliases = (await api.getRichMenuAliasList()).aliases;
    expect(aliases.map((alias) => alias.richMenuAliasId).sort()).toEqual(
      menus.map((menu) => menu.alias).sort(),
    );
    for (const menu of report.menus)
      expect((await images.getRichMenuImageWithHttpInfo(menu.richMenuId)).httpResponse.status).toBe(200);
  });

  it("when it runs a second time, then it only reads: nothing is created, uploaded or moved", async () => {
    const first = await sync();
    platform.clearCalls();
    const second = await sync();

    expect(writes()).toEqual([]);
    expect(second.menus.map((menu) => menu.richMenuId)).toEqual(first.menus.map((menu) => menu.richMenuId));
    expect(second.menus.every((menu) => !menu.created && !menu.aliasChanged)).toBe(true);
    expect(second.defaultChanged).toBe(false);
  });

  it("when a label changed, then a new version of that menu is created and its alias moved; the old one stays unless pruned", async () => {
    const first = await sync();
    const changed = withEnglishReportLabel("Report now");
    platform.clearCalls();

    const second = await sync({ texts: changed });
    const english = second.menus.find((menu) => menu.key === "citizen-en")!;
    expect(english.created).toBe(true);
    expect(english.richMenuId).not.toBe(first.menus.find((menu) => menu.key === "citizen-en")!.richMenuId);
    expect(await api.getRichMenuAlias("tipline-citizen-en")).toMatchObject({
      richMenuId: english.richMenuId,
    });
    // The label is on both English menus (citizen and officer); the Thai ones are untouched.
    expect(second.menus.filter((menu) => menu.created).map((menu) => menu.key)).toEqual([
      "citizen-en",
      "officer-en",
    ]);
    expect(writes().sort()).toEqual(
      [
        "POST /v2/bot/richmenu",
        "POST /v2/bot/richmenu/{richMenuId}/content",
        "POST /v2/bot/richmenu/alias/{richMenuAliasId}",
      ]
        .flatMap((endpoint) => [endpoint, endpoint])
        .sort(),
    );
    expect((await api.getRichMenuList()).richmenus).toHaveLength(menus.length + 2);

    const pruned = await sync({ texts: changed, prune: true });
    expect(pruned.deleted).toHaveLength(2);
    expect((await api.getRichMenuList()).richmenus).toHaveLength(menus.length);
  });

  it("when an upload failed half-way, then the next run finishes that menu without creating another", async () => {
    platform.failNext("POST /v2/bot/richmenu/{richMenuId}/content", 500);
    await expect(sync()).rejects.toThrow();
    const created = (await api.getRichMenuList()).richmenus;
    expect(created).toHaveLength(1);

    const report = await sync();
    expect(report.menus[0]!.richMenuId).toBe(created[0]!.richMenuId);
    expect((await api.getRichMenuList()).richmenus).toHaveLength(menus.length);
    expect(await api.getDefaultRichMenuId()).toEqual({ richMenuId: created[0]!.richMenuId });
  });

  it("when menus of someone else are on the channel, then prune leaves them alone", async () => {
    const { richMenuId } = await api.createRichMenu({
      size: { width: 2500, height: 843 },
      selected: false,
      name: "campaign-2026",
      chatBarText: "Campaign",
      areas: [{ bounds: { x: 0, y: 0, width: 2500, height: 843 }, action: { type: "message", text: "hi" } }],
    });
    const report = await sync({ prune: true });
    expect(report.deleted).toEqual([]);
    expect((await api.getRichMenu(richMenuId)).name).toBe("campaign-2026");
  });
});

describe("scripts/rich-menu.ts", () => {
  it("when run with sync twice, then it prints each alias and its menu, created first and unchanged after", async () => {
    let output = "";
    const stdout = new Writable({
      write(chunk: Buffer, _encoding, done) {
        output += chunk.toString();
        done();
      },
    });
    expect(await run(["sync"], { api, images, texts, stdout })).toBe(0);
    expect(output).toMatch(/tipline-citizen-th\s+richmenu-[0-9a-f]{32}\s+created/);
    expect(output).toMatch(/default: richmenu-[0-9a-f]{32} \(set now\)/);
    output = "";
    expect(await run(["sync"], { api, images, texts, stdout })).toBe(0);
    expect(output.match(/unchanged/g)).toHaveLength(menus.length + 1);
  });
});
