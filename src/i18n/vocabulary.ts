import { supportedLocales, type Locale, type TextArgs, type Translator } from "./index";
import { normalizeThaiDigits } from "./thai-digits";

/**
 * Polite endings people add to what they type ("ยกเลิกค่ะ", "ใช่ครับ", "ไม่มีนะคะ"): they change the
 * tone, not the meaning, so a typed answer is read without them.
 */
const politeEnding = /(?:นะ)?(?:ครับผม|ครับ|คับ|ค่ะ|คะ|ค่า|จ้ะ|จ้า|จ๊ะ)$|นะ$/u;

/**
 * The form in which typed words are compared: Thai digits as ASCII, lower case, without spaces,
 * punctuation, emoji or a polite ending. "ยินยอม เริ่มเลย", "ยินยอมเริ่มเลย" and "ยินยอม, เริ่มเลยค่ะ"
 * are one answer; so are "Not now" and "not now". Thai vowel and tone marks are kept: they are letters.
 */
export function typedForm(text: string): string {
  const bare = normalizeThaiDigits(text.normalize("NFC"))
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, "");
  const plain = bare.replace(politeEnding, "");
  return plain.length > 0 ? plain : bare;
}

/**
 * What typed words mean, from the texts in `locales/`: the words a citizen may type for an answer
 * (`words-*` keys, one word or phrase a line, in `locales/<lang>/words.ftl`) and every button label,
 * in every language — a Thai chat may type "cancel" and an English one "ยกเลิก". Word lists live in
 * the locale files for the same reason labels do: whoever rewords a button adds its synonyms beside it.
 */
export class Vocabulary {
  private readonly cache = new Map<string, ReadonlySet<string>>();
  /** A label's typed form in one language ("th:button-cancel"): labels without arguments do not change. */
  private readonly localeForms = new Map<string, string>();
  /** The last text asked about and its typed form: a step asks about one text for many keys in a row. */
  private lastText = "";
  private lastTyped = "";

  constructor(private readonly texts: Translator) {}

  /** Whether `text` says `key`: one of its lines (a word list) or its whole text (a label), in any language. */
  says(text: string, key: string, args?: TextArgs): boolean {
    const typed = this.typed(text);
    return typed.length > 0 && this.forms(key, args).has(typed);
  }

  /** Whether `text` says, in some language, the phrase `phrase` builds in it ("แก้ไข: สถานที่"). */
  saysIn(text: string, phrase: (locale: Locale) => string): boolean {
    const typed = this.typed(text);
    return typed.length > 0 && supportedLocales.some((locale) => typedForm(phrase(locale)) === typed);
  }

  /** Whether `text` says `key` as it reads in one language (a label that means something else in the other). */
  saysInLocale(text: string, key: string, locale: Locale): boolean {
    const typed = this.typed(text);
    if (typed.length === 0 || !this.texts.has(locale, key)) return false;
    const cacheKey = `${locale}:${key}`;
    let form = this.localeForms.get(cacheKey);
    if (form === undefined) {
      form = typedForm(this.texts.t(locale, key));
      this.localeForms.set(cacheKey, form);
    }
    return form === typed;
  }

  /** The first of `keys` that `text` says, if any. */
  which<K extends string>(text: string, keys: readonly K[]): K | undefined {
    return keys.find((key) => this.says(text, key));
  }

  private typed(text: string): string {
    if (text !== this.lastText) {
      this.lastTyped = typedForm(text);
      this.lastText = text;
    }
    return this.lastTyped;
  }

  private forms(key: string, args?: TextArgs): ReadonlySet<string> {
    // Labels with arguments ("สันทราย (เชียงใหม่)") are few and vary: they are not cached.
    const cached = args ? undefined : this.cache.get(key);
    if (cached) return cached;
    const forms = new Set<string>();
    for (const locale of supportedLocales) {
      if (!this.texts.has(locale, key)) continue;
      const text = this.texts.t(locale, key, args);
      forms.add(typedForm(text));
      for (const line of text.split("\n")) if (line.trim()) forms.add(typedForm(line));
    }
    if (!args) this.cache.set(key, forms);
    return forms;
  }
}
