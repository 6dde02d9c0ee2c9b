/**
 * Which rich menu one person sees. Everyone starts with the channel's default (the Thai citizen
 * menu); a citizen whose language is English is linked to the English one, and an enrolled officer
 * to the officer menu of their language. A menu is a convenience: when LINE refuses or the menus
 * were never synced (`scripts/rich-menu.ts sync`), the chat goes on and a warning is logged.
 */
import type { LineGateway } from "../line/gateway";
import type { Logger } from "../log";
import type { Locale } from "../i18n";
import { aliasOf, defaultMenu } from "./menus";

export type RichMenuGateway = Pick<
  LineGateway,
  "richMenuAliases" | "userRichMenu" | "linkRichMenu" | "unlinkRichMenu"
>;

export class RichMenuLinks {
  constructor(
    private readonly line: RichMenuGateway,
    private readonly logger: Logger,
  ) {}

  /**
   * After a citizen's language changes. An officer keeps the officer menu (their language is set at
   * enrollment); anyone else gets the citizen menu of the new language, the default one by unlinking.
   */
  async showCitizenMenu(userId: string, locale: Locale): Promise<void> {
    await this.safely("citizen", async () => {
      const aliases = await this.line.richMenuAliases();
      const current = await this.line.userRichMenu(userId);
      const officerMenus = new Set([
        aliases.get(aliasOf("officer", "th")),
        aliases.get(aliasOf("officer", "en")),
      ]);
      if (current !== undefined && officerMenus.has(current)) return;
      if (locale === defaultMenu.locale) {
        if (current !== undefined) await this.line.unlinkRichMenu(userId);
        return;
      }
      await this.link(userId, aliases.get(aliasOf("citizen", locale)), current);
    });
  }

  /** At a successful officer enrollment. */
  async showOfficerMenu(userId: string, locale: Locale): Promise<void> {
    await this.safely("officer", async () => {
      const aliases = await this.line.richMenuAliases();
      await this.link(userId, aliases.get(aliasOf("officer", locale)), await this.line.userRichMenu(userId));
    });
  }

  private async link(
    userId: string,
    richMenuId: string | undefined,
    current: string | undefined,
  ): Promise<void> {
    if (richMenuId === undefined) {
      this.logger.warn("rich menus are not on the channel yet; run: node dist/scripts/rich-menu.js sync");
      return;
    }
    if (richMenuId !== current) await this.line.linkRichMenu(userId, richMenuId);
  }

  /** Never fails the turn it is part of; the log names the menu, never the user. */
  private async safely(menu: "citizen" | "officer", work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.logger.warn(
        { menu, reason: error instanceof Error ? error.message : String(error) },
        "could not set the rich menu",
      );
    }
  }
}
