import { startHarness, type Harness } from "../support/harness";
import { TestUser } from "../support/test-user";

/** Commands at any step: what gives way, what asks first, and what never leaves a dead end. */
describe("the citizen's chat", () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness.stop();
  });
  beforeEach(() => harness.clock.advance(61_000));

  const conversation = (user: TestUser) =>
    harness.service.context.connection
      .collection("conversations")
      .findOne({ _id: harness.service.context.pseudonym("reporter", user.userId) as never });

  async function halfFilledReport(user: TestUser): Promise<void> {
    await user.says("แจ้งเบาะแส");
    await user.tapsLabel("choice-consent-yes");
    await user.tapsLabel("category-bribery");
    await user.tapsLabel("agency-police");
  }

  async function submittedReport(user: TestUser): Promise<string> {
    await halfFilledReport(user);
    await user.says("สถานีตำรวจภูธรแม่ริม");
    await user.says("แม่ริม");
    await user.tapsLabel("choice-date-yesterday");
    await user.says("มีการเรียกรับเงินค่าปรับโดยไม่ออกใบเสร็จให้ผู้ขับขี่");
    await user.tapsLabel("choice-skip");
    await user.tapsLabel("choice-evidence-none");
    await user.tapsLabel("choice-updates-no");
    await user.tapsLabel("choice-submit");
    return /TK-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}/.exec(user.lastText())![0];
  }

  test("when the quiz keyword is typed during a half-filled report, then leaving is asked first, and leaving drops the draft and starts the quiz", async () => {
    const user = new TestUser(harness);
    await halfFilledReport(user);
    await user.says("แบบทดสอบ");
    expect(user.lastText()).toBe(user.t("leave-confirm", { flow: "report", target: "quiz" }));
    expect(user.quickReplies().map((button) => button.label)).toEqual([
      user.t("choice-leave-confirm"),
      user.t("choice-leave-stay"),
    ]);
    await user.typesLabel("choice-leave-confirm");
    expect(user.lastText()).toContain(user.t("report-cancelled"));
    expect(user.lastText()).toContain(user.line("quiz-tea-money", { number: 1, total: 8 }));
  });

  test("when the citizen asks for the report already open, or chooses to go on with it, then the question they were at is asked again, answers kept", async () => {
    const user = new TestUser(harness);
    await halfFilledReport(user);
    await user.says("แจ้งเบาะแส");
    expect(user.lastText()).toContain(user.t("flow-already-open", { flow: "report" }));
    await user.says("สถานะ");
    expect(user.lastText()).toBe(user.t("leave-confirm", { flow: "report", target: "status" }));
    await user.tapsLabel("choice-leave-stay");
    expect(user.lastText()).toContain(user.t("report-agency-name"));
    await user.says("สถานีตำรวจภูธรแม่ริม");
    expect(user.lastText()).toContain(user.line("report-place"));
  });

  test("when the leaving question is ignored and the step answered, then the answer counts and the question is dropped", async () => {
    const user = new TestUser(harness);
    await halfFilledReport(user);
    await user.says("แบบทดสอบ");
    await user.says("สถานีตำรวจภูธรแม่ริม");
    expect(user.lastText()).toContain(user.line("report-place"));
    const sealed = (await conversation(user))!.flow as string;
    const flow = JSON.parse(harness.service.context.sealer.openText(sealed, "conversations.flow")) as object;
    expect(flow).toMatchObject({ step: "place" });
    expect(flow).not.toHaveProperty("leaving");
  });

  test("when a global keyword is typed inside a status check, then the status check gives way without asking", async () => {
    const user = new TestUser(harness);
    await user.says("สถานะ");
    expect(user.lastText()).toContain(user.t("status-ask-code"));
    await user.says("แบบทดสอบ");
    expect(user.lastText()).toContain(user.t("status-cancelled"));
    expect(user.lastText()).toContain(user.line("quiz-tea-money", { number: 1, total: 8 }));
  });

  test("when 'my reports' is asked during a report, then the list comes and the report goes on at the same question", async () => {
    const user = new TestUser(harness);
    const code = await submittedReport(user);
    await halfFilledReport(user);
    await user.says("เรื่องของฉัน");
    expect(user.lastText()).toContain(code);
    expect(user.lastText()).toContain(user.t("report-agency-name"));
    expect(user.quickReplies().map((button) => button.label)).toContain(user.t("choice-back"));
  });

  test("when a receipt arrives, then its card checks that report and the menu follows, so nothing is a dead end", async () => {
    const user = new TestUser(harness);
    const code = await submittedReport(user);
    expect(user.quickReplies().map((button) => button.data)).toEqual(
      expect.arrayContaining(["c=report", "c=status", "c=my-reports"]),
    );
    await user.tapsCardButton(user.t("status-button", { code }));
    expect(user.lastText()).toContain(user.t("status-title", { code }));
    expect(user.lastText()).toContain(user.t("tip-status-received"));
    // The status card checks again from its own button, and the menu is under it.
    expect(user.cardButtons().map((button) => button.label)).toEqual([user.t("status-button", { code })]);
    expect(user.quickReplies().map((button) => button.data)).toContain("c=report");
  });

  test("when 'my reports' is shown, then each report has a button to its status", async () => {
    const user = new TestUser(harness);
    const code = await submittedReport(user);
    await user.says("เรื่องของฉัน");
    const button = user.quickReplies().find((candidate) => candidate.label === code)!;
    expect(button.data).toBe(`c=status&v=${code}`);
    await user.tapsButton(code);
    expect(user.lastText()).toContain(user.t("status-title", { code }));
  });

  test("when a date is picked from the calendar, then the chat says which date was taken", async () => {
    const user = new TestUser(harness);
    await halfFilledReport(user);
    await user.says("สถานีตำรวจภูธรแม่ริม");
    await user.says("แม่ริม");
    await user.tapsLabel("choice-date-pick", { date: "2025-02-14" });
    expect(user.lastText()).toContain(user.t("date-picked", { date: "14 กุมภาพันธ์ 2568" }));
  });

  test("when 'answer' is typed and no officer's question waits, then the citizen is told so", async () => {
    const user = new TestUser(harness);
    await user.says(user.t("reply-button-answer"));
    expect(user.lastText()).toContain(user.t("reply-none-waiting"));
  });
});
