import sharp from "sharp";
import { officerPostback } from "../../src/officers/postback";
import { isPublicRef } from "../../src/tips/public-ref";
import {
  citizenReports,
  enrolledOfficer,
  startOfficerHarness,
  type OfficerHarness,
} from "../officers/support/officers";

/**
 * Records stored before public refs and the expiring reporter link: the start-up upgrade gives
 * them what this version expects, once.
 */
describe("start-up upgrade of records stored by an earlier version", () => {
  let env: OfficerHarness;

  const db = () => env.harness.service.context.connection.db!;

  beforeAll(async () => {
    env = await startOfficerHarness();
  });
  afterAll(async () => {
    await env.stop();
  });

  test("when tips, evidence and reporter links lack what this version adds, then a restart fills it in", async () => {
    const photo = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#123456" } })
      .jpeg()
      .toBuffer();
    const { tip: open } = await citizenReports(env, { image: photo });
    const { tip: closed } = await citizenReports(env);
    const supervisor = await enrolledOfficer(env, "supervisor", { districtIds: ["cm-san-sai"] });
    await supervisor.taps(officerPostback("ack", closed.ref));
    await supervisor.taps(officerPostback("close", closed.ref, { reason: "duplicate" }));
    const { tip: inProgress } = await citizenReports(env);
    await supervisor.taps(officerPostback("ack", inProgress.ref));
    // As this version keeps them: each open case carries the deadline it works to, a closed one none.
    const dueOf = async (id: unknown) =>
      (await db()
        .collection("tips")
        .findOne({ _id: id as never }))!;
    const fresh = await dueOf(inProgress._id);
    expect(fresh.dueAt).toEqual(fresh.feedbackBy);
    expect((await dueOf(open._id)).dueAt).toEqual(open.acknowledgeBy);
    expect((await dueOf(closed._id)).dueAt).toBeUndefined();

    // What an earlier version left behind: no refs, a reporter link without expiry, no upgrade markers.
    await db()
      .collection("tips")
      .updateMany({}, { $unset: { ref: "", dueAt: "" } });
    await db()
      .collection("evidence.files")
      .updateMany({}, { $unset: { "metadata.ref": "" } });
    await db()
      .collection("reporter_tips")
      .updateMany({}, { $unset: { deleteAfter: "" } });
    await db().collection("upgrades").deleteMany({});

    await env.harness.restart();

    const tips = await db().collection("tips").find().toArray();
    expect(tips.map((tip) => isPublicRef(tip.ref as string))).toEqual([true, true, true]);
    expect(new Set(tips.map((tip) => tip.ref)).size).toBe(3);
    expect((await dueOf(open._id)).dueAt).toEqual(open.acknowledgeBy);
    expect((await dueOf(inProgress._id)).dueAt).toEqual(fresh.feedbackBy);
    expect((await dueOf(closed._id)).dueAt).toBeUndefined();
    const [file] = await db()
      .collection("evidence.files")
      .find({ "metadata.tipId": open._id.toHexString() })
      .toArray();
    expect(isPublicRef(file!.metadata.ref as string)).toBe(true);

    const closedAt = (await db().collection("tips").findOne({ _id: closed._id }))!.closedAt as Date;
    const links = await db().collection("reporter_tips").find().toArray();
    const linkOf = (tipId: unknown) => links.find((link) => String(link.tipId) === String(tipId));
    expect(linkOf(closed._id)?.deleteAfter).toEqual(
      new Date(closedAt.getTime() + env.harness.config.contactRetentionAfterCloseMs),
    );
    expect(linkOf(open._id)?.deleteAfter).toBeUndefined();
  }, 120_000);

  test("when the upgrade has run once, then later starts do not scan again", async () => {
    await db()
      .collection("tips")
      .updateMany({}, { $unset: { ref: "" } });
    await env.harness.restart();
    expect(
      await db()
        .collection("tips")
        .countDocuments({ ref: { $exists: true } }),
    ).toBe(0);
  });
});
