import {
  coverageFilter,
  coverageLevel,
  covers,
  type RegionTable,
  type Scope,
} from "../../src/officers/scope";
import { officerPostback, parseOfficerPostback } from "../../src/officers/postback";
import { nextStatuses } from "../../src/officers/cases";
import { newPublicRef } from "../../src/tips/public-ref";

const scope = (fields: Partial<Scope>): Scope => ({
  everywhere: false,
  provinceIds: [],
  districtIds: [],
  categories: [],
  fallback: false,
  ...fields,
});
const sanSaiBribery = { provinceId: "chiang-mai", districtId: "cm-san-sai", category: "bribery" as const };
const outside = { provinceId: null, districtId: null, category: "bribery" as const };

describe("scopes as the routing table", () => {
  test("when a scope names the tip's district, then it covers the tip", () => {
    expect(covers(scope({ districtIds: ["cm-san-sai"] }), sanSaiBribery)).toBe(true);
  });

  test("when a scope names another district, then it does not cover the tip", () => {
    expect(covers(scope({ districtIds: ["cm-fang"] }), sanSaiBribery)).toBe(false);
  });

  test("when a scope names the province, then it covers every district of it", () => {
    expect(covers(scope({ provinceIds: ["chiang-mai"] }), sanSaiBribery)).toBe(true);
  });

  test("when a scope is limited to other categories, then it does not cover the tip", () => {
    expect(covers(scope({ districtIds: ["cm-san-sai"], categories: ["procurement"] }), sanSaiBribery)).toBe(
      false,
    );
  });

  test("when a tip is outside every province, then only an everywhere scope covers it", () => {
    expect(covers(scope({ provinceIds: ["chiang-mai"] }), outside)).toBe(false);
    expect(covers(scope({ everywhere: true }), outside)).toBe(true);
  });

  test("when a scope only takes the fallback, then it covers no place by itself", () => {
    expect(covers(scope({ fallback: true }), sanSaiBribery)).toBe(false);
    expect(coverageFilter(scope({ fallback: true }))).toBeUndefined();
  });
});

describe("regional centres in scopes", () => {
  const regions: RegionTable = {
    regionOf: (provinceId) => (["chiang-mai", "lampang"].includes(provinceId) ? { id: "pacc-5" } : undefined),
    findRegion: (id) => (id === "pacc-5" ? { provinceIds: ["chiang-mai", "lampang"] } : undefined),
  };
  const lampang = {
    provinceId: "lampang",
    districtId: "lampang-mueang-lampang",
    category: "bribery" as const,
  };

  test("when a scope names the tip's regional centre, then it covers the tip at the region level", () => {
    expect(coverageLevel(scope({ regionIds: ["pacc-5"] }), lampang, regions)).toBe("region");
    expect(covers(scope({ regionIds: ["pacc-5"] }), lampang, regions)).toBe(true);
  });

  test("when a scope names another region, then it does not cover the tip", () => {
    expect(covers(scope({ regionIds: ["pacc-9"] }), lampang, regions)).toBe(false);
  });

  test("when several parts of a scope cover a tip, then the most specific level is reported", () => {
    expect(
      coverageLevel(scope({ everywhere: true, districtIds: ["cm-san-sai"] }), sanSaiBribery, regions),
    ).toBe("district");
    expect(coverageLevel(scope({ everywhere: true }), sanSaiBribery, regions)).toBe("everywhere");
  });

  test("when a regional scope becomes a query, then it lists the region's provinces", () => {
    expect(coverageFilter(scope({ regionIds: ["pacc-5"] }), regions)).toEqual({
      $or: [{ provinceId: { $in: ["chiang-mai", "lampang"] } }],
    });
  });

  test("when a scope was stored before regions existed, then it still works", () => {
    const old = scope({ provinceIds: ["lampang"] });
    delete old.regionIds;
    expect(covers(old, lampang, regions)).toBe(true);
  });
});

describe("officer postback data", () => {
  const tipRef = newPublicRef();

  test("when any officer button is built, then its data stays within LINE's 300 characters and parses back", () => {
    const data = officerPostback("close", tipRef, { status: "closed", reason: "insufficient-evidence" });
    expect(data.length).toBeLessThanOrEqual(300);
    expect(parseOfficerPostback(data)).toEqual({
      verb: "close",
      tipRef,
      status: "closed",
      reason: "insufficient-evidence",
    });
  });

  test("when the tip is named by something that is not a ref, then the data is not an officer button", () => {
    expect(parseOfficerPostback("o=ack&t=../../etc")).toBeUndefined();
    expect(parseOfficerPostback(`o=ack&t=${tipRef}%00`)).toBeUndefined();
  });

  test("when a button names the tip by an ObjectId (made before refs), then it is recognised as outdated", () => {
    expect(parseOfficerPostback("o=ack&t=0123456789abcdef01234567")).toBe("outdated");
  });
});

describe("status transitions", () => {
  test("when a case is new, then acknowledging is the only way forward", () => {
    expect(nextStatuses("received")).toEqual(["acknowledged"]);
  });

  test("when a case is under review, then it can only move forward", () => {
    expect(nextStatuses("under-review")).toEqual(["referred", "closed"]);
  });
});
