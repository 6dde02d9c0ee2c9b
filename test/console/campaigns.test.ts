import path from "node:path";
import { loadTranslator, type TextArgs } from "../../src/i18n";
import { projectRoot } from "../../src/context";
import { bangkokLocal } from "../../src/console/campaign-form";
import {
  citizenReports,
  enrolledOfficer,
  startOfficerHarness,
  TestChat,
  type OfficerHarness,
} from "../officers/support/officers";
import { TestUser, textOf as messageText } from "../support/test-user";
import { advanceToBangkok } from "../awareness/support/fixtures";
import { ConsoleClient, seenResponses, textOf, type Page } from "./support/console-client";

const texts = loadTranslator(path.join(projectRoot, "locales"));
const th = (key: string, args?: TextArgs) => texts.t("th", key, args);

/** A campaign as the composer posts it: one Thai text, every topic, quiet hours on. */
function composed(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    id: "gifts-new-year",
    name: "ของขวัญปีใหม่",
    "content.th[0].type": "text",
    "content.th[0].text": "ของขวัญเกิน 3,000 บาท ไม่ควรรับ",
    topics: ["news", "knowledge"],
    defaultLocale: "th",
    scheduleKind: "none",
    "quietHours.enabled": "on",
    "quietHours.start": "21:00",
    "quietHours.end": "08:00",
    ...overrides,
  };
}

/** Posts a form whose fields may repeat (topics), as a browser does. */
async function postForm(browser: ConsoleClient, path: string, form: Record<string, string | string[]>) {
  const flat: Array<[string, string]> = Object.entries(form).flatMap(([key, value]) =>
    (Array.isArray(value) ? value : [value]).map((item): [string, string] => [key, item]),
  );
  return browser.postPairs(path, flat);
}

/** The field-error text shown right after the field with this name. */
function errorAt(page: Page, field: string): string {
  const escaped = field.replace(/[[\].]/g, (c) => `\\${c}`);
  const match = new RegExp(
    `name="${escaped}"[^>]*>[^<]*(?:</textarea\\s*>)?\\s*<span class="field-error"[^>]*>\\s*((?:<span>[^<]*</span>)+)`,
  ).exec(page.body);
  return match ? textOf({ ...page, body: match[1]! }).trim() : "";
}

describe("campaign staff in the console", () => {
  let env: OfficerHarness;
  let staff: TestChat;
  let browser: ConsoleClient;

  beforeAll(async () => {
    env = await startOfficerHarness();
    // Daytime in Bangkok, so "a minute ahead" is outside the default quiet hours.
    advanceToBangkok(env.harness.clock, "10:00");
    staff = new TestChat(env);
    await staff.says(`/enroll ${await env.code("campaign", {}, "งานประชาสัมพันธ์")}`);
    browser = new ConsoleClient(env);
  });
  afterAll(async () => {
    await env.stop();
  });

  test("when campaign staff enroll and sign in, then they land on the campaign pages, get no case and no queue", async () => {
    expect(staff.lastText()).toContain(th("officer-enrolled-campaign").slice(0, 30));
    const { tip } = await citizenReports(env);
    // Routing never reaches them, whatever the tip's place.
    expect(staff.newMessages()).toEqual([]);

    const landed = await browser.signIn(staff).catch(() => undefined);
    expect(landed?.status).toBe(303);
    const list = await browser.follow(landed!);
    expect(list.status).toBe(200);
    expect(textOf(list)).toContain(th("console-campaigns-title"));
    expect(textOf(list)).not.toContain(th("console-nav-cases"));

    const casePage = await browser.get(`/console/cases/${tip.ref}`);
    expect(casePage.status).toBe(403);
    expect(casePage.body).not.toContain(tip.code);
    expect((await browser.get("/console?status=all")).status).toBe(303);
    expect((await browser.get("/console/figures")).status).toBe(403);
    const note = await browser.post(`/console/cases/${tip.ref}/note`, { text: "x" });
    expect(note.status).toBe(403);
    // The chat refuses them cases too.
    await staff.says("/cases");
    expect(staff.lastText()).toBe(th("officer-cases-empty"));
  });

  test("when an officer without the role opens the campaign pages, then 403; an admin sees them", async () => {
    const officer = await enrolledOfficer(env, "officer", { districtIds: ["cm-san-sai"] });
    const officerBrowser = new ConsoleClient(env);
    await officerBrowser.signIn(officer);
    const refused = await officerBrowser.get("/console/campaigns");
    expect(refused.status).toBe(403);
    expect(textOf(refused)).toContain(th("console-forbidden-campaigns"));
    expect((await officerBrowser.post("/console/campaigns/new", { intent: "save" })).status).toBe(403);

    const admin = await enrolledOfficer(env, "admin", { everywhere: true });
    const adminBrowser = new ConsoleClient(env);
    const queue = await adminBrowser.signIn(admin);
    expect(textOf(queue)).toContain(th("console-nav-campaigns"));
    expect((await adminBrowser.get("/console/campaigns")).status).toBe(200);
  });

  test("when staff preview a draft, then it is drawn as LINE draws it: text bubble, image, Flex bubble and the quick replies", async () => {
    await browser.get("/console/campaigns/new");
    const bubble = {
      type: "bubble",
      body: {
        type: "box",
        layout: "vertical",
        contents: [
          // LINE green, #06c755, is drawn with the palette's nearest class.
          { type: "text", text: "รู้ทันของขวัญ", weight: "bold", size: "xl", color: "#06c755" },
          {
            type: "button",
            style: "primary",
            action: { type: "uri", label: "อ่านต่อ", uri: "https://example.org" },
          },
        ],
      },
    };
    const page = await postForm(
      browser,
      "/console/campaigns/new",
      composed({
        intent: "preview",
        "content.th[1].type": "image",
        "content.th[1].originalContentUrl": "https://example.org/poster.jpg",
        "content.th[2].type": "flex",
        "content.th[2].altText": "รู้ทันของขวัญ",
        "content.th[2].contents": JSON.stringify(bubble),
      }),
    );
    expect(page.status).toBe(200);
    expect(page.body).toContain('<p class="line-bubble">ของขวัญเกิน 3,000 บาท ไม่ควรรับ</p>');
    expect(page.body).toContain('src="https://example.org/poster.jpg"');
    expect(page.body).toMatch(/class="flex-text flex-size-xl flex-bold[^"]*fc-021/);
    expect(page.body).toContain("อ่านต่อ");
    expect(textOf(page)).toContain(th("awareness-choice-unsubscribe"));
    // Staff's https images may be drawn here; the CSP is otherwise unchanged (no script at all).
    const csp = page.headers.get("content-security-policy")!;
    expect(csp).toContain("img-src 'self' https:");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain("script-src");
    expect(page.body).not.toContain("<script");
    // A preview stores nothing.
    expect(await env.harness.service.modules.awareness.campaigns.list()).toEqual([]);
  });

  test("when a field is wrong, then the page says which, next to it, in the staff's language, and nothing is saved", async () => {
    const page = await postForm(
      browser,
      "/console/campaigns/new",
      composed({
        intent: "save",
        "content.th[0].text": "",
        "content.th[1].type": "flex",
        "content.th[1].altText": "x",
        "content.th[1].contents": "{ not json",
        topics: [],
        scheduleKind: "once",
        "schedule.at": "",
      }),
    );
    expect(page.status).toBe(422);
    expect(errorAt(page, "content.th[0].text")).toBe(
      `content.th[0].text: ${th("console-campaign-error-empty")}`,
    );
    expect(errorAt(page, "content.th[1].contents")).toBe(
      `content.th[1].contents: ${th("console-campaign-error-json")}`,
    );
    expect(textOf(page)).toContain(`topics: ${th("console-campaign-error-topics")}`);
    expect(page.body).toMatch(/name="content\.th\[0\]\.text"\s+rows="5"\s+aria-invalid="true"/);
    // What was typed comes back, so nothing is lost.
    expect(page.body).toContain("{ not json");
    expect(await env.harness.service.modules.awareness.campaigns.list()).toEqual([]);
  });

  test("when staff send a test, then the draft arrives in their own LINE chat, unsaved, and their LINE id is never shown", async () => {
    staff.newMessages();
    const page = await postForm(
      browser,
      "/console/campaigns/new",
      composed({ intent: "test", testLocale: "th" }),
    );
    expect(page.status).toBe(200);
    expect(textOf(page)).toContain(th("console-campaign-notice-test-sent"));
    const received = staff.newMessages();
    expect(received.map(messageText).join("\n")).toContain("ของขวัญเกิน 3,000 บาท ไม่ควรรับ");
    expect(await env.harness.service.modules.awareness.campaigns.list()).toEqual([]);
    const audited = await env.officers.audit.model.find({ action: "campaign-test-send" }).lean().exec();
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ channel: "console", outcome: "ok" });
  });

  test("when staff schedule it two minutes ahead, then the scheduler's run reaches the subscriber, and the run shows its progress", async () => {
    const subscriber = new TestUser(env.harness);
    await subscriber.says("รับข่าวสาร");
    const clock = env.harness.clock;
    // Two minutes, not one: the input keeps whole minutes, so "now + 1 min" could be only
    // milliseconds ahead and already past when the form arrives ("is in the past").
    const at = bangkokLocal(new Date(clock.now().getTime() + 2 * 60_000).toISOString());
    const scheduled = await postForm(
      browser,
      "/console/campaigns/new",
      composed({ intent: "schedule", scheduleKind: "once", "schedule.at": at }),
    );
    expect(scheduled.status).toBe(303);
    expect(scheduled.headers.get("location")).toBe("/console/campaigns/gifts-new-year?n=scheduled");
    const campaignPage = await browser.follow(scheduled);
    expect(textOf(campaignPage)).toContain(th("console-campaign-notice-scheduled"));
    expect(textOf(campaignPage)).toContain(th("console-campaign-status-scheduled"));

    const { awareness } = env.harness.service.modules;
    clock.advance(2 * 60_000 + 1_000);
    await awareness.scheduler.tick({ wait: true });
    await env.settle();
    expect(subscriber.received().map(messageText).join("\n")).toContain("ของขวัญเกิน 3,000 บาท ไม่ควรรับ");

    const after = await browser.get("/console/campaigns/gifts-new-year");
    expect(textOf(after)).toContain(th("console-run-sent", { n: 1 }));
    expect(textOf(after)).toContain(th("console-run-failed", { n: 0 }));
    expect(textOf(after)).toContain(th("console-run-remaining", { n: 0 }));
    expect(textOf(after)).toContain(th("console-run-status-done"));
    const list = await browser.get("/console/campaigns");
    expect(textOf(list)).toContain(th("console-run-sent", { n: 1 }));
    const actions = await env.officers.audit.model
      .find({ channel: "console", action: { $in: ["create-campaign", "schedule-campaign"] } })
      .lean()
      .exec();
    expect(actions.map((entry) => entry.action).sort()).toEqual(["create-campaign", "schedule-campaign"]);
  });

  test("when a run falls in quiet hours, then it waits, and the page shows it waiting with what remains to send", async () => {
    const clock = env.harness.clock;
    const night = new Date(clock.now().getTime());
    advanceToBangkok({ now: () => night, advance: (ms) => night.setTime(night.getTime() + ms) }, "22:00");
    const saved = await postForm(
      browser,
      "/console/campaigns/new",
      composed({
        id: "night-notice",
        intent: "schedule",
        scheduleKind: "once",
        "schedule.at": bangkokLocal(night.toISOString()),
      }),
    );
    expect(saved.status).toBe(303);
    clock.advance(night.getTime() - clock.now().getTime() + 1_000);
    await env.harness.service.modules.awareness.scheduler.tick({ wait: true });
    // Twelve hours later the session has ended (idle limit): staff sign in again.
    browser = new ConsoleClient(env);
    await browser.signIn(staff);
    const page = await browser.get("/console/campaigns/night-notice");
    expect(textOf(page)).toContain(th("console-run-status-waiting"));
    expect(textOf(page)).toContain(th("console-run-reason-quiet-hours"));
    expect(textOf(page)).toContain(th("console-run-remaining", { n: 1 }));
    expect(textOf(page)).toContain(th("console-run-sent", { n: 0 }));
  });

  test("when staff pause, resume and cancel through the page, then CampaignService changes it; a post without the CSRF token is refused", async () => {
    await postForm(browser, "/console/campaigns/new", composed({ id: "hotline-1567", intent: "save" }));
    const draft = await browser.get("/console/campaigns/hotline-1567");
    expect(textOf(draft)).toContain(th("console-campaign-status-draft"));
    // Scheduling a draft without a schedule names the field that is missing.
    const cannot = await browser.post("/console/campaigns/hotline-1567/schedule", {});
    expect(cannot.headers.get("location")).toBe("/console/campaigns/hotline-1567?n=cannot-schedule");

    const edit = await browser.get("/console/campaigns/hotline-1567/edit");
    expect(edit.body).toContain('value="hotline-1567"');
    const fixed = await postForm(
      browser,
      "/console/campaigns/hotline-1567/edit",
      composed({ id: "ignored", intent: "schedule", scheduleKind: "cron", "schedule.cron": "0 10 * * 2" }),
    );
    expect(fixed.headers.get("location")).toBe("/console/campaigns/hotline-1567?n=scheduled");
    const { campaigns } = env.harness.service.modules.awareness;
    expect((await campaigns.get("hotline-1567")).schedule).toEqual({ cron: "0 10 * * 2" });

    const forged = await browser.post("/console/campaigns/hotline-1567/pause", {}, false);
    expect(forged.status).toBe(403);
    expect((await campaigns.get("hotline-1567")).status).toBe("scheduled");

    for (const [action, status] of [
      ["pause", "paused"],
      ["resume", "scheduled"],
      ["cancel", "cancelled"],
    ] as const) {
      const done = await browser.post(`/console/campaigns/hotline-1567/${action}`, {});
      expect(done.status).toBe(303);
      expect((await campaigns.get("hotline-1567")).status).toBe(status);
    }
    const again = await browser.post("/console/campaigns/hotline-1567/resume", {});
    expect(again.headers.get("location")).toBe("/console/campaigns/hotline-1567?n=state");
    expect((await browser.get("/console/campaigns/no-such-campaign")).status).toBe(404);
    const audited = await env.officers.audit.model
      .find({ action: { $in: ["pause-campaign", "resume-campaign", "cancel-campaign"] } })
      .lean()
      .exec();
    expect(audited.map((entry) => entry.channel)).toEqual(["console", "console", "console", "console"]);
  });

  test("when a new campaign takes a used id, then the id field says so; a large Flex message fits the composer's form", async () => {
    const taken = await postForm(
      browser,
      "/console/campaigns/new",
      composed({ id: "hotline-1567", intent: "save" }),
    );
    expect(taken.status).toBe(422);
    expect(errorAt(taken, "id")).toBe(`id: ${th("console-campaign-error-id-taken")}`);

    // About 25 KB of Flex JSON, under LINE's 30 KB bubble limit.
    const rows = Array.from({ length: 220 }, (_, i) => ({
      type: "text",
      text: `ข้อ ${i + 1} ของขวัญและการรับรอง`,
      wrap: true,
    }));
    const bubble = { type: "bubble", body: { type: "box", layout: "vertical", contents: rows } };
    expect(Buffer.byteLength(JSON.stringify(bubble))).toBeGreaterThan(20_000);
    const saved = await postForm(
      browser,
      "/console/campaigns/new",
      composed({
        id: "long-flex",
        intent: "save",
        "content.th[1].type": "flex",
        "content.th[1].altText": "ของขวัญ",
        "content.th[1].contents": JSON.stringify(bubble, null, 2),
      }),
    );
    expect(saved.status).toBe(303);
    const stored = await env.harness.service.modules.awareness.campaigns.get("long-flex");
    expect(stored.content.th?.[1]).toMatchObject({ type: "flex", contents: bubble });
  });

  test("when staff limit the audience to provinces, then it is saved, shown by name, and kept through an edit; reach figures show as LINE has them", async () => {
    const composer = await browser.get("/console/campaigns/new");
    expect(composer.body).toMatch(/name="audience\.provinces"\s+value="chiang-mai"/);
    const saved = await postForm(
      browser,
      "/console/campaigns/new",
      composed({ id: "north-only", intent: "save", "audience.provinces": ["chiang-mai", "lamphun"] }),
    );
    expect(saved.status).toBe(303);
    const { campaigns } = env.harness.service.modules.awareness;
    expect((await campaigns.get("north-only")).audience).toEqual({ provinces: ["chiang-mai", "lamphun"] });
    const page = await browser.get("/console/campaigns/north-only");
    expect(textOf(page)).toContain("เชียงใหม่, ลำพูน");
    expect(textOf(page)).toContain(
      th("console-campaign-reach-figures", {
        opened: th("awareness-stats-not-read"),
        clicked: th("awareness-stats-not-read"),
      }),
    );

    const edit = await browser.get("/console/campaigns/north-only/edit");
    expect(edit.body).toMatch(/value="lamphun"\s+checked/);
    await postForm(
      browser,
      "/console/campaigns/north-only/edit",
      composed({ intent: "save", name: "เหนือเท่านั้น", "audience.provinces": ["chiang-mai", "lamphun"] }),
    );
    expect(await campaigns.get("north-only")).toMatchObject({
      name: "เหนือเท่านั้น",
      audience: { provinces: ["chiang-mai", "lamphun"] },
    });
    const bad = await postForm(
      browser,
      "/console/campaigns/new",
      composed({ id: "nowhere", intent: "save", "audience.provinces": ["atlantis"] }),
    );
    expect(bad.status).toBe(422);
    expect(textOf(bad)).toContain("audience.provinces[0]");
  });

  test("when every console answer of this story is scanned, then none holds a LINE user id", () => {
    const bodies = seenResponses.map((page) => page.body).join("\n");
    expect(bodies).not.toMatch(/U[0-9a-f]{32}/);
    expect(bodies).not.toContain(staff.userId);
  });
});
