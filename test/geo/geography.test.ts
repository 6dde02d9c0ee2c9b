import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultGeographyDataDir, GeographyDataError, loadGeography } from "../../src/geo/geography";

/** The pilot districts exactly as DESIGN.md lists them, with the RTGS names citizens type in English. */
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

describe("the pilot data", () => {
  test("when the geography is loaded, then Chiang Mai is the one province with its 25 districts", () => {
    expect(geography.provinces.map((p) => p.id)).toEqual(["chiang-mai"]);
    const chiangMai = geography.provinces[0];
    expect(chiangMai?.nameTh).toBe("เชียงใหม่");
    expect(chiangMai?.nameEn).toBe("Chiang Mai");
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

  test.each(CHIANG_MAI_DISTRICTS)(
    "when a location is shared at the centre of %s, then that district is found",
    (id) => {
      const centre = geography.findDistrict(id)?.centre;
      expect(geography.locateDistrict(centre?.lat ?? NaN, centre?.lng ?? NaN)?.id).toBe(id);
    },
  );

  test("when an unknown id is looked up, then nothing is found", () => {
    expect(geography.findDistrict("cm-atlantis")).toBeUndefined();
  });
});

describe("matchDistrictName", () => {
  test.each(CHIANG_MAI_DISTRICTS)(
    "when the citizen types the Thai name of %s, then it is matched",
    (id, th) => {
      expect(geography.matchDistrictName(th)?.id).toBe(id);
    },
  );

  test.each(CHIANG_MAI_DISTRICTS)(
    "when the citizen types the English name of %s, then it is matched",
    (id, _th, en) => {
      expect(geography.matchDistrictName(en)?.id).toBe(id);
      expect(geography.matchDistrictName(en.toUpperCase())?.id).toBe(id);
    },
  );

  test.each([
    ["อ.สันทราย", "cm-san-sai"],
    ["อ. สันทราย", "cm-san-sai"],
    ["อำเภอสันทราย", "cm-san-sai"],
    ["อำเภอ สันทราย จังหวัดเชียงใหม่", "cm-san-sai"],
    ["ต.หนองหาร อ.สันทราย จ.เชียงใหม่", "cm-san-sai"],
    ["sansai", "cm-san-sai"],
    ["San Sai", "cm-san-sai"],
    ["san sai district", "cm-san-sai"],
    ["Amphoe San Sai, Chiang Mai", "cm-san-sai"],
    ["สัน ทราย", "cm-san-sai"],
    ["เมือง", "cm-mueang-chiang-mai"],
    ["อ.เมือง", "cm-mueang-chiang-mai"],
    ["อำเภอเมืองเชียงใหม่", "cm-mueang-chiang-mai"],
    ["Muang", "cm-mueang-chiang-mai"],
    ["เเม่ริม", "cm-mae-rim"],
    ["สันกําแพง", "cm-san-kamphaeng"],
    ["Hod", "cm-hot"],
    ["Om Koi", "cm-omkoi"],
    ["Kanlayani Watthana", "cm-galyani-vadhana"],
  ])("when the citizen types %s, then %s is matched", (text, id) => {
    expect(geography.matchDistrictName(text)?.id).toBe(id);
  });

  test.each([
    ["สันทาย", "cm-san-sai", "a missing letter"],
    ["สันทรายย", "cm-san-sai", "a doubled letter"],
    ["อมกอย", "cm-omkoi", "a missing tone mark"],
    ["san sia", "cm-san-sai", "two letters swapped"],
    ["Samoen", "cm-samoeng", "a dropped final letter"],
    ["Chaing Dao", "cm-chiang-dao", "a common English misspelling"],
    ["แม่แตล", "cm-mae-taeng", "a wrong final consonant"],
  ])("when the citizen types %s (%s), then %s is still matched", (text, id) => {
    expect(geography.matchDistrictName(text)?.id).toBe(id);
  });

  test.each([
    ["", "nothing"],
    ["เชียงใหม่", "the province, not a district"],
    ["กรุงเทพ", "a place outside the pilot"],
    ["hello", "an unrelated word"],
    ["ฮอต", "a one-letter typo in a three-letter name"],
    ["Mae Oi", "a typo equally close to Mae Ai and Mae On"],
  ])("when the citizen types %j (%s), then no district is matched", (text) => {
    expect(geography.matchDistrictName(text)).toBeUndefined();
  });
});

describe("locateDistrict", () => {
  test.each([
    [18.88, 99.05, "cm-san-sai", "the middle of San Sai"],
    [18.7877, 98.9933, "cm-mueang-chiang-mai", "Tha Phae Gate in the old city"],
    [18.7668, 98.9626, "cm-mueang-chiang-mai", "Chiang Mai airport"],
    [19.9178, 99.2131, "cm-fang", "Fang town"],
    [17.7983, 98.3583, "cm-omkoi", "Omkoi town"],
  ])("when the citizen shares %d, %d, then %s is found (%s)", (lat, lng, id) => {
    expect(geography.locateDistrict(lat, lng)?.id).toBe(id);
  });

  test.each([
    [13.7563, 100.5018, "Bangkok"],
    [19.3013, 97.9685, "Mae Hong Son town, west of the bbox"],
    [17.3, 99.6, "a corner of the bbox in Lampang, far from every district centre"],
    [Number.NaN, 99, "a broken location"],
  ])("when the citizen shares %d, %d (%s), then it is outside the pilot area", (lat, lng) => {
    expect(geography.locateDistrict(lat, lng)).toBeUndefined();
  });
});

describe("loadGeography", () => {
  let dir: string;
  const pilotFile = readFileSync(join(defaultGeographyDataDir(), "chiang-mai.json"), "utf8");
  const lamphun = {
    id: "lamphun",
    nameTh: "ลำพูน",
    nameEn: "Lamphun",
    bbox: { minLat: 17.2, maxLat: 18.9, minLng: 98.5, maxLng: 99.4 },
    districts: [
      {
        id: "lp-mueang-lamphun",
        nameTh: "เมืองลำพูน",
        nameEn: "Mueang Lamphun",
        centre: { lat: 18.58, lng: 99.01 },
      },
    ],
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "geography-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test("when no folder is given, then the pilot data is found from the repository root", () => {
    expect(defaultGeographyDataDir()).toMatch(/src[/\\]geo[/\\]data$/);
  });

  test("when a second province file is added, then its districts are loaded with no code change", () => {
    writeFileSync(join(dir, "chiang-mai.json"), pilotFile);
    writeFileSync(join(dir, "lamphun.json"), JSON.stringify(lamphun));
    const both = loadGeography(dir);
    expect(both.provinces.map((p) => p.id)).toEqual(["chiang-mai", "lamphun"]);
    expect(both.findDistrict("lp-mueang-lamphun")?.provinceId).toBe("lamphun");
    expect(both.matchDistrictName("เมืองลำพูน")?.id).toBe("lp-mueang-lamphun");
    expect(both.locateDistrict(18.575, 99.008)?.id).toBe("lp-mueang-lamphun");
  });

  test("when two provinces both know a district as เมือง, then เมือง alone is ambiguous", () => {
    writeFileSync(join(dir, "chiang-mai.json"), pilotFile);
    const withAlias = { ...lamphun, districts: [{ ...lamphun.districts[0], aliases: ["เมือง"] }] };
    writeFileSync(join(dir, "lamphun.json"), JSON.stringify(withAlias));
    expect(loadGeography(dir).matchDistrictName("เมือง")).toBeUndefined();
  });

  test.each([
    ["not JSON", "{ this is not json", /not readable JSON/],
    ["a missing field", JSON.stringify({ ...lamphun, nameEn: undefined }), /nameEn/],
    ["an unknown field", JSON.stringify({ ...lamphun, capital: "Lamphun" }), /capital/],
    ["an id with capitals", JSON.stringify({ ...lamphun, id: "Lamphun" }), /id: must be lower-case/],
    [
      "a latitude out of range",
      JSON.stringify({ ...lamphun, bbox: { ...lamphun.bbox, maxLat: 95 } }),
      /bbox\.maxLat/,
    ],
    [
      "an inverted bbox",
      JSON.stringify({ ...lamphun, bbox: { ...lamphun.bbox, minLat: 19 } }),
      /min must be below/,
    ],
    ["no districts", JSON.stringify({ ...lamphun, districts: [] }), /districts/],
    [
      "a centre outside the bbox",
      JSON.stringify({
        ...lamphun,
        districts: [{ ...lamphun.districts[0], centre: { lat: 13.75, lng: 100.5 } }],
      }),
      /outside the province bbox/,
    ],
    [
      "a district listed twice",
      JSON.stringify({ ...lamphun, districts: [lamphun.districts[0], lamphun.districts[0]] }),
      /appears twice/,
    ],
    [
      "two districts with the same name",
      JSON.stringify({
        ...lamphun,
        districts: [lamphun.districts[0], { ...lamphun.districts[0], id: "lp-other", nameTh: "อื่น" }],
      }),
      /share the name/,
    ],
  ])("when a data file has %s, then start-up fails naming the file", (_case, content, problem) => {
    const file = join(dir, "lamphun.json");
    writeFileSync(file, content);
    expect(() => loadGeography(dir)).toThrow(GeographyDataError);
    expect(() => loadGeography(dir)).toThrow(file);
    expect(() => loadGeography(dir)).toThrow(problem);
  });

  test("when a district id is used by two files, then start-up fails naming both files", () => {
    writeFileSync(join(dir, "a.json"), JSON.stringify(lamphun));
    writeFileSync(join(dir, "b.json"), JSON.stringify({ ...lamphun, id: "lamphun-copy" }));
    expect(() => loadGeography(dir)).toThrow(/b\.json.*lp-mueang-lamphun.*a\.json/);
  });

  test("when the folder holds no data files, then start-up fails", () => {
    writeFileSync(join(dir, "README.md"), "not data");
    expect(() => loadGeography(dir)).toThrow(/No geography data files/);
  });

  test("when the folder does not exist, then start-up fails naming it", () => {
    expect(() => loadGeography(join(dir, "missing"))).toThrow(/Cannot read the geography data folder/);
  });
});
