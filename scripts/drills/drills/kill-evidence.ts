import { account, evidenceEffect, tipEffect, type Drill } from "../drill";
import { crowd } from "../world/citizen";
import { crashOnce } from "../world/kills";
import { seededRandom } from "../world/random";
import { sleep } from "../world/time";
import { World } from "../world/world";

/** How long LINE takes to hand over a photo here: long enough for a kill to land inside the download. */
const downloadMs = 2_500;

/**
 * Citizens attach photos while the bot is killed in the middle of downloading one from LINE (the
 * content endpoint is slowed down). Each photo a citizen was told was received must be stored once
 * with their tip; an interrupted download must neither lose the photo nor store it twice.
 */
export const killEvidence: Drill = {
  name: "kill-evidence",
  summary: "kill -9 mid-evidence-download (slow content downloads), restart, settle",
  fast: false,
  async run(options) {
    const startedAt = Date.now();
    const world = await World.create({
      drill: this.name,
      outDir: options.outDir,
      random: seededRandom(options.seed),
      mongodbUri: options.mongodbUri,
    });
    try {
      world.line.setLatency("content", downloadMs);
      await world.bot.start();
      const people = options.fast ? 3 : 6;
      let trafficDone = false;
      const traffic = crowd(world, {
        concurrency: people,
        total: people * 2,
        images: (index) => 1 + (index % 2),
      }).finally(() => (trafficDone = true));
      const hits: string[] = [];
      const kills = options.fast ? 1 : 3;
      for (let i = 0; i < kills && !trafficDone; i++) {
        await sleep(world.random.between(1_000, 4_000));
        hits.push(
          await crashOnce(world, {
            on: "content",
            jitterMs: [100, downloadMs - 200],
            fallbackMs: 60_000,
            downMs: [200, 3_000],
          }),
        );
        options.log(`  kill ${i + 1}/${kills}: ${hits.at(-1)}`);
      }
      const citizens = await traffic;
      return await account(world, {
        drill: this,
        options,
        startedAt,
        citizens,
        effects: { tips: await tipEffect(world, citizens), evidence: await evidenceEffect(world, citizens) },
        notes: hits.map((hit, i) => `kill ${i + 1} hit ${hit}`),
      });
    } finally {
      await world.close();
    }
  },
};
