import fs from "node:fs";
import path from "node:path";
import { localeFiles } from "../../src/i18n";

/**
 * The voice decided in docs/CONVERSATIONS.md, held against every text: formal, warm government Thai
 * (the citizen is ท่าน, no polite particles, no casual words) and formal English (no contractions
 * or slang). Word lists (words.ftl) are what people type, so they are not held to it.
 */
const root = path.join(__dirname, "../..");
const texts = (locale: "th" | "en") =>
  localeFiles(path.join(root, "locales"), locale)
    .filter((file) => path.basename(file) !== "words.ftl")
    .flatMap((file) =>
      fs
        .readFileSync(file, "utf8")
        .split("\n")
        .map((line, index) => ({ where: `${path.relative(root, file)}:${index + 1}`, line }))
        .filter(({ line }) => !line.startsWith("#")),
    );

describe("the voice of every text", () => {
  test.each([
    // จ้ะ/จ้า as a particle, not inside a word (เจ้าหน้าที่, จัดจ้าง): no Thai letter or เ before it.
    ["a polite particle (ครับ/ค่ะ/จ้ะ)", /ครับ|ค่ะ|(?<![เ\u0e08-\u0e2e])จ้[ะา]/],
    ["คุณ instead of ท่าน", /(?<!ขอบ)คุณ(?!สมบัติ|ภาพ|ค่า|ธรรม|ประโยชน์|วุฒิ)/],
    ["the casual question ไหม", /ไหม(?!้)/],
    ["casual encouragement (ได้เลย, เริ่มเลย, ส่งมาได้เลย)", /ได้เลย|เริ่มเลย|มาเลย/],
    ["casual reassurance (ไม่เป็นไร)", /ไม่เป็นไร/],
  ])("when the Thai texts are read, then none uses %s", (_what, pattern) => {
    expect(texts("th").filter(({ line }) => pattern.test(line))).toEqual([]);
  });

  test.each([
    ["a contraction", /\b(?:don't|can't|won't|isn't|aren't|it's|we're|you're|i'm|doesn't|didn't|let's)\b/i],
    ["casual words", /\b(?:no problem|hey|okay|oops|sorry)\b/i],
  ])("when the English texts are read, then none uses %s", (_what, pattern) => {
    expect(texts("en").filter(({ line }) => pattern.test(line))).toEqual([]);
  });

  test("when the Thai texts address the citizen, then they say ท่าน", () => {
    expect(texts("th").filter(({ line }) => line.includes("ท่าน")).length).toBeGreaterThan(40);
  });
});
