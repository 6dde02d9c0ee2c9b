import { districtNameKey, districtNameKeys, withinOneEdit } from "../../src/geo/district-names";

describe("districtNameKey", () => {
  test.each([
    ["San Sai", "sansai"],
    ["san-sai", "sansai"],
    ["SAN  SAI", "sansai"],
    ["สัน ทราย", "สันทราย"],
    ["เเม่ริม", "แม่ริม"],
    ["สันกําแพง", "สันกำแพง"],
    ["สัน\u200bทราย", "สันทราย"],
  ])("when the name is written %j, then its key is %s", (name, key) => {
    expect(districtNameKey(name)).toBe(key);
  });
});

describe("districtNameKeys", () => {
  test.each([
    ["อ.สันทราย", ["สันทราย"]],
    ["อำเภอ สันทราย", ["สันทราย"]],
    ["ต.หนองหาร อ.สันทราย จ.เชียงใหม่", ["สันทราย", "ตหนองหารอสันทราย"]],
    ["Amphoe San Sai, Chiang Mai", ["sansai"]],
    ["Mae Rim District", ["maerim"]],
    ["   ", []],
  ])("when the citizen types %j, then the keys tried are %j", (text, keys) => {
    expect(districtNameKeys(text)).toEqual(keys);
  });
});

describe("withinOneEdit", () => {
  test.each([
    ["sansai", "sansai", true],
    ["sansai", "sansay", true],
    ["sansai", "sanai", true],
    ["sansai", "sansaai", true],
    ["sansai", "snasai", true],
    ["sansai", "sansia", true],
    ["อมก๋อย", "อมกอย", true],
    ["sansai", "sasnia", false],
    ["sansai", "sanxxi", false],
    ["sansai", "san", false],
    ["maeai", "maeon", false],
    ["", "a", true],
    ["ab", "ba", true],
    ["abc", "cba", false],
  ])("when %s is compared with %s, then within one edit is %s", (a, b, expected) => {
    expect(withinOneEdit(a, b)).toBe(expected);
    expect(withinOneEdit(b, a)).toBe(expected);
  });
});
