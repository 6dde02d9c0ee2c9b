/**
 * The rich menus, as data: which areas each menu has, what a tap does, which texts label it and
 * which icon it shows. LINE shows one image per menu, so each language has its own menu: Thai is the
 * default for everyone; a citizen who switches to English (or whose LINE is in English) is linked to
 * the English menu, and officers get the officer menu of their language when they enroll. The
 * language area is a `richmenuswitch`, so LINE swaps the menu on the phone at once and the bot gets
 * the language postback. See docs/RICH-MENU.md.
 */
import type { messagingApi } from "@line/bot-sdk";
import { otherLocale, type Locale, type Translator } from "../i18n";
import { commandPostback } from "../conversation/postback";

export type Audience = "citizen" | "officer";
export type MenuKey = `${Audience}-${Locale}`;
export type IconName =
  "report" | "status" | "my-reports" | "news" | "quiz" | "help" | "language" | "cases" | "console";

/** What a tap does, before it is turned into a LINE action for one language. */
export type AreaAction =
  /** A command postback (`c=<command>`), echoed in the chat as the label (displayText). */
  | { kind: "command"; command: string; value?: string }
  /** Sends a text message, for commands the bot reads as typed text (officers' case list). */
  | { kind: "text"; key: string }
  /** Shows another menu (LINE switches it on the phone) and sends the language postback. */
  | { kind: "language"; to: Locale };

/** Pixels on the menu's image; LINE's SDK types leave every field optional, these are all required. */
export interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface AreaDefinition {
  bounds: Bounds;
  icon: IconName;
  /** Locale keys of the big label (also the action's label, ≤ 20 graphemes) and the small line under it. */
  label: string;
  hint: string;
  action: AreaAction;
  /** The one area drawn in the office's colour: what most people come for. */
  primary?: boolean;
}

export interface MenuDefinition {
  key: MenuKey;
  audience: Audience;
  locale: Locale;
  /** Also the rich menu alias id (a-z, 0-9, _ and -, at most 32 characters). */
  alias: string;
  size: { width: number; height: number };
  chatBarText: string;
  areas: AreaDefinition[];
}

/** 2500 × 843: LINE's compact size, which leaves a phone most of its screen for the chat. */
const size = { width: 2500, height: 843 };
const row = [0, 421] as const;
const rowHeight = [421, 422] as const;
const cell = (column: number, rowIndex: 0 | 1, columns = 1): Bounds => ({
  x: column * 625,
  y: row[rowIndex],
  width: 625 * columns,
  height: rowHeight[rowIndex],
});
const fullHeight = (column: number): Bounds => ({
  x: column * 625,
  y: 0,
  width: 625,
  height: 843,
});

export const aliasOf = (audience: Audience, locale: Locale): string => `tipline-${audience}-${locale}`;

function citizenMenu(locale: Locale): MenuDefinition {
  return {
    key: `citizen-${locale}`,
    audience: "citizen",
    locale,
    alias: aliasOf("citizen", locale),
    size,
    chatBarText: "rich-menu-bar",
    areas: [
      {
        bounds: cell(0, 0, 2),
        icon: "report",
        label: "rich-menu-report",
        hint: "rich-menu-report-hint",
        action: { kind: "command", command: "report" },
        primary: true,
      },
      {
        bounds: cell(2, 0),
        icon: "status",
        label: "rich-menu-status",
        hint: "rich-menu-status-hint",
        action: { kind: "command", command: "status" },
      },
      {
        bounds: cell(3, 0),
        icon: "my-reports",
        label: "rich-menu-my-reports",
        hint: "rich-menu-my-reports-hint",
        action: { kind: "command", command: "my-reports" },
      },
      {
        bounds: cell(0, 1),
        icon: "news",
        label: "rich-menu-news",
        hint: "rich-menu-news-hint",
        action: { kind: "command", command: "news" },
      },
      {
        bounds: cell(1, 1),
        icon: "quiz",
        label: "rich-menu-quiz",
        hint: "rich-menu-quiz-hint",
        action: { kind: "command", command: "quiz" },
      },
      {
        bounds: cell(2, 1),
        icon: "help",
        label: "rich-menu-help",
        hint: "rich-menu-help-hint",
        action: { kind: "command", command: "help" },
      },
      {
        bounds: cell(3, 1),
        icon: "language",
        label: "rich-menu-language",
        hint: "rich-menu-language-hint",
        action: { kind: "language", to: otherLocale(locale) },
      },
    ],
  };
}

/** Officers keep the citizen commands they need (status by code, report, help) beside their case list and the web console. */
function officerMenu(locale: Locale): MenuDefinition {
  return {
    key: `officer-${locale}`,
    audience: "officer",
    locale,
    alias: aliasOf("officer", locale),
    size,
    chatBarText: "rich-menu-officer-bar",
    areas: [
      {
        bounds: fullHeight(0),
        icon: "cases",
        label: "rich-menu-officer-cases",
        hint: "rich-menu-officer-cases-hint",
        action: { kind: "text", key: "rich-menu-officer-cases-command" },
        primary: true,
      },
      {
        // Typed text, as the officer feature reads `/console`: the bot answers with a sign-in link.
        bounds: fullHeight(1),
        icon: "console",
        label: "rich-menu-officer-console",
        hint: "rich-menu-officer-console-hint",
        action: { kind: "text", key: "rich-menu-officer-console-command" },
      },
      {
        bounds: cell(2, 0),
        icon: "status",
        label: "rich-menu-status",
        hint: "rich-menu-status-hint",
        action: { kind: "command", command: "status" },
      },
      {
        bounds: cell(3, 0),
        icon: "report",
        label: "rich-menu-report",
        hint: "rich-menu-report-hint",
        action: { kind: "command", command: "report" },
      },
      {
        bounds: cell(2, 1, 2),
        icon: "help",
        label: "rich-menu-help",
        hint: "rich-menu-help-hint",
        action: { kind: "command", command: "help" },
      },
    ],
  };
}

/** Every menu the bot uses; the first is the channel's default. */
export const menus: readonly MenuDefinition[] = [
  citizenMenu("th"),
  citizenMenu("en"),
  officerMenu("th"),
  officerMenu("en"),
];

export const defaultMenu = menus[0]!;

export function menuFor(audience: Audience, locale: Locale): MenuDefinition {
  return menus.find((menu) => menu.audience === audience && menu.locale === locale)!;
}

/** The LINE action of one area, with its texts in the menu's language. */
export function lineAction(area: AreaDefinition, locale: Locale, texts: Translator): messagingApi.Action {
  const label = texts.t(locale, area.label);
  switch (area.action.kind) {
    case "command":
      return {
        type: "postback",
        label,
        data: commandPostback(area.action.command, area.action.value),
        displayText: label,
      };
    case "text":
      return { type: "message", label, text: texts.t(locale, area.action.key) };
    case "language":
      return {
        type: "richmenuswitch",
        label,
        richMenuAliasId: aliasOf("citizen", area.action.to),
        data: commandPostback("language", area.action.to),
      };
  }
}

/** A rich menu object as LINE takes it, without its name (which carries the version; see sync.ts). */
export interface LineRichMenu {
  size: { width: number; height: number };
  selected: boolean;
  chatBarText: string;
  areas: Array<{ bounds: Bounds; action: messagingApi.Action }>;
}

export function lineRichMenu(menu: MenuDefinition, texts: Translator): LineRichMenu {
  return {
    size: menu.size,
    // Open by default: the menu is how most people start.
    selected: true,
    chatBarText: texts.t(menu.locale, menu.chatBarText),
    areas: menu.areas.map((area) => ({ bounds: area.bounds, action: lineAction(area, menu.locale, texts) })),
  };
}
