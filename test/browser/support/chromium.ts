import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

/** Debian's Chromium; Playwright's own browser download is not possible here (no network but npm and apt). */
export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Where screenshots go (gitignored); CI keeps them. */
export const artifactsDir = path.join(__dirname, "../../../test-artifacts/browser");

/**
 * Opens headless Chromium with a fresh profile, the way this machine needs it: no sandbox (root), no
 * GPU, and none of Chromium's own network traffic (the machine's closed network refuses it). A
 * missing browser is a failure that says how to install it, never a silent skip.
 */
export async function openPhone(
  viewport = { width: 390, height: 844 },
): Promise<{ context: BrowserContext; page: Page; close(): Promise<void> }> {
  if (!fs.existsSync(chromiumPath)) {
    throw new Error(
      `Chromium is not installed at ${chromiumPath}. The browser tests need Debian's chromium and Thai fonts:\n` +
        "  sudo apt-get update && sudo apt-get install -y chromium fonts-thai-tlwg\n" +
        "(.ci/run installs them on CI; set CHROMIUM_PATH to use another Chromium.)",
    );
  }
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tipline-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    timeout: 120_000,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
    viewport,
    deviceScaleFactor: 1,
    isMobile: true,
    hasTouch: true,
    locale: "th-TH",
  });
  context.setDefaultTimeout(60_000);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
