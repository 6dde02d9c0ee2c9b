/**
 * Campaign staff in the web console, on a phone, in a real browser, against local mode as `npm start`
 * runs it: a campaign-staff member gets the sign-in link in the emulator chat, signs in, composes a
 * campaign, previews it, is told which field is wrong, fixes it, sends a test to their own LINE,
 * schedules it ten minutes ahead, and the subscriber's emulator chat receives it. "Ten minutes
 * ahead" does not cost ten minutes: local mode's clock (POST /dev/clock) is moved past it, which also
 * runs the campaign sweep the minute job would run. Waits are for elements, with generous timeouts,
 * never for time.
 */
import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { artifactsDir, openPhone } from "./support/chromium";
import { emulatorChat, th } from "./support/emulator";
import { startLocalMode, type LocalMode } from "./support/local-mode";

jest.setTimeout(300_000);

let local: LocalMode | undefined;
let phone: Awaited<ReturnType<typeof openPhone>> | undefined;
let page: Page;

beforeAll(async () => {
  fs.mkdirSync(artifactsDir, { recursive: true });
  phone = await openPhone();
  page = phone.page;
  local = await startLocalMode();
});

afterAll(async () => {
  await phone?.close();
  await local?.stop();
});

async function screenshot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(artifactsDir, `console-campaigns-${name}.png`), fullPage: true });
}

const { messages, sees, types } = emulatorChat(() => page);

async function opensEmulatorChat(key: string): Promise<void> {
  await page.goto(`${local!.url}/dev/emulator#${key}`);
  await page.locator("#chat-head .title").waitFor();
}

/** The time local mode's service sees (its clock can be ahead of the real one). */
async function serviceNow(): Promise<Date> {
  const answer = await page.request.get(`${local!.url}/dev/clock`);
  return new Date(((await answer.json()) as { now: string }).now);
}

/** A Bangkok wall-clock "YYYY-MM-DDTHH:MM", as a datetime-local input takes it. */
const bangkokLocal = (at: Date) => new Date(at.getTime() + 7 * 3_600_000).toISOString().slice(0, 16);

const flexBubble = {
  type: "bubble",
  body: {
    type: "box",
    layout: "vertical",
    spacing: "md",
    contents: [
      { type: "text", text: "รู้ทันของขวัญ", weight: "bold", size: "xl", color: "#06c755" },
      { type: "text", text: "ของขวัญเกิน 3,000 บาท ควรปฏิเสธอย่างสุภาพ", wrap: true },
      {
        type: "button",
        style: "primary",
        action: { type: "message", label: "แจ้งเบาะแส", text: "แจ้งเบาะแส" },
      },
    ],
  },
};

describe("campaign staff compose and schedule a campaign in the console", () => {
  const campaignText = "ปีใหม่นี้ ของขวัญเกิน 3,000 บาท ไม่ควรรับ";

  test("when a subscriber opts in and campaign staff enroll, then the staff member signs in through the link in their chat", async () => {
    await opensEmulatorChat("citizen-somchai");
    await types("รับข่าวสาร");
    await sees(th("awareness-subscribed", { topics: "" }).split(" ")[0]!);

    const out = await local!.script("officers", [
      "create-code",
      "--role",
      "campaign",
      "--label",
      "pr-nok",
      "--json",
    ]);
    const code = (JSON.parse(out) as Array<{ code: string }>)[0]!.code;
    await opensEmulatorChat("citizen-malee");
    await types(`/enroll ${code}`);
    await sees(th("officer-enrolled-campaign").slice(0, 20));

    const links = messages().locator('a[href*="/console/sign-in/"]');
    await types("/console");
    await links.first().waitFor();
    const link = (await links.first().getAttribute("href"))!;
    await screenshot("01-link-in-chat");
    await page.goto(link);
    await page.getByRole("button", { name: th("console-sign-in-button") }).click();
    await page.locator("h1", { hasText: th("console-campaigns-title") }).waitFor();
    // No queue, no case link for campaign staff.
    expect(await page.locator("nav.console-nav a", { hasText: th("console-nav-cases") }).count()).toBe(0);
    await screenshot("02-campaign-list");
  });

  test("when staff compose with a broken Flex JSON and preview, then the field is named; once fixed, the preview draws the bubbles as LINE does", async () => {
    await page.getByRole("link", { name: th("console-campaign-new") }).click();
    await page.locator("h1", { hasText: th("console-campaign-new") }).waitFor();
    await page.locator('input[name="name"]').fill("ของขวัญปีใหม่");
    await page.locator('input[name="id"]').fill("new-year-gifts");
    await page.locator('textarea[name="content.th[0].text"]').fill(campaignText);
    await page.locator('select[name="content.th[1].type"]').selectOption("flex");
    await page.locator('input[name="content.th[1].altText"]').fill("รู้ทันของขวัญ");
    const json = JSON.stringify(flexBubble, null, 2);
    await page.locator('textarea[name="content.th[1].contents"]').fill(json.slice(0, -1)); // the last brace missing
    await page.getByRole("button", { name: th("console-campaign-do-preview") }).click();

    const error = page.locator('.field-error[id="err-content.th[1].contents"]');
    await error.waitFor();
    expect(await error.textContent()).toContain(
      `content.th[1].contents: ${th("console-campaign-error-json")}`,
    );
    expect(await page.locator('textarea[name="content.th[1].contents"]').getAttribute("aria-invalid")).toBe(
      "true",
    );
    await screenshot("03-field-named");

    await page.locator('textarea[name="content.th[1].contents"]').fill(json);
    await page.getByRole("button", { name: th("console-campaign-do-preview") }).click();
    await page.locator(".preview .line-bubble", { hasText: campaignText }).waitFor();
    await page.locator(".preview .flex-bubble .flex-text", { hasText: "รู้ทันของขวัญ" }).waitFor();
    await page.locator(".preview .flex-button", { hasText: "แจ้งเบาะแส" }).waitFor();
    expect(await page.locator(".field-error").count()).toBe(0);
    await screenshot("04-preview");
  });

  test("when staff send a test, then the draft arrives in their own chat", async () => {
    await page.getByRole("button", { name: th("console-campaign-do-test") }).click();
    await page.locator(".notice", { hasText: th("console-campaign-notice-test-sent") }).waitFor();
    // The staff member's chat, in a second tab: the composer keeps the draft in the first.
    const chat = await phone!.context.newPage();
    await chat.goto(`${local!.url}/dev/emulator#citizen-malee`);
    await emulatorChat(() => chat).sees(campaignText);
    await chat.screenshot({ path: path.join(artifactsDir, "console-campaigns-05-test-in-own-chat.png") });
    await chat.close();
  });

  test("when staff schedule it ten minutes ahead and the time passes, then the subscriber's chat receives it and the run shows it sent", async () => {
    // The composer still holds the draft (the test send drew the page again with it).
    expect(await page.locator('textarea[name="content.th[0].text"]').inputValue()).toBe(campaignText);
    // Ten minutes, not one: the input keeps whole minutes, so "now + 1 min" can be the very next
    // minute, which the real minute job (or the sweep the save starts) may reach before the clock
    // is moved, and then that sweep, not the moved clock, creates the run. Ten minutes ahead is
    // past this test's whole time-out, so only the moved clock can make it due.
    const at = new Date((await serviceNow()).getTime() + 10 * 60_000);
    await page.locator('input[name="scheduleKind"][value="once"]').check();
    await page.locator('input[name="schedule.at"]').fill(bangkokLocal(at));
    // Quiet hours stay on, but away from the scheduled time, so the test passes at any hour.
    const hour = Number(bangkokLocal(at).slice(11, 13));
    const clock = (h: number) => `${String(h % 24).padStart(2, "0")}:00`;
    await page.locator('input[name="quietHours.start"]').fill(clock(hour + 2));
    await page.locator('input[name="quietHours.end"]').fill(clock(hour + 3));
    await page.getByRole("button", { name: th("console-campaign-do-schedule") }).click();
    await page.locator(".notice", { hasText: th("console-campaign-notice-scheduled") }).waitFor();
    await page
      .locator(".status", { hasText: th("console-campaign-status-scheduled") })
      .first()
      .waitFor();
    await screenshot("06-scheduled");

    const moved = await page.request.post(`${local!.url}/dev/clock`, { data: { advanceMs: 11 * 60_000 } });
    expect(moved.status()).toBe(200);
    expect(((await moved.json()) as { campaigns: { created: string[] } }).campaigns.created).toHaveLength(1);

    const campaignUrl = page.url().split("?")[0]!;
    await opensEmulatorChat("citizen-somchai");
    await sees(campaignText);
    await sees("รู้ทันของขวัญ");
    await screenshot("07-subscriber-received");

    await page.goto(campaignUrl);
    await page.locator(".runs li.run", { hasText: th("console-run-status-done") }).waitFor();
    expect(await page.locator(".runs li.run").first().textContent()).toContain(
      th("console-run-sent", { n: 1 }),
    );
    await screenshot("08-run-done");
  });
});
