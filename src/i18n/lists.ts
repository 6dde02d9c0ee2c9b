import type { Locale } from "./index";

const englishList = new Intl.ListFormat("en", { style: "long", type: "conjunction" });

/**
 * A list as each language writes it: "news, knowledge, and reporting" in English (Intl), and in Thai
 * as official Thai writes it: items apart by a space, "และ" before the last one and joined to it,
 * "ข่าวและกิจกรรม ความรู้ต้านทุจริต และการแจ้งเบาะแส". ICU's Thai pattern for two items leaves out the
 * space too ("ข่าวและกิจกรรมและการแจ้งเบาะแส"), which cannot be read when an item itself contains
 * "และ", so the Thai form is written here.
 */
export function listOf(locale: Locale, items: readonly string[]): string {
  if (locale === "en") return englishList.format(items);
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(" ")} และ${items.at(-1)}`;
}
