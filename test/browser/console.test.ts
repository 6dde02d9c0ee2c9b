/**
 * The staff web console on a phone, in a real browser, against local mode as `npm start` runs it: an
 * officer asks for a sign-in link in the emulator's officer chat, signs in, filters the queue, opens
 * a case with a photo and asks the reporter a question; the citizen answers in the emulator; the
 * officer reads the answer, adds an internal note and closes the case. An officer of another district
 * gets 404 for the case, and once revoked, their session is refused. Waits are for elements, with
 * generous timeouts, never for time.
 */
import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";
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
  await page.screenshot({ path: path.join(artifactsDir, `console-${name}.png`), fullPage: true });
}

const { messages, sees, tapsQuickReply, types } = emulatorChat(() => page);

async function opensEmulatorChat(key: string): Promise<void> {
  await page.goto(`${local!.url}/dev/emulator#${key}`);
  await page.locator("#chat-head .title").waitFor();
}

/** Sends /console in the open officer chat and returns the sign-in link the bot sent back. */
async function asksForSignInLink(): Promise<string> {
  const links = messages().locator('a[href*="/console/sign-in/"]');
  const before = await links.count();
  await types("/console");
  await links.nth(before).waitFor();
  return (await links.nth(before).getAttribute("href"))!;
}

async function signsInWith(link: string): Promise<void> {
  await page.goto(link);
  await page.getByRole("button", { name: th("console-sign-in-button") }).click();
  await page.locator("h1", { hasText: th("console-queue-title") }).waitFor();
}

/*
 * Page-side functions run in the browser; the project compiles without DOM types, so the one browser
 * global used is declared here, for this file only.
 */
declare const document: {
  querySelectorAll(selector: string): ArrayLike<{ complete: boolean; naturalWidth: number }>;
};
const photosShown = () =>
  Array.from(document.querySelectorAll("figure img")).every((img) => img.complete && img.naturalWidth > 0);

describe("the staff console, signed in through LINE", () => {
  let code = "";
  let caseUrl = "";

  test("when a citizen reports with a photo, then a tracking code comes back", async () => {
    const [supervisor, group, outsider] = await Promise.all(
      [
        ["supervisor", "cm-mueang-chiang-mai", "wipa"],
        ["officer", "cm-mueang-chiang-mai", "group"],
        ["officer", "cm-mae-rim", "mae-rim-officer"],
      ].map(async ([role, district, label]) => {
        const out = await local!.script("officers", [
          "create-code",
          "--role",
          role!,
          "--district",
          district!,
          "--label",
          label!,
          "--json",
        ]);
        return (JSON.parse(out) as Array<{ code: string }>)[0]!.code;
      }),
    );
    await opensEmulatorChat("officer-wipa");
    await types(`/enroll ${supervisor}`);
    await sees(th("officer-enrolled", { role: "", scope: "" }));
    await opensEmulatorChat("citizen-malee"); // a second LINE user, enrolled as an officer of Mae Rim
    await types(`/enroll ${outsider}`);
    await sees(th("officer-enrolled", { role: "", scope: "" }));
    await opensEmulatorChat("group-mueang");
    await page.locator("#chat-head button", { hasText: "Add bot to group" }).click();
    await types(`/enroll ${group}`);
    await sees(th("officer-group-enrolled", { scope: "" }).split(":")[0]!);

    await opensEmulatorChat("citizen-somchai");
    await types("แจ้งเบาะแส");
    await tapsQuickReply(th("choice-consent-yes"));
    await tapsQuickReply(th("category-bribery"));
    await tapsQuickReply(th("agency-local-government"));
    await types("เทศบาลนครเชียงใหม่");
    await sees(th("report-place").split(" ")[0]!);
    await types("เมืองเชียงใหม่");
    await sees(th("report-when").split(" ")[0]!);
    await types("เมื่อวาน");
    await sees(th("report-narrative").split(":")[0]!);
    await types("เจ้าหน้าที่เรียกรับเงินสองพันบาทเพื่อเร่งออกใบอนุญาต โดยไม่ออกใบเสร็จ");
    await tapsQuickReply(th("choice-skip"));
    await sees(th("report-evidence", { count: 0 }).split(" ")[0]!);
    const photo = await sharp({ create: { width: 480, height: 640, channels: 3, background: "#c0a080" } })
      .jpeg()
      .toBuffer();
    await page
      .locator("#photo-input")
      .setInputFiles({ name: "receipt.jpg", mimeType: "image/jpeg", buffer: photo });
    await sees(th("evidence-received", { count: 1, max: 10 }).split(" ")[0]!);
    await tapsQuickReply(th("choice-evidence-done"));
    await tapsQuickReply(th("choice-updates-yes"));
    await tapsQuickReply(th("choice-skip"));
    await sees(th("report-review").split(" ")[0]!);
    await tapsQuickReply(th("choice-submit"));
    const receipt = await sees("TK-");
    code = /TK-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}/.exec((await receipt.textContent()) ?? "")?.[0] ?? "";
    expect(code).toMatch(/^TK-/);
  });

  test("when the officer sends /console in the emulator, then the link signs them in once, and the queue filters to the case", async () => {
    await opensEmulatorChat("officer-wipa");
    const link = await asksForSignInLink();
    expect(link.startsWith(`${local!.url}/console/sign-in/`)).toBe(true);
    await screenshot("01-link-in-chat");
    await signsInWith(link);
    await screenshot("02-queue");

    await page.locator('select[name="status"]').selectOption("received");
    await page.locator('input[name="q"]').fill(code.slice(3, 12));
    await page.getByRole("button", { name: th("console-filter") }).click();
    await page.locator(".code", { hasText: code }).waitFor();
    expect(await page.locator("li.case").count()).toBe(1);
    await screenshot("03-queue-filtered");

    // The same link a second time: a clear page, no new session.
    const again = await page.request.post(`${local!.url}/console/sign-in`, {
      form: { token: link.split("/").at(-1)! },
      maxRedirects: 0,
    });
    expect(again.status()).toBe(410);
    expect(await again.text()).toContain(th("console-sign-in-used"));
  });

  test("when the officer opens the case, then the photo shows inline, and a question reaches the reporter", async () => {
    await page.locator(".code", { hasText: code }).click();
    await page.locator("h1", { hasText: code }).waitFor();
    caseUrl = page.url();
    await page.locator("figure img").first().waitFor();
    await page.waitForFunction(photosShown);
    await screenshot("04-case-with-photo");
    await page.locator('textarea[name="text"]').first().fill("จ่ายเงินให้ใคร ที่ห้องไหน");
    await page.getByRole("button", { name: th("console-ask-send") }).click();
    await page.locator(".notice", { hasText: th("console-notice-asked-push") }).waitFor();
  });

  test("when the citizen answers in the emulator, then the officer sees the answer, adds a note and closes the case", async () => {
    await opensEmulatorChat("citizen-somchai");
    await sees("จ่ายเงินให้ใคร ที่ห้องไหน");
    await tapsQuickReply(th("reply-button-answer"));
    await sees(th("reply-ask-answer", { code }).split(" ")[0]!);
    await types("จ่ายให้หัวหน้าฝ่ายที่ห้อง 204");
    await tapsQuickReply(th("choice-evidence-none"));
    await sees(th("reply-sent", { code }).split(" ")[0]!);

    await page.goto(caseUrl);
    await page.locator(".thread li", { hasText: "จ่ายให้หัวหน้าฝ่ายที่ห้อง 204" }).waitFor();
    await page.locator('textarea[name="text"]').last().fill("นัดตรวจสอบห้อง 204 สัปดาห์หน้า");
    await page.getByRole("button", { name: th("console-note-add") }).click();
    await page.locator(".notes li", { hasText: "นัดตรวจสอบห้อง 204" }).waitFor();

    await page.getByRole("button", { name: th("officer-button-ack") }).click();
    await page.locator(".notice", { hasText: th("console-notice-acknowledged", { code }) }).waitFor();
    await page.locator('select[name="status"]').selectOption("closed");
    await page.locator('select[name="reason"]').selectOption("substantiated");
    await page.getByRole("button", { name: th("console-status-apply") }).click();
    await page.locator(".status.s-closed").first().waitFor();
    await screenshot("05-case-closed");

    // The reporter never sees the note; they are told the case closed.
    await opensEmulatorChat("citizen-somchai");
    await sees(th("tip-status-closed"));
    expect(await messages().textContent()).not.toContain("นัดตรวจสอบห้อง 204");
  });

  test("when an officer of another district opens the case, then it is 404; once revoked, their session is refused", async () => {
    await opensEmulatorChat("citizen-malee");
    await signsInWith(await asksForSignInLink());
    const response = await page.goto(caseUrl);
    expect(response!.status()).toBe(404);
    await page.locator("h1", { hasText: th("console-not-found-title") }).waitFor();
    expect(await page.content()).not.toContain(code);
    await screenshot("06-other-district-404");

    const { officers } = JSON.parse(await local!.script("officers", ["list", "--json"])) as {
      officers: Array<{ id: string; label: string | null }>;
    };
    const outsider = officers.find((officer) => officer.label === "mae-rim-officer")!;
    await local!.script("officers", ["revoke-officer", outsider.id]);
    const refused = await page.goto(`${local!.url}/console`);
    expect(refused!.status()).toBe(401);
    await page.locator("p", { hasText: th("console-signed-out-revoked") }).waitFor();
    await screenshot("07-revoked-refused");
  });
});
