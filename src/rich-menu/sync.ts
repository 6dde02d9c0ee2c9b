/**
 * Puts the rich menus on a channel, idempotently: each menu is created once per version (its name
 * carries a hash of its LINE object and image, since LINE can't replace a menu's image), its alias
 * is created or moved to it, and the Thai citizen menu is made the default. Running it again changes
 * nothing; running it after a label or layout change creates the new versions and moves the aliases
 * and the default. Old versions stay (users linked to them keep a working menu) unless `prune`.
 */
import { HTTPFetchError, type messagingApi } from "@line/bot-sdk";
import type { Translator } from "../i18n";
import { defaultMenu, lineRichMenu, type MenuDefinition, type MenuKey } from "./menus";
import { sha256 } from "./render";

/** The calls sync needs: the SDK's MessagingApiClient and MessagingApiBlobClient provide them. */
export type RichMenuApi = Pick<
  messagingApi.MessagingApiClient,
  | "getRichMenuList"
  | "createRichMenu"
  | "deleteRichMenu"
  | "getRichMenuAliasList"
  | "createRichMenuAlias"
  | "updateRichMenuAlias"
  | "getDefaultRichMenuId"
  | "setDefaultRichMenu"
>;
export type RichMenuImageApi = Pick<messagingApi.MessagingApiBlobClient, "setRichMenuImage">;

/** Our menus are named `tipline-<key>-<version>`; anything else on the channel is left alone. */
export const menuNamePrefix = "tipline-";

export interface SyncedMenu {
  key: MenuKey;
  richMenuId: string;
  alias: string;
  created: boolean;
  aliasChanged: boolean;
}

export interface SyncReport {
  menus: SyncedMenu[];
  defaultRichMenuId: string;
  defaultChanged: boolean;
  deleted: string[];
}

export interface SyncOptions {
  api: RichMenuApi;
  images: RichMenuImageApi;
  texts: Translator;
  definitions: readonly MenuDefinition[];
  /** The PNG of each menu (the committed images; see images.ts). */
  imageOf: (menu: MenuDefinition) => Buffer;
  /** Delete our menus that no alias or default uses any more. */
  prune?: boolean;
}

const isStatus = (error: unknown, status: number): boolean =>
  error instanceof HTTPFetchError && error.status === status;

/** The menu's versioned name: same definition, texts and image give the same name. */
export function versionedName(menu: MenuDefinition, body: object, image: Buffer): string {
  const version = sha256(JSON.stringify(body) + sha256(image)).slice(0, 12);
  return `${menuNamePrefix}${menu.key}-${version}`;
}

export async function syncRichMenus(options: SyncOptions): Promise<SyncReport> {
  const { api, images, texts, definitions } = options;
  const existing = (await api.getRichMenuList()).richmenus;
  const aliases = new Map(
    (await api.getRichMenuAliasList()).aliases.map((alias) => [alias.richMenuAliasId, alias.richMenuId]),
  );
  const synced: SyncedMenu[] = [];

  for (const menu of definitions) {
    const image = options.imageOf(menu);
    const body = lineRichMenu(menu, texts);
    const name = versionedName(menu, body, image);
    let richMenuId = existing.find((candidate) => candidate.name === name)?.richMenuId;
    const created = richMenuId === undefined;
    if (richMenuId === undefined) {
      richMenuId = (await api.createRichMenu({ ...body, name })).richMenuId;
    }
    if (aliases.get(menu.alias) !== richMenuId) {
      // An alias can only point at a menu that has its image, so a menu without an alias pointing at it
      // may be one whose upload was cut short: upload, and take "already uploaded" as done.
      await uploadOnce(images, richMenuId, image);
    }
    const aliasChanged = aliases.get(menu.alias) !== richMenuId;
    if (aliases.has(menu.alias) && aliasChanged) {
      await api.updateRichMenuAlias(menu.alias, { richMenuId });
    } else if (aliasChanged) {
      await api.createRichMenuAlias({ richMenuAliasId: menu.alias, richMenuId });
    }
    aliases.set(menu.alias, richMenuId);
    synced.push({ key: menu.key, richMenuId, alias: menu.alias, created, aliasChanged });
  }

  const wantedDefault = synced.find((menu) => menu.key === defaultMenu.key)!.richMenuId;
  const currentDefault = await api.getDefaultRichMenuId().then(
    (answer) => answer.richMenuId,
    (error: unknown) => {
      if (isStatus(error, 404)) return undefined; // no default yet
      throw error;
    },
  );
  const defaultChanged = currentDefault !== wantedDefault;
  if (defaultChanged) await api.setDefaultRichMenu(wantedDefault);

  const deleted: string[] = [];
  if (options.prune) {
    const inUse = new Set([...aliases.values(), wantedDefault]);
    for (const menu of existing) {
      if (menu.name.startsWith(menuNamePrefix) && !inUse.has(menu.richMenuId)) {
        await api.deleteRichMenu(menu.richMenuId);
        deleted.push(menu.richMenuId);
      }
    }
  }
  return { menus: synced, defaultRichMenuId: wantedDefault, defaultChanged, deleted };
}

async function uploadOnce(images: RichMenuImageApi, richMenuId: string, png: Buffer): Promise<void> {
  try {
    await images.setRichMenuImage(richMenuId, new Blob([new Uint8Array(png)], { type: "image/png" }));
  } catch (error) {
    if (error instanceof HTTPFetchError && error.status === 400 && /already been uploaded/i.test(error.body))
      return;
    throw error;
  }
}
