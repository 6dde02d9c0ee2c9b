import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  buildProvinceFiles,
  packageSource,
  provinceFileName,
  readCorrections,
  readKnownIds,
  slug,
} from "../../scripts/build-geography";
import { defaultGeographyDataDir } from "../../src/geo/geography";

const dir = join(defaultGeographyDataDir(), "provinces");

describe("build-geography", () => {
  test("when the data is rebuilt from the pinned package and the corrections, then it equals the shipped files", () => {
    const rebuilt = buildProvinceFiles(packageSource, readCorrections(), readKnownIds(dir));
    for (const file of rebuilt) {
      const shipped: unknown = JSON.parse(readFileSync(join(dir, provinceFileName(file)), "utf8"));
      expect(shipped).toEqual(file);
    }
    expect(rebuilt).toHaveLength(77);
  });

  test("when ids are derived afresh, then the pilot's legacy ids still come from the corrections", () => {
    const fresh = buildProvinceFiles(packageSource, readCorrections());
    const chiangMai = fresh.find((file) => file.id === "chiang-mai");
    expect(chiangMai?.districts.find((d) => d.code === "5014")?.id).toBe("cm-san-sai");
  });

  test("when an id is already published, then a rebuild keeps it even if the English name changes", () => {
    const corrections = readCorrections();
    const renamed = {
      ...corrections,
      districts: { ...corrections.districts, "5201": { nameEn: "Muang Lampang" } },
    };
    const files = buildProvinceFiles(packageSource, renamed, readKnownIds(dir));
    const district = files.find((f) => f.id === "lampang")?.districts.find((d) => d.code === "5201");
    expect(district).toMatchObject({ id: "lampang-mueang-lampang", nameEn: "Muang Lampang" });
  });

  test.each([
    ["Mueang Lampang", "mueang-lampang"],
    ["Su-ngai Kolok", "su-ngai-kolok"],
    ["Phang-nga", "phang-nga"],
  ])("when %j is made an id, then it is %s", (name, id) => {
    expect(slug(name)).toBe(id);
  });
});
