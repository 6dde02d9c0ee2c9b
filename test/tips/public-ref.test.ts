import sharp from "sharp";
import { officerPostback } from "../../src/officers/postback";
import { isPublicRef } from "../../src/tips/public-ref";
import type { Tip } from "../../src/tips/tip";
import {
  citizenReports,
  enrolledGroup,
  enrolledOfficer,
  postbacksIn,
  startOfficerHarness,
  urisIn,
  type OfficerHarness,
  type TestChat,
} from "../officers/support/officers";

/** Anything that looks like an ObjectId: 24 hex digits (its first 8 are the creation second). */
const objectIdPattern = /\b[0-9a-f]{24}\b/i;

describe("tips and evidence are named outside the database by random refs", () => {
  let env: OfficerHarness;
  let tip: Tip;
  let officer: TestChat;
  let group: TestChat;

  beforeAll(async () => {
    env = await startOfficerHarness();
    officer = await enrolledOfficer(env, "supervisor", { districtIds: ["cm-san-sai"] });
    group = await enrolledGroup(env, { districtIds: ["cm-san-sai"] });
    const photo = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#888888" } })
      .jpeg()
      .toBuffer();
    ({ tip } = await citizenReports(env, { image: photo, optIn: true }));
  }, 120_000);
  afterAll(async () => {
    await env.stop();
  });

  test("when a tip is stored, then its ref is 22 URL-safe characters (128 random bits) unrelated to its ObjectId", () => {
    expect(isPublicRef(tip.ref)).toBe(true);
    expect(tip.ref).not.toContain(tip._id.toHexString().slice(0, 8));
  });

  test("when officers get the new-tip cards and every follow-up, then each button names the tip by its ref, within 300 characters", async () => {
    await officer.taps(officerPostback("view", tip.ref));
    await officer.taps(officerPostback("status", tip.ref));
    await officer.taps(officerPostback("close", tip.ref));
    const data = postbacksIn([...officer.received(), ...group.received()]).filter((d) => d.startsWith("o="));
    expect(data.length).toBeGreaterThan(8);
    for (const button of data) {
      expect(button.length).toBeLessThanOrEqual(300);
      expect(new URLSearchParams(button).get("t")).toBe(tip.ref);
      expect(button).not.toMatch(objectIdPattern);
    }
  });

  test("when an officer opens the details, then evidence links carry the evidence's ref and no ObjectId", async () => {
    const uris = urisIn(await officer.taps(officerPostback("view", tip.ref))).filter((u) =>
      u.includes("/evidence/"),
    );
    expect(uris).toHaveLength(1);
    const url = new URL(uris[0]!);
    expect(isPublicRef(url.pathname.split("/").at(-1)!)).toBe(true);
    expect(url.pathname).not.toMatch(objectIdPattern);
    const response = await fetch(`${env.harness.service.url}${url.pathname}${url.search}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).not.toMatch(objectIdPattern);
  });

  test("when a link is signed for the evidence's ObjectId instead of its ref, then it finds nothing", async () => {
    const [item] = await env.harness.service.context.connection
      .collection("evidence.files")
      .find({ "metadata.tipId": tip._id.toHexString() })
      .toArray();
    const holder = { kind: "officer" as const, id: env.officers.directory.officerIdFor(officer.userId) };
    const url = new URL(env.officers.links.url(item!._id.toHexString(), holder, env.harness.clock.now()));
    const response = await fetch(`${env.harness.service.url}${url.pathname}${url.search}`);
    expect(response.status).toBe(404);
  });

  test("when an officer taps a button made before refs (it carries the tip's ObjectId), then they are told it is out of date and nothing changes", async () => {
    const { tip: fresh } = await citizenReports(env);
    officer.newMessages(); // the new-tip card
    for (const verb of ["ack", "view", "assign"] as const) {
      await officer.taps(officerPostback(verb, fresh._id.toHexString()));
      expect(officer.lastText()).toContain("ปุ่มนี้เป็นรุ่นเก่า");
      expect(officer.lastText()).not.toContain(fresh.code);
    }
    const after = await env.officers.cases.loadByRef(fresh.ref);
    expect({ status: after!.status, assignedTo: after!.assignedTo }).toEqual({
      status: "received",
      assignedTo: undefined,
    });
  });

  test("when the indexes are listed, then ref lookups of tips and evidence are backed by unique indexes", async () => {
    const db = env.harness.service.context.connection.db!;
    const tipIndexes = await db.collection("tips").listIndexes().toArray();
    const fileIndexes = await db.collection("evidence.files").listIndexes().toArray();
    expect(tipIndexes).toContainEqual(expect.objectContaining({ key: { ref: 1 }, unique: true }));
    expect(fileIndexes).toContainEqual(expect.objectContaining({ key: { "metadata.ref": 1 }, unique: true }));
  });
});
