import path from "node:path";
import { loadTranslator } from "../../src/i18n";
import { projectRoot } from "../../src/context";
import type { Tip } from "../../src/tips/tip";
import { seedCases } from "../../scripts/lib/seed-cases";
import { enrolledOfficer, startOfficerHarness, type OfficerHarness } from "../officers/support/officers";
import { ConsoleClient, textOf, type Page } from "./support/console-client";

const texts = loadTranslator(path.join(projectRoot, "locales"));
const th = (key: string) => texts.t("th", key);

/** The case codes a queue page lists, in order. */
const codesOn = (page: Page) =>
  [...page.body.matchAll(/<span class="code">([^<]+)<\/span>/g)].map((m) => m[1]!);

describe("the console's case queue", () => {
  let env: OfficerHarness;
  let browser: ConsoleClient;
  let mine: Tip[];
  let officerId: string;
  const now = () => env.harness.clock.now();
  const open = (tips: Tip[]) => tips.filter((tip) => tip.status !== "closed");

  beforeAll(async () => {
    env = await startOfficerHarness();
    const officer = await enrolledOfficer(env, "officer", { districtIds: ["cm-san-sai", "cm-doi-saket"] });
    officerId = env.officers.directory.officerIdFor(officer.userId);
    const { connection, sealer } = env.harness.service.context;
    mine = await seedCases(connection, sealer, {
      count: 60,
      districtIds: ["cm-san-sai", "cm-doi-saket"],
      provinceId: "cm",
      now: now(),
      assignees: [officerId, "someone-else"],
    });
    await seedCases(connection, sealer, {
      count: 20,
      districtIds: ["cm-mae-rim"],
      provinceId: "cm",
      now: now(),
      seed: 7,
    });
    browser = new ConsoleClient(env);
    await browser.signIn(officer);
  });
  afterAll(async () => {
    await env.stop();
  });

  test("when the queue opens, then it lists the open cases of the officer's scope only, soonest deadline first, 25 a page", async () => {
    const first = await browser.get("/console");
    expect(first.status).toBe(200);
    const expected = open(mine)
      .map((tip) => ({
        code: tip.code,
        due: (tip.status === "received" ? tip.acknowledgeBy : tip.feedbackBy)!,
      }))
      .sort((a, b) => a.due.getTime() - b.due.getTime());
    expect(textOf(first)).toContain(texts.t("th", "console-total", { count: expected.length }));
    expect(expected.length).toBeGreaterThan(25);
    const listed = [...codesOn(first)];
    for (let page = 2; page <= Math.ceil(expected.length / 25); page++)
      listed.push(...codesOn(await browser.get(`/console?page=${page}`)));
    expect(codesOn(first)).toHaveLength(25);
    expect(listed).toEqual(expected.map((entry) => entry.code));
    expect(first.body).toContain(th("console-page-next"));
  });

  test("when all statuses are shown, then open cases come first by deadline, then closed ones, latest closed first", async () => {
    const all = [];
    for (let page = 1; page <= Math.ceil(mine.length / 25); page++)
      all.push(...codesOn(await browser.get(`/console?status=all&page=${page}`)));
    const openCodes = open(mine)
      .sort((a, b) => a.dueAt!.getTime() - b.dueAt!.getTime())
      .map((tip) => tip.code);
    const closed = mine.filter((tip) => tip.status === "closed");
    expect(all).toHaveLength(mine.length);
    expect(all.slice(0, openCodes.length)).toEqual(openCodes);
    expect(new Set(all.slice(openCodes.length))).toEqual(new Set(closed.map((tip) => tip.code)));
  });

  test("when filtered by status, district, category and assignment, then the list and the counts agree with the data", async () => {
    const byStatus = await browser.get("/console?status=acknowledged");
    const acknowledged = mine.filter((tip) => tip.status === "acknowledged");
    expect(new Set(codesOn(byStatus))).toEqual(new Set(acknowledged.map((tip) => tip.code).slice(0, 25)));
    expect(byStatus.body).toContain(`>${texts.t("th", "tip-status-acknowledged")} (${acknowledged.length})<`);

    const combined = mine.filter(
      (tip) => tip.status !== "closed" && tip.districtId === "cm-doi-saket" && tip.category === "bribery",
    );
    const page = await browser.get("/console?district=cm-doi-saket&category=bribery");
    expect(new Set(codesOn(page))).toEqual(new Set(combined.map((tip) => tip.code)));

    const assigned = await browser.get("/console?assigned=me&status=all");
    const toMe = mine.filter((tip) => tip.assignedTo === officerId);
    expect(toMe.length).toBeGreaterThan(0);
    expect(new Set(codesOn(assigned))).toEqual(new Set(toMe.map((tip) => tip.code).slice(0, 25)));
  });

  test("when searched by part of a case code, then that case is found, in any letter case", async () => {
    const target = mine[3]!;
    const page = await browser.get(`/console?status=all&q=${target.code.slice(3, 12).toLowerCase()}`);
    expect(codesOn(page)).toEqual([target.code]);
  });

  test("when deadlines pass, then overdue and due-soon cases stand out and can be filtered, with their counts", async () => {
    const isOverdue = (tip: Tip) => {
      const due = tip.status === "received" ? tip.acknowledgeBy : tip.feedbackBy;
      return tip.status !== "closed" && due!.getTime() < now().getTime();
    };
    const overdue = mine.filter(isOverdue);
    expect(overdue.length).toBeGreaterThan(0);
    const page = await browser.get("/console?deadline=overdue");
    expect(new Set(codesOn(page))).toEqual(new Set(overdue.map((tip) => tip.code).slice(0, 25)));
    expect(page.body).toMatch(new RegExp(`${th("console-deadline-overdue")} <b>${overdue.length}</b>`));
    expect(page.body.match(/<li class="case overdue">/g)).toHaveLength(Math.min(25, overdue.length));
    const dueSoon = await browser.get("/console?deadline=due-soon");
    for (const code of codesOn(dueSoon)) expect(overdue.map((tip) => tip.code)).not.toContain(code);
    expect(dueSoon.body).not.toContain('class="case overdue"');
  });

  test("when the query string is odd, then the queue still answers with its defaults", async () => {
    for (const query of [
      "status=nope",
      "page=-3",
      "page=999",
      "district=<x>",
      "q=%00%FF",
      "category[]=a&category[]=b",
    ]) {
      const page = await browser.get(`/console?${query}`);
      expect({ query, status: page.status }).toEqual({ query, status: 200 });
    }
  });

  test("when the queue is listed, then the listing is audited without case content", async () => {
    const entries = await env.officers.audit.model
      .find({ action: "list-cases", channel: "console" })
      .lean()
      .exec();
    expect(entries.length).toBeGreaterThan(5);
    expect(entries[0]!.actor).toBe(`officer:${officerId}`);
  });
});
