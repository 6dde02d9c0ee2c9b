import fs from "node:fs";
import path from "node:path";
import type * as Fluent from "@fluent/bundle" with { "resolution-mode": "import" };

// @fluent/bundle ships CommonJS at its main entry but types only for its ES module build.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { FluentBundle, FluentResource } = require("@fluent/bundle") as typeof Fluent;
type FluentBundle = Fluent.FluentBundle;

export const supportedLocales = ["th", "en"] as const;
export type Locale = (typeof supportedLocales)[number];
/** Thai: the office's language, and everyone's until they (or their LINE profile) choose English. */
export const defaultLocale: Locale = "th";

/** The other language: what the language button switches to. */
export function otherLocale(locale: Locale): Locale {
  return locale === "th" ? "en" : "th";
}

/** Dates as each language's readers expect them: Buddhist-era years in Thai, day-month-year in English. */
export function dateLocaleTag(locale: Locale): string {
  return locale === "th" ? "th-TH-u-ca-buddhist" : "en-GB";
}

/** The name of a place (or anything named in both languages) in the reader's language. */
export function nameIn(locale: Locale, named: { nameTh: string; nameEn: string }): string {
  return locale === "th" ? named.nameTh : named.nameEn;
}

export type TextArgs = Record<string, Fluent.FluentVariable>;

/** Translates locale keys; every user-facing text goes through here (texts live in locales/*.ftl). */
export interface Translator {
  t(locale: Locale, key: string, args?: TextArgs): string;
  has(locale: Locale, key: string): boolean;
  keys(locale: Locale): string[];
}

export class MissingTextError extends Error {
  constructor(key: string) {
    super(`no text for key "${key}" in any locale`);
    this.name = "MissingTextError";
  }
}

/**
 * Loads `locales/<lang>.ftl` and `locales/<lang>/*.ftl` (Fluent: parameters, plurals and selectors live in the text files).
 * A key missing in one language falls back to Thai; a key missing everywhere is a programming error.
 * Syntax errors in a file stop the start-up, naming the file.
 */
export function loadTranslator(localesDir: string): Translator {
  const bundles = new Map<Locale, FluentBundle>();
  const ids = new Map<Locale, string[]>();
  for (const locale of supportedLocales) {
    // useIsolating: no Unicode isolation marks around arguments, which LINE would show as odd characters.
    const bundle = new FluentBundle(locale, { useIsolating: false });
    const localeIds: string[] = [];
    for (const file of localeFiles(localesDir, locale)) {
      const resource = new FluentResource(fs.readFileSync(file, "utf8"));
      const errors = bundle.addResource(resource);
      if (errors.length > 0) throw new Error(`${file}: ${errors.map((e) => e.message).join("; ")}`);
      localeIds.push(...resource.body.map((entry) => entry.id));
    }
    bundles.set(locale, bundle);
    ids.set(locale, localeIds);
  }

  const format = (bundle: FluentBundle, key: string, args?: TextArgs): string | undefined => {
    const message = bundle.getMessage(key);
    if (!message?.value) return undefined;
    const errors: Error[] = [];
    const text = bundle.formatPattern(message.value, args, errors);
    if (errors.length > 0) throw new Error(`text "${key}": ${errors.map((e) => e.message).join("; ")}`);
    return text;
  };

  // A text without arguments formats to the same string every time (Fluent has no state): the menus'
  // labels and the idle prompt are formatted once per language, not at every turn. Bounded by the keys.
  const constants = new Map<Locale, Map<string, string>>(
    supportedLocales.map((locale) => [locale, new Map()]),
  );

  return {
    t(locale, key, args) {
      const known = args === undefined ? constants.get(locale)!.get(key) : undefined;
      if (known !== undefined) return known;
      const text = format(bundles.get(locale)!, key, args) ?? format(bundles.get(defaultLocale)!, key, args);
      if (text === undefined) throw new MissingTextError(key);
      if (args === undefined) constants.get(locale)!.set(key, text);
      return text;
    },
    has(locale, key) {
      return bundles.get(locale)!.hasMessage(key);
    },
    keys(locale) {
      return ids.get(locale)!.filter((id) => !id.startsWith("-")); // "-term"s are shared fragments, not keys
    },
  };
}

/** LINE profile languages are BCP 47 tags ("th", "en", "en-US", "ja"); anything else falls back to Thai. */
export function localeFromLanguageTag(tag: string | undefined): Locale | undefined {
  const primary = tag?.toLowerCase().split("-")[0];
  return supportedLocales.find((locale) => locale === primary);
}

export function isLocale(value: unknown): value is Locale {
  return supportedLocales.includes(value as Locale);
}

/** One main file per language, plus one file per feature area in a folder of the same name. */
export function localeFiles(localesDir: string, locale: Locale): string[] {
  const main = path.join(localesDir, `${locale}.ftl`);
  const folder = path.join(localesDir, locale);
  const extra = fs.existsSync(folder)
    ? fs
        .readdirSync(folder)
        .filter((name) => name.endsWith(".ftl"))
        .sort()
        .map((name) => path.join(folder, name))
    : [];
  return [main, ...extra];
}
