import type { Tip } from "../../src/tips/tip";
import { TestUser } from "../support/test-user";
import {
  citizenReports,
  enrolledGroup,
  startOfficerHarness,
  type OfficerHarness,
  type TestChat,
} from "./support/officers";

/**
 * Routing by district → province → regional centre → national queue, told truthfully to the
 * reporter. The harness starts with nobody enrolled; offices enroll as the story goes on.
 */
describe("a tip outside every office's scope", () => {
  let env: OfficerHarness;

  beforeAll(async () => {
    env = await startOfficerHarness();
  });
  afterAll(async () => {
    await env.stop();
  });

  describe("when nobody at all is enrolled", () => {
    let tip: Tip;
    let receipt: string;

    beforeAll(async () => {
      const report = await citizenReports(env, { district: "อำเภอเมืองลำปาง" });
      tip = report.tip;
      receipt = report.citizen.lastText();
    });

    test("then อำเภอเมืองลำปาง is accepted as that district", () => {
      expect(tip).toMatchObject({ provinceId: "lampang", districtId: "lampang-mueang-lampang" });
    });

    test("then the reporter is told it is recorded but nobody can promise when it is acknowledged", () => {
      expect(receipt).toContain("ยังไม่มีเจ้าหน้าที่รับเรื่องในระบบสำหรับอำเภอเมืองลำปาง จังหวัดลำปาง");
      expect(receipt).not.toMatch(/ภายใน \d+ วัน/);
    });

    test("then a status check makes no promise either", async () => {
      const citizen = new TestUser(env.harness);
      await citizen.says(tip.code);
      expect(citizen.lastText()).toContain("ยังไม่สามารถระบุระยะเวลาการรับเรื่องได้");
      expect(citizen.lastText()).not.toContain("ภายใน 7 วัน");
    });
  });

  describe("when a national queue group is enrolled", () => {
    let national: TestChat;
    let tip: Tip;
    let receipt: string;

    beforeAll(async () => {
      national = await enrolledGroup(env, { fallback: true });
      const report = await citizenReports(env, { district: "Mueang Lampang" });
      tip = report.tip;
      receipt = report.citizen.lastText();
    });

    test("then Mueang Lampang typed in English is accepted as that district", () => {
      expect(tip.districtId).toBe("lampang-mueang-lampang");
    });

    test("then the national queue receives the tip", () => {
      expect(national.allText()).toContain(tip.code);
    });

    test("then the reporter is told it went to the national queue, with the acknowledgement deadline", () => {
      expect(receipt).toContain("คิวส่วนกลาง");
      expect(receipt).toContain("ภายใน 7 วัน");
    });
  });

  describe("when the regional centre for Lampang enrolls", () => {
    let national: TestChat;
    let regional: TestChat;
    let chiangMai: TestChat;
    let tip: Tip;
    let receipt: string;

    beforeAll(async () => {
      national = await enrolledGroup(env, { fallback: true });
      regional = await enrolledGroup(env, { regionIds: ["pacc-5"] });
      chiangMai = await enrolledGroup(env, { provinceIds: ["chiang-mai"] });
      const report = await citizenReports(env, { district: "อ.เมือง จ.ลำปาง" });
      tip = report.tip;
      receipt = report.citizen.lastText();
    });

    test("then the regional centre receives the Lampang tip", () => {
      expect(regional.allText()).toContain(tip.code);
    });

    test("then neither the national queue nor another province's office receives it", () => {
      expect(national.allText()).not.toContain(tip.code);
      expect(chiangMai.allText()).not.toContain(tip.code);
    });

    test("then the reporter is told the regional centre handles it", () => {
      expect(receipt).toContain("สำนักงาน ป.ป.ท. เขต 5");
      expect(receipt).toContain("ภายใน 7 วัน");
    });

    test("then the recorded route says the regional centre handles it", async () => {
      expect(await env.officers.handlerOf(tip)).toEqual({
        level: "region",
        region: { nameTh: "สำนักงาน ป.ป.ท. เขต 5", nameEn: "PACC Region 5 Office" },
      });
    });
  });
});
