import path from "node:path";
import type { Locator, Page } from "playwright-core";
import { loadTranslator, type TextArgs } from "../../../src/i18n";

const texts = loadTranslator(path.join(__dirname, "../../../locales"));

/** The first line of a Thai text: enough to recognise a message, robust to wrapping. */
export const th = (key: string, args?: TextArgs): string => texts.t("th", key, args).split("\n")[0]!.trim();

/** What a person does in the emulator's open chat (docs/EMULATOR.md), shared by the browser tests. */
export function emulatorChat(page: () => Page) {
  const messages = (): Locator => page().locator("#messages");
  return {
    messages,
    /** Waits until a message containing this text is in the chat. */
    async sees(text: string): Promise<Locator> {
      const found = messages().getByText(text, { exact: false }).last();
      await found.waitFor({ state: "visible" });
      return found;
    },
    async tapsQuickReply(label: string): Promise<void> {
      await page().locator("#quick-replies").getByRole("button", { name: label, exact: true }).click();
    },
    async types(text: string): Promise<void> {
      await page().locator("#text").fill(text);
      await page().locator("#text").press("Enter");
    },
  };
}
