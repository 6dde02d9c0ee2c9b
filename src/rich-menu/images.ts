/**
 * The committed menu images (src/rich-menu/images/<key>.png) and their manifest. The manifest
 * records the hash of the SVG each PNG was drawn from, so a test can tell a stale image (labels or
 * layout changed, `node dist/scripts/rich-menu.js images` not run) without drawing anything.
 */
import fs from "node:fs";
import path from "node:path";
import type { Translator } from "../i18n";
import type { MenuDefinition, MenuKey } from "./menus";
import { menuSvg, renderPng, sha256 } from "./render";

/** The repository root, from src/rich-menu under ts-jest or dist/src/rich-menu when compiled (as service.ts does). */
const projectRoot = path.resolve(
  __dirname,
  __dirname.includes(`${path.sep}dist${path.sep}`) ? "../../.." : "../..",
);
export const imagesDir = path.join(projectRoot, "src", "rich-menu", "images");
const manifestPath = path.join(imagesDir, "manifest.json");

export interface ImageManifestEntry {
  svgSha256: string;
  pngSha256: string;
  bytes: number;
}

export type ImageManifest = Partial<Record<MenuKey, ImageManifestEntry>>;

export function readManifest(): ImageManifest {
  return fs.existsSync(manifestPath)
    ? (JSON.parse(fs.readFileSync(manifestPath, "utf8")) as ImageManifest)
    : {};
}

export function imagePath(menu: MenuDefinition): string {
  return path.join(imagesDir, `${menu.key}.png`);
}

/** The committed PNG of a menu; fails loudly when it is missing or stale rather than uploading a wrong picture. */
export function committedImage(menu: MenuDefinition, texts: Translator): Buffer {
  const entry = readManifest()[menu.key];
  const file = imagePath(menu);
  if (!entry || !fs.existsSync(file)) {
    throw new Error(`no image for rich menu ${menu.key}: run "node dist/scripts/rich-menu.js images"`);
  }
  if (entry.svgSha256 !== sha256(menuSvg(menu, texts))) {
    throw new Error(
      `the image of rich menu ${menu.key} is stale: run "node dist/scripts/rich-menu.js images"`,
    );
  }
  return fs.readFileSync(file);
}

/** Draws every menu and rewrites the PNGs and the manifest (a developer's step; needs Thai fonts). */
export async function buildImages(
  definitions: readonly MenuDefinition[],
  texts: Translator,
): Promise<ImageManifest> {
  const manifest: ImageManifest = {};
  for (const menu of definitions) {
    const svg = menuSvg(menu, texts);
    const png = await renderPng(svg);
    fs.writeFileSync(imagePath(menu), png);
    manifest[menu.key] = { svgSha256: sha256(svg), pngSha256: sha256(png), bytes: png.length };
  }
  fs.writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
