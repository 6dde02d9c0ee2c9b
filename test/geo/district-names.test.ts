import { districtNameKey, looseNameKey, parsePlaceQuery, withinEdits } from "../../src/geo/district-names";

describe("districtNameKey", () => {
  test.each([
    ["San Sai", "sansai"],
    ["san-sai", "sansai"],
    ["SAN  SAI", "sansai"],
    ["สัน ทราย", "สันทราย"],
    ["เเม่ริม", "แม่ริม"],
    ["สันกําแพง", "สันกำแพง"],
    ["สัน\u200bทราย", "สันทราย"],
    ["กรุงเทพฯ", "กรุงเทพ"],
  ])("when the name is written %j, then its key is %s", (name, key) => {
    expect(districtNameKey(name)).toBe(key);
  });
});

describe("looseNameKey", () => {
  test.each([
    ["mueang", "muang"],
    ["meuang", "muang"],
    ["phrao", "prao"],
    ["อมก๋อย", "อมกอย"],
    ["ศรีสะเกษ", "สรีสะเกส"],
  ])("when %s is loosened, then it meets %s", (a, b) => {
    expect(looseNameKey(districtNameKey(a))).toBe(looseNameKey(districtNameKey(b)));
  });
});

describe("parsePlaceQuery", () => {
  test.each([
    ["อ.สันทราย", { district: "สันทราย", kind: "amphoe" }],
    ["อำเภอ สันทราย", { district: "สันทราย", kind: "amphoe" }],
    ["เขตบางรัก", { district: "บางรัก", kind: "khet" }],
    ["ต.หนองหาร อ.สันทราย จ.เชียงใหม่", { district: "สันทราย", province: "เชียงใหม่", kind: "amphoe" }],
    ["๙๙/๑ หมู่ ๓ อ.สันทราย จ.เชียงใหม่ ๕๐๒๙๐", { district: "สันทราย", province: "เชียงใหม่", kind: "amphoe" }],
    ["Amphoe San Sai, Chiang Mai", { district: "san sai", province: "chiang mai" }],
    ["Mae Rim District", { district: "mae rim" }],
    ["Khet Bang Rak, Bangkok", { district: "bang rak", province: "bangkok", kind: "khet" }],
    ["   ", { district: "" }],
  ])("when the citizen types %j, then the parts are %j", (text, parts) => {
    expect(parsePlaceQuery(text)).toEqual(parts);
  });
});

describe("withinEdits", () => {
  test.each([
    ["sansai", "sansai", 1, true],
    ["sansai", "sansay", 1, true],
    ["sansai", "sanai", 1, true],
    ["sansai", "sansaai", 1, true],
    ["sansai", "snasai", 1, true],
    ["sansai", "sansia", 1, true],
    ["อมก๋อย", "อมกอย", 1, true],
    ["sansai", "sasnia", 1, false],
    ["sansai", "sasnia", 2, true],
    ["sansai", "sanxxi", 1, false],
    ["sansai", "sanxxi", 2, true],
    ["sansai", "san", 2, false],
    ["maeai", "maeon", 1, false],
    ["", "a", 1, true],
    ["ab", "ba", 1, true],
    ["abc", "cba", 1, false],
  ])("when %s is compared with %s within %d, then the answer is %s", (a, b, max, expected) => {
    expect(withinEdits(a, b, max)).toBe(expected);
    expect(withinEdits(b, a, max)).toBe(expected);
  });
});
