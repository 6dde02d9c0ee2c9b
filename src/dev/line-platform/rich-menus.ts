/**
 * Rich menus on LINE's side: menus with their one image, aliases, the default menu and per-user links
 * (LINE-FACTS §9; DOCS-REF #rich-menu, #per-user-rich-menu, #rich-menu-alias). Memory only, bounded by
 * LINE's own limits (1,000 menus and 1,000 aliases per channel).
 */
import { randomBytes } from "node:crypto";

export const MAX_RICH_MENUS = 1000;
export const MAX_RICH_MENU_ALIASES = 1000;

/** A rich menu object as LINE answers it: the request body plus its id. */
export interface StoredRichMenu {
  richMenuId: string;
  size: { width: number; height: number };
  selected: boolean;
  name: string;
  chatBarText: string;
  areas: Array<{ bounds: { x: number; y: number; width: number; height: number }; action: unknown }>;
}

export interface RichMenuImage {
  bytes: Buffer;
  contentType: string;
}

/** What a user sees: the per-user menu if one is linked, else the default (LINE's display priority). */
export interface EffectiveRichMenu {
  menu: StoredRichMenu;
  image: RichMenuImage;
  source: "user" | "default";
}

/** Outcome of a richmenuswitch tap, as LINE reports it in the postback's params.status. */
export type RichMenuSwitchStatus = "SUCCESS" | "RICHMENU_ALIAS_ID_NOTFOUND" | "RICHMENU_NOTFOUND";

export const RICH_MENU_ID = /^richmenu-[0-9a-f]{32}$/;
export const RICH_MENU_ALIAS_ID = /^[a-z0-9_-]{1,32}$/;

export class RichMenuStore {
  private readonly menus = new Map<string, { menu: StoredRichMenu; image?: RichMenuImage }>();
  private readonly aliasTargets = new Map<string, string>();
  private readonly userLinks = new Map<string, string>();
  private defaultId: string | undefined;

  get count(): number {
    return this.menus.size;
  }

  get aliasCount(): number {
    return this.aliasTargets.size;
  }

  create(body: Omit<StoredRichMenu, "richMenuId">): StoredRichMenu {
    const menu: StoredRichMenu = { richMenuId: `richmenu-${randomBytes(16).toString("hex")}`, ...body };
    this.menus.set(menu.richMenuId, { menu });
    return menu;
  }

  get(richMenuId: string): StoredRichMenu | undefined {
    return this.menus.get(richMenuId)?.menu;
  }

  list(): StoredRichMenu[] {
    return [...this.menus.values()].map((entry) => entry.menu);
  }

  image(richMenuId: string): RichMenuImage | undefined {
    return this.menus.get(richMenuId)?.image;
  }

  hasImage(richMenuId: string): boolean {
    return this.image(richMenuId) !== undefined;
  }

  setImage(richMenuId: string, image: RichMenuImage): void {
    const entry = this.menus.get(richMenuId);
    if (entry) entry.image = image;
  }

  /** Deleting a menu also drops what pointed at it: the default, per-user links and aliases. */
  delete(richMenuId: string): boolean {
    if (!this.menus.delete(richMenuId)) return false;
    if (this.defaultId === richMenuId) this.defaultId = undefined;
    for (const [userId, linked] of this.userLinks) if (linked === richMenuId) this.userLinks.delete(userId);
    for (const [aliasId, target] of this.aliasTargets)
      if (target === richMenuId) this.aliasTargets.delete(aliasId);
    return true;
  }

  get defaultMenuId(): string | undefined {
    return this.defaultId;
  }

  setDefault(richMenuId: string | undefined): void {
    this.defaultId = richMenuId;
  }

  linkedTo(userId: string): string | undefined {
    return this.userLinks.get(userId);
  }

  link(userId: string, richMenuId: string): void {
    this.userLinks.set(userId, richMenuId);
  }

  unlink(userId: string): void {
    this.userLinks.delete(userId);
  }

  alias(aliasId: string): string | undefined {
    return this.aliasTargets.get(aliasId);
  }

  aliases(): Array<{ richMenuAliasId: string; richMenuId: string }> {
    return [...this.aliasTargets].map(([richMenuAliasId, richMenuId]) => ({ richMenuAliasId, richMenuId }));
  }

  setAlias(aliasId: string, richMenuId: string): void {
    this.aliasTargets.set(aliasId, richMenuId);
  }

  deleteAlias(aliasId: string): boolean {
    return this.aliasTargets.delete(aliasId);
  }

  effectiveFor(userId: string): EffectiveRichMenu | undefined {
    const linked = this.userLinks.get(userId);
    const id = linked ?? this.defaultId;
    const entry = id === undefined ? undefined : this.menus.get(id);
    if (!entry?.image) return undefined;
    return { menu: entry.menu, image: entry.image, source: linked ? "user" : "default" };
  }

  /**
   * A richmenuswitch tap: LINE shows the alias's menu to that user at once. We model it as a
   * per-user link, which is what the bot itself would do to show a menu to one user.
   */
  switchTo(userId: string, aliasId: string): RichMenuSwitchStatus {
    const target = this.aliasTargets.get(aliasId);
    if (target === undefined) return "RICHMENU_ALIAS_ID_NOTFOUND";
    if (!this.hasImage(target)) return "RICHMENU_NOTFOUND";
    this.userLinks.set(userId, target);
    return "SUCCESS";
  }
}

/** Width and height of a PNG (IHDR) or baseline/progressive JPEG (SOFn), read from the header only. */
export function imageDimensions(
  bytes: Buffer,
  contentType: string,
): { width: number; height: number } | undefined {
  if (contentType === "image/png") {
    const signature = "89504e470d0a1a0a";
    if (bytes.length < 24 || bytes.subarray(0, 8).toString("hex") !== signature) return undefined;
    if (bytes.subarray(12, 16).toString("latin1") !== "IHDR") return undefined;
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  if (contentType === "image/jpeg") {
    if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
    let offset = 2;
    while (offset + 9 < bytes.length) {
      if (bytes[offset] !== 0xff) return undefined;
      const marker = bytes[offset + 1]!;
      const length = bytes.readUInt16BE(offset + 2);
      const isFrame = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
      if (isFrame) return { height: bytes.readUInt16BE(offset + 5), width: bytes.readUInt16BE(offset + 7) };
      offset += 2 + length;
    }
  }
  return undefined;
}
