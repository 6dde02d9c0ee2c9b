import { startHarness, type Harness } from "../support/harness";
import type { TransparencyReport, Measure } from "../../src/transparency/figures";
import type { CountGrid, ProtectedPublication } from "../../src/transparency/disclosure";
import { attack } from "./support/attacker";
import { seedTips, type TipSeed } from "./support/tips";

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
  // Frozen (only `advance` moves it): the seeds' "last month" is worked out here and the service's
  // seconds later, so a real Bangkok month boundary must not fall in between.
  harness.clock.freeze();
});

afterAll(async () => {
  await harness.stop();
});

/** Noon Bangkok time on a day of a month `back` months before the clock's month. */
function inMonth(back: number, dayOfMonth: number): Date {
  const now = harness.clock.now();
  const bangkok = new Date(now.getTime() + 7 * 3_600_000);
  return new Date(Date.UTC(bangkok.getUTCFullYear(), bangkok.getUTCMonth() - back, dayOfMonth, 5));
}

/** Waits (polling, generous deadline) until the served report satisfies `ready`. */
async function reportWhere(ready: (report: TransparencyReport) => boolean): Promise<TransparencyReport> {
  const deadline = Date.now() + 20_000;
  let last = "";
  for (;;) {
    // A kept-alive connection the server closed while the machine was busy is reset: ask again.
    const response = await fetch(`${harness.service.url}/transparency.json`).catch((error: Error) => {
      last = String(error.cause ?? error);
      return undefined;
    });
    if (response) last = `${response.status}`;
    if (response?.status === 200) {
      const report = (await response.json()) as TransparencyReport;
      if (ready(report)) return report;
      last = JSON.stringify(received(report));
    }
    if (Date.now() > deadline)
      throw new Error(
        `no matching transparency report in time: ${last}\n${harness.logs.filter((line) => line.includes("transparency")).join("")}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const received = (report: TransparencyReport): Measure => report.measures.find((m) => m.id === "received")!;

describe("/transparency", () => {
  // The acceptance case: last month 3 tips in San Sai and 12 in Mueang Chiang Mai. San Sai had 4 more
  // the month before, so it has at least k in the period and is named.
  const sanSai = "cm-san-sai";
  const mueang = "cm-mueang-chiang-mai";
  const acceptanceSeeds = (): TipSeed[] => [
    ...Array.from({ length: 3 }, (_, i) => ({
      districtId: sanSai,
      category: "extortion" as const,
      receivedAt: inMonth(1, 3 + i),
    })),
    ...Array.from({ length: 12 }, (_, i) => ({ districtId: mueang, receivedAt: inMonth(1, 2 + i) })),
    ...Array.from({ length: 4 }, (_, i) => ({
      districtId: sanSai,
      category: "extortion" as const,
      receivedAt: inMonth(2, 5 + i),
    })),
    ...Array.from({ length: 6 }, (_, i) => ({ districtId: mueang, receivedAt: inMonth(2, 10 + i) })),
    // This month's tips are never counted: the month has not ended.
    ...Array.from({ length: 7 }, () => ({ districtId: mueang, receivedAt: inMonth(0, 1) })),
  ];

  beforeAll(async () => {
    await seedTips(harness.service.context.connection, acceptanceSeeds());
    await harness.restart(); // start-up recomputes the figures
  });

  test("when 3 tips were in one district and 12 in another, then the JSON shows '< 5' for the 3 and nothing it can be derived from", async () => {
    const report = await reportWhere((r) => received(r).total.count === 25);
    const measure = received(report);
    const areas = measure.tables.find((table) => table.id === "areas")!;
    const last = report.months.length - 1;
    const sanSaiRow = areas.rows.find((row) => row.id === sanSai)!;
    const mueangRow = areas.rows.find((row) => row.id === mueang)!;
    expect(sanSaiRow.cells[last]).toEqual({ count: null, status: "under-k" });
    expect(mueangRow.cells[last]).toEqual({ count: null, status: "withheld" });
    expect(JSON.stringify(report)).not.toMatch(/"count":3\b/);

    // A reader with every published figure of the measure (both tables, every month) cannot pin
    // the 3 down: the true counts, and the statuses as served.
    const months = report.months.length;
    const row = (previous: number, lastMonth: number) =>
      Array.from({ length: months }, (_, c) =>
        c === months - 2 ? previous : c === months - 1 ? lastMonth : 0,
      );
    const tables = measure.tables.map((table) => ({
      table,
      truth: table.rows.map((r) =>
        r.id === sanSai || r.id === "extortion"
          ? row(4, 3)
          : r.id === mueang || r.id === "bribery"
            ? row(6, 12)
            : [],
      ),
    }));
    expect(tables.map(({ table }) => table.rows.map((r) => r.id))).toEqual([
      [mueang, sanSai],
      ["bribery", "extortion"],
    ]);
    const served: ProtectedPublication = {
      publishable: measure.publishable,
      tables: tables.map(({ table }) => ({
        cells: table.rows.map((r) => r.cells.map((cell) => cell.status)),
        rowTotals: table.rows.map((r) => r.total.status),
        columnTotals: measure.monthly.map((cell) => cell.status),
        grandTotal: measure.total.status,
      })),
    };
    const reader = attack(
      tables.map(({ truth }) => truth as CountGrid),
      months,
      served,
      report.k,
    );
    const sanSaiLast = reader.names.indexOf(`table 0 row 1 month ${months - 1}`);
    expect(sanSaiLast).toBeGreaterThanOrEqual(0);
    expect(reader.alternative(sanSaiLast)).not.toBeUndefined();
    expect(reader.names.filter((_, index) => reader.alternative(index) === undefined)).toEqual([]);
  });

  test("when the page is asked for in English, then the 3 is shown as '< 5' with the how-we-count section", async () => {
    await reportWhere((r) => received(r).total.count === 25);
    const response = await fetch(`${harness.service.url}/transparency?lang=en`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toMatch(/default-src 'none'; style-src 'sha256-/);
    const html = await response.text();
    expect(html).toContain("How we count");
    const table = html.slice(html.indexOf('data-measure="received" data-table="areas"'));
    const sanSaiRow = table.slice(
      table.indexOf(`data-row="${sanSai}"`),
      table.indexOf("</tr>", table.indexOf(`data-row="${sanSai}"`)),
    );
    expect(sanSaiRow).toContain("San Sai");
    expect(sanSaiRow).toContain('<td class="under-k">&lt; 5</td>');
    expect(sanSaiRow).not.toMatch(/>3</);
    const totals = table.slice(
      table.indexOf('data-row="total"'),
      table.indexOf("</tr>", table.indexOf('data-row="total"')),
    );
    expect(totals).toContain(">25<"); // the grand total, exact at most 20, rounded above
  });

  test("when the page is asked for in Thai, then it is in Thai with Buddhist-era months", async () => {
    const response = await fetch(`${harness.service.url}/transparency`, {
      headers: { "accept-language": "th-TH" },
    });
    const html = await response.text();
    expect(html).toContain('lang="th"');
    expect(html).toContain("วิธีนับ");
    expect(html).toMatch(
      /(ม\.ค\.|ก\.พ\.|มี\.ค\.|เม\.ย\.|พ\.ค\.|มิ\.ย\.|ก\.ค\.|ส\.ค\.|ก\.ย\.|ต\.ค\.|พ\.ย\.|ธ\.ค\.) (6\d|7\d)/,
    );
  });

  test("when the CSV is downloaded, then the 3 is '< 5' (under-k, no count) and the 12 beside it withheld", async () => {
    await reportWhere((r) => received(r).total.count === 25);
    const report = (await (
      await fetch(`${harness.service.url}/transparency.json`)
    ).json()) as TransparencyReport;
    const lastMonth = report.months[report.months.length - 1]!;
    const response = await fetch(`${harness.service.url}/transparency.csv`);
    expect(response.headers.get("content-type")).toMatch(/^text\/csv/);
    const lines = (await response.text()).split("\r\n");
    expect(lines).toContain(
      `received,areas,${sanSai},อำเภอสันทราย จังหวัดเชียงใหม่,"San Sai District, Chiang Mai",${lastMonth},,under-k,`,
    );
    const mueangLast = lines.filter(
      (line) => line.startsWith(`received,areas,${mueang},`) && line.includes(`,${lastMonth},`),
    );
    expect(mueangLast).toHaveLength(1);
    expect(mueangLast[0]).toMatch(/,,withheld,$/); // 12 is withheld: with the month's 15 it would give 3
    expect(lines.some((line) => /^received,.*,3,published,$/.test(line))).toBe(false);
  });

  test("when a client already has the report, then it gets 304 from its ETag", async () => {
    const first = await fetch(`${harness.service.url}/transparency.json`);
    const etag = first.headers.get("etag")!;
    const again = await fetch(`${harness.service.url}/transparency.json`, {
      headers: { "if-none-match": etag },
    });
    expect(again.status).toBe(304);
  });

  test("when a figure is asked for, then no tracking code is in any form", async () => {
    const bodies = await Promise.all(
      ["/transparency", "/transparency?lang=en", "/transparency.json", "/transparency.csv"].map(
        async (path) => (await fetch(`${harness.service.url}${path}`)).text(),
      ),
    );
    for (const body of bodies) expect(body).not.toMatch(/TK-[0-9a-f]{12}/);
  });
});
