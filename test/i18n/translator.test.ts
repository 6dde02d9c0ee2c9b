import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadTranslator, MissingTextError } from "../../src/i18n";

/** A translator over two tiny locale files, to check what formatting once per language keeps. */
function translatorOf(th: string, en: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "locales-"));
  fs.writeFileSync(path.join(dir, "th.ftl"), th);
  fs.writeFileSync(path.join(dir, "en.ftl"), en);
  return loadTranslator(dir);
}

describe("translator", () => {
  const texts = translatorOf(
    "hello = สวัสดี\ngreet = สวัสดี { $name }\nonly-thai = ภาษาไทย\nneeds-count = { $count } รายการ\n",
    "hello = Hello\ngreet = Hello { $name }\nneeds-count = { $count } items\n",
  );

  test("when a text without arguments is asked again, then each language gets its own text", () => {
    expect([texts.t("th", "hello"), texts.t("en", "hello")]).toEqual(["สวัสดี", "Hello"]);
    expect([texts.t("en", "hello"), texts.t("th", "hello")]).toEqual(["Hello", "สวัสดี"]);
  });

  test("when a text with arguments is asked with other arguments, then each call is formatted with its own", () => {
    expect(texts.t("en", "greet", { name: "Somchai" })).toBe("Hello Somchai");
    expect(texts.t("en", "greet", { name: "Malee" })).toBe("Hello Malee");
  });

  test("when a key exists only in Thai, then English falls back to it every time", () => {
    expect(texts.t("en", "only-thai")).toBe("ภาษาไทย");
    expect(texts.t("en", "only-thai")).toBe("ภาษาไทย");
  });

  test("when a text that needs an argument is asked without it, then it fails every time", () => {
    expect(() => texts.t("en", "needs-count")).toThrow(/needs-count/);
    expect(() => texts.t("en", "needs-count")).toThrow(/needs-count/);
    expect(() => texts.t("en", "no-such-key")).toThrow(MissingTextError);
  });
});
