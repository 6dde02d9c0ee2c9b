/**
 * The public transparency page on a phone, in a real browser, against local mode as `npm start` runs
 * it: 3 tips in one district and 12 in another last month; the page shows "< 5" for the 3, withholds
 * what it could be worked out from, and explains how it counts; reporters' satisfaction shows "< 5" for
 * an area with two answers and no mean for it. Waits are for content, never for time.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import mongoose from "mongoose";
import type { Page } from "playwright-core";
import { artifactsDir, openPhone } from "./support/chromium";
import { startLocalMode, type LocalMode } from "./support/local-mode";
import { seedTips, type TipSeed } from "../transparency/support/tips";

jest.setTimeout(300_000);

let local: LocalMode | undefined;
let phone: Awaited<ReturnType<typeof openPhone>> | undefined;
let page: Page;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tipline-transparency-"));

/** Noon Bangkok time on a day of the month `back` months before this one. */
function inMonth(back: number, day: number): Date {
  const bangkok = new Date(Date.now() + 7 * 3_600_000);
  return new Date(Date.UTC(bangkok.getUTCFullYear(), bangkok.getUTCMonth() - back, day, 5));
}

/**
 * Local mode runs on the real clock, and the seeds' "last month" is worked out here while the page's
 * is worked out a start later: within minutes of a Bangkok month boundary, wait until it has passed.
 */
async function awayFromMonthBoundary(marginMs = 5 * 60_000): Promise<void> {
  const bangkok = new Date(Date.now() + 7 * 3_600_000);
  const nextMonth = Date.UTC(bangkok.getUTCFullYear(), bangkok.getUTCMonth() + 1, 1) - 7 * 3_600_000;
  const left = nextMonth - Date.now();
  if (left < marginMs) await new Promise((resolve) => setTimeout(resolve, left + 5_000));
}

beforeAll(async () => {
  await awayFromMonthBoundary();
  fs.mkdirSync(artifactsDir, { recursive: true });
  phone = await openPhone(); // first: a missing Chromium fails at once, saying how to install it
  page = phone.page;
  // Tips go into local mode's own store; the next start computes the page from them.
  const first = await startLocalMode(120_000, { dataDir });
  const connection = await mongoose
    .createConnection(`mongodb://127.0.0.1:${first.storePort}/tipline`, { directConnection: true })
    .asPromise();
  const seeds: TipSeed[] = [
    ...Array.from({ length: 3 }, (_, i) => ({ districtId: "cm-san-sai", receivedAt: inMonth(1, 3 + i) })),
    ...Array.from({ length: 4 }, (_, i) => ({ districtId: "cm-san-sai", receivedAt: inMonth(2, 3 + i) })),
    ...Array.from({ length: 12 }, (_, i) => ({
      districtId: "cm-mueang-chiang-mai",
      receivedAt: inMonth(1, 2 + i),
    })),
    ...Array.from({ length: 6 }, (_, i) => ({
      districtId: "cm-mueang-chiang-mai",
      receivedAt: inMonth(2, 2 + i),
    })),
  ];
  await seedTips(connection, seeds);
  // Satisfaction answers as the survey stores them (month of closing, area, rating; no case).
  const month = (back: number) =>
    new Date(inMonth(back, 15).getTime() + 7 * 3_600_000).toISOString().slice(0, 7);
  const answer = (i: number, back: number, districtId: string, rating: number) => ({
    _id: `seed-${back}-${districtId}-${i}`,
    month: month(back),
    provinceId: "chiang-mai",
    districtId,
    category: null,
    outcome: null,
    rating,
  });
  await connection
    .collection<{ _id: string }>("satisfaction_answers")
    .insertMany([
      ...Array.from({ length: 6 }, (_, i) => answer(i, 2, "cm-mueang-chiang-mai", 3)),
      ...Array.from({ length: 9 }, (_, i) => answer(i, 1, "cm-mueang-chiang-mai", 4)),
      ...Array.from({ length: 2 }, (_, i) => answer(i, 1, "cm-san-sai", 1)),
    ]);
  await connection.close();
  await first.stop();
  local = await startLocalMode(120_000, { dataDir });
}, 600_000); // up to five minutes of waiting out a month boundary, then two starts

afterAll(async () => {
  await phone?.close();
  await local?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test("when a citizen opens the transparency page on a phone, then the small count shows as '< 5' and nothing gives it away", async () => {
  // The start-up recomputes in the background: reload until the figures are there.
  for (let attempt = 0; ; attempt++) {
    const response = await page.goto(`${local!.url}/transparency?lang=en`);
    if (response?.status() === 200 && (await page.locator('table[data-measure="received"]').count()) > 0)
      break;
    if (attempt > 120) throw new Error(`no figures on the page:\n${local!.output().slice(-2000)}`);
    await page.waitForTimeout(500);
  }
  await page.locator("h1").waitFor();
  await page.screenshot({ path: path.join(artifactsDir, "transparency-top.png") });

  const areas = page.locator('table[data-measure="received"][data-table="areas"]');
  const sanSai = areas.locator('tr[data-row="cm-san-sai"]');
  await sanSai.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(artifactsDir, "transparency-areas.png") });
  await expectVisibleText(sanSai.locator("th"), "San Sai");
  // Last month (the row's last month column, before the total) is "< 5"; no cell of the row says 3.
  const cells = sanSai.locator("td");
  const count = await cells.count();
  await expectVisibleText(cells.nth(count - 2), "< 5");
  for (let i = 0; i < count; i++) expect((await cells.nth(i).innerText()).trim()).not.toBe("3");
  // Beside it the 12 is withheld, so the month's total cannot be used to subtract.
  const mueang = areas.locator('tr[data-row="cm-mueang-chiang-mai"] td');
  expect((await mueang.nth((await mueang.count()) - 2).innerText()).trim()).toBe("—");

  // The chart marks the hidden months instead of drawing a bar of their height.
  const chart = page.locator('section[data-measure="received"] svg');
  await expect(chart.locator("g.published rect").count()).resolves.toBeGreaterThan(0);

  // Satisfaction: San Sai's 2 answers of last month are "< 5", and no mean is shown for them.
  const satisfaction = page.locator('table[data-measure="satisfaction"][data-table="areas"]');
  const sanSaiAnswers = satisfaction.locator('tr[data-row="cm-san-sai"] td');
  await sanSaiAnswers.first().scrollIntoViewIfNeeded();
  await expectVisibleText(sanSaiAnswers.nth((await sanSaiAnswers.count()) - 2), "< 5");
  const means = page.locator('table[data-measure="satisfaction"][data-table="areas-means"]');
  const sanSaiMeans = means.locator('tr[data-row="cm-san-sai"] td');
  for (let i = 0; i < (await sanSaiMeans.count()); i++)
    expect((await sanSaiMeans.nth(i).innerText()).trim()).toMatch(/^(< 5|—)$/);
  await page.screenshot({ path: path.join(artifactsDir, "transparency-satisfaction.png") });

  // The page fits a phone: nothing wider than the screen except inside the scrolling tables.
  const overflow = await page.evaluate(overflowingWidth);
  expect(overflow).toBeLessThanOrEqual(0);

  await page.locator("#how").scrollIntoViewIfNeeded();
  await expectVisibleText(page.locator("#how h2"), "How we count");
  await page.screenshot({ path: path.join(artifactsDir, "transparency-how.png") });

  // And in Thai, the language of the page by default.
  await page.locator("a.lang").click();
  await page.locator('html[lang="th"]').waitFor({ state: "attached" });
  await expectVisibleText(page.locator("#how h2"), "วิธีนับ");
});

/*
 * Runs in the browser (Playwright sends its source). The project compiles without DOM types, so the
 * two globals it touches are declared here, for this file only.
 */
declare const document: { documentElement: { scrollWidth: number } };
declare const window: { innerWidth: number };
const overflowingWidth = () => document.documentElement.scrollWidth - window.innerWidth;

async function expectVisibleText(locator: ReturnType<Page["locator"]>, text: string): Promise<void> {
  await locator.waitFor({ state: "visible" });
  expect(await locator.innerText()).toContain(text);
}
