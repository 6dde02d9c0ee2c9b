import fs from "node:fs";
import path from "node:path";
import { loadTranslator, supportedLocales } from "../../src/i18n";
import { projectRoot } from "../../src/context";
import { graphemeLength } from "../../src/dev/line-platform";
import { topics, topicLabelKey } from "../../src/awareness/topics";

const texts = loadTranslator(path.join(projectRoot, "locales"));
const ownKeys = (locale: "th" | "en") =>
  fs
    .readFileSync(path.join(projectRoot, "locales", locale, "awareness.ftl"), "utf8")
    .split("\n")
    .map((line) => /^([a-z][\w-]*) =/.exec(line)?.[1])
    .filter((key): key is string => Boolean(key));

/** Every source file that may name an awareness text key. */
const sources = [
  ...fs
    .readdirSync(path.join(projectRoot, "src", "awareness"))
    .map((name) => path.join(projectRoot, "src", "awareness", name)),
  path.join(projectRoot, "flows", "quiz.ts"),
]
  .filter((file) => file.endsWith(".ts"))
  .map((file) => fs.readFileSync(file, "utf8"))
  .join("\n");

test("when the awareness texts are loaded, then Thai and English define the same keys", () => {
  expect(ownKeys("en").sort()).toEqual(ownKeys("th").sort());
});

test("when a key is defined, then the code uses it (directly, or as a topic label or a quiz step key)", () => {
  const dynamic = new Set([...topics.map(topicLabelKey)]);
  const quizIds = [...sources.matchAll(/id: "([a-z-]+)", corrupt/g)].map((match) => match[1]!);
  for (const id of quizIds) {
    dynamic.add(`quiz-${id}`);
    dynamic.add(`quiz-${id}-explain`);
  }
  const unused = ownKeys("th").filter((key) => !dynamic.has(key) && !sources.includes(`"${key}"`));
  expect(unused).toEqual([]);
});

test("when a button label is shown, then it fits LINE's 20-character limit, ticked topics included", () => {
  for (const locale of supportedLocales) {
    const labels = ownKeys(locale)
      .filter((key) => /^(awareness-(choice|menu)|quiz-choice)-/.test(key))
      .map((key) => texts.t(locale, key));
    for (const topic of topics)
      labels.push(
        texts.t(locale, "awareness-topic-selected", { topic: texts.t(locale, topicLabelKey(topic)) }),
      );
    for (const label of labels) expect(graphemeLength(label)).toBeLessThanOrEqual(20);
  }
});

test("when Thai texts are read, then they use neutral politeness (no ครับ or ค่ะ)", () => {
  const thai = ownKeys("th").map((key) =>
    texts.t("th", key, {
      topics: "",
      topic: "",
      language: "",
      number: 1,
      total: 8,
      score: 1,
      band: "low",
      result: "right",
      province: "",
    }),
  );
  for (const text of thai) expect(text).not.toMatch(/ครับ|ค่ะ/);
});
