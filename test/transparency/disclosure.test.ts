import {
  protectTables,
  roundForPublication,
  totalsOf,
  type CountGrid,
  type ProtectedPublication,
} from "../../src/transparency/disclosure";
import { attack } from "./support/attacker";

const k = 5;

/** Every suppressed cell of the publication has another value a reader cannot rule out. */
function expectNothingRecoverable(grids: CountGrid[], columns: number, result: ProtectedPublication): void {
  const reader = attack(grids, columns, result, k);
  const fixed = reader.names.filter((_, index) => reader.alternative(index) === undefined);
  expect(fixed).toEqual([]);
}

/** Cells under k are "< 5", published ones are at least k. */
function expectPrimariesRight(grids: CountGrid[], columns: number, result: ProtectedPublication): void {
  grids.forEach((grid, t) => {
    const table = result.tables[t]!;
    const totals = totalsOf(grid, columns);
    grid.forEach((row, r) =>
      row.forEach((value, c) =>
        expect([value, table.cells[r]![c]]).toEqual([value, statusFor(value, table.cells[r]![c]!)]),
      ),
    );
    totals.rows.forEach((value, r) => expect(table.rowTotals[r]).toBe(statusFor(value, table.rowTotals[r]!)));
    totals.columns.forEach((value, c) =>
      expect(table.columnTotals[c]).toBe(statusFor(value, table.columnTotals[c]!)),
    );
  });
}

function statusFor(value: number, actual: string): string {
  if (value < k) return "under-k";
  return actual === "withheld" ? "withheld" : "published";
}

/** A small deterministic generator (mulberry32), so a failing case can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe("protectTables", () => {
  test("when one district has 3 tips in a month and another 12, then the 3 is '< 5' and cannot be worked out", () => {
    // Two districts, one closed month: the acceptance case. Without complementary suppression the
    // month's total (15) minus 12 gives 3.
    const grid: CountGrid = [[3], [12]];
    const result = protectTables([grid], 1, { k });
    expect(result.publishable).toBe(true);
    const table = result.tables[0]!;
    expect(table.cells[0]![0]).toBe("under-k");
    expect(table.cells[1]![0]).toBe("withheld");
    expect(table.rowTotals[0]).toBe("under-k");
    expect(table.rowTotals[1]).toBe("withheld");
    expect(table.grandTotal).toBe("published");
    expectNothingRecoverable([grid], 1, result);
    expect(attack([grid], 1, result, k).linearlyRecovered()).toEqual([]);
  });

  test("when the acceptance case spans months and a category table, then every combination of totals and cells recovers nothing", () => {
    const areas: CountGrid = [
      [3, 7],
      [12, 9],
    ];
    const categories: CountGrid = [
      [10, 2],
      [5, 14],
    ];
    const result = protectTables([areas, categories], 2, { k });
    expect(result.publishable).toBe(true);
    expect(result.tables[0]!.cells[0]![0]).toBe("under-k");
    expect(result.tables[1]!.cells[0]![1]).toBe("under-k");
    const reader = attack([areas, categories], 2, result, k);
    expect(reader.linearlyRecovered()).toEqual([]);
    expectNothingRecoverable([areas, categories], 2, result);
  });

  test("when nothing is under k, then everything is published", () => {
    const grid: CountGrid = [
      [6, 7, 8],
      [9, 10, 11],
    ];
    const result = protectTables([grid], 3, { k });
    expect(result.tables[0]!.cells.flat().every((status) => status === "published")).toBe(true);
    expect(result.tables[0]!.columnTotals.every((status) => status === "published")).toBe(true);
  });

  test("when the grand total is under k, then nothing is publishable", () => {
    const result = protectTables(
      [
        [
          [1, 2],
          [0, 1],
        ],
      ],
      2,
      { k },
    );
    expect(result.publishable).toBe(false);
    expect(result.tables[0]!.grandTotal).toBe("under-k");
    expect(result.tables[0]!.cells.flat().every((status) => status !== "published")).toBe(true);
  });

  test("when two '< 5' cells of a row would add up to what is left of its total at their largest, then more is withheld", () => {
    // Row 0: 4 + 4 + 20 = 28. Knowing "< 5" means at most 4, 28 − 20 = 8 would pin both at 4.
    const grid: CountGrid = [
      [4, 4, 20],
      [10, 11, 12],
    ];
    const result = protectTables([grid], 3, { k });
    expectNothingRecoverable([grid], 3, result);
  });

  test("when zeros would be given away by a total, then they are protected too", () => {
    const grid: CountGrid = [
      [0, 0, 9],
      [8, 7, 6],
    ];
    const result = protectTables([grid], 3, { k });
    expect(result.tables[0]!.cells[0]![0]).toBe("under-k");
    expectNothingRecoverable([grid], 3, result);
  });

  test("when a month's total is under k, then that month is protected in every table sharing it", () => {
    const areas: CountGrid = [
      [1, 8, 9],
      [2, 9, 6],
      [0, 7, 12],
    ];
    const categories: CountGrid = [
      [2, 12, 20],
      [1, 12, 7],
    ];
    const result = protectTables([areas, categories], 3, { k });
    expect(result.tables[0]!.columnTotals[0]).toBe("under-k");
    expect(result.tables[1]!.columnTotals[0]).toBe("under-k");
    expect(result.tables[0]!.columnTotals).toEqual(result.tables[1]!.columnTotals);
    expectNothingRecoverable([areas, categories], 3, result);
  });

  test("when a table has a single row, then it repeats the monthly totals' statuses", () => {
    const one: CountGrid = [[2, 9, 8]];
    const split: CountGrid = [
      [1, 4, 4],
      [1, 5, 4],
    ];
    const result = protectTables([one, split], 3, { k });
    expect(result.tables[0]!.cells[0]).toEqual(result.tables[0]!.columnTotals);
    expectNothingRecoverable([one, split], 3, result);
  });

  test("when most months had no tips at all, then their zeros are protected through the monthly totals and the rest is published", () => {
    // Two districts over four months, tips only in the last two (a young pilot).
    const areas: CountGrid = [
      [0, 0, 4, 3],
      [0, 0, 6, 12],
    ];
    const categories: CountGrid = [
      [0, 0, 6, 12],
      [0, 0, 4, 3],
    ];
    const result = protectTables([areas, categories], 4, { k });
    expect(result.publishable).toBe(true);
    expect(result.tables[0]!.cells[0]![3]).toBe("under-k");
    expect(result.tables[0]!.grandTotal).toBe("published");
    expectNothingRecoverable([areas, categories], 4, result);
  });

  test("when tables of one publication disagree on the monthly totals, then it is a programming error", () => {
    expect(() => protectTables([[[5, 6]], [[6, 5]]], 2, { k })).toThrow(/same monthly totals/);
  });

  test("when 150 random sparse publications are protected, then a reader recovers no suppressed count in any", () => {
    let published = 0;
    let suppressed = 0;
    for (let seed = 1; seed <= 150; seed++) {
      const next = random(seed);
      const columns = 2 + Math.floor(next() * 2);
      const rowsA = 2 + Math.floor(next() * 2);
      // Mostly small counts, some large: the pilot's real shape.
      const count = () => (next() < 0.55 ? Math.floor(next() * 5) : 5 + Math.floor(next() * 14));
      const areas: CountGrid = Array.from({ length: rowsA }, () => Array.from({ length: columns }, count));
      // A second breakdown of the same monthly totals: each month's total over two categories.
      const monthTotals = totalsOf(areas, columns).columns;
      const split = monthTotals.map((total) => Math.floor(total * next()));
      const categories: CountGrid = [split, monthTotals.map((total, c) => total - split[c]!)];
      const result = protectTables([areas, categories], columns, { k });
      if (!result.publishable) continue;
      published++;
      suppressed += result.tables
        .flatMap((table) => table.cells.flat())
        .filter((s) => s !== "published").length;
      expectPrimariesRight([areas, categories], columns, result);
      expectNothingRecoverable([areas, categories], columns, result);
    }
    // The cases are real ones: most publishable, with plenty to protect.
    expect(published).toBeGreaterThan(100);
    expect(suppressed).toBeGreaterThan(300);
  });

  test("when only the cells under k were hidden, then the reader would recover them (the check can fail)", () => {
    const grid: CountGrid = [
      [3, 8],
      [12, 9],
    ];
    const naive: ProtectedPublication = {
      publishable: true,
      tables: [
        {
          cells: [
            ["under-k", "published"],
            ["published", "published"],
          ],
          rowTotals: ["published", "published"],
          columnTotals: ["published", "published"],
          grandTotal: "published",
        },
      ],
    };
    const reader = attack([grid], 2, naive, k);
    expect(reader.alternative(0)).toBeUndefined();
    expect(reader.linearlyRecovered()).toEqual(["table 0 row 0 month 0"]);
  });

  test("when a pattern resists every linear combination but not the bounds, then the reader recovers it (the check can fail)", () => {
    // a + b = 8 with both "< 5": both are 4, and then the withheld 5 and 6 follow. No combination of
    // the four relations isolates one cell (one degree of freedom is left), so only bounds give it away.
    const grid: CountGrid = [
      [4, 4],
      [5, 6],
    ];
    const boundsOnly: ProtectedPublication = {
      publishable: true,
      tables: [
        {
          cells: [
            ["under-k", "under-k"],
            ["withheld", "withheld"],
          ],
          rowTotals: ["published", "published"],
          columnTotals: ["published", "published"],
          grandTotal: "published",
        },
      ],
    };
    const reader = attack([grid], 2, boundsOnly, k);
    expect(reader.linearlyRecovered()).toEqual([]);
    expect(reader.alternative(0)).toBeUndefined();
    // What protectTables makes of the same counts leaves every cell open.
    expectNothingRecoverable([grid], 2, protectTables([grid], 2, { k }));
  });
});

describe("roundForPublication", () => {
  test("when a count is at most 20, then it is exact; above, the nearest 5", () => {
    expect([5, 12, 20, 21, 22, 23, 27, 28, 100, 102].map((value) => roundForPublication(value))).toEqual([
      5, 12, 20, 20, 20, 25, 25, 30, 100, 100,
    ]);
  });
});
