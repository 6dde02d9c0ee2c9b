import {
  parseCampaignInput,
  CampaignValidationError,
  type FieldProblem,
} from "../../src/awareness/campaign-schema";
import {
  bangkokInstant,
  bangkokLocal,
  fieldOf,
  formFromCampaign,
  inputFromForm,
  problemText,
  type CampaignForm,
} from "../../src/console/campaign-form";
import { colourClass, linePreview } from "../../src/console/line-preview";
import type { CampaignDocument } from "../../src/awareness/campaigns";

function problemsOf(raw: unknown): FieldProblem[] {
  try {
    parseCampaignInput(raw);
    return [];
  } catch (error) {
    if (error instanceof CampaignValidationError) return error.problems;
    throw error;
  }
}

const valid = {
  id: "gifts",
  name: "Gifts",
  topics: ["news"],
  content: { th: [{ type: "text", text: "ข้อความ" }] },
};

describe("the composer's form and the campaign schema", () => {
  test("when Bangkok wall-clock times are typed, then they become +07:00 instants and back", () => {
    expect(bangkokInstant("2026-12-15T10:00")).toBe("2026-12-15T10:00:00+07:00");
    expect(bangkokInstant("2026-13-45T10:00")).toBeUndefined();
    expect(bangkokInstant("tomorrow")).toBeUndefined();
    expect(bangkokLocal("2026-12-15T03:00:00.000Z")).toBe("2026-12-15T10:00");
  });

  test("when a slot is left empty between messages, then the schema's problem is shown at the slot the staff typed in", () => {
    const form: CampaignForm = {
      id: "gifts",
      name: "Gifts",
      topics: "news",
      "content.th[0].type": "",
      "content.th[1].type": "text",
      "content.th[1].text": "",
      scheduleKind: "none",
    };
    const { input, formPath } = inputFromForm(form);
    const [problem] = problemsOf(input);
    expect(problem!.path).toBe("content.th[0].text");
    expect(formPath(problem!.path)).toBe("content.th[1].text");
  });

  test("when Flex JSON after an empty slot does not parse, then its problem is shown at that slot", () => {
    const { problems, formPath } = inputFromForm({
      "content.th[0].type": "",
      "content.th[1].type": "text",
      "content.th[1].text": "x",
      "content.th[2].type": "flex",
      "content.th[2].contents": "{",
    });
    expect(problems.map((problem) => formPath(problem.path))).toEqual(["content.th[2].contents"]);
  });

  test("when a problem lies inside the Flex JSON, then it is placed at the Flex field", () => {
    const fields = ["content.th[0]", "content.th[0].contents", "content.th", "content"];
    expect(fieldOf("content.th[0].contents.contents", fields)).toBe("content.th[0].contents");
    expect(fieldOf("content.th", fields)).toBe("content.th");
    expect(fieldOf("sources[0].title", fields)).toBe("");
  });

  test.each([
    ["an empty text", { content: { th: [{ type: "text", text: "" }] } }],
    ["a long text", { content: { th: [{ type: "text", text: "ก".repeat(5001) }] } }],
    ["an http image", { content: { th: [{ type: "image", originalContentUrl: "http://x.org/a.jpg" }] } }],
    ["no message", { content: { th: [] } }],
    ["six messages", { content: { th: Array.from({ length: 6 }, () => ({ type: "text", text: "x" })) } }],
    ["no language", { content: {} }],
    ["no topic", { topics: [] }],
    ["a bad id", { id: "Gifts!" }],
    ["a bad time", { schedule: { at: "tomorrow" } }],
    ["both schedules", { schedule: { at: "2030-01-01T10:00:00+07:00", cron: "0 10 * * *" } }],
    ["a four-field cron", { schedule: { cron: "0 10 * *" } }],
    ["a bad clock", { quietHours: { start: "25:00", end: "08:00" } }],
    ["a default language without content", { defaultLocale: "en" }],
    ["an end before the start", { startAt: "2030-02-01T00:00:00+07:00", endAt: "2030-01-01T00:00:00+07:00" }],
    ["an empty alt text", { content: { th: [{ type: "flex", altText: "", contents: { type: "bubble" } }] } }],
    [
      "an empty carousel",
      { content: { th: [{ type: "flex", altText: "x", contents: { type: "carousel", contents: [] } }] } },
    ],
    ["an unknown kind", { content: { th: [{ type: "video" }] } }],
    ["an unknown field", { content: { th: [{ type: "text", text: "x", emoji: 1 }] } }],
    ["an empty name", { name: "" }],
  ])(
    "when the schema refuses %s, then staff read it in their language, not as the schema's English",
    (_what, change) => {
      const problems = problemsOf({ ...valid, ...change });
      expect(problems.length).toBeGreaterThan(0);
      for (const problem of problems)
        expect([problem.path, problemText(problem).key]).not.toEqual([
          problem.path,
          "console-campaign-error-other",
        ]);
    },
  );

  test("when a stored campaign is edited, then the form holds its fields and gives the same input back", () => {
    const campaign = {
      _id: "gifts",
      name: "Gifts",
      topics: ["news", "officials"],
      content: {
        th: [
          { type: "text", text: "ข้อความ" },
          {
            type: "image",
            originalContentUrl: "https://x.org/a.jpg",
            previewImageUrl: "https://x.org/a.jpg",
          },
        ],
        en: [{ type: "flex", altText: "Alt", contents: { type: "bubble" } }],
      },
      defaultLocale: "th",
      audience: { provinces: ["chiang-mai"] },
      schedule: { cron: "0 10 * * 2" },
      endAt: new Date("2030-01-01T03:00:00Z"),
      quietHours: false,
      sources: [{ title: "NACC notification B.E. 2563" }],
      status: "scheduled",
    } as unknown as CampaignDocument;
    const { input, problems } = inputFromForm(formFromCampaign(campaign), campaign);
    expect(problems).toEqual([]);
    expect(parseCampaignInput(input)).toMatchObject({
      id: "gifts",
      topics: ["news", "officials"],
      content: {
        th: [
          { type: "text", text: "ข้อความ" },
          { type: "image", originalContentUrl: "https://x.org/a.jpg" },
        ],
        en: [{ type: "flex", altText: "Alt", contents: { type: "bubble" } }],
      },
      audience: { provinces: ["chiang-mai"] },
      schedule: { cron: "0 10 * * 2" },
      endAt: "2030-01-01T10:00:00+07:00",
      quietHours: false,
      sources: [{ title: "NACC notification B.E. 2563" }],
    });
  });
});

describe("the LINE-style preview", () => {
  const labels = { image: "Image", emptyFlex: "Nothing to draw" };

  test("when text, a carousel and quick replies are drawn, then each is in LINE's shape and all text is escaped", () => {
    const drawn = linePreview(
      [
        { type: "text", text: "<b>bold?</b>" },
        {
          type: "flex",
          altText: "x",
          contents: {
            type: "carousel",
            contents: [
              {
                type: "bubble",
                body: { type: "box", layout: "horizontal", contents: [{ type: "text", text: "A", flex: 2 }] },
              },
              { type: "bubble", hero: { type: "image", url: "https://x.org/h.jpg", aspectMode: "cover" } },
            ],
          },
        },
        {
          type: "text",
          text: "last",
          quickReply: {
            items: [{ type: "action", action: { type: "postback", label: "Stop", data: "c=unsubscribe" } }],
          },
        },
      ] as never,
      labels,
    ).value;
    expect(drawn).toContain("&lt;b&gt;bold?&lt;/b&gt;");
    expect(drawn).not.toContain("<b>");
    expect(drawn.match(/class="flex-bubble"/g)).toHaveLength(2);
    expect(drawn).toMatch(/class="flex-text[^"]*flex-w2[^"]*in-horizontal/);
    expect(drawn).toContain('src="https://x.org/h.jpg"');
    expect(drawn).toContain('<span class="line-quick-item">Stop</span>');
  });

  test("when a Flex message has nothing drawable, then the preview says so instead of an empty bubble", () => {
    const drawn = linePreview(
      [{ type: "flex", altText: "x", contents: { type: "bubble" } }] as never,
      labels,
    ).value;
    expect(drawn).toContain("Nothing to draw");
  });

  test("when colours are given, then they round to the palette; anything else gives no class", () => {
    expect(colourClass("fc", "#ffffff")).toBe("fc-333");
    expect(colourClass("bg", "#000000CC")).toBe("bg-000");
    expect(colourClass("fc", "red")).toBe("");
    expect(colourClass("fc", '#fff" onload="x')).toBe("");
  });
});
