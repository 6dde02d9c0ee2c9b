/**
 * The bot's rich menus, for operators.
 *
 *   node dist/scripts/rich-menu.js sync [--prune] [--json]
 *   node dist/scripts/rich-menu.js images
 *
 * `sync` creates the menus on the channel named by LINE_CHANNEL_ACCESS_TOKEN (or, in local mode, on
 * the fake platform: LINE_API_BASE_URL=LINE_DATA_API_BASE_URL=http://127.0.0.1:3000 and the same
 * DATA_DIR), uploads their images, keeps their aliases and sets the default; running it again changes
 * nothing. `images` redraws the committed PNGs after a label or layout change (needs Thai fonts).
 */
import path from "node:path";
import { parseArgs } from "node:util";
import type { Writable } from "node:stream";
import { messagingApi } from "@line/bot-sdk";
import { loadConfig, ConfigError } from "../src/config";
import { loadTranslator, type Translator } from "../src/i18n";
import { menus } from "../src/rich-menu/menus";
import { buildImages, committedImage } from "../src/rich-menu/images";
import { syncRichMenus, type RichMenuApi, type RichMenuImageApi } from "../src/rich-menu/sync";

export const usage = `usage:
  rich-menu sync [--prune] [--json]   create or update the menus, their images and aliases, and set the default
  rich-menu images                    redraw src/rich-menu/images/*.png and manifest.json (needs fonts-thai-tlwg)`;

export interface RichMenuScriptDeps {
  api: RichMenuApi;
  images: RichMenuImageApi;
  texts: Translator;
  stdout: Writable;
}

export async function run(argv: string[], deps: RichMenuScriptDeps): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { prune: { type: "boolean" }, json: { type: "boolean" } },
  });
  const out = (line: string) => deps.stdout.write(`${line}\n`);
  switch (positionals[0]) {
    case "sync": {
      const report = await syncRichMenus({
        api: deps.api,
        images: deps.images,
        texts: deps.texts,
        definitions: menus,
        imageOf: (menu) => committedImage(menu, deps.texts),
        prune: values.prune,
      });
      if (values.json) {
        out(JSON.stringify(report, null, 2));
        return 0;
      }
      for (const menu of report.menus) {
        const what = menu.created ? "created" : menu.aliasChanged ? "alias moved" : "unchanged";
        out(`${menu.alias.padEnd(22)} ${menu.richMenuId}  ${what}`);
      }
      out(`default: ${report.defaultRichMenuId}${report.defaultChanged ? " (set now)" : " (unchanged)"}`);
      if (report.deleted.length > 0) out(`deleted old versions: ${report.deleted.join(", ")}`);
      return 0;
    }
    case "images": {
      const manifest = await buildImages(menus, deps.texts);
      for (const [key, entry] of Object.entries(manifest)) out(`${key}: ${entry.bytes} bytes`);
      return 0;
    }
    default:
      process.stderr.write(`${usage}\n`);
      return 2;
  }
}

if (require.main === module) {
  void (async () => {
    try {
      const config = loadConfig();
      const clientOptions = { channelAccessToken: config.line.channelAccessToken };
      process.exitCode = await run(process.argv.slice(2), {
        api: new messagingApi.MessagingApiClient({ ...clientOptions, baseURL: config.line.apiBaseUrl }),
        images: new messagingApi.MessagingApiBlobClient({
          ...clientOptions,
          baseURL: config.line.dataApiBaseUrl,
        }),
        texts: loadTranslator(path.join(__dirname, "../../locales")),
        stdout: process.stdout,
      });
    } catch (error) {
      process.stderr.write(
        error instanceof ConfigError
          ? `${error.message}\n`
          : `failed: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exitCode = error instanceof ConfigError ? 78 : 1;
    }
  })();
}
