import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  defaultGeographyDataDir,
  GeographyDataError,
  loadGeography,
  type PlaceMatch,
} from "../../src/geo/geography";

/** The pilot districts exactly as DESIGN.md lists them, with the ids stored in tips and officer scopes. */
const CHIANG_MAI_DISTRICTS: readonly (readonly [id: string, nameTh: string, nameEn: string])[] = [
  ["cm-mueang-chiang-mai", "เมืองเชียงใหม่", "Mueang Chiang Mai"],
  ["cm-chom-thong", "จอมทอง", "Chom Thong"],
  ["cm-mae-chaem", "แม่แจ่ม", "Mae Chaem"],
  ["cm-chiang-dao", "เชียงดาว", "Chiang Dao"],
  ["cm-doi-saket", "ดอยสะเก็ด", "Doi Saket"],
  ["cm-mae-taeng", "แม่แตง", "Mae Taeng"],
  ["cm-mae-rim", "แม่ริม", "Mae Rim"],
  ["cm-samoeng", "สะเมิง", "Samoeng"],
  ["cm-fang", "ฝาง", "Fang"],
  ["cm-mae-ai", "แม่อาย", "Mae Ai"],
  ["cm-phrao", "พร้าว", "Phrao"],
  ["cm-san-pa-tong", "สันป่าตอง", "San Pa Tong"],
  ["cm-san-kamphaeng", "สันกำแพง", "San Kamphaeng"],
  ["cm-san-sai", "สันทราย", "San Sai"],
  ["cm-hang-dong", "หางดง", "Hang Dong"],
  ["cm-hot", "ฮอด", "Hot"],
  ["cm-doi-tao", "ดอยเต่า", "Doi Tao"],
  ["cm-omkoi", "อมก๋อย", "Omkoi"],
  ["cm-saraphi", "สารภี", "Saraphi"],
  ["cm-wiang-haeng", "เวียงแหง", "Wiang Haeng"],
  ["cm-chai-prakan", "ไชยปราการ", "Chai Prakan"],
  ["cm-mae-wang", "แม่วาง", "Mae Wang"],
  ["cm-mae-on", "แม่ออน", "Mae On"],
  ["cm-doi-lo", "ดอยหล่อ", "Doi Lo"],
  ["cm-galyani-vadhana", "กัลยาณิวัฒนา", "Galyani Vadhana"],
];

const geography = loadGeography();
const summary = (match: PlaceMatch): string => {
  switch (match.kind) {
    case "district":
      return match.district.id;
    case "ambiguous":
      return `ambiguous:${match.candidates.map((d) => d.id).join(",")}`;
    case "province":
      return `province:${match.province.id}`;
    case "none":
      return "none";
  }
};

describe("the whole country", () => {
  test("when the geography is loaded, then it has Thailand's 77 provinces and 928 districts", () => {
    expect(geography.provinces).toHaveLength(77);
    expect(geography.provinces.flatMap((p) => p.districts)).toHaveLength(928);
  });

  test("when Bangkok is looked up, then it has its 50 khet, and no other province has a khet", () => {
    const bangkok = geography.findProvince("bangkok");
    expect(bangkok?.districts).toHaveLength(50);
    expect(bangkok?.districts.every((d) => d.kind === "khet")).toBe(true);
    const khetElsewhere = geography.provinces
      .filter((p) => p.id !== "bangkok")
      .flatMap((p) => p.districts)
      .filter((d) => d.kind === "khet");
    expect(khetElsewhere).toEqual([]);
  });

  test("when every district is checked, then each has a Thai and an English name and a DOPA code of its province", () => {
    for (const province of geography.provinces) {
      for (const district of province.districts) {
        expect(district.nameTh).toMatch(/^[\u0E00-\u0E7F]/);
        expect(district.nameEn).toMatch(/^[A-Z]/);
        expect(district.code.slice(0, 2)).toBe(province.code);
      }
    }
  });

  test("when Chiang Mai is the pilot, then it is the first quick pick", () => {
    expect(geography.quickPickProvinces.map((p) => p.id)).toEqual(["chiang-mai"]);
  });

  test("when the pilot province is loaded, then its 25 districts keep the ids tips and scopes already store", () => {
    const chiangMai = geography.findProvince("chiang-mai");
    expect(chiangMai?.nameTh).toBe("เชียงใหม่");
    expect(chiangMai?.districts.map((d) => d.id).sort()).toEqual(
      CHIANG_MAI_DISTRICTS.map(([id]) => id).sort(),
    );
  });

  test.each(CHIANG_MAI_DISTRICTS)(
    "when %s is looked up by id, then it carries its names and province",
    (id, th, en) => {
      expect(geography.findDistrict(id)).toMatchObject({
        id,
        provinceId: "chiang-mai",
        nameTh: th,
        nameEn: en,
      });
    },
  );

  test("when every province is placed in the regional centres, then each is in at most one and only Bangkok is in none", () => {
    const inNone = geography.provinces.filter((p) => !geography.regionOf(p.id)).map((p) => p.id);
    expect(inNone).toEqual(["bangkok"]);
    expect(geography.regionOf("lampang")?.id).toBe("pacc-5");
    expect(geography.regionOf("chiang-mai")?.id).toBe("pacc-5");
  });
});

describe("matchPlace", () => {
  test.each([
    ["อำเภอเมืองลำปาง", "lampang-mueang-lampang"],
    ["Mueang Lampang", "lampang-mueang-lampang"],
    ["เมืองลำปาง", "lampang-mueang-lampang"],
    ["อ.เมือง จ.ลำปาง", "lampang-mueang-lampang"],
    ["Muang Lampang", "lampang-mueang-lampang"],
    ["เมืองลำปง", "lampang-mueang-lampang"],
  ])("when the citizen types %j, then Mueang Lampang is accepted", (text, id) => {
    expect(summary(geography.matchPlace(text))).toBe(id);
  });

  test.each(CHIANG_MAI_DISTRICTS)(
    "when the citizen types the Thai or English name of %s, then it is matched",
    (id, th, en) => {
      expect(geography.matchDistrictName(th)?.id ?? "ambiguous").toBe(
        id === "cm-chom-thong" ? "ambiguous" : id,
      );
      expect(geography.matchDistrictName(`${en}, Chiang Mai`)?.id).toBe(id);
      expect(geography.matchDistrictName(`${en.toUpperCase()} CHIANG MAI`)?.id).toBe(id);
    },
  );

  test.each([
    ["อ.สันทราย", "cm-san-sai"],
    ["อ. สันทราย", "cm-san-sai"],
    ["อำเภอสันทราย", "cm-san-sai"],
    ["อำเภอ สันทราย จังหวัดเชียงใหม่", "cm-san-sai"],
    ["ต.หนองหาร อ.สันทราย จ.เชียงใหม่", "cm-san-sai"],
    ["๙๙/๑ หมู่ ๓ ซอยร่มเย็น ต.หนองหาร อ.สันทราย จ.เชียงใหม่ ๕๐๒๙๐", "cm-san-sai"],
    ["สันทรายเชียงใหม่", "cm-san-sai"],
    ["san sai chiang mai", "cm-san-sai"],
    ["sansai", "cm-san-sai"],
    ["san sai district", "cm-san-sai"],
    ["Amphoe San Sai, Chiang Mai", "cm-san-sai"],
    ["สัน ทราย", "cm-san-sai"],
    ["สัน\u200bทราย", "cm-san-sai"],
    ["อำเภอเมืองเชียงใหม่", "cm-mueang-chiang-mai"],
    ["เเม่ริม", "cm-mae-rim"],
    ["สันกําแพง", "cm-san-kamphaeng"],
    ["Hod", "cm-hot"],
    ["Om Koi", "cm-omkoi"],
    ["Kanlayani Watthana", "cm-galyani-vadhana"],
    ["เขตจอมทอง", "bangkok-chom-thong"],
    ["Chom Thong, Bangkok", "bangkok-chom-thong"],
    ["อ.จอมทอง", "cm-chom-thong"],
    ["จอมทอง เชียงใหม่", "cm-chom-thong"],
    ["เขต บางรัก", "bangkok-bang-rak"],
    ["Khet Bang Rak", "bangkok-bang-rak"],
    ["หาดใหญ่", "songkhla-hat-yai"],
    ["Hua Hin", "prachuap-khiri-khan-hua-hin"],
    ["พัทยา", "chon-buri-bang-lamung"],
    ["อ.เมือง จ.อยุธยา", "phra-nakhon-si-ayutthaya-phra-nakhon-si-ayutthaya"],
    ["เมืองโคราช", "nakhon-ratchasima-mueang-nakhon-ratchasima"],
  ])("when the citizen types %j, then %s is matched", (text, id) => {
    expect(summary(geography.matchPlace(text))).toBe(id);
  });

  test.each([
    ["สันทาย", "cm-san-sai", "a missing letter"],
    ["สันทรายย", "cm-san-sai", "a doubled letter"],
    ["อมกอย", "cm-omkoi", "a missing tone mark"],
    ["san sia", "cm-san-sai", "two letters swapped"],
    ["Samoen", "cm-samoeng", "a dropped final letter"],
    ["Chaing Dao", "cm-chiang-dao", "a common English misspelling"],
    ["แม่แตล", "cm-mae-taeng", "a wrong final consonant"],
    ["ป้อมปราบศัตรูพาย", "bangkok-pom-prap-sattruphai", "a wrong vowel in a long name"],
    ["Pom Prab Satru Pai", "bangkok-pom-prap-sattruphai", "a loose romanisation"],
  ])("when the citizen types %s (%s), then %s is still matched", (text, id) => {
    expect(summary(geography.matchPlace(text))).toBe(id);
  });

  test.each([
    ["จอมทอง", ["cm-chom-thong", "bangkok-chom-thong"], "in Chiang Mai and Bangkok, the pilot first"],
    [
      "Bang Sai",
      ["phra-nakhon-si-ayutthaya-bang-sai", "phra-nakhon-si-ayutthaya-bang-sai-1413"],
      "two districts of one province",
    ],
    ["Mae Oi", ["cm-mae-ai", "cm-mae-on"], "a typo equally close to two names"],
  ])("when the citizen types %j, then the candidates %j are asked about (%s)", (text, ids) => {
    expect(summary(geography.matchPlace(text))).toBe(`ambiguous:${ids.join(",")}`);
  });

  test("when the citizen types เมือง alone, then every province's capital district is a candidate, the pilot's first", () => {
    const match = geography.matchPlace("อ.เมือง");
    expect(match.kind).toBe("ambiguous");
    const candidates = match.kind === "ambiguous" ? match.candidates : [];
    expect(candidates).toHaveLength(76); // every province but Bangkok
    expect(candidates[0]?.id).toBe("cm-mueang-chiang-mai");
  });

  test.each([
    ["ลำปาง", "lampang"],
    ["จังหวัดลำปาง", "lampang"],
    ["Lampnag", "lampang"],
    ["กรุงเทพ", "bangkok"],
    ["เชียงใหม่", "chiang-mai"],
    ["Korat", "nakhon-ratchasima"],
  ])("when the citizen types only the province %j, then the province is recognised", (text, id) => {
    expect(summary(geography.matchPlace(text))).toBe(`province:${id}`);
  });

  test.each([
    ["", "nothing"],
    ["hello", "an unrelated word"],
    ["ฮอต", "a one-letter typo in a three-letter name"],
    ["ที่บ้าน", "no place at all"],
  ])("when the citizen types %j (%s), then no place is matched", (text) => {
    expect(summary(geography.matchPlace(text))).toBe("none");
  });
});

describe("locateDistrict", () => {
  test.each([
    [18.88, 99.05, "cm-san-sai", "the middle of San Sai"],
    [18.7877, 98.9933, "cm-mueang-chiang-mai", "Tha Phae Gate in the old city"],
    [18.7668, 98.9626, "cm-mueang-chiang-mai", "Chiang Mai airport"],
    [19.9178, 99.2131, "cm-fang", "Fang town"],
    [17.7983, 98.3583, "cm-omkoi", "Omkoi town"],
    [18.29, 99.492, "lampang-mueang-lampang", "Lampang town"],
    [13.7563, 100.5018, "bangkok-phra-nakhon", "Sanam Luang, Bangkok"],
    [7.0086, 100.4747, "songkhla-hat-yai", "Hat Yai"],
  ])("when the citizen shares %d, %d, then %s is found (%s)", (lat, lng, id) => {
    expect(geography.locateDistrict(lat, lng)?.id).toBe(id);
  });

  test.each([
    [35.68, 139.69, "Tokyo"],
    [10.0, 95.0, "the Andaman Sea, far from any coast"],
    [Number.NaN, 99, "a broken location"],
  ])("when the citizen shares %d, %d (%s), then no district is found", (lat, lng) => {
    expect(geography.locateDistrict(lat, lng)).toBeUndefined();
  });
});

describe("loadGeography", () => {
  let dir: string;
  const dataDir = defaultGeographyDataDir();
  const lampangFile = join(dataDir, "provinces", "52-lampang.json");
  const lampang = JSON.parse(readFileSync(lampangFile, "utf8")) as Record<string, unknown> & {
    districts: Array<Record<string, unknown>>;
  };
  const offices = readFileSync(join(dataDir, "offices.json"), "utf8");

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "geography-"));
    cpSync(dataDir, dir, { recursive: true });
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test("when no folder is given, then the data is found from the repository root", () => {
    expect(defaultGeographyDataDir()).toMatch(/src[/\\]geo[/\\]data$/);
  });

  test("when a copy of the data is loaded, then it is the same country", () => {
    expect(loadGeography(dir).provinces).toHaveLength(77);
  });

  const district0 = lampang.districts[0]!;
  test.each([
    ["not JSON", "{ this is not json", /not readable JSON/],
    ["a missing field", JSON.stringify({ ...lampang, nameEn: undefined }), /nameEn/],
    ["an unknown field", JSON.stringify({ ...lampang, capital: "Lampang" }), /capital/],
    ["an id with capitals", JSON.stringify({ ...lampang, id: "Lampang" }), /id: must be lower-case/],
    [
      "a latitude out of range",
      JSON.stringify({ ...lampang, districts: [{ ...district0, points: [[95, 99]] }] }),
      /districts\.0\.points/,
    ],
    ["no districts", JSON.stringify({ ...lampang, districts: [] }), /districts/],
    [
      "a district listed twice",
      JSON.stringify({ ...lampang, districts: [district0, district0] }),
      /appears twice/,
    ],
    [
      "two districts with the same Thai name",
      JSON.stringify({
        ...lampang,
        districts: [district0, { ...district0, id: "lampang-other", code: "5299" }],
      }),
      /share the name/,
    ],
  ])("when a province file has %s, then start-up fails naming the file", (_case, content, problem) => {
    const file = join(dir, "provinces", "52-lampang.json");
    writeFileSync(file, content);
    expect(() => loadGeography(dir)).toThrow(GeographyDataError);
    expect(() => loadGeography(dir)).toThrow(file);
    expect(() => loadGeography(dir)).toThrow(problem);
  });

  test("when a district id is used by two files, then start-up fails naming both files", () => {
    writeFileSync(join(dir, "provinces", "99-copy.json"), JSON.stringify({ ...lampang, id: "lampang-copy" }));
    expect(() => loadGeography(dir)).toThrow(/99-copy\.json.*lampang-mueang-lampang.*52-lampang\.json/);
  });

  test.each([
    [
      "an unknown quick-pick province",
      (o: Record<string, unknown>) => ({ ...o, quickPickProvinces: ["atlantis"] }),
      /atlantis/,
    ],
    [
      "a province in two regional centres",
      (o: { regionalCentres: { centres: Array<{ provinceIds: string[] }> } }) => {
        o.regionalCentres.centres[0]!.provinceIds.push("lampang");
        return o;
      },
      /lampang.*both/,
    ],
  ])("when offices.json has %s, then start-up fails", (_case, change, problem) => {
    writeFileSync(join(dir, "offices.json"), JSON.stringify(change(JSON.parse(offices))));
    expect(() => loadGeography(dir)).toThrow(problem);
  });

  test("when the province folder holds no data files, then start-up fails", () => {
    rmSync(join(dir, "provinces"), { recursive: true });
    expect(() => loadGeography(dir)).toThrow(/Cannot read the geography data folder/);
  });
});
