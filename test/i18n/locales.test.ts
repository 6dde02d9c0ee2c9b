import fs from "node:fs";
import path from "node:path";
import { loadTranslator, supportedLocales } from "../../src/i18n";

const root = path.join(__dirname, "../..");
const texts = loadTranslator(path.join(root, "locales"));

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

// src/dev is the developer's emulator and fake platform: not user-facing.
const productionSources = [
  ...sourceFiles(path.join(root, "src")),
  ...sourceFiles(path.join(root, "flows")),
].filter((file) => !file.includes(`${path.sep}src${path.sep}dev${path.sep}`));
const code = productionSources.map((file) => fs.readFileSync(file, "utf8")).join("\n");
const templatePrefixes = [...code.matchAll(/`([a-z][a-z0-9-]*-)\$\{/g)].map((match) => match[1]!);

describe("locales", () => {
  test.each(supportedLocales)(
    "when %s is compared with every other language, then no key is missing",
    (locale) => {
      const own = new Set(texts.keys(locale));
      for (const other of supportedLocales) {
        const missing = texts.keys(other).filter((key) => !own.has(key));
        expect({ locale, missing }).toEqual({ locale, missing: [] });
      }
    },
  );

  test("when the sources are searched, then every text key is used", () => {
    const unused = texts
      .keys("th")
      .filter(
        (key) => !code.includes(`"${key}"`) && !templatePrefixes.some((prefix) => key.startsWith(prefix)),
      );
    expect(unused).toEqual([]);
  });

  test("when the sources quote a text key, then it exists", () => {
    const quoted = [
      ...code.matchAll(/(?:key|prompt|label|reviewLabel|cancelled|errorKey): "([a-z][a-z0-9-]+)"/g),
    ].map((m) => m[1]!);
    expect(quoted.length).toBeGreaterThan(50);
    expect(quoted.filter((key) => !texts.has("th", key))).toEqual([]);
  });

  test("when the sources build messages, then no user-facing text is written in code", () => {
    // A literal given as text or a label must be a locale key, never words.
    const literal =
      /\b(?:text|altText|label|displayText):\s*["'`]([^"'`]*)["'`]|textMessage\(\s*["'`]([^"'`]*)/g;
    const offenders = productionSources.flatMap((file) =>
      fs
        .readFileSync(file, "utf8")
        .split("\n")
        .flatMap((line, index) =>
          [...line.matchAll(literal)]
            .map((match) => match[1] ?? match[2] ?? "")
            .filter(
              (value) =>
                !value.startsWith("${") && /[A-Za-z\u0E00-\u0E7F]/.test(value) && !texts.has("th", value),
            )
            .map((value) => `${path.relative(root, file)}:${index + 1} ${value}`),
        ),
    );
    expect(offenders).toEqual([]);
  });

  test.each(supportedLocales)(
    "when %s labels a quick-reply button, then the label fits LINE's 20 characters",
    (locale) => {
      const segmenter = new Intl.Segmenter(locale, { granularity: "grapheme" });
      const labels = texts.keys(locale).filter((key) => /^(choice|category|agency|menu)-/.test(key));
      const tooLong = labels.filter((key) => [...segmenter.segment(texts.t(locale, key))].length > 20);
      expect(tooLong).toEqual([]);
    },
  );
});
