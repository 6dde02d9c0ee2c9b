import fs from "node:fs";
import path from "node:path";
import { campaignFiles, readCampaignFile } from "../../src/awareness/content-files";
import { normalizeCampaign } from "../../src/awareness/campaign-schema";
import { campaignMessages } from "../../src/awareness/run-plan";
import type { CampaignDocument } from "../../src/awareness/campaigns";
import { Checker, checkMessages } from "../../src/dev/line-platform/validation";
import { loadTranslator, supportedLocales } from "../../src/i18n";
import { projectRoot } from "../../src/context";

const folder = path.join(projectRoot, "scripts", "content");
const files = campaignFiles(folder);
const texts = loadTranslator(path.join(projectRoot, "locales"));

test("when the starter content is loaded, then there are at least 8 valid campaigns, each in Thai and English", () => {
  expect(files.length).toBeGreaterThanOrEqual(8);
  for (const file of files) {
    const { input } = readCampaignFile(file);
    expect(Object.keys(input.content).sort()).toEqual(["en", "th"]);
  }
});

test.each(files.map((file) => [path.basename(file), file]))(
  "when %s is sent as LINE would receive it, then the platform's message checks pass",
  (_name, file) => {
    const { input } = readCampaignFile(file);
    const normalized = normalizeCampaign(input);
    const campaign = { ...normalized, _id: input.id, revision: 1 } as unknown as CampaignDocument;
    for (const locale of supportedLocales) {
      const checker = new Checker();
      checkMessages(checker, campaignMessages(campaign, locale, texts));
      expect(checker.details).toEqual([]);
    }
  },
);

test("when content states the NACC gift limit, then the campaign cites the B.E. 2563 notification in its sources", () => {
  const stating = files.filter((file) => /3,000/.test(fs.readFileSync(file, "utf8")));

  expect(stating.length).toBeGreaterThan(0);
  for (const file of stating) {
    const { input } = readCampaignFile(file);
    expect(
      input.sources?.some(
        (source) => /2563/.test(source.title) && /ป\.ป\.ช\.|ป้องกันและปราบปรามการทุจริตแห่งชาติ/.test(source.title),
      ),
    ).toBe(true);
  }
});

test("when the starter topics are listed, then every subject the office asked for is covered", () => {
  const ids = files.map((file) => readCampaignFile(file).input.id);

  expect(ids).toEqual(
    expect.arrayContaining([
      "what-is-corruption",
      "conflict-of-interest",
      "gifts-and-hospitality",
      "report-safely",
      "protection-of-reporters",
      "follow-your-case",
      "refusing-improper-requests",
      "damrongdhama-centres",
    ]),
  );
});
