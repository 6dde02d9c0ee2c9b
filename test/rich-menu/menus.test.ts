import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { loadTranslator, supportedLocales } from "../../src/i18n";
import { Checker, checkRichMenu, graphemeLength } from "../../src/dev/line-platform/validation";
import { lineRichMenu, menus, menuFor } from "../../src/rich-menu/menus";
import { committedImage, imagePath, readManifest } from "../../src/rich-menu/images";
import { sha256 } from "../../src/rich-menu/render";
import { parsePostback } from "../../src/conversation/postback";

const texts = loadTranslator(path.join(__dirname, "../../locales"));

describe("the rich menu definitions", () => {
  test.each(menus.map((menu) => [menu.key, menu] as const))(
    "when %s is checked as LINE checks a new rich menu, then it has no error",
    (_key, menu) => {
      const c = new Checker();
      checkRichMenu(c, { ...lineRichMenu(menu, texts), name: `tipline-${menu.key}-0123456789ab` });
      expect(c.details).toEqual([]);
    },
  );

  test.each(supportedLocales)(
    "when the %s citizen menu is read, then it offers report, status, my reports, news, quiz, help and language",
    (locale) => {
      const actions = lineRichMenu(menuFor("citizen", locale), texts).areas.map((area) => area.action);
      const commands = actions.map((action) => {
        const data = "data" in action ? action.data : undefined;
        const postback = data === undefined ? undefined : parsePostback(data);
        return postback?.type === "command" ? postback.command : action.type;
      });
      expect(commands).toEqual(["report", "status", "my-reports", "news", "quiz", "help", "language"]);
      const language = actions.at(-1)!;
      expect(language).toMatchObject({
        type: "richmenuswitch",
        richMenuAliasId: `tipline-citizen-${locale === "th" ? "en" : "th"}`,
      });
    },
  );

  test("when areas are compared, then no two overlap and each menu is filled edge to edge", () => {
    for (const menu of menus) {
      const covered = menu.areas.reduce((sum, area) => sum + area.bounds.width * area.bounds.height, 0);
      expect({ menu: menu.key, covered }).toEqual({
        menu: menu.key,
        covered: menu.size.width * menu.size.height,
      });
      for (const [i, a] of menu.areas.entries()) {
        for (const b of menu.areas.slice(i + 1)) {
          const apart =
            a.bounds.x + a.bounds.width <= b.bounds.x ||
            b.bounds.x + b.bounds.width <= a.bounds.x ||
            a.bounds.y + a.bounds.height <= b.bounds.y ||
            b.bounds.y + b.bounds.height <= a.bounds.y;
          expect(apart).toBe(true);
        }
      }
    }
  });

  test("when labels are drawn, then each fits LINE's 20 graphemes and the chat bar its 14 characters", () => {
    for (const menu of menus) {
      const body = lineRichMenu(menu, texts);
      expect(body.chatBarText.length).toBeLessThanOrEqual(14);
      for (const area of body.areas) expect(graphemeLength(area.action.label ?? "")).toBeLessThanOrEqual(20);
    }
  });
});

describe("the committed menu images", () => {
  test.each(menus.map((menu) => [menu.key, menu] as const))(
    "when %s's image is read, then it is the PNG drawn from today's labels, at the menu's size and under 1 MB",
    async (_key, menu) => {
      // Throws, naming the command to run, when labels or layout changed since the image was drawn.
      const png = committedImage(menu, texts);
      expect(sha256(png)).toBe(readManifest()[menu.key]!.pngSha256);
      expect(png.length).toBeLessThanOrEqual(1024 * 1024);
      const metadata = await sharp(png).metadata();
      expect({ format: metadata.format, width: metadata.width, height: metadata.height }).toEqual({
        format: "png",
        ...menu.size,
      });
    },
  );

  test("when the images folder is listed, then it holds exactly the menus' PNGs and the manifest", () => {
    const files = fs.readdirSync(path.dirname(imagePath(menus[0]!))).sort();
    expect(files).toEqual([...menus.map((menu) => `${menu.key}.png`), "manifest.json"].sort());
  });
});
