import fs from "node:fs";
import path from "node:path";
import { loadTranslator } from "../../src/i18n";
import { closeReasons } from "../../src/officers/postback";
import { officerRoles } from "../../src/officers/roles";
import { tipStatuses } from "../../src/tips/tip";

const root = path.join(__dirname, "../..");
const keysOf = (locale: string) =>
  fs
    .readFileSync(path.join(root, "locales", locale, "officers.ftl"), "utf8")
    .split("\n")
    .map((line) => /^([a-z][a-z0-9-]*) =/.exec(line)?.[1])
    .filter((key): key is string => key !== undefined);

const sources = ["src/officers", "src/admin", "flows/reporter-reply.ts"]
  .flatMap((entry) => {
    const full = path.join(root, entry);
    return fs.statSync(full).isDirectory()
      ? fs.readdirSync(full).map((name) => path.join(full, name))
      : [full];
  })
  .map((file) => fs.readFileSync(file, "utf8"))
  .join("\n");

/** Keys built at run time from a value: every member of the family must exist. */
const dynamicFamilies = [
  ...[
    "not-enrolled",
    "revoked",
    "role",
    "scope",
    "private-chat-only",
    "unidentified",
    "group-not-enrolled",
    "group-scope",
    "assignee-scope",
  ].map((r) => `officer-refused-${r}`),
  ...officerRoles.map((role) => `officer-role-${role}`),
  ...closeReasons.map((reason) => `officer-close-reason-${reason}`),
  ...["image", "video", "audio", "file"].map((kind) => `officer-evidence-kind-${kind}`),
  ...["ack", "view", "ask", "status", "assign", "cancel"].map((verb) => `officer-button-${verb}`),
  ...tipStatuses.filter((status) => status !== "received").map((status) => `officer-set-${status}`),
];

describe("officer and reply texts", () => {
  test("when both languages are loaded, then they define the same keys", () => {
    expect(keysOf("en").sort()).toEqual(keysOf("th").sort());
  });

  test("when the texts load with the main files, then no key clashes and every dynamic key exists", () => {
    const texts = loadTranslator(path.join(root, "locales"));
    for (const key of dynamicFamilies) {
      expect([key, texts.has("th", key) && texts.has("en", key)]).toEqual([key, true]);
    }
  });

  test("when the code is scanned, then every officer text is used", () => {
    const unused = keysOf("th").filter(
      (key) => !sources.includes(`"${key}"`) && !dynamicFamilies.includes(key),
    );
    expect(unused).toEqual([]);
  });

  test.each(["th", "en"] as const)(
    "when %s labels an officer quick reply, then it fits LINE's 20 characters",
    (locale) => {
      const texts = loadTranslator(path.join(root, "locales"));
      const segmenter = new Intl.Segmenter(locale, { granularity: "grapheme" });
      const labels = texts
        .keys(locale)
        .filter((key) =>
          /^(officer-set-|officer-close-reason-|officer-button-cancel|reply-button-)/.test(key),
        );
      expect(labels.filter((key) => [...segmenter.segment(texts.t(locale, key))].length > 20)).toEqual([]);
    },
  );
});
