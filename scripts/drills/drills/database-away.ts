import { fakeUserId } from "../../../src/dev/line-platform";
import { account, tipEffect, type Drill } from "../drill";
import { CampaignTracker, prepareCampaign, runStatus } from "../world/campaign";
import { crowd } from "../world/citizen";
import { seededRandom } from "../world/random";
import { ReadinessWatch } from "../world/readiness";
import { eventually, nextSecondOfMinute, sleep, until } from "../world/time";
import { World } from "../world/world";

/** After the proxy is restored the driver needs a moment to reconnect: 503s are still expected then. */
const reconnectGraceMs = 15_000;

/**
 * The database goes away (the proxy in front of it is cut, the data kept) for `awayMs`, across a
 * minute boundary — cron jobs fire at :00 — while citizens report and a campaign is being delivered.
 * The bot must stay up, answer webhooks 503 (within LINE's 2 s) only while it cannot persist, turn
 * readiness red and green again by itself, and afterwards lose and repeat nothing.
 */
export function databaseAway(awayMs: number, cutAtSecond: number): Drill {
  return {
    name: `database-away-${awayMs / 1000}s`,
    summary: `database away ${awayMs / 1000} s across a minute boundary, during traffic and a campaign`,
    fast: false,
    async run(options) {
      const startedAt = Date.now();
      const world = await World.create({
        drill: this.name,
        outDir: options.outDir,
        random: seededRandom(options.seed),
        mongodbUri: options.mongodbUri,
        botEnv: { AWARENESS_MULTICAST_RATE: "1" },
      });
      try {
        const { userIds, runKey } = await prepareCampaign(world, 12_000); // 24 batches: about 24 s at 1/s
        const campaign = new CampaignTracker(world, userIds);
        const cutAt = nextSecondOfMinute(cutAtSecond, 40_000);
        // Started shortly before the cut, the campaign (due at start-up) is mid-delivery when it comes.
        await until(cutAt - 15_000);
        await world.bot.start();
        const readiness = new ReadinessWatch(world.bot.url);
        let restoredAt = Number.POSITIVE_INFINITY;
        const traffic = crowd(world, {
          concurrency: 4,
          total: 1_000,
          keepGoing: () => Date.now() < restoredAt + 10_000,
          stepDeadlineMs: awayMs + 240_000,
        });
        // New friends arrive once a second from shortly before the cut until after the restore, so
        // LINE keeps knocking while the database is away: each of those webhooks must get a quick 503.
        const arrivals = (async () => {
          await until(cutAt - 5_000);
          while (Date.now() < restoredAt + 5_000) {
            world.line.send(world.line.platform.follow(fakeUserId()), "follow");
            await sleep(1_000);
          }
        })();
        await until(cutAt);
        const campaignMidway = campaign.multicasts > 0 && !campaign.complete;
        await world.proxy.cut();
        options.log(
          `  database away at ${new Date().toISOString()} (campaign ${campaign.delivered}/${userIds.length})`,
        );
        await sleep(awayMs);
        await world.proxy.restore();
        restoredAt = Date.now();
        options.log(`  database back at ${new Date(restoredAt).toISOString()}`);
        await arrivals;
        const citizens = await traffic;
        const finished = await eventually(
          async () => campaign.complete && (await runStatus(world, runKey)) === "done",
          240_000,
          1_000,
        );
        await readiness.stop();
        campaign.close();
        const { redAfterMs, greenAfterMs } = readiness.transitions(cutAt, restoredAt);
        const crossedMinute = Math.floor(cutAt / 60_000) !== Math.floor(restoredAt / 60_000);
        return await account(world, {
          drill: this,
          options,
          startedAt,
          citizens,
          databaseAway: [{ from: cutAt, to: restoredAt + reconnectGraceMs }],
          effects: {
            tips: await tipEffect(world, citizens),
            campaign: { expected: userIds.length, ...campaign.tally() },
          },
          checks: [
            { name: "the outage spanned a minute boundary (cron at :00 fired during it)", ok: crossedMinute },
            {
              name: "a campaign was being delivered when the database went away",
              ok: campaignMidway,
              detail: `${campaign.multicasts} multicasts accepted in all`,
            },
            {
              name: "readiness turned red during the outage and green again without a restart",
              ok: redAfterMs !== undefined && greenAfterMs !== undefined,
              detail: `red ${redAfterMs ?? "never"} ms after the cut, green ${greenAfterMs ?? "never"} ms after the restore`,
            },
            {
              name: "the campaign run finished (status done) after the database returned",
              ok: finished,
              detail: `run ${await runStatus(world, runKey)}`,
            },
          ],
          notes: [
            `database away ${new Date(cutAt).toISOString()} – ${new Date(restoredAt).toISOString()}`,
            `readiness red ${redAfterMs ?? "never"} ms after the cut, green ${greenAfterMs ?? "never"} ms after the restore`,
          ],
        });
      } finally {
        await world.close();
      }
    },
  };
}
