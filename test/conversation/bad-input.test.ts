import { startHarness, type Harness } from "../support/harness";
import { TestUser } from "../support/test-user";
import { reportFlow } from "../../flows/report";

/** How the report flow is answered correctly at each step, to reach the next one. */
const path: Array<{ step: string; answer: (user: TestUser) => Promise<unknown> }> = [
  { step: "consent", answer: (u) => u.tapsLabel("choice-consent-yes") },
  { step: "category", answer: (u) => u.tapsLabel("category-embezzlement") },
  { step: "agencyType", answer: (u) => u.tapsLabel("agency-police") },
  { step: "agencyName", answer: (u) => u.says("สถานีตำรวจภูธรแม่ริม") },
  { step: "place", answer: (u) => u.says("แม่ริม") },
  { step: "when", answer: (u) => u.says("เมื่อวาน") },
  { step: "narrative", answer: (u) => u.says("มีการเรียกรับเงินค่าปรับโดยไม่ออกใบเสร็จให้ผู้ขับขี่") },
  { step: "people", answer: (u) => u.tapsLabel("choice-skip") },
  { step: "evidence", answer: (u) => u.tapsLabel("choice-evidence-none") },
  { step: "updates", answer: (u) => u.tapsLabel("choice-updates-yes") },
  { step: "contactPhone", answer: (u) => u.tapsLabel("choice-skip") },
  { step: "review", answer: async () => undefined },
];

const tinyJpeg = Buffer.from(
  "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=",
  "base64",
);

describe("bad input at every step of the report flow", () => {
  let harness: Harness;
  let user: TestUser;
  let stalePostback: string;

  beforeAll(async () => {
    harness = await startHarness();
    user = new TestUser(harness);
    await user.says("แจ้งเบาะแส");
    stalePostback = user
      .quickReplies()
      .find((button) => button.label === user.t("choice-consent-yes"))!.data!;
  });
  afterAll(async () => {
    await harness.stop();
  });
  // A citizen here sends far more than 30 messages a minute; let a minute pass so the abuse limit stays out of the way.
  beforeEach(() => harness.clock.advance(61_000));

  const conversation = () => harness.service.context.connection.collection("conversations").findOne({});

  const badInputs = (step: string): Array<[string, (u: TestUser) => Promise<unknown>]> => [
    ["a sticker", (u) => u.sendsSticker()],
    ["whitespace", (u) => u.says("   \n ")],
    ["an empty text", (u) => u.says("")],
    ["10,000 characters", (u) => u.says("ก".repeat(10_000))],
    ["emoji only", (u) => u.says("😡😡😡")],
    ["a stale button from an earlier step", (u) => u.taps(stalePostback)],
    ...(step === "evidence"
      ? []
      : ([["an image", (u: TestUser) => u.sendsImage(tinyJpeg)]] as Array<
          [string, (u: TestUser) => Promise<unknown>]
        >)),
    ...(step === "when"
      ? ([["a future date", (u: TestUser) => u.says("1 มกราคม 2600")]] as Array<
          [string, (u: TestUser) => Promise<unknown>]
        >)
      : []),
    ...(step === "place"
      ? ([["an unknown district", (u: TestUser) => u.says("อำเภอนาร์เนีย")]] as Array<
          [string, (u: TestUser) => Promise<unknown>]
        >)
      : []),
  ];

  for (const { step, answer } of path) {
    describe(`at step "${step}"`, () => {
      const stepDefinition = reportFlow.steps[step]!;
      const promptArgs = stepDefinition.kind === "ask" ? stepDefinition.promptArgs?.({}) : undefined;
      const prompt = () =>
        harness.service.context.texts.t("th", stepDefinition.prompt, promptArgs).split("\n")[0]!;

      test.each(badInputs(step))(
        "when the citizen sends %s, then the step is asked again and the draft is unchanged",
        async (_name, send) => {
          if (step === "consent") return; // consent is answered by the stale button itself; covered from the next step on
          const before = await conversation();
          const answer = (await send(user)) as unknown[];
          expect(answer.length).toBeGreaterThanOrEqual(1);
          expect(user.lastText()).toContain(prompt());
          const after = await conversation();
          expect(after?.revision).toBe(before?.revision);
          expect(after?.flow).toBe(before?.flow);
        },
      );

      test("when the citizen answers properly, then the flow moves on", async () => {
        const before = await conversation();
        await answer(user);
        if (step !== "review") expect((await conversation())?.revision).toBe((before?.revision ?? 0) + 1);
      });
    });
  }
});
