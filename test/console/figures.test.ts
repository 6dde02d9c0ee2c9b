import path from "node:path";
import { loadTranslator } from "../../src/i18n";
import { projectRoot } from "../../src/context";
import type { Officer } from "../../src/officers/models";
import { officerPrincipal } from "../../src/officers/routing";
import type { Tip, TipCategory, TipStatus } from "../../src/tips/tip";
import { TipService } from "../../src/tips/tip-service";
import { enrolledOfficer, startOfficerHarness, type OfficerHarness } from "../officers/support/officers";
import { ConsoleClient, seenResponses, textOf, type Page } from "./support/console-client";

const texts = loadTranslator(path.join(projectRoot, "locales"));
const th = (key: string, args?: Record<string, string | number>) => texts.t("th", key, args);
const day = 86_400_000;
const bangkokMonth = (at: Date) => new Date(at.getTime() + 7 * 3_600_000).toISOString().slice(0, 7);

/**
 * A case's life, in days: received `receivedDaysAgo` days before the test's "now", acknowledged
 * `ack` days later (or never), then moved on at `ack + after` days. What the figures must say about
 * each deadline is written down beside it, from the rules (7 days, 3 months, referral or closing is
 * feedback), not computed by the code under test.
 */
interface Life {
  district: string;
  category: TipCategory;
  receivedDaysAgo: number;
  ack?: number;
  steps?: Array<{ status: Exclude<TipStatus, "received" | "acknowledged">; after: number }>;
  expect: { ack: "met" | "missed" | "pending"; feedback: "met" | "missed" | "pending" };
}

const sanSai = "cm-san-sai";
const doiSaket = "cm-doi-saket";
const maeRim = "cm-mae-rim"; // outside the supervisor's scope

const lives: Life[] = [
  // San Sai: mostly on time.
  {
    district: sanSai,
    category: "bribery",
    receivedDaysAgo: 150,
    ack: 0.1,
    steps: [{ status: "referred", after: 30 }],
    expect: { ack: "met", feedback: "met" },
  },
  {
    district: sanSai,
    category: "bribery",
    receivedDaysAgo: 140,
    ack: 2,
    steps: [{ status: "closed", after: 45 }],
    expect: { ack: "met", feedback: "met" },
  },
  {
    district: sanSai,
    category: "extortion",
    receivedDaysAgo: 130,
    ack: 6.5,
    steps: [
      { status: "under-review", after: 10 },
      { status: "closed", after: 80 },
    ],
    expect: { ack: "met", feedback: "met" },
  },
  // Under review is not feedback (the reminders' rule): 3 months passed without referral or closing.
  {
    district: sanSai,
    category: "extortion",
    receivedDaysAgo: 120,
    ack: 1,
    steps: [{ status: "under-review", after: 5 }],
    expect: { ack: "met", feedback: "missed" },
  },
  {
    district: sanSai,
    category: "procurement",
    receivedDaysAgo: 110,
    ack: 3,
    steps: [{ status: "closed", after: 100 }],
    expect: { ack: "met", feedback: "missed" },
  },
  {
    district: sanSai,
    category: "bribery",
    receivedDaysAgo: 40,
    ack: 9,
    expect: { ack: "missed", feedback: "pending" },
  },
  {
    district: sanSai,
    category: "bribery",
    receivedDaysAgo: 20,
    ack: 0.5,
    steps: [{ status: "under-review", after: 3 }],
    expect: { ack: "met", feedback: "pending" },
  },
  {
    district: sanSai,
    category: "procurement",
    receivedDaysAgo: 2,
    expect: { ack: "pending", feedback: "pending" },
  },
  // Doi Saket: slower.
  {
    district: doiSaket,
    category: "bribery",
    receivedDaysAgo: 145,
    ack: 8,
    steps: [
      { status: "referred", after: 20 },
      { status: "closed", after: 60 },
    ],
    expect: { ack: "missed", feedback: "met" },
  },
  {
    district: doiSaket,
    category: "extortion",
    receivedDaysAgo: 100,
    ack: 12,
    steps: [{ status: "closed", after: 50 }],
    expect: { ack: "missed", feedback: "met" },
  },
  {
    district: doiSaket,
    category: "bribery",
    receivedDaysAgo: 60,
    expect: { ack: "missed", feedback: "pending" },
  },
  {
    district: doiSaket,
    category: "procurement",
    receivedDaysAgo: 50,
    ack: 4,
    steps: [{ status: "closed", after: 15 }],
    expect: { ack: "met", feedback: "met" },
  },
  {
    district: doiSaket,
    category: "bribery",
    receivedDaysAgo: 9,
    ack: 5,
    expect: { ack: "met", feedback: "pending" },
  },
  // Outside the scope, and outside the default 12 months: neither may be counted.
  {
    district: maeRim,
    category: "bribery",
    receivedDaysAgo: 30,
    ack: 1,
    expect: { ack: "met", feedback: "pending" },
  },
  {
    district: sanSai,
    category: "bribery",
    receivedDaysAgo: 420,
    ack: 1,
    steps: [{ status: "closed", after: 10 }],
    expect: { ack: "met", feedback: "met" },
  },
];

/** The percentile by linear interpolation between closest ranks, written out independently of the code. */
function interpolated(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * p;
  const lower = sorted[Math.floor(position)]!;
  const upper = sorted[Math.ceil(position)]!;
  return lower + (upper - lower) * (position - Math.floor(position));
}

const shownDays = (ms: number | null) =>
  ms === null ? "–" : th("console-figures-days", { days: (ms / day).toFixed(1) });
const csvDays = (ms: number | null) => (ms === null ? "" : (ms / day).toFixed(2));

/** What the page and the CSV must say for a set of cases: computed here from the stored tips and the lives. */
function expectedRow(cases: Array<{ tip: Tip; life: Life }>) {
  const count = (rule: "ack" | "feedback", state: string) =>
    cases.filter(({ life }) => life.expect[rule] === state).length;
  const toAck = cases
    .filter(({ tip }) => tip.acknowledgedAt)
    .map(({ tip }) => tip.acknowledgedAt!.getTime() - tip.receivedAt.getTime());
  const toClose = cases
    .filter(({ tip }) => tip.status === "closed")
    .map(({ tip }) => tip.closedAt!.getTime() - tip.receivedAt.getTime());
  const closed = cases.filter(({ tip }) => tip.status === "closed").length;
  return {
    counts: [
      cases.length,
      cases.length - closed,
      closed,
      count("ack", "met"),
      count("ack", "missed"),
      count("ack", "pending"),
      count("feedback", "met"),
      count("feedback", "missed"),
      count("feedback", "pending"),
    ],
    times: [
      interpolated(toAck, 0.5),
      interpolated(toAck, 0.9),
      interpolated(toClose, 0.5),
      interpolated(toClose, 0.9),
    ],
  };
}

const cellsOf = (html: string) =>
  [...html.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((m) =>
    m[1]!
      .replace(/<[^>]+>/g, "")
      .replace(/\s+/g, " ")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&amp;/g, "&")
      .trim(),
  );

/** The rows of one figures table, by key: the cells after the name. */
function tableOf(page: Page, dimension: string): Map<string, string[]> {
  const table = new RegExp(`<table class="figures" data-dimension="${dimension}">([\\s\\S]*?)</table>`).exec(
    page.body,
  )?.[1];
  if (!table) throw new Error(`no ${dimension} table`);
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(table)![1]!;
  return new Map(
    [...body.matchAll(/<tr data-key="([^"]+)">([\s\S]*?)<\/tr>/g)].map((m) => [
      m[1]!,
      cellsOf(m[2]!).slice(1),
    ]),
  );
}

function csvRows(body: string): string[][] {
  return body
    .replace(/^\uFEFF/, "")
    .trim()
    .split("\r\n")
    .map((line) => line.split(","));
}

describe("the console's supervisors' figures", () => {
  let env: OfficerHarness;
  let supervisor: ConsoleClient;
  let officerBrowser: ConsoleClient;
  let english: ConsoleClient;
  const stored: Array<{ tip: Tip; life: Life }> = [];
  let now: Date;
  const inScope = () => stored.filter(({ life }) => life.district !== maeRim && life.receivedDaysAgo < 330);

  beforeAll(async () => {
    env = await startOfficerHarness();
    const { connection, sealer, config } = env.harness.service.context;
    const supervisorChat = await enrolledOfficer(env, "supervisor", { districtIds: [sanSai, doiSaket] });
    const officerChat = await enrolledOfficer(env, "officer", { districtIds: [sanSai, doiSaket] });
    const englishChat = await enrolledOfficer(env, "supervisor", { districtIds: [sanSai, doiSaket] }, "en");
    const admin = await enrolledOfficer(env, "admin", { everywhere: true });
    const adminOfficer = (await env.officers.directory.officer(
      env.officers.directory.officerIdFor(admin.userId),
    )) as Officer;
    const actor = officerPrincipal(adminOfficer);

    // Every case goes through the real services, in time order, with the clock moved to each moment.
    const tipService = new TipService(connection, sealer, config.deadlines, async () => 0);
    const clock = env.harness.clock;
    // Frozen (only `advance` moves it): the tests compare months with `now`, and the service works
    // them out seconds later, so a real Bangkok month boundary must not fall in between.
    clock.freeze();
    const start = clock.now().getTime();
    const events = lives.flatMap((life, index) => {
      const received = start - life.receivedDaysAgo * day;
      const ack = life.ack === undefined ? undefined : received + life.ack * day;
      return [
        { at: received, index, act: "submit" as const },
        ...(ack === undefined ? [] : [{ at: ack, index, act: "acknowledged" as const }]),
        ...(ack === undefined
          ? []
          : (life.steps ?? []).map((step) => ({ at: ack + step.after * day, index, act: step.status }))),
      ];
    });
    events.sort((a, b) => a.at - b.at);
    const ids: string[] = [];
    for (const event of events) {
      clock.advance(event.at - clock.now().getTime());
      const life = lives[event.index]!;
      if (event.act === "submit") {
        const tip = await tipService.submit(
          {
            reporter: `reporter-${event.index}`,
            draftStartedAt: clock.now(),
            category: life.category,
            agencyType: "local-government",
            provinceId: "chiang-mai",
            districtId: life.district,
            details: {
              agencyName: "อบต.",
              narrative: "เรียกรับเงิน",
              people: null,
              incidentDate: { kind: "unknown" },
              placeDescription: null,
              contactPhone: null,
            },
            evidenceIds: [],
            reporterLocale: "th",
          },
          clock.now(),
        );
        ids[event.index] = tip._id.toHexString();
        continue;
      }
      const tip = (await env.officers.cases.load(ids[event.index]!))!;
      const outcome =
        event.act === "acknowledged"
          ? await env.officers.cases.acknowledge(actor, tip, "console")
          : await env.officers.cases.setStatus(
              actor,
              tip,
              event.act,
              event.act === "closed" ? "substantiated" : undefined,
              "console",
            );
      if (!outcome.ok || !outcome.changed) throw new Error(`${event.act} failed: ${JSON.stringify(outcome)}`);
    }
    clock.advance(start - clock.now().getTime());
    now = clock.now();
    for (const [index, id] of ids.entries())
      stored.push({ tip: (await env.officers.cases.load(id))!, life: lives[index]! });
    await env.settle();

    supervisor = new ConsoleClient(env);
    await supervisor.signIn(supervisorChat);
    officerBrowser = new ConsoleClient(env);
    await officerBrowser.signIn(officerChat);
    english = new ConsoleClient(env);
    await english.signIn(englishChat);
  });
  afterAll(async () => {
    await env.stop();
  });

  test("when a supervisor opens the figures, then the totals, met and missed deadlines, medians and 90th percentiles are those of their scope's last 12 months", async () => {
    const page = await supervisor.get("/console/figures");
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(page.body).not.toMatch(/<script/i);
    const cases = inScope();
    expect(cases).toHaveLength(13);
    const expected = expectedRow(cases);
    // Designed, not derived: 8 acknowledged on time, 4 late or never and past 7 days, 1 not due yet;
    // feedback 6 on time, 2 missed (one only "under review"), 5 not due yet.
    expect(expected.counts.slice(3, 6)).toEqual([8, 4, 1]);
    expect(expected.counts.slice(6, 9)).toEqual([6, 2, 5]);
    const total = cellsOf(/<tfoot>([\s\S]*?)<\/tfoot>/.exec(page.body)![1]!).slice(1);
    expect(total).toEqual([...expected.counts.map(String), ...expected.times.map(shownDays)]);
    expect(textOf(page)).toContain(th("console-figures-title"));
  });

  test("when the figures are broken down, then each district, category, month and status row agrees with the cases behind it", async () => {
    const page = await supervisor.get("/console/figures");
    const cases = inScope();
    const check = (dimension: string, keyOf: (entry: { tip: Tip; life: Life }) => string) => {
      const rows = tableOf(page, dimension);
      const keys = new Set(cases.map(keyOf));
      for (const key of keys) {
        const expected = expectedRow(cases.filter((entry) => keyOf(entry) === key));
        expect({ dimension, key, cells: rows.get(key) }).toEqual({
          dimension,
          key,
          cells: [...expected.counts.map(String), ...expected.times.map(shownDays)],
        });
      }
      return rows;
    };
    const districts = check("district", ({ tip }) => tip.districtId!);
    expect([...districts.keys()].sort()).toEqual([doiSaket, sanSai]);
    check("category", ({ tip }) => tip.category);
    const statuses = check("status", ({ tip }) => tip.status);
    expect(statuses.get("received")![0]).toBe("2");
    const months = check("month", ({ tip }) => bangkokMonth(tip.receivedAt));
    expect(months.size).toBe(12); // every month of the range, the empty ones too
    expect(months.get(bangkokMonth(now))).toBeDefined();
  });

  test("when filtered by month range, district and category, then only those cases are counted", async () => {
    const from = bangkokMonth(new Date(now.getTime() - 125 * day));
    const to = bangkokMonth(new Date(now.getTime() - 35 * day));
    const page = await supervisor.get(
      `/console/figures?from=${from}&to=${to}&district=${sanSai}&category=extortion`,
    );
    expect(page.status).toBe(200);
    const cases = inScope().filter(
      ({ tip }) =>
        tip.districtId === sanSai &&
        tip.category === "extortion" &&
        bangkokMonth(tip.receivedAt) >= from &&
        bangkokMonth(tip.receivedAt) <= to,
    );
    expect(cases.length).toBeGreaterThan(0);
    const expected = expectedRow(cases);
    const total = cellsOf(/<tfoot>([\s\S]*?)<\/tfoot>/.exec(page.body)![1]!).slice(1);
    expect(total).toEqual([...expected.counts.map(String), ...expected.times.map(shownDays)]);
    expect([...tableOf(page, "month").keys()][0]).toBe(from);
    // A reversed range is turned round; nonsense falls back to the defaults, never an error.
    const reversed = await supervisor.get(
      `/console/figures?from=${to}&to=${from}&district=${sanSai}&category=extortion`,
    );
    expect(cellsOf(/<tfoot>([\s\S]*?)<\/tfoot>/.exec(reversed.body)![1]!).slice(1)).toEqual(total);
    for (const query of [
      "from=2026-13",
      "to=x",
      "district=<b>",
      "category=nope",
      "from[]=1",
      "from=1900-01&to=2999-12",
    ]) {
      const odd = await supervisor.get(`/console/figures?${query}`);
      expect({ query, status: odd.status }).toEqual({ query, status: 200 });
    }
  });

  test("when the CSV is downloaded, then it carries the same figures as the page, is not cached, and is audited", async () => {
    const csv = await supervisor.get("/console/figures.csv");
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect(csv.headers.get("cache-control")).toBe("no-store");
    expect(csv.headers.get("content-disposition")).toMatch(
      /^attachment; filename="figures-\d{4}-\d{2}-\d{4}-\d{2}\.csv"$/,
    );
    const [header, ...rows] = csvRows(csv.body);
    expect(header!.slice(0, 3)).toEqual(["dimension", "key", "name"]);
    const cases = inScope();
    const line = (dimension: string, key: string) =>
      rows.find((row) => row[0] === dimension && row[1] === key);
    const asCsv = (entries: typeof cases) => {
      const expected = expectedRow(entries);
      return [...expected.counts.map(String), ...expected.times.map(csvDays)];
    };
    expect(line("total", "total")!.slice(5, -2)).toEqual(asCsv(cases));
    expect(line("district", sanSai)!.slice(5, -2)).toEqual(
      asCsv(cases.filter(({ tip }) => tip.districtId === sanSai)),
    );
    expect(line("district", sanSai)![2]).toContain("สันทราย");
    expect(line("category", "bribery")!.slice(5, -2)).toEqual(
      asCsv(cases.filter(({ tip }) => tip.category === "bribery")),
    );
    expect(line("district", maeRim)).toBeUndefined();
    const exports = await env.officers.audit.model
      .find({ action: "export-figures", channel: "console", outcome: "ok" })
      .lean()
      .exec();
    expect(exports).toHaveLength(1);
    expect(exports[0]!.details).toMatchObject({ cases: cases.length });
  });

  test("when an officer (not a supervisor) asks for the figures or the CSV, then the answer is 403, audited as refused", async () => {
    const page = await officerBrowser.get("/console/figures");
    expect(page.status).toBe(403);
    expect(textOf(page)).toContain(th("console-figures-forbidden"));
    expect((await officerBrowser.get("/console/figures.csv")).status).toBe(403);
    expect((await officerBrowser.get("/console")).body).not.toContain('href="/console/figures"');
    expect((await supervisor.get("/console")).body).toContain('href="/console/figures"');
    const refused = await env.officers.audit.model
      .find({ action: { $in: ["view-figures", "export-figures"] }, outcome: "refused" })
      .lean()
      .exec();
    expect(refused.map((entry) => entry.reason)).toEqual(["role", "role"]);
  });

  test("when a supervisor enrolled in English opens the figures, then the page is in English", async () => {
    const page = await english.get("/console/figures");
    expect(page.status).toBe(200);
    expect(page.body).toContain('<html lang="en">');
    expect(textOf(page)).toContain(texts.t("en", "console-figures-by-district"));
    expect(page.body).toContain("<svg");
  });

  test("when reporters have rated closed cases, then the figures show satisfaction exactly as the transparency page publishes it, with small counts hidden", async () => {
    const { connection } = env.harness.service.context;
    const closedMonth = (back: number) => {
      const bangkok = new Date(now.getTime() + 7 * 3_600_000);
      return new Date(Date.UTC(bangkok.getUTCFullYear(), bangkok.getUTCMonth() - back, 15))
        .toISOString()
        .slice(0, 7);
    };
    const answers = [
      ...[5, 5, 4, 4, 3, 3, 4, 5].map((rating) => ({ month: closedMonth(1), rating })),
      ...[1, 2, 3, 4, 5, 5, 2].map((rating) => ({ month: closedMonth(2), rating })),
      ...[4, 4].map((rating) => ({ month: closedMonth(3), rating })),
    ];
    await connection.collection("satisfaction_answers").insertMany(
      answers.map((answer, index) => ({
        _id: `answer-${index}`,
        ...answer,
        provinceId: "chiang-mai",
        districtId: sanSai,
        category: null,
        outcome: null,
      })) as never[],
    );
    await env.harness.service.modules.transparency.cache.recompute();
    const published = (await (await fetch(`${env.harness.service.url}/transparency.json`)).json()) as {
      months: string[];
      measures: Array<{
        id: string;
        monthly: Array<{ count: number | null; status: string; mean?: number | null }>;
        total: { count: number | null; status: string; mean?: number | null };
      }>;
    };
    const measure = published.measures.find((one) => one.id === "satisfaction")!;
    const shown = (figure: { count: number | null; status: string; mean?: number | null }) => [
      figure.status === "published"
        ? String(figure.count)
        : figure.status === "under-k"
          ? th("transparency-under-k", { k: 5 })
          : th("transparency-withheld"),
      typeof figure.mean === "number" ? figure.mean.toFixed(1) : th("transparency-withheld"),
    ];
    const page = await supervisor.get("/console/figures");
    const rows = tableOf(page, "satisfaction");
    expect(rows.get(closedMonth(1))).toEqual(
      shown(measure.monthly[published.months.indexOf(closedMonth(1))]!),
    );
    expect(rows.get(closedMonth(3))).toEqual([
      th("transparency-under-k", { k: 5 }),
      th("transparency-withheld"),
    ]);
    const total = cellsOf(
      /data-dimension="satisfaction">[\s\S]*?<tfoot>([\s\S]*?)<\/tfoot>/.exec(page.body)![1]!,
    ).slice(1);
    expect(total).toEqual(shown(measure.total));
    // The published figures, not finer ones: the month with 2 answers is not a number anywhere.
    expect([...rows.values()].some(([count]) => count === "2")).toBe(false);
    const csv = csvRows((await supervisor.get("/console/figures.csv")).body);
    const line = csv.find((row) => row[0] === "satisfaction" && row[1] === closedMonth(1))!;
    expect(line.slice(-2)).toEqual(shown(measure.monthly[published.months.indexOf(closedMonth(1))]!));
  });

  test("when the figures are viewed, then every view is audited with its filters, and no answer carries a LINE user id or a reporter", async () => {
    const views = await env.officers.audit.model
      .find({ action: "view-figures", channel: "console", outcome: "ok" })
      .lean()
      .exec();
    expect(views.length).toBeGreaterThanOrEqual(5);
    expect(
      views.some((entry) => entry.details?.district === sanSai && entry.details?.category === "extortion"),
    ).toBe(true);
    const everything = seenResponses.map((page) => page.body).join("\n");
    expect(everything).not.toMatch(/U[0-9a-f]{32}/);
    expect(everything).not.toMatch(/reporter-\d/);
    const figures = [await supervisor.get("/console/figures"), await supervisor.get("/console/figures.csv")];
    for (const { tip } of stored)
      for (const page of figures) {
        expect(page.body).not.toContain(tip.code);
        expect(page.body).not.toContain(tip.ref);
      }
  });
});
