/**
 * A citizen reports in Thai on a phone, in a real browser, against local mode as `npm start` runs it;
 * officers receive and acknowledge it in their group; the citizen sees the new status. Everything goes
 * through the emulator page: the rich menu, quick replies, the date picker, a photo, a location.
 * Waits are for elements, with generous timeouts, never for time.
 */
import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";
import type { Page } from "playwright-core";
import { formatCalendarDay } from "../../src/i18n/bangkok-time";
import { artifactsDir, openPhone } from "./support/chromium";
import { emulatorChat, th } from "./support/emulator";
import { startLocalMode, type LocalMode } from "./support/local-mode";

jest.setTimeout(300_000);

let local: LocalMode | undefined;
let phone: Awaited<ReturnType<typeof openPhone>> | undefined;
let page: Page;

beforeAll(async () => {
  fs.mkdirSync(artifactsDir, { recursive: true });
  phone = await openPhone(); // first: a missing Chromium fails at once, saying how to install it
  page = phone.page;
  local = await startLocalMode();
});

afterAll(async () => {
  await phone?.close();
  await local?.stop();
});

async function screenshot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(artifactsDir, `${name}.png`) });
}

const { messages, sees, tapsQuickReply, types } = emulatorChat(() => page);

/** Does something, then waits for one more message containing this text than there was before. */
async function seesNew(text: string, action: () => Promise<void>): Promise<void> {
  const matches = messages().getByText(text, { exact: false });
  const before = await matches.count();
  await action();
  await matches.nth(before).waitFor({ state: "visible" });
}

async function tapsRichMenu(label: string): Promise<void> {
  await page.locator(`#rich-menu-areas button[data-label="${label}"]`).click();
}

/** Opens a chat from the phone's drawer, as a person would. */
async function opensChat(title: string): Promise<void> {
  await page.locator("#chats-toggle").click();
  await page.locator(".chat-item", { hasText: title }).first().click();
  await page.locator("#chat-head .title", { hasText: title }).waitFor();
  await page.waitForFunction(drawerClosed);
}

/** Today's place step with a shared location: the district is taken and the flow moves on to the date. */
/**
 * A shared location is the phone's position: the bot names its district and asks, then offers to
 * keep the district only (what a careful reporter chooses).
 */
async function answersPlaceWithLocation(district: string): Promise<void> {
  await page.locator("#tool-location").click();
  await page.locator("#panel .presets button", { hasText: district }).first().click();
  await sees(`อำเภอ${district}`);
  await tapsQuickReply(th("choice-place-correct"));
  await tapsQuickReply(th("choice-place-district-only"));
  await sees(th("report-when"));
}

interface Layout {
  viewport: number;
  pane: number;
  atBottom: boolean;
  menuHeight: number;
}

/*
 * Page-side functions run in the browser (Playwright sends their source). This project compiles without
 * DOM types (they would clash with Node's), so the few browser globals they touch are declared here,
 * for this file only. Strings are no option: the page's CSP forbids eval.
 */
interface PageElement {
  scrollHeight: number;
  scrollTop: number;
  clientHeight: number;
  hidden: boolean;
  naturalWidth: number;
  complete: boolean;
  getBoundingClientRect(): { height: number; right: number };
}
declare const document: {
  getElementById(id: string): PageElement;
  querySelector(selector: string): PageElement;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
};
declare const window: { innerHeight: number };

const measureLayout = (): Layout => {
  const box = document.getElementById("messages");
  const menu = document.getElementById("rich-menu");
  return {
    viewport: window.innerHeight,
    pane: box.getBoundingClientRect().height,
    atBottom: box.scrollHeight - box.scrollTop - box.clientHeight < 4,
    menuHeight: menu.hidden ? 0 : menu.getBoundingClientRect().height,
  };
};
const richMenuImageLoaded = () => document.getElementById("rich-menu-image").naturalWidth > 0;
const photosLoaded = () =>
  Array.from(document.querySelectorAll("#messages img.media")).every((img) => img.complete);
const newestInView = () => {
  const box = document.getElementById("messages");
  return box.scrollHeight - box.scrollTop - box.clientHeight < 4;
};
const drawerClosed = () => document.querySelector(".sidebar").getBoundingClientRect().right <= 0;

const layout = (): Promise<Layout> => page.evaluate(measureLayout);

describe("a Thai report from a phone, through the emulator", () => {
  let trackingCode = "";

  test("when an officer and their group enroll, then the officer gets the officer menu", async () => {
    const codes = JSON.parse(
      await local!.script("officers", [
        "create-code",
        "--role",
        "officer",
        "--district",
        "cm-mueang-chiang-mai",
        "--count",
        "2",
        "--json",
      ]),
    ) as Array<{ code: string }>;
    expect(codes).toHaveLength(2);

    await page.goto(`${local!.url}/dev/emulator#officer-wipa`);
    await page.locator("#chat-head .title").waitFor();
    await types(`/enroll ${codes[0]!.code}`);
    await sees(th("officer-enrolled", { role: "", scope: "" }));
    await page.locator(`#rich-menu-areas button[data-label="${th("rich-menu-officer-cases")}"]`).waitFor();
    await screenshot("01-officer-enrolled");

    await opensChat("ศูนย์ดำรงธรรม");
    await page.locator("#chat-head button", { hasText: "Add bot to group" }).click();
    await types(`/enroll ${codes[1]!.code}`);
    await sees(th("officer-group-enrolled", { scope: "" }).split(":")[0]!);
  });

  test("when the citizen opens the chat on a 390×844 phone, then the messages get most of the screen under a visible rich menu, and the favicon loads", async () => {
    await opensChat("สมชาย ใจดี");
    await page.locator("#rich-menu-image").waitFor({ state: "visible" });
    await page.waitForFunction(richMenuImageLoaded);
    const { viewport, pane, menuHeight } = await layout();
    expect(viewport).toBe(844);
    expect(menuHeight).toBeGreaterThan(100);
    expect(pane / viewport).toBeGreaterThanOrEqual(0.6);
    expect((await page.request.get(`${local!.url}/favicon.ico`)).status()).toBe(200);

    // The fake LINE answers the default menu that local mode set at start, and the page shows that one.
    const { channelAccessToken } = JSON.parse(
      fs.readFileSync(path.join(local!.dataDir, "local-secrets.json"), "utf8"),
    ) as { channelAccessToken: string };
    const answer = await page.request.get(`${local!.url}/v2/bot/user/all/richmenu`, {
      headers: { authorization: `Bearer ${channelAccessToken}` },
    });
    expect(answer.status()).toBe(200);
    const { richMenuId } = (await answer.json()) as { richMenuId: string };
    const shown = await page.locator("#rich-menu-image").getAttribute("src");
    expect(shown).toContain(encodeURIComponent(richMenuId));
    await screenshot("02-citizen-rich-menu");
  });

  test("when the citizen reports with the rich menu, quick replies, a location, the date picker and a photo, then a tracking code comes back", async () => {
    await tapsRichMenu(th("rich-menu-report"));
    await sees(th("report-consent"));
    await tapsQuickReply(th("choice-consent-yes"));
    await sees(th("report-category"));
    await tapsQuickReply(th("category-bribery"));
    await tapsQuickReply(th("agency-local-government"));
    await sees(th("report-agency-name").split(" ")[0]!);
    await types("เทศบาลนครเชียงใหม่");
    await sees(th("report-place").split(" ")[0]!);
    await answersPlaceWithLocation("เมืองเชียงใหม่");

    await tapsQuickReply(th("choice-date-pick"));
    const fiveDaysAgo = new Date(Date.now() - 5 * 86_400_000).toISOString().slice(0, 10);
    await page.locator("#panel input[type=date]").fill(fiveDaysAgo);
    await page.locator("#panel button[type=submit]").click();
    // The picker shows nothing in the chat by itself: the bot says the date back.
    await sees(th("date-picked", { date: formatCalendarDay(fiveDaysAgo, "th") }));
    await sees(th("report-narrative").split(" ")[0]!);
    await types("เจ้าหน้าที่เรียกรับเงินสามพันบาทเพื่อเร่งออกใบอนุญาตก่อสร้าง โดยไม่ออกใบเสร็จ");
    await sees(th("report-people").split(" ")[0]!);
    await tapsQuickReply(th("choice-skip"));
    await sees(th("report-evidence", { count: 0 }).split(" ")[0]!);

    const photo = await sharp({ create: { width: 640, height: 960, channels: 3, background: "#b0c4de" } })
      .jpeg()
      .toBuffer();
    await page
      .locator("#photo-input")
      .setInputFiles({ name: "receipt.jpg", mimeType: "image/jpeg", buffer: photo });
    await sees(th("evidence-received", { count: 1, max: 10 }).split(" ")[0]!);
    await page.waitForFunction(photosLoaded);
    // The newest message is in view after the photo's late layout, not hidden under it.
    await page.waitForFunction(newestInView);
    expect((await layout()).atBottom).toBe(true);
    await screenshot("03-photo-sent");

    await tapsQuickReply(th("choice-evidence-done"));
    await tapsQuickReply(th("choice-updates-yes"));
    await tapsQuickReply(th("choice-skip"));
    await sees(th("report-review").split(" ")[0]!);
    await tapsQuickReply(th("choice-submit"));
    const code = await sees("TK-");
    trackingCode = /TK-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}/.exec((await code.textContent()) ?? "")?.[0] ?? "";
    expect(trackingCode).toMatch(/^TK-/);
    await screenshot("04-tracking-code");
    // The receipt is no dead end: its own button shows the report's status.
    await seesNew(th("status-title", { code: trackingCode }), () =>
      messages()
        .getByRole("button", { name: th("status-button", { code: trackingCode }), exact: true })
        .last()
        .click(),
    );
  });

  test("when the officers' group gets the card and the officer acknowledges, then the citizen sees the new status", async () => {
    await opensChat("ศูนย์ดำรงธรรม");
    const card = messages().locator(".flex-bubble", { hasText: trackingCode }).last();
    await card.waitFor();
    await screenshot("05-group-card");
    const acknowledged = th("officer-ack-done", { code: trackingCode, who: "", date: "" }).split(" โดย")[0]!;
    await seesNew(acknowledged, () =>
      card.getByRole("button", { name: th("officer-button-ack"), exact: true }).click(),
    );

    await opensChat("สมชาย ใจดี");
    // The citizen chose updates: the acknowledgement arrives by itself (a push)…
    await sees(th("tip-status-acknowledged"));
    // …and checking from the rich menu with the code says the same.
    await seesNew(th("status-ask-code").split(" ")[0]!, () => tapsRichMenu(th("rich-menu-status")));
    await seesNew(th("tip-status-acknowledged"), () => types(trackingCode));
    await screenshot("06-citizen-status");
  });
});
