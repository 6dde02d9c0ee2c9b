import { account, tipEffect, type Drill } from "../drill";
import { CampaignTracker, prepareCampaign, runStatus } from "../world/campaign";
import { crowd } from "../world/citizen";
import { crashOnce } from "../world/kills";
import { seededRandom } from "../world/random";
import { eventually } from "../world/time";
import { World } from "../world/world";

/**
 * Thousands of subscribers and a campaign run in progress (sent at one multicast a second, so it
 * lasts), a few citizens chatting meanwhile; the bot is killed as it multicasts, several times. The
 * run resumes from its checkpoint after each restart; every subscriber must get the campaign once.
 */
export const killCampaign: Drill = {
  name: "kill-campaign",
  summary: "kill -9 mid-campaign (thousands of subscribers, run in progress), restart, settle",
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
      const { userIds, runKey } = await prepareCampaign(world, options.fast ? 2_000 : 6_000);
      const campaign = new CampaignTracker(world, userIds);
      // A batch takes a while at LINE, so a kill lands while LINE holds one (sent, but never confirmed).
      world.line.setLatency("multicast", 800);
      // The run is due before the bot starts: its start-up sweep begins delivering at once.
      await world.bot.start();
      const traffic = crowd(world, { concurrency: 3, total: 6 });
      const hits: string[] = [];
      const kills = options.fast ? 1 : 3;
      for (let i = 0; i < kills && !campaign.complete; i++) {
        hits.push(
          await crashOnce(world, {
            on: "multicast",
            jitterMs: [0, 700],
            // After a kill the run waits for its lease to run out and the next minute's sweep.
            fallbackMs: 180_000,
            downMs: [200, 3_000],
          }),
        );
        options.log(
          `  kill ${i + 1}/${kills}: ${hits.at(-1)} (${campaign.delivered}/${userIds.length} delivered)`,
        );
      }
      const citizens = await traffic;
      const finished = await eventually(
        async () => campaign.complete && (await runStatus(world, runKey)) === "done",
        300_000,
        1_000,
      );
      campaign.close();
      return await account(world, {
        drill: this,
        options,
        startedAt,
        citizens,
        effects: {
          tips: await tipEffect(world, citizens),
          campaign: { expected: userIds.length, ...campaign.tally() },
        },
        checks: [
          {
            name: "the campaign run finished (status done) before the settle deadline",
            ok: finished,
            detail: `run ${await runStatus(world, runKey)}, ${campaign.multicasts} multicasts accepted`,
          },
        ],
        notes: hits.map((hit, i) => `kill ${i + 1} hit ${hit}`),
      });
    } finally {
      await world.close();
    }
  },
};
