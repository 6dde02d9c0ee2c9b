import {
  bangkokMonth,
  buildReport,
  closedMonths,
  type AreaNames,
  type TipFacts,
} from "../../src/transparency/figures";

const day = 86_400_000;
const now = new Date("2026-12-01T03:00:00Z"); // 10:00 on 1 December in Bangkok

const names: AreaNames = {
  district: (id) =>
    ({
      "cm-san-sai": { provinceId: "chiang-mai", nameTh: "สันทราย", nameEn: "San Sai" },
      "cm-hot": { provinceId: "chiang-mai", nameTh: "ฮอด", nameEn: "Hot" },
      "cm-fang": { provinceId: "chiang-mai", nameTh: "ฝาง", nameEn: "Fang" },
      "lp-mueang": { provinceId: "lampang", nameTh: "เมืองลำปาง", nameEn: "Mueang Lampang" },
    })[id],
  province: (id) =>
    ({
      "chiang-mai": { nameTh: "เชียงใหม่", nameEn: "Chiang Mai" },
      lampang: { nameTh: "ลำปาง", nameEn: "Lampang" },
    })[id],
};

function tip(districtId: string | null, receivedAt: string, extra: Partial<TipFacts> = {}): TipFacts {
  const received = new Date(receivedAt);
  return {
    category: "bribery",
    provinceId: districtId ? (districtId.startsWith("lp") ? "lampang" : "chiang-mai") : null,
    districtId,
    status: "received",
    receivedAt: received,
    acknowledgeBy: new Date(received.getTime() + 7 * day),
    history: [{ status: "received", at: received }],
    ...extra,
  };
}

function many<T>(count: number, make: (i: number) => T): T[] {
  return Array.from({ length: count }, (_, i) => make(i));
}

describe("closedMonths", () => {
  test("when it is early December in Bangkok, then the last closed month is November and the current one is never included", () => {
    expect(closedMonths(now, 3)).toEqual(["2026-09", "2026-10", "2026-11"]);
    expect(closedMonths(new Date("2027-01-15T00:00:00Z"), 2)).toEqual(["2026-11", "2026-12"]);
  });

  test("when an instant is late evening UTC on the last day of a month, then it is already the next month in Bangkok", () => {
    expect(bangkokMonth(new Date("2026-11-30T18:00:00Z"))).toBe("2026-12");
  });
});

describe("buildReport", () => {
  test("when this month's tips exist, then they are not counted anywhere", async () => {
    const tips = [
      ...many(6, () => tip("cm-san-sai", "2026-11-10T05:00:00Z")),
      ...many(9, () => tip("cm-san-sai", "2026-12-01T01:00:00Z")),
    ];
    const report = await buildReport(tips, [], names, { now, months: 3, k: 5 });
    const received = report.measures.find((m) => m.id === "received")!;
    expect(received.total).toEqual({ count: 6, status: "published" });
    expect(report.months).not.toContain("2026-12");
  });

  test("when districts have fewer than k tips in the whole period, then they are pooled and never named", async () => {
    const tips = [
      ...many(8, () => tip("cm-san-sai", "2026-11-03T05:00:00Z")),
      ...many(3, () => tip("cm-hot", "2026-10-03T05:00:00Z")), // Hot and Fang: 5 together
      ...many(2, () => tip("cm-fang", "2026-11-03T05:00:00Z")),
      ...many(4, () => tip("lp-mueang", "2026-11-03T05:00:00Z")), // Lampang alone: under k
      ...many(2, () => tip(null, "2026-11-03T05:00:00Z")),
    ];
    const report = await buildReport(tips, [], names, { now, months: 3, k: 5 });
    const areas = report.measures.find((m) => m.id === "received")!.tables.find((t) => t.id === "areas")!;
    expect(areas.rows.map((row) => [row.id, row.kind])).toEqual([
      ["cm-san-sai", "district"],
      ["chiang-mai:other", "pooled"],
      ["elsewhere", "elsewhere"],
    ]);
    expect(JSON.stringify(report)).not.toMatch(/Hot|Fang|ลำปาง|Lampang/);
  });

  test("when tips are acknowledged, given feedback and closed, then each measure counts them in its own month", async () => {
    const tips = many(30, (i) =>
      tip("cm-san-sai", "2026-09-10T05:00:00Z", {
        status: i < 20 ? "closed" : "acknowledged",
        acknowledgedAt: new Date(Date.parse("2026-09-10T05:00:00Z") + (i < 25 ? 2 : 9) * day),
        feedbackBy: new Date(Date.parse("2026-09-12T05:00:00Z") + 90 * day),
        ...(i < 20 && {
          closedAt: new Date("2026-11-05T05:00:00Z"),
          closeReason: i < 12 ? "substantiated" : "duplicate",
          history: [
            { status: "received", at: new Date("2026-09-10T05:00:00Z") },
            { status: "closed", at: new Date("2026-11-05T05:00:00Z") },
          ],
        }),
      }),
    );
    const report = await buildReport(tips, [], names, { now, months: 3, k: 5 });
    const measure = (id: string) => report.measures.find((m) => m.id === id)!;
    // Only totals: with one month of tips and two empty ones, the month itself is withheld.
    expect(measure("received").total).toEqual({ count: 30, status: "published" });
    expect(measure("acknowledged-on-time").total).toEqual({ count: 25, status: "published" });
    expect(measure("feedback-on-time").total).toEqual({ count: 20, status: "published" });
    expect(measure("closed").total).toEqual({ count: 20, status: "published" });
    const outcomes = measure("closed").tables.find((t) => t.id === "outcomes")!;
    expect(outcomes.rows.map((row) => [row.id, row.total])).toEqual([
      ["substantiated", { count: 12, status: "published" }],
      ["duplicate", { count: 8, status: "published" }],
    ]);
    expect(report.medians.acknowledge[0]).toEqual({ month: "2026-09", days: 2 });
    expect(report.medians.close[2]).toEqual({ month: "2026-11", days: 56 });
    // Months with fewer than k cases behind a median show none.
    expect(report.medians.acknowledge[1]).toEqual({ month: "2026-10", days: null });
  });

  test("when counts are above 20, then they are rounded to the nearest 5", async () => {
    const tips = many(23, () => tip("cm-san-sai", "2026-11-03T05:00:00Z"));
    const report = await buildReport(tips, [], names, { now, months: 2, k: 5 });
    expect(report.measures.find((m) => m.id === "received")!.total).toEqual({
      count: 25,
      status: "published",
    });
  });

  test("when satisfaction answers are given, then they count by area and month with their mean, protected like tips", async () => {
    const tips = [
      ...many(8, () => tip("cm-san-sai", "2026-11-10T05:00:00Z")),
      ...many(6, () => tip("cm-hot", "2026-11-10T05:00:00Z")),
    ];
    const answer = (districtId: string, rating: number) => ({
      month: "2026-11",
      provinceId: "chiang-mai",
      districtId,
      rating,
    });
    const answers = [
      ...many(4, () => answer("cm-san-sai", 5)),
      ...many(3, () => answer("cm-san-sai", 4)),
      ...many(2, () => answer("cm-hot", 1)),
    ];
    const report = await buildReport(tips, answers, names, { now, months: 2, k: 5 });
    const satisfaction = report.measures.find((m) => m.id === "satisfaction")!;
    const [areas] = satisfaction.tables;
    expect(areas!.id).toBe("areas");
    const hot = areas!.rows.find((row) => row.id === "cm-hot")!;
    expect(hot.cells[1]).toEqual({ count: null, status: "under-k", mean: null });
    // Hot's 2 answers are hidden, so San Sai's 7 (or the month's 9) must be too, and no mean over them shows.
    const sanSai = areas!.rows.find((row) => row.id === "cm-san-sai")!;
    const november = [sanSai.cells[1]!, satisfaction.monthly[1]!];
    expect(november.some((figure) => figure.status !== "published")).toBe(true);
    for (const figure of [
      ...areas!.rows.flatMap((row) => [...row.cells, row.total]),
      ...satisfaction.monthly,
    ])
      if (figure.status !== "published") expect(figure.mean).toBeNull();
    expect(satisfaction.total.mean).toBeNull();
  });

  test("when every cell of the answers is published, then the means are shown, the month's and the period's too", async () => {
    const tips = many(8, () => tip("cm-san-sai", "2026-11-10T05:00:00Z"));
    const answers = [
      ...many(4, () => ({ month: "2026-11", provinceId: "chiang-mai", districtId: "cm-san-sai", rating: 5 })),
      ...many(3, () => ({ month: "2026-11", provinceId: "chiang-mai", districtId: "cm-san-sai", rating: 4 })),
    ];
    const report = await buildReport(tips, answers, names, { now, months: 1, k: 5 });
    const satisfaction = report.measures.find((m) => m.id === "satisfaction")!;
    const row = satisfaction.tables[0]!.rows.find((r) => r.id === "cm-san-sai")!;
    expect(row.cells[0]).toEqual({ count: 7, status: "published", mean: 4.6 });
    expect(row.total.mean).toBe(4.6);
    expect(satisfaction.monthly[0]!.mean).toBe(4.6);
    expect(satisfaction.total).toEqual({ count: 7, status: "published", mean: 4.6 });
  });

  test("when fewer than k answers exist in the whole period, then nothing of the satisfaction measure is publishable", async () => {
    const tips = many(8, () => tip("cm-san-sai", "2026-11-10T05:00:00Z"));
    const answers = many(3, () => ({
      month: "2026-11",
      provinceId: "chiang-mai",
      districtId: "cm-san-sai",
      rating: 4,
    }));
    const report = await buildReport(tips, answers, names, { now, months: 2, k: 5 });
    const satisfaction = report.measures.find((m) => m.id === "satisfaction")!;
    expect(satisfaction.publishable).toBe(false);
    expect(satisfaction.total).toEqual({ count: null, status: "under-k", mean: null });
  });

  test("when an answer's district had no tips in the period, then it counts with its province's pooled row or elsewhere, never as a named district", async () => {
    const tips = [
      ...many(8, () => tip("cm-san-sai", "2026-11-10T05:00:00Z")),
      ...many(3, () => tip("cm-hot", "2026-11-10T05:00:00Z")),
      ...many(3, () => tip("cm-fang", "2026-11-10T05:00:00Z")),
    ];
    const answers = many(6, () => ({
      month: "2026-11",
      provinceId: "chiang-mai",
      districtId: null,
      rating: 3,
    }));
    const report = await buildReport(tips, answers, names, { now, months: 1, k: 5 });
    const rows = report.measures.find((m) => m.id === "satisfaction")!.tables[0]!.rows;
    expect(rows.map((row) => row.id)).toEqual(["chiang-mai:other"]);
  });
});
