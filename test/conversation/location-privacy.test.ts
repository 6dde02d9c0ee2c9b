import { Writable } from "node:stream";
import { exportTips } from "../../src/admin/export";
import { loadGeography } from "../../src/geo";
import { officerPostback } from "../../src/officers/postback";
import { tipModel, type Tip, type TipDetails } from "../../src/tips/tip";
import { TestUser } from "../support/test-user";
import {
  enrolledGroup,
  enrolledOfficer,
  startOfficerHarness,
  TestChat,
  type OfficerHarness,
} from "../officers/support/officers";

/** A LINE location as a phone shares it by default: the reporter's own position, with its street address. */
const home = {
  title: "บ้านสวนร่มเย็น",
  address: "99/1 หมู่ 3 ซอยร่มเย็น ต.หนองหาร อ.สันทราย จ.เชียงใหม่ 50290",
  latitude: 18.93018,
  longitude: 99.01427,
};
/** A second location, sent as evidence: the office where the money changed hands. */
const office = {
  title: "อาคารสำนักงาน",
  address: "55 ถนนโชตนา ต.ช้างเผือก อ.เมืองเชียงใหม่ จ.เชียงใหม่ 50300",
  latitude: 18.80711,
  longitude: 98.98343,
};

/** Every way the exact place could leak: the address and its parts, the title, the coordinates in any precision. */
function exactFragments(location: typeof home): string[] {
  const coordinates = [location.latitude, location.longitude].flatMap((value) => [
    String(value),
    value.toFixed(4),
    value.toFixed(5),
  ]);
  const parts = location.address.split(" ").filter((part) => /\d|ซอย|ถนน/.test(part) && part.length > 2);
  return [location.address, location.title, ...parts, ...coordinates];
}

interface Exposure {
  where: string;
  text: string;
}

describe("a shared location cannot expose a home", () => {
  let env: OfficerHarness;
  let officer: TestChat;
  let group: TestChat;
  let adminToken: string;
  const geography = loadGeography();

  const call = async (path: string) => {
    const response = await fetch(`${env.harness.service.url}${path}`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(response.status).toBe(200);
    return response.text();
  };

  /** A report whose place and one piece of evidence are LINE locations; `include` is the reporter's choice. */
  async function reportWithLocations(
    include: boolean,
  ): Promise<{ citizen: TestUser; tip: Tip; receipt: string }> {
    const citizen = new TestUser(env.harness);
    await citizen.says("แจ้งเบาะแส");
    await citizen.tapsLabel("choice-consent-yes");
    await citizen.tapsLabel("category-bribery");
    await citizen.tapsLabel("agency-local-government");
    await citizen.says("อบต.หนองหาร");
    await citizen.sendsLocation(home);
    expect(citizen.lastText()).toContain(
      citizen.t("place-located-confirm", {
        kind: "amphoe",
        districtTh: "สันทราย",
        districtEn: "San Sai",
        provinceTh: "เชียงใหม่",
        provinceEn: "Chiang Mai",
      }),
    );
    await citizen.tapsLabel("choice-place-correct");
    expect(citizen.lastText()).toContain(
      citizen
        .t("place-located-exact", {
          kind: "amphoe",
          districtTh: "สันทราย",
          districtEn: "San Sai",
          provinceTh: "เชียงใหม่",
          provinceEn: "Chiang Mai",
        })
        .split("\n")[0]!,
    );
    await citizen.tapsLabel(include ? "choice-place-include-exact" : "choice-place-district-only");
    await citizen.says("เมื่อวาน");
    await citizen.says("เจ้าหน้าที่เรียกเงินห้าพันบาทเพื่ออนุมัติใบอนุญาตต่อเติมอาคาร");
    await citizen.tapsLabel("choice-skip");
    await citizen.sendsLocation(office);
    expect(citizen.lastText()).toContain("อำเภอเมืองเชียงใหม่");
    await citizen.tapsLabel(include ? "choice-place-include-exact" : "choice-place-district-only");
    await citizen.tapsLabel("choice-evidence-done");
    await citizen.tapsLabel("choice-updates-no");
    await citizen.tapsLabel("choice-submit");
    await env.settle();
    const receipt = citizen.lastText();
    const code = /TK-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}/.exec(receipt)?.[0];
    if (!code) throw new Error(`no receipt: ${receipt}`);
    const stored = await env.harness.service.context.connection.collection("tips").findOne({ code });
    const tip = await env.officers.cases.load(stored!._id.toHexString());
    return { citizen, tip: tip!, receipt };
  }

  /** What officers, the admin API, an export and the logs show about one tip. */
  async function everythingOfficersSee(tip: Tip): Promise<Exposure[]> {
    await officer.taps(officerPostback("view", tip.ref));
    // The scan means nothing unless the officer really got the case's full details.
    expect(officer.lastText()).toContain(tip.code);
    expect(officer.lastText()).not.toContain(
      env.harness.service.context.texts.t("th", "officer-button-outdated"),
    );
    const exported: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        exported.push(chunk.toString("utf8"));
        done();
      },
    });
    const { connection, sealer } = env.harness.service.context;
    await exportTips(
      tipModel(connection),
      { _id: tip._id },
      { csv: sink, json: sink },
      {
        includeDetails: true,
        openDetails: (stored) => JSON.parse(sealer.openText(stored.details, "tips.details")) as TipDetails,
        geography,
      },
    );
    return [
      { where: "officer 1:1 chat", text: officer.allText() + JSON.stringify(officer.received()) },
      { where: "officer group", text: group.allText() + JSON.stringify(group.received()) },
      { where: "admin API list", text: await call("/admin/api/tips") },
      { where: "admin API detail", text: await call(`/admin/api/tips/${tip.code}`) },
      { where: "export", text: exported.join("") },
      { where: "logs", text: env.harness.logs.join("\n") },
    ];
  }

  beforeAll(async () => {
    env = await startOfficerHarness();
    officer = await enrolledOfficer(env, "officer", { provinceIds: ["chiang-mai"] });
    group = await enrolledGroup(env, { districtIds: ["cm-san-sai"] });
    adminToken = (
      await env.officers.tokens.create(
        {
          label: "admin",
          role: "admin",
          scope: { everywhere: true, provinceIds: [], districtIds: [], categories: [], fallback: false },
        },
        env.harness.clock.now(),
      )
    ).token;
  });
  afterAll(async () => {
    await env.stop();
  });

  describe("when the reporter keeps only the district", () => {
    let tip: Tip;
    let exposures: Exposure[];

    beforeAll(async () => {
      ({ tip } = await reportWithLocations(false));
      exposures = await everythingOfficersSee(tip);
    });

    test("then the tip is routed by the located district", () => {
      expect(tip).toMatchObject({ provinceId: "chiang-mai", districtId: "cm-san-sai" });
    });

    test("then the stored details hold the districts and no coordinates or address", () => {
      const { sealer } = env.harness.service.context;
      const opened = JSON.parse(sealer.openText(tip.details, "tips.details")) as TipDetails;
      expect(opened.location).toBeUndefined();
      expect(opened.evidenceLocations).toEqual([{ districtId: "cm-mueang-chiang-mai" }]);
    });

    test("then no officer view, admin API response, export or log contains the address or the coordinates", () => {
      const leaks = exposures.flatMap(({ where, text }) =>
        [...exactFragments(home), ...exactFragments(office)]
          .filter((fragment) => text.includes(fragment))
          .map((fragment) => `${where}: ${fragment}`),
      );
      expect(leaks).toEqual([]);
    });

    test("then officers still see the district", () => {
      expect(officer.allText()).toContain("อำเภอสันทราย จังหวัดเชียงใหม่");
      expect(group.allText()).toContain("สันทราย");
    });
  });

  describe("when a draft saved before this rule still holds a shared location", () => {
    test("then submitting it stores the district only", async () => {
      const citizen = new TestUser(env.harness);
      await citizen.says("แจ้งเบาะแส");
      await citizen.tapsLabel("choice-consent-yes");
      await citizen.tapsLabel("category-bribery");
      await citizen.tapsLabel("agency-local-government");
      await citizen.says("อบต.หนองหาร");
      await citizen.says("สันทราย");
      await citizen.says("เมื่อวาน");
      await citizen.says("เจ้าหน้าที่เรียกเงินห้าพันบาทเพื่ออนุมัติใบอนุญาตต่อเติมอาคาร");
      await citizen.tapsLabel("choice-skip");
      await citizen.tapsLabel("choice-evidence-none");
      await citizen.tapsLabel("choice-updates-no");
      // The place answer as the previous release stored it: the location kept without asking.
      const { connection, sealer, pseudonym } = env.harness.service.context;
      const conversations = connection.collection("conversations");
      const key = pseudonym("reporter", citizen.userId);
      const doc = await conversations.findOne({ _id: key as never });
      const flow = JSON.parse(sealer.openText(doc!.flow as string, "conversations.flow")) as {
        answers: Record<string, unknown>;
      };
      flow.answers.place = {
        kind: "district",
        provinceId: "chiang-mai",
        districtId: "cm-san-sai",
        location: home,
      };
      await conversations.updateOne(
        { _id: key as never },
        { $set: { flow: sealer.seal(JSON.stringify(flow), "conversations.flow") } },
      );
      await citizen.tapsLabel("choice-submit");
      await env.settle();
      const code = /TK-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}/.exec(citizen.lastText())![0];
      const tip = await connection.collection("tips").findOne({ code });
      const details = sealer.openText(tip!.details as string, "tips.details");
      expect(tip).toMatchObject({ districtId: "cm-san-sai" });
      expect(exactFragments(home).filter((fragment) => details.includes(fragment))).toEqual([]);
    });
  });

  describe("when the reporter chooses to include the exact location", () => {
    let tip: Tip;
    let exposures: Exposure[];

    beforeAll(async () => {
      officer.newMessages();
      ({ tip } = await reportWithLocations(true));
      exposures = await everythingOfficersSee(tip);
    });

    test("then the officer's details show it, marked as the reporter's choice", () => {
      const text = officer.lastText();
      expect(text).toContain(home.address);
      expect(text).toContain(home.latitude.toFixed(5));
      expect(text).toContain(
        env.harness.service.context.texts
          .t("th", "officer-location-reporter-confirmed", { where: "", point: "" })
          .split(") ")[1]!,
      );
      expect(text).toContain(office.address);
    });

    test("then the admin API returns it marked reporter-confirmed", async () => {
      const detail = JSON.parse(await call(`/admin/api/tips/${tip.code}`)) as {
        details: {
          exactLocation?: { address?: string; reporterConfirmed?: boolean };
          evidenceLocations?: Array<{ exact?: { reporterConfirmed?: boolean } }>;
        };
      };
      expect(detail.details.exactLocation).toMatchObject({ address: home.address, reporterConfirmed: true });
      expect(detail.details.evidenceLocations?.[0]?.exact?.reporterConfirmed).toBe(true);
    });

    test("then the group card, the export and the logs still do not contain it", () => {
      const leaks = exposures
        .filter(({ where }) => ["officer group", "export", "logs", "admin API list"].includes(where))
        .flatMap(({ where, text }) =>
          exactFragments(home)
            .filter((fragment) => text.includes(fragment))
            .map((fragment) => `${where}: ${fragment}`),
        );
      expect(leaks).toEqual([]);
    });
  });
});
