import sharp from "sharp";
import { Types } from "mongoose";
import { officerPostback } from "../../src/officers/postback";
import { minuteObjectId, toMinute } from "../../src/tips/coarse-time";
import type { Tip } from "../../src/tips/tip";
import {
  citizenReports,
  enrolledOfficer,
  startOfficerHarness,
  type OfficerHarness,
  type TestChat,
} from "../officers/support/officers";
import { textOf, type TestUser } from "../support/test-user";

const wholeMinute = (date: unknown) => date instanceof Date && date.getTime() % 60_000 === 0;
/** The creation time an ObjectId carries, in ms. */
const idTime = (id: unknown) => (id as Types.ObjectId).getTimestamp().getTime();

describe("minuteObjectId", () => {
  test("when ids are made within one minute, then each carries only that minute and they stay unique and increasing", () => {
    const at = new Date("2026-01-05T07:12:34.567Z");
    const ids = Array.from({ length: 50 }, () => minuteObjectId(at));
    expect(new Set(ids.map((id) => id.getTimestamp().toISOString()))).toEqual(
      new Set(["2026-01-05T07:12:00.000Z"]),
    );
    expect(new Set(ids.map(String)).size).toBe(50);
    const sorted = [...ids].sort((a, b) => Buffer.compare(Buffer.from(a.id), Buffer.from(b.id)));
    expect(sorted.map(String)).toEqual(ids.map(String));
  });
});

/**
 * A database dump must not let anyone match a tip with LINE's record of when someone sent a
 * message: what a tip, its reporter link, its thread and its evidence store is whole minutes.
 */
describe("a tip's times are kept to the minute", () => {
  let env: OfficerHarness;
  let tip: Tip;
  let citizen: TestUser;
  let supervisor: TestChat;

  const db = () => env.harness.service.context.connection.db!;

  beforeAll(async () => {
    env = await startOfficerHarness();
    supervisor = await enrolledOfficer(env, "supervisor", { districtIds: ["cm-san-sai"] });
    const photo = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#445566" } })
      .jpeg()
      .toBuffer();
    ({ tip, citizen } = await citizenReports(env, { image: photo, optIn: true }));
    await supervisor.taps(officerPostback("ack", tip.ref));
    await supervisor.taps(officerPostback("ask", tip.ref));
    await supervisor.says("มีพยานคนอื่นอีกไหม");
    await citizen.taps(`c=reply&v=${tip.code}`);
    await citizen.says("มีเพื่อนบ้านเห็นเหตุการณ์ด้วย");
    await citizen.tapsLabel("choice-evidence-none");
    await env.settle();
    await supervisor.taps(officerPostback("close", tip.ref, { reason: "substantiated" }));
  }, 120_000);
  afterAll(async () => {
    await env.stop();
  });

  test("when a tip is received, acknowledged and closed, then every time on it and its id are whole minutes", async () => {
    const stored = (await db().collection("tips").findOne({ _id: tip._id }))!;
    expect(stored.status).toBe("closed");
    const times = [
      stored.receivedAt,
      stored.acknowledgedAt,
      stored.closedAt,
      stored.acknowledgeBy,
      stored.feedbackBy,
      ...(stored.history as Array<{ at: Date }>).map((entry) => entry.at),
    ];
    expect(times.filter((time) => !wholeMinute(time))).toEqual([]);
    expect(idTime(stored._id) % 60_000).toBe(0);
  });

  test("when deadlines are set from minute times, then they are exactly the configured periods", async () => {
    const stored = (await db().collection("tips").findOne({ _id: tip._id }))!;
    const { acknowledgeWithinMs, feedbackWithinMs } = env.harness.config.deadlines;
    expect(stored.acknowledgeBy.getTime() - stored.receivedAt.getTime()).toBe(acknowledgeWithinMs);
    expect(stored.feedbackBy.getTime() - stored.acknowledgedAt.getTime()).toBe(feedbackWithinMs);
  });

  test("when the reporter link, contact, thread, route and evidence are stored, then their times and ids are whole minutes", async () => {
    const records = [
      ...(await db().collection("reporter_tips").find({ tipId: tip._id }).toArray()).map((r) => ({
        what: "reporter_tips",
        times: [r.createdAt, r.deleteAfter],
        id: r._id,
      })),
      ...(await db().collection("reporter_contacts").find({ tipId: tip._id }).toArray()).map((r) => ({
        what: "reporter_contacts",
        times: [r.createdAt, r.deleteAfter],
        id: r._id,
      })),
      ...(await db().collection("tip_messages").find({ tipId: tip._id }).toArray()).map((r) => ({
        what: `tip_messages ${r.direction}`,
        times: [r.at],
        id: r._id,
      })),
      ...(await db().collection("case_routes").find({ _id: tip._id }).toArray()).map((r) => ({
        what: "case_routes",
        times: [r.routedAt],
        id: r._id,
      })),
      ...(
        await db().collection("evidence.files").find({ "metadata.tipId": tip._id.toHexString() }).toArray()
      ).map((r) => ({ what: "evidence.files", times: [r.uploadDate], id: r._id })),
      ...(await db().collection("audit_log").find({ actor: "reporter" }).toArray()).map((r) => ({
        what: "audit_log reporter",
        times: [r.at],
        id: r._id,
      })),
    ];
    expect(records.map((r) => r.what).sort()).toEqual([
      "audit_log reporter",
      "case_routes",
      "evidence.files",
      "reporter_contacts",
      "reporter_tips",
      "tip_messages from-reporter",
      "tip_messages to-reporter",
    ]);
    const precise = records.filter((r) => !r.times.every(wholeMinute) || idTime(r.id) % 60_000 !== 0);
    expect(precise.map((r) => r.what)).toEqual([]);
  });

  test("when an officer opens the case in LINE, then no time on the cards or texts has seconds", async () => {
    const messages = await supervisor.taps(officerPostback("view", tip.ref));
    const shown = [...supervisor.received(), ...messages]
      .map((m) => JSON.stringify(m) + textOf(m))
      .join("\n");
    expect(shown).toMatch(/\d{1,2}:\d{2}/);
    expect(shown).not.toMatch(/\d{1,2}:\d{2}:\d{2}/);
  });

  test("when the thread holds a question and its answer from the same minute, then they are listed in the order they were written", async () => {
    const messages = await env.officers.cases.view(
      {
        actor: "test",
        role: "admin",
        scope: { everywhere: true, provinceIds: [], districtIds: [], categories: [], fallback: false },
      },
      (await env.officers.cases.loadByRef(tip.ref))!,
      "script",
    );
    expect(messages.ok && messages.value.thread.map((m) => m.direction)).toEqual([
      "to-reporter",
      "from-reporter",
    ]);
  });

  test("when a time is cut to the minute, then it is the start of that minute", () => {
    expect(toMinute(new Date("2026-01-05T07:12:59.999Z")).toISOString()).toBe("2026-01-05T07:12:00.000Z");
  });
});
