/**
 * Draws a rich menu's image from its definition: an SVG (deterministic text, so its hash tells when
 * the committed PNG is stale) rendered to PNG by sharp. Thai glyphs come from the system's fonts
 * (Debian's fonts-thai-tlwg), which is why the built PNGs are committed rather than built on CI; see
 * docs/RICH-MENU.md.
 */
import { createHash } from "node:crypto";
import type { Translator } from "../i18n";
import type { AreaDefinition, IconName, MenuDefinition } from "./menus";

const colours = {
  background: "#f4f6f9",
  card: "#ffffff",
  primary: "#1f3b63",
  primaryInk: "#ffffff",
  ink: "#1f3b63",
  hint: "#5b6b80",
  accent: "#c8a24a",
  iconBackground: "#e8eef6",
  line: "#d5dce6",
} as const;

/** Line-art icons on a 24 × 24 grid (stroke only), drawn in the area's ink colour. */
const icons: Record<IconName, string> = {
  report:
    '<path d="M3 10v4h3l6 4V6l-6 4H3z"/><path d="M15.5 9a4 4 0 0 1 0 6"/><path d="M18.5 6.5a8 8 0 0 1 0 11"/>',
  status: '<circle cx="10.5" cy="10.5" r="6"/><path d="M15 15l5.5 5.5"/>',
  "my-reports":
    '<rect x="5" y="3" width="14" height="18" rx="2"/><path d="M9 8h6"/><path d="M9 12h6"/><path d="M9 16h4"/>',
  news: '<path d="M6 16V11a6 6 0 0 1 12 0v5l1.5 2h-15z"/><path d="M10 20.5a2 2 0 0 0 4 0"/>',
  quiz: '<path d="M9 18h6"/><path d="M10 21h4"/><path d="M8.5 14.5a6 6 0 1 1 7 0c-.8.6-1.5 1.5-1.5 2.5h-4c0-1-.7-1.9-1.5-2.5z"/>',
  help: '<circle cx="12" cy="12" r="9"/><path d="M9.5 9.5a2.5 2.5 0 1 1 3.5 2.3c-.7.3-1 .9-1 1.7v.5"/><path d="M12 17.5v.01"/>',
  language:
    '<circle cx="12" cy="12" r="9"/><path d="M3 12h18"/><path d="M12 3c2.5 2.7 3.8 5.7 3.8 9s-1.3 6.3-3.8 9c-2.5-2.7-3.8-5.7-3.8-9S9.5 5.7 12 3z"/>',
  console:
    '<rect x="3" y="4" width="18" height="12" rx="1.5"/><path d="M8 20h8"/><path d="M12 16v4"/><path d="M7 8h6"/><path d="M7 11h9"/>',
  cases:
    '<path d="M3 7h18v12a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1z"/><path d="M9 7V5a1 1 0 0 1 1-1h4a1 1 0 0 1 1 1v2"/><path d="M3 12h18"/>',
};

/** Tlwg fonts first (CI and the developers' machines have them), then whatever the system offers. */
const fontFamily = "Loma, Garuda, 'Noto Sans Thai', 'Noto Sans', sans-serif";

const escapeXml = (text: string): string => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

const graphemes = new Intl.Segmenter("th", { granularity: "grapheme" });

/** A font size at which the text fits the width: an estimate (bold Latin and Thai run ~0.6 em a character). */
function fittedSize(text: string, preferred: number, width: number): number {
  const count = Array.from(graphemes.segment(text)).length;
  return Math.min(preferred, Math.floor(width / (count * 0.6)));
}

function areaSvg(area: AreaDefinition, label: string, hint: string): string {
  const { x, y, width, height } = area.bounds;
  const gap = 12;
  const ink = area.primary ? colours.primaryInk : colours.ink;
  const hintInk = area.primary ? "#d9e2ef" : colours.hint;
  const centreX = x + width / 2;
  // Icon, label and hint stacked and centred as a block in the area.
  const iconSize = Math.min(150, height * 0.34);
  const labelSize = fittedSize(label, 82, width - 80);
  const hintSize = fittedSize(hint, 48, width - 80);
  const block = iconSize + 36 + labelSize + 20 + hintSize;
  const top = y + (height - block) / 2;
  const iconTop = top;
  const labelBaseline = iconTop + iconSize + 36 + labelSize * 0.8;
  const hintBaseline = labelBaseline + 20 + hintSize;
  const scale = (iconSize * 0.62) / 24;
  const iconX = centreX - 12 * scale;
  const iconY = iconTop + iconSize / 2 - 12 * scale;
  return [
    `<rect x="${x + gap}" y="${y + gap}" width="${width - 2 * gap}" height="${height - 2 * gap}" rx="36" fill="${area.primary ? colours.primary : colours.card}" stroke="${colours.line}" stroke-width="3"/>`,
    `<circle cx="${centreX}" cy="${iconTop + iconSize / 2}" r="${iconSize / 2}" fill="${area.primary ? colours.accent : colours.iconBackground}"/>`,
    `<g transform="translate(${iconX.toFixed(1)} ${iconY.toFixed(1)}) scale(${scale.toFixed(3)})" fill="none" stroke="${area.primary ? colours.primary : ink}" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">${icons[area.icon]}</g>`,
    `<text x="${centreX}" y="${labelBaseline.toFixed(1)}" font-size="${labelSize}" font-weight="bold" fill="${ink}" text-anchor="middle">${escapeXml(label)}</text>`,
    `<text x="${centreX}" y="${hintBaseline.toFixed(1)}" font-size="${hintSize}" fill="${hintInk}" text-anchor="middle">${escapeXml(hint)}</text>`,
  ].join("");
}

/** The menu's image as SVG text; identical input gives identical text. */
export function menuSvg(menu: MenuDefinition, texts: Translator): string {
  const { width, height } = menu.size;
  const areas = menu.areas
    .map((area) => areaSvg(area, texts.t(menu.locale, area.label), texts.t(menu.locale, area.hint)))
    .join("\n");
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${fontFamily}">`,
    `<rect width="${width}" height="${height}" fill="${colours.background}"/>`,
    areas,
    "</svg>",
  ].join("\n");
}

export const sha256 = (data: string | Buffer): string => createHash("sha256").update(data).digest("hex");

/** PNG with a palette: flat colours compress to well under LINE's 1 MB. */
export async function renderPng(svg: string): Promise<Buffer> {
  const { default: sharp } = await import("sharp");
  return sharp(Buffer.from(svg), { density: 72 }).png({ palette: true, compressionLevel: 9 }).toBuffer();
}
