import { startHarness, type Harness } from "../support/harness";
import { TestUser } from "../support/test-user";
import { postbacksIn } from "../officers/support/officers";

/** The place step through the real app: typed names from the whole country, follow-up questions, locations. */
describe("the place step", () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness.stop();
  });

  async function atPlaceStep(language: "th" | "en" = "th"): Promise<TestUser> {
    const user = new TestUser(harness, { language });
    if (language === "th") {
      await user.says("แจ้งเบาะแส");
      await user.tapsLabel("choice-consent-yes");
      await user.tapsLabel("category-bribery");
      await user.tapsLabel("agency-local-government");
      await user.says("เทศบาลนคร");
    } else {
      await user.says("report");
      await user.tapsLabel("choice-consent-yes");
      await user.tapsLabel("category-bribery");
      await user.tapsLabel("agency-police");
      await user.says("City police station");
    }
    return user;
  }

  /** The user's draft as the engine stored it (sealed), opened. */
  async function draftOf(user: TestUser): Promise<string> {
    const { connection, sealer, pseudonym } = harness.service.context;
    const key = pseudonym("reporter", user.userId);
    const doc = await connection.collection("conversations").findOne({ _id: key as never });
    return sealer.openText(doc!.flow as string, "conversations.flow");
  }

  async function placeAnswer(user: TestUser): Promise<unknown> {
    const flow = JSON.parse(await draftOf(user)) as { step: string; answers: Record<string, unknown> };
    return { step: flow.step, place: flow.answers.place };
  }

  test("when the prompt is shown, then it says a shared location is the phone's position unless the pin is moved", async () => {
    const user = await atPlaceStep();
    expect(user.lastText()).toContain(user.t("report-place").split("\n")[1]!);
  });

  test("when the district picker is shown, then it lists Chiang Mai's 25 districts first and says how to name others", async () => {
    const user = await atPlaceStep();
    const carousel = user.lastMessages().find((message) => message.type === "flex");
    const text = JSON.stringify(carousel);
    expect(text).toContain("กัลยาณิวัฒนา");
    expect(text).not.toContain("lampang-"); // no button for another province's district
    expect(text).toContain("อำเภอเมืองลำปาง"); // but the hint how to name one
    expect(postbacksIn([carousel])).toHaveLength(25);
  });

  test("when a name fits two districts, then the citizen is asked which, and the tapped one is kept", async () => {
    const user = await atPlaceStep();
    await user.says("จอมทอง");
    expect(user.lastText()).toContain(
      user.t("place-choose", { districtTh: "จอมทอง", districtEn: "Chom Thong", count: 2 }),
    );
    expect(user.quickReplies().map((b) => b.label)).toEqual(
      expect.arrayContaining(["เชียงใหม่", "กรุงเทพมหานคร"]),
    );
    await user.tapsButton("กรุงเทพมหานคร");
    expect(user.lastText()).toContain(user.t("report-when"));
    expect(await placeAnswer(user)).toMatchObject({
      step: "when",
      place: { districtId: "bangkok-chom-thong" },
    });
  });

  test("when a name fits two districts and the province is typed, then that one is kept", async () => {
    const user = await atPlaceStep();
    await user.says("จอมทอง");
    await user.says("เชียงใหม่");
    expect(await placeAnswer(user)).toMatchObject({ step: "when", place: { districtId: "cm-chom-thong" } });
  });

  test("when only a province is typed, then its districts are offered and a district typed next is kept", async () => {
    const user = await atPlaceStep();
    await user.says("ลำปาง");
    expect(user.lastText()).toContain(
      user.t("place-in-province", { provinceTh: "ลำปาง", provinceEn: "Lampang" }),
    );
    expect(JSON.stringify(user.lastMessages())).toContain("แม่เมาะ");
    await user.says("เมือง");
    expect(await placeAnswer(user)).toMatchObject({ place: { districtId: "lampang-mueang-lampang" } });
  });

  test("when only a province is typed and the district is unknown, then the province is kept and a description asked", async () => {
    const user = await atPlaceStep();
    await user.says("จังหวัดลำปาง");
    await user.tapsLabel("choice-place-outside");
    expect(await placeAnswer(user)).toMatchObject({
      step: "placeDescription",
      place: { kind: "province", provinceId: "lampang" },
    });
  });

  test("when เมือง alone is typed, then the pilot's is offered and the province asked for", async () => {
    const user = await atPlaceStep();
    await user.says("อ.เมือง");
    expect(user.lastText()).toContain(
      user.t("place-choose-many", { districtTh: "", districtEn: "", count: 76 }),
    );
    await user.tapsButton("เชียงใหม่");
    expect(await placeAnswer(user)).toMatchObject({ place: { districtId: "cm-mueang-chiang-mai" } });
  });

  test("when a location is sent and its district is wrong, then nothing of it is kept and a district is asked", async () => {
    const user = await atPlaceStep();
    await user.sendsLocation({ latitude: 18.93, longitude: 99.014, address: "99/1 ซอยร่มเย็น" });
    expect(user.lastText()).toContain(
      user.t("place-located-confirm", {
        kind: "amphoe",
        districtTh: "สันทราย",
        districtEn: "San Sai",
        provinceTh: "เชียงใหม่",
        provinceEn: "Chiang Mai",
      }),
    );
    await user.tapsLabel("choice-place-wrong");
    expect(user.lastText()).toContain(user.t("place-retype"));
    expect(JSON.stringify(await placeAnswer(user))).not.toContain("ร่มเย็น");
    await user.says("แม่ริม");
    expect(await placeAnswer(user)).toMatchObject({ step: "when", place: { districtId: "cm-mae-rim" } });
  });

  test("when a location with a place name is confirmed, then the name can be kept instead of the coordinates", async () => {
    const user = await atPlaceStep();
    await user.sendsLocation({
      latitude: 18.93,
      longitude: 99.014,
      title: "ตลาดสันทราย",
      address: "99/1 ซอยร่มเย็น",
    });
    await user.tapsLabel("choice-place-correct");
    expect(user.lastText()).toContain('ชื่อสถานที่ "ตลาดสันทราย"');
    await user.tapsLabel("choice-place-use-title");
    const answer = await placeAnswer(user);
    expect(answer).toMatchObject({ place: { districtId: "cm-san-sai", description: "ตลาดสันทราย" } });
    expect(JSON.stringify(answer)).not.toContain("ร่มเย็น");
    expect(JSON.stringify(answer)).not.toContain("18.93");
  });

  test("when the confirmed location's question is answered by typing, then typed labels work like taps", async () => {
    const user = await atPlaceStep();
    await user.sendsLocation({ latitude: 18.93, longitude: 99.014 });
    await user.says("ถูกต้อง");
    await user.says("บันทึกเฉพาะอำเภอ");
    expect(await placeAnswer(user)).toEqual({
      step: "when",
      place: { kind: "district", provinceId: "chiang-mai", districtId: "cm-san-sai" },
    });
  });

  test("when a location outside Thailand is sent, then the citizen is asked to type the district", async () => {
    const user = await atPlaceStep();
    await user.sendsLocation({ latitude: 35.68, longitude: 139.69, address: "Tokyo" });
    expect(user.lastText()).toContain(user.t("input-place-located-nowhere"));
    expect(await placeAnswer(user)).toMatchObject({ step: "place" });
  });

  test("when an English-speaking citizen confirms a Bangkok location, then the khet is named the English way", async () => {
    const user = await atPlaceStep("en");
    await user.sendsLocation({ latitude: 13.73, longitude: 100.53 });
    expect(user.lastText()).toContain(
      user.t("place-located-confirm", {
        kind: "khet",
        districtTh: "บางรัก",
        districtEn: "Bang Rak",
        provinceTh: "กรุงเทพมหานคร",
        provinceEn: "Bangkok",
      }),
    );
    expect(user.lastText()).toContain("Bang Rak, Bangkok");
    await user.tapsLabel("choice-place-correct");
    await user.tapsLabel("choice-place-district-only");
    expect(await placeAnswer(user)).toMatchObject({ place: { districtId: "bangkok-bang-rak" } });
  });

  test("when a location is sent as evidence and the step is finished without choosing, then only its district is kept", async () => {
    const user = await atPlaceStep();
    await user.says("สันทราย");
    await user.says("เมื่อวาน");
    await user.says("เจ้าหน้าที่เรียกเงินห้าพันบาทเพื่ออนุมัติใบอนุญาตต่อเติมอาคาร");
    await user.tapsLabel("choice-skip");
    await user.sendsLocation({ latitude: 18.807, longitude: 98.983, address: "55 ถนนโชตนา" });
    expect(user.lastText()).toContain(
      user
        .t("evidence-location-exact", {
          kind: "amphoe",
          districtTh: "เมืองเชียงใหม่",
          districtEn: "Mueang Chiang Mai",
          provinceTh: "เชียงใหม่",
          provinceEn: "Chiang Mai",
        })
        .split("\n")[0]!,
    );
    await user.says("เสร็จแล้ว");
    const state = await draftOf(user);
    expect(state).toContain('"step":"updates"');
    expect(state).toContain('{"kind":"location","districtId":"cm-mueang-chiang-mai"}');
    expect(state).not.toContain("โชตนา");
  });
});
