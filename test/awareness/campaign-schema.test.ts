import { CampaignValidationError, parseCampaignInput } from "../../src/awareness/campaign-schema";
import { campaignBody } from "./support/fixtures";

/** The field paths a body is rejected for (empty when it is valid). */
function problems(body: Record<string, unknown>): string[] {
  try {
    parseCampaignInput(body);
    return [];
  } catch (error) {
    if (!(error instanceof CampaignValidationError)) throw error;
    return error.problems.map((problem) => problem.path);
  }
}

const bubble = (bytes: number) => ({
  type: "bubble",
  body: { type: "box", layout: "vertical", contents: [{ type: "text", text: "x".repeat(bytes) }] },
});

test("when a campaign is valid, then it parses", () => {
  expect(problems(campaignBody())).toEqual([]);
});

test("when a text is longer than 5,000 UTF-16 units, then content.th[0].text is named", () => {
  // 2,501 emoji are 5,002 UTF-16 code units although only 2,501 characters.
  expect(problems(campaignBody({ content: { th: [{ type: "text", text: "🍎".repeat(2_501) }] } }))).toEqual([
    "content.th[0].text",
  ]);
  expect(problems(campaignBody({ content: { th: [{ type: "text", text: "🍎".repeat(2_500) }] } }))).toEqual(
    [],
  );
});

test("when a language has more than 5 messages, then content.<lang> is named", () => {
  const six = Array.from({ length: 6 }, () => ({ type: "text", text: "hi" }));
  expect(problems(campaignBody({ content: { en: six } }))).toEqual(["content.en"]);
});

test("when a Flex altText is over 1,500 characters, then its path is named", () => {
  expect(
    problems(
      campaignBody({ content: { th: [{ type: "flex", altText: "a".repeat(1_501), contents: bubble(10) }] } }),
    ),
  ).toEqual(["content.th[0].altText"]);
});

test("when a bubble is over 30 KB or a carousel over 50 KB, then the contents are named", () => {
  const big = { type: "flex", altText: "big", contents: bubble(31 * 1024) };
  const carousel = {
    type: "flex",
    altText: "c",
    contents: { type: "carousel", contents: [bubble(26 * 1024), bubble(26 * 1024)] },
  };
  const fine = {
    type: "flex",
    altText: "c",
    contents: { type: "carousel", contents: [bubble(20 * 1024), bubble(20 * 1024)] },
  };

  expect(problems(campaignBody({ content: { th: [big] } }))).toEqual(["content.th[0].contents"]);
  expect(problems(campaignBody({ content: { th: [carousel] } }))).toEqual(["content.th[0].contents"]);
  expect(problems(campaignBody({ content: { th: [fine] } }))).toEqual([]);
});

test("when an image URL is not https or is over 2,000 characters, then that URL field is named", () => {
  const http = { type: "image", originalContentUrl: "http://example.org/a.jpg" };
  const long = { type: "image", originalContentUrl: `https://example.org/${"a".repeat(2_000)}.jpg` };

  expect(problems(campaignBody({ content: { th: [http, long] } }))).toEqual([
    "content.th[0].originalContentUrl",
    "content.th[1].originalContentUrl",
  ]);
});

test("when a field is unknown or a message type is not supported, then they are named", () => {
  expect(problems(campaignBody({ colour: "red" }))).toEqual(["colour"]);
  expect(problems(campaignBody({ content: { th: [{ type: "sticker", packageId: "1" }] } }))).toEqual([
    "content.th[0].type",
  ]);
});

test("when the schedule is not a 5-field cron or an ISO time with a zone, then the schedule field is named", () => {
  expect(problems(campaignBody({ schedule: { cron: "0 0 10 * * *" } }))).toEqual(["schedule.cron"]);
  expect(problems(campaignBody({ schedule: { cron: "61 10 * * *" } }))).toEqual(["schedule.cron"]);
  expect(problems(campaignBody({ schedule: { at: "2026-12-01 10:00" } }))).toEqual(["schedule.at"]);
  expect(
    problems(campaignBody({ schedule: { at: "2026-12-01T10:00:00+07:00", cron: "0 10 * * *" } })),
  ).toEqual(["schedule"]);
});

test("when the topics, dates, quiet hours or default language do not make sense, then each is named", () => {
  expect(problems(campaignBody({ topics: [] }))).toEqual(["topics"]);
  expect(problems(campaignBody({ topics: ["sports"] }))).toEqual(["topics[0]"]);
  expect(
    problems(campaignBody({ startAt: "2027-02-01T00:00:00+07:00", endAt: "2027-01-01T00:00:00+07:00" })),
  ).toEqual(["endAt"]);
  expect(problems(campaignBody({ quietHours: { start: "25:00", end: "08:00" } }))).toEqual([
    "quietHours.start",
  ]);
  expect(
    problems(campaignBody({ content: { th: [{ type: "text", text: "x" }] }, defaultLocale: "en" })),
  ).toEqual(["defaultLocale"]);
});
