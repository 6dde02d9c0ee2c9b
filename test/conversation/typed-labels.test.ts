/**
 * "Typing any shown label at any step has the same effect as tapping it" (issue 10). A citizen is
 * walked through every step of every flow, each follow-up question of the place and evidence steps
 * included; at each one, for every button on screen, the conversation is set back to the same saved
 * state twice: once the button is tapped, once its label is typed, and the two outcomes (the state
 * the bot saved and what it answered) must be the same. Buttons that only the phone can act on (the
 * map, the calendar) are told so when typed, and nothing changes. At every step, a wrong answer is
 * also checked to name no button that is not on screen, every tap to be echoed in the chat, and
 * every text on a card to wrap.
 */
import type { messagingApi } from "@line/bot-sdk";
import sharp from "sharp";
import { startHarness, type Harness } from "../support/harness";
import { TestUser } from "../support/test-user";
import { supportedLocales, type Locale } from "../../src/i18n";
import { typedForm } from "../../src/i18n/vocabulary";

// Hundreds of webhooks per walk: a bound for a crowded CI machine, not a speed requirement.
jest.setTimeout(600_000);

type Message = messagingApi.Message & { quickReply?: messagingApi.QuickReply };

/** A button on screen: a quick reply or a postback button on a card. */
interface ShownButton {
  label: string;
  type: string;
  data?: string;
  displayText?: string;
  /** On a Flex card (the review's edit buttons, the district carousel) rather than a quick reply. */
  card: boolean;
}

const sanSai = { latitude: 18.93, longitude: 99.014, address: "99/1 หมู่ 3 ซอยร่มเย็น" };

describe("typing a shown label is the same as tapping it", () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness();
    // A tap and its typed label must meet the same clock (a flow records when it started).
    harness.clock.freeze();
  });
  afterAll(async () => {
    await harness.stop();
  });
  // Every label is tried twice at every step: stay clear of the 30-messages-a-minute limit.
  beforeEach(() => harness.clock.advance(61_000));

  const conversations = () => harness.service.context.connection.collection("conversations");
  const keyOf = (user: TestUser) => harness.service.context.pseudonym("reporter", user.userId);

  /** The saved conversation, as it is stored (restoring it puts the chat back exactly there). */
  const snapshot = async (user: TestUser) => conversations().findOne({ _id: keyOf(user) as never });

  const restore = async (user: TestUser, saved: Awaited<ReturnType<typeof snapshot>>) => {
    await conversations().replaceOne({ _id: keyOf(user) as never }, saved!, { upsert: true });
  };

  /** What matters of a saved state: its revision, language and the (opened) flow. */
  const stateOf = async (user: TestUser) => {
    const doc = await snapshot(user);
    const sealed = doc?.flow as string | undefined;
    return {
      revision: doc?.revision,
      locale: doc?.locale,
      flow: sealed ? JSON.parse(harness.service.context.sealer.openText(sealed, "conversations.flow")) : null,
    };
  };

  const shown = (messages: Message[]): ShownButton[] => {
    const buttons: ShownButton[] = (messages.at(-1)?.quickReply?.items ?? []).map((item) => {
      const action = item.action as { type: string; label: string; data?: string; displayText?: string };
      return { ...action, card: false };
    });
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === "object") {
        const record = node as Record<string, unknown>;
        if (record.type === "button") {
          const action = record.action as {
            type: string;
            label: string;
            data?: string;
            displayText?: string;
          };
          if (action.type === "postback") buttons.push({ ...action, card: true });
        }
        for (const [key, value] of Object.entries(record)) if (key !== "quickReply") walk(value);
      }
    };
    walk(messages);
    return buttons;
  };

  /**
   * What a citizen would type for a button: its label, or what a tap shows in the chat when several
   * buttons share a label (every row of the review has an "Edit" button).
   */
  const typedFor = (button: ShownButton, all: ShownButton[]): string => {
    const shared = all.filter((other) => typedForm(other.label) === typedForm(button.label)).length > 1;
    return shared && button.displayText ? button.displayText : button.label;
  };

  /** Every button on screen now: tapped, then typed, from the same saved state; both outcomes must agree. */
  async function checkEveryLabel(user: TestUser, where: string): Promise<void> {
    // A fresh minute for each step: the walk sends more than the 30 messages a minute a citizen may.
    harness.clock.advance(61_000);
    const before = await snapshot(user);
    const screen = user.lastMessages() as Message[];
    const buttons = shown(screen);
    expect({ where, buttons: buttons.length }).not.toEqual({ where, buttons: 0 });

    // Every tap is echoed: postbacks show their displayText in the chat.
    for (const button of buttons.filter((candidate) => candidate.type === "postback"))
      expect({ where, label: button.label, echo: button.displayText }).toEqual({
        where,
        label: button.label,
        echo: expect.any(String),
      });

    // Every text on a card wraps: a long label or answer is never cut off on a phone.
    const unwrapped: string[] = [];
    const walkTexts = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walkTexts);
      else if (node && typeof node === "object") {
        const record = node as Record<string, unknown>;
        if (record.type === "text" && typeof record.text === "string" && record.wrap !== true)
          unwrapped.push(record.text);
        Object.values(record).forEach(walkTexts);
      }
    };
    walkTexts(screen.filter((message) => message.type === "flex"));
    expect({ where, unwrapped }).toEqual({ where, unwrapped: [] });

    // A wrong answer names only buttons that are on screen.
    await user.sendsSticker();
    const labelsOnScreen = new Set(buttons.map((button) => typedForm(button.label)));
    const everyLabel = allLabels(user.locale);
    const namedButtons = [...user.lastText().matchAll(/"([^"]+)"/g)]
      .map((quoted) => quoted[1]!)
      .filter((quoted) => everyLabel.has(typedForm(quoted)));
    expect({
      where,
      notOnScreen: namedButtons.filter((name) => !labelsOnScreen.has(typedForm(name))),
    }).toEqual({
      where,
      notOnScreen: [],
    });
    await restore(user, before);

    for (const button of buttons) {
      const typed = typedFor(button, buttons);
      if (button.type === "location" || button.type === "datetimepicker") {
        // Only the phone opens the map or the calendar: typing the label says so and changes nothing.
        await user.says(typed);
        const hint = button.type === "location" ? "input-typed-location" : "input-typed-date-picker";
        expect({ where, typed, answer: user.lastText() }).toEqual({
          where,
          typed,
          answer: expect.stringContaining(user.t(hint, { label: button.label })),
        });
        expect((await snapshot(user))?.revision).toBe(before?.revision);
        await restore(user, before);
        continue;
      }
      const tapped = await user.taps(button.data!);
      const afterTap = await stateOf(user);
      await restore(user, before);
      const answered = await user.says(typed);
      const afterTyping = await stateOf(user);
      await restore(user, before);
      expect({ where, typed, state: afterTyping, answer: answered }).toEqual({
        where,
        typed,
        state: afterTap,
        answer: tapped,
      });
    }
    user.rewindTo(screen);
  }

  /** The text of every label the bot can show, in the typed form. */
  const labelCache = new Map<Locale, Set<string>>();
  function allLabels(locale: Locale): Set<string> {
    const cached = labelCache.get(locale);
    if (cached) return cached;
    const texts = harness.service.context.texts;
    const labelKey =
      /^(choice|category|agency|menu|quiz-choice|awareness-choice|awareness-menu|reply-button|rich-menu)-/;
    const labels = new Set(
      texts
        .keys(locale)
        .filter((key) => labelKey.test(key) && !/-(hint|command|bar)$/.test(key))
        .flatMap((key) => {
          try {
            return [typedForm(texts.t(locale, key))];
          } catch {
            return []; // a label with arguments (a district candidate) is only ever checked on screen
          }
        }),
    );
    labelCache.set(locale, labels);
    return labels;
  }

  describe.each(supportedLocales)("in %s", (locale) => {
    test("when the report flow is walked step by step, every follow-up included, then every label typed does what its tap does", async () => {
      const user = new TestUser(harness, { language: locale });
      await user.says(user.t("menu-report"));
      await checkEveryLabel(user, "consent");
      await user.tapsLabel("choice-consent-yes");
      await checkEveryLabel(user, "category");
      await user.tapsLabel("category-bribery");
      await checkEveryLabel(user, "agencyType");
      await user.tapsLabel("agency-local-government");
      await checkEveryLabel(user, "agencyName");
      await user.says("อบต.สันทรายหลวง");
      await checkEveryLabel(user, "place");

      const atPlace = await snapshot(user);
      await user.sendsLocation(sanSai);
      await checkEveryLabel(user, "place: is the located district right?");
      await user.tapsLabel("choice-place-correct");
      await checkEveryLabel(user, "place: district only, or the exact location?");
      await restore(user, atPlace);
      await user.sendsLocation(sanSai);
      await user.tapsLabel("choice-place-wrong");
      await checkEveryLabel(user, "place: retype after a wrong district");
      await restore(user, atPlace);
      await user.says("จอมทอง");
      await checkEveryLabel(user, "place: which of two districts?");
      await restore(user, atPlace);
      await user.says("ลำปาง");
      await checkEveryLabel(user, "place: which district of the province?");
      await restore(user, atPlace);
      await user.tapsLabel("choice-place-outside");
      await checkEveryLabel(user, "placeDescription");
      await restore(user, atPlace);

      await user.says("สันทราย");
      await checkEveryLabel(user, "when");
      await user.tapsLabel("choice-date-yesterday");
      await checkEveryLabel(user, "narrative");
      await user.says("เจ้าหน้าที่เรียกเงินห้าพันบาทเพื่ออนุมัติใบอนุญาตต่อเติมอาคาร");
      await checkEveryLabel(user, "people");
      await user.tapsLabel("choice-skip");
      await checkEveryLabel(user, "evidence (nothing yet)");

      const atEvidence = await snapshot(user);
      await user.sendsLocation(sanSai);
      await checkEveryLabel(user, "evidence: a location's district only, or exact?");
      await restore(user, atEvidence);
      await user.sendsImage(
        await sharp({ create: { width: 8, height: 8, channels: 3, background: "#777" } })
          .jpeg()
          .toBuffer(),
      );
      expect(user.lastText()).toContain(user.t("evidence-received", { count: 1, max: 10 }));
      await checkEveryLabel(user, "evidence (one photo)");
      await user.tapsLabel("choice-evidence-done");
      await checkEveryLabel(user, "updates");
      await user.tapsLabel("choice-updates-yes");
      await checkEveryLabel(user, "contactPhone");
      await user.tapsLabel("choice-skip");
      await checkEveryLabel(user, "review");
    });
  });

  test("when the status, quiz and reply flows are walked, then every label typed does what its tap does", async () => {
    const user = new TestUser(harness);
    await user.says("แจ้งเบาะแส");
    for (const label of ["choice-consent-yes", "category-extortion", "agency-police"])
      await user.tapsLabel(label);
    await user.says("สถานีตำรวจภูธรฝาง");
    await user.says("ฝาง");
    await user.tapsLabel("choice-date-today");
    await user.says("ตำรวจเรียกเงินสองพันบาทแลกกับการไม่ออกใบสั่งและไม่มีใบเสร็จ");
    await user.tapsLabel("choice-skip");
    await user.tapsLabel("choice-evidence-none");
    await user.tapsLabel("choice-updates-no");
    await user.tapsLabel("choice-submit");
    const code = /TK-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}/.exec(user.lastText())![0];
    await checkEveryLabel(user, "the receipt, with the menu");

    await user.says(user.t("menu-status"));
    await checkEveryLabel(user, "status: the code");
    await user.says(code);
    await checkEveryLabel(user, "status: the card");

    await user.says(user.t("menu-my-reports"));
    await checkEveryLabel(user, "my reports");

    await user.taps(`c=reply&v=${code}`);
    await checkEveryLabel(user, "reply: the answer");
    await user.says("เหตุเกิดที่ด่านตรวจหน้าตลาดในเวลาประมาณบ่ายสองโมง");
    await checkEveryLabel(user, "reply: more evidence?");
    await user.tapsLabel("choice-cancel");

    await user.says("แบบทดสอบ");
    for (let question = 1; question <= 8; question++) {
      await checkEveryLabel(user, `quiz, question ${question}`);
      await user.tapsLabel("quiz-choice-corrupt");
    }
  });

  test("when a label is typed with other spacing, case, a polite ending or Thai digits, then it is still that button", async () => {
    const user = new TestUser(harness);
    await user.says("  แจ้ง เบาะแส ครับ ");
    expect(user.lastText()).toContain(user.line("report-consent"));
    await user.says(`${user.t("choice-consent-yes").replace("และ", " และ ")}ค่ะ`);
    expect(user.lastText()).toContain(user.t("report-category"));
    await user.says("อื่นๆ");
    expect(user.lastText()).toContain(user.t("report-agency-type"));

    const english = new TestUser(harness, { language: "en" });
    await english.says("REPORT");
    await english.says("i agree,   START!");
    expect(english.lastText()).toContain(english.t("report-category"));
  });
});
