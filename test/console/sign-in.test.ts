import { loadTranslator } from "../../src/i18n";
import { projectRoot } from "../../src/context";
import path from "node:path";
import {
  enrolledOfficer,
  startOfficerHarness,
  TestChat,
  type OfficerHarness,
} from "../officers/support/officers";
import { ConsoleClient, linkFor, textOf, tokenOf } from "./support/console-client";

const texts = loadTranslator(path.join(projectRoot, "locales"));
const th = (key: string) => texts.t("th", key);
const en = (key: string) => texts.t("en", key);

describe("console sign-in through LINE", () => {
  let env: OfficerHarness;

  beforeAll(async () => {
    env = await startOfficerHarness();
  });
  afterAll(async () => {
    await env.stop();
  });

  test("when an officer sends /console, then the link opens a sign-in button, and only posting it starts a session with a strict cookie", async () => {
    const officer = await enrolledOfficer(env, "officer", { districtIds: ["cm-san-sai"] });
    const link = await linkFor(officer);
    expect(officer.lastText()).toContain(
      texts.t("th", "officer-console-link", { url: "" }).split("(")[0]!.trim(),
    );
    const browser = new ConsoleClient(env);

    const opened = await browser.get(link);
    expect(opened.status).toBe(200);
    expect(opened.headers.get("set-cookie")).toBeNull();
    expect(textOf(opened)).toContain(th("console-sign-in-button"));
    // Opening it twice (a link preview, then the officer) spends nothing.
    expect((await browser.get(link)).status).toBe(200);

    const signedIn = await browser.post("/console/sign-in", { token: tokenOf(link) }, false);
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get("location")).toBe("/console");
    const cookie = signedIn.headers.get("set-cookie")!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/console/);
    expect(cookie).not.toMatch(/Secure/); // NODE_ENV=test; production adds it (see the production test below)
    const queue = await browser.follow(signedIn);
    expect(queue.status).toBe(200);
    expect(textOf(queue)).toContain(th("console-queue-title"));

    const audited = await env.officers.audit.model
      .find({ action: "console-sign-in", outcome: "ok" })
      .lean()
      .exec();
    expect(audited).toHaveLength(1);
    // Only the token's hash is stored.
    const stored = await env.officers.signInLinks.model.find().lean().exec();
    expect(JSON.stringify(stored)).not.toContain(tokenOf(link));
  });

  test("when a link is used a second time, then it says so and starts no session", async () => {
    const officer = await enrolledOfficer(env, "officer", { districtIds: ["cm-san-sai"] });
    const link = await linkFor(officer);
    const first = new ConsoleClient(env);
    expect((await first.post("/console/sign-in", { token: tokenOf(link) }, false)).status).toBe(303);
    const second = new ConsoleClient(env);
    const again = await second.post("/console/sign-in", { token: tokenOf(link) }, false);
    expect(again.status).toBe(410);
    expect(again.headers.get("set-cookie")).toBeNull();
    expect(textOf(again)).toContain(th("console-sign-in-used"));
    expect((await second.get("/console")).status).toBe(401);
  });

  test("when a link is older than 10 minutes, then it has expired; an unknown token is not valid", async () => {
    const officer = await enrolledOfficer(env, "officer", { districtIds: ["cm-san-sai"] }, "en");
    const link = await linkFor(officer);
    env.harness.clock.advance(10 * 60_000 + 1_000);
    const browser = new ConsoleClient(env);
    const late = await browser.post("/console/sign-in", { token: tokenOf(link) }, false);
    expect(late.status).toBe(410);
    expect(textOf(late)).toContain(th("console-sign-in-expired"));
    const unknown = await browser.post("/console/sign-in", { token: "x".repeat(43) }, false);
    expect(unknown.status).toBe(404);
    expect(textOf(unknown)).toContain(th("console-sign-in-invalid"));
    expect(browser.signedIn).toBe(false);
  });

  test("when the officer is revoked after the link was sent, then the link refuses, and a live session ends at the next request", async () => {
    const officer = await enrolledOfficer(env, "officer", { districtIds: ["cm-san-sai"] });
    const browser = new ConsoleClient(env);
    await browser.signIn(officer);
    const link = await linkFor(officer);
    const id = env.officers.directory.officerIdFor(officer.userId);
    await env.officers.directory.revokeOfficer(id, env.harness.clock.now());

    const refused = await new ConsoleClient(env).post("/console/sign-in", { token: tokenOf(link) }, false);
    expect(refused.status).toBe(410);
    expect(textOf(refused)).toContain(th("console-sign-in-revoked"));
    const ended = await browser.get("/console");
    expect(ended.status).toBe(401);
    expect(textOf(ended)).toContain(th("console-signed-out-revoked"));
    // Enrolling again does not bring the old session back.
    await officer.says(`/enroll ${await env.code("officer", { districtIds: ["cm-san-sai"] })}`);
    expect((await browser.get("/console")).status).toBe(401);
  });

  test("when a session is idle for 30 minutes, or 12 hours old however active, then it has ended", async () => {
    const officer = await enrolledOfficer(env, "officer", { districtIds: ["cm-san-sai"] });
    const idle = new ConsoleClient(env);
    await idle.signIn(officer);
    env.harness.clock.advance(29 * 60_000);
    expect((await idle.get("/console")).status).toBe(200);
    env.harness.clock.advance(29 * 60_000);
    expect((await idle.get("/console")).status).toBe(200); // 58 minutes in, active
    env.harness.clock.advance(31 * 60_000);
    const expired = await idle.get("/console");
    expect(expired.status).toBe(401);
    expect(textOf(expired)).toContain(th("console-signed-out-expired"));

    const busy = new ConsoleClient(env);
    await busy.signIn(officer);
    for (let minutes = 0; minutes < 12 * 60 - 25; minutes += 25) {
      env.harness.clock.advance(25 * 60_000);
      expect((await busy.get("/console")).status).toBe(200);
    }
    env.harness.clock.advance(25 * 60_000);
    expect((await busy.get("/console")).status).toBe(401);
  });

  test("when the officer signs out, then the session is gone and the cookie cleared", async () => {
    const officer = await enrolledOfficer(env, "officer", { districtIds: ["cm-san-sai"] }, "en");
    const browser = new ConsoleClient(env);
    const queue = await browser.signIn(officer);
    expect(textOf(queue)).toContain(en("console-queue-title")); // the officer's language
    const out = await browser.post("/console/sign-out", {});
    expect(out.status).toBe(200);
    expect(out.headers.get("set-cookie")).toMatch(/Max-Age=0/);
    expect(browser.signedIn).toBe(false);
    expect(await env.officers.audit.model.countDocuments({ action: "console-sign-out" })).toBe(1);
  });

  test("when someone tries many tokens, then sign-in is rate limited", async () => {
    env.harness.clock.freeze(); // a window boundary must not fall inside the loop
    env.harness.clock.advance(10 * 60_000); // a window of its own: earlier tests signed in from this address too
    const browser = new ConsoleClient(env);
    const answers: number[] = [];
    for (let i = 0; i < 12; i++)
      answers.push((await browser.post("/console/sign-in", { token: `${i}`.padEnd(43, "a") }, false)).status);
    expect(answers.slice(0, 10).every((status) => status === 404)).toBe(true);
    expect(answers.slice(10)).toEqual([429, 429]);
  });

  test("when a citizen who is not an officer sends /console, then no link is made", async () => {
    const stranger = new TestChat(env);
    await stranger.says("/console");
    expect(stranger.lastText()).toContain(th("officer-refused-not-enrolled"));
    expect(stranger.lastText()).not.toContain("/console/sign-in/");
  });
});

describe("console cookies in production", () => {
  test("when NODE_ENV=production, then the session cookie is also Secure", async () => {
    const production = await startOfficerHarness({ NODE_ENV: "production" });
    try {
      const officer = await enrolledOfficer(production, "officer", { districtIds: ["cm-san-sai"] });
      const link = await linkFor(officer);
      const signedIn = await new ConsoleClient(production).post(
        "/console/sign-in",
        { token: tokenOf(link) },
        false,
      );
      expect(signedIn.status).toBe(303);
      expect(signedIn.headers.get("set-cookie")).toMatch(/; Secure/);
    } finally {
      await production.stop();
    }
  });
});
