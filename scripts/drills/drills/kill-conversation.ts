import { account, answeredByReplyInTime, tipEffect, type Drill } from "../drill";
import { crowd } from "../world/citizen";
import { crashOnce } from "../world/kills";
import { seededRandom } from "../world/random";
import { sleep } from "../world/time";
import { World } from "../world/world";

/**
 * Citizens report side by side while the bot is killed with SIGKILL — at random instants, and right
 * as it hands a reply to LINE — and started again. Every step must be answered once, with the
 * prompt of the next step, and every receipt must stand for exactly one tip.
 */
export const killConversation: Drill = {
  name: "kill-conversation",
  summary: "kill -9 mid-conversation (random instants and mid-reply), restart, settle",
  fast: true,
  async run(options) {
    const startedAt = Date.now();
    const world = await World.create({
      drill: this.name,
      outDir: options.outDir,
      random: seededRandom(options.seed),
      mongodbUri: options.mongodbUri,
    });
    try {
      // A reply takes a little while at LINE, so a kill "mid-reply" lands while LINE holds it.
      world.line.setLatency("reply", 150);
      await world.bot.start();
      const people = options.fast ? 4 : 10;
      let trafficDone = false;
      const traffic = crowd(world, { concurrency: people, total: people * (options.fast ? 2 : 3) }).finally(
        () => (trafficDone = true),
      );
      const hits: string[] = [];
      const kills = options.fast ? 1 : 4;
      for (let i = 0; i < kills && !trafficDone; i++) {
        await sleep(world.random.between(1_000, 6_000));
        // Alternate: a random instant, then the moment a reply is on its way to LINE.
        const onReply = i % 2 === 1 || options.fast;
        hits.push(
          await crashOnce(world, {
            on: onReply ? "reply" : undefined,
            jitterMs: onReply ? [0, 100] : [0, 0],
            fallbackMs: 30_000,
            downMs: [200, 3_000],
          }),
        );
        options.log(`  kill ${i + 1}/${kills}: ${hits.at(-1)}`);
      }
      const citizens = await traffic;
      await world.line.idle();
      const byReply = answeredByReplyInTime(world);
      options.log(`  ${byReply.name}: ${byReply.detail}`);
      return await account(world, {
        drill: this,
        options,
        startedAt,
        citizens,
        effects: { tips: await tipEffect(world, citizens) },
        checks: [byReply],
        notes: hits.map((hit, i) => `kill ${i + 1} hit ${hit}`),
      });
    } finally {
      await world.close();
    }
  },
};
