import { account, tipEffect, type Drill } from "../drill";
import { crowd } from "../world/citizen";
import { crashOnce } from "../world/kills";
import { enrollGroup, NotificationTracker } from "../world/officers";
import { seededRandom } from "../world/random";
import { eventually, sleep } from "../world/time";
import { World } from "../world/world";

/** A push takes this long at LINE, so the outbox is busy when the kill comes. */
const pushMs = 400;

/**
 * Officer groups are enrolled for the district the citizens report in; every tip fans out to every
 * group through the notification outbox. The bot is killed while the outbox pushes. Each group must
 * get each tip's card exactly once.
 */
export const killNotification: Drill = {
  name: "kill-notification",
  summary: "kill -9 while the outbox pushes new-tip notifications to officer groups, restart, settle",
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
      await world.bot.start();
      const groups = [];
      for (let i = 0; i < (options.fast ? 2 : 3); i++) groups.push(await enrollGroup(world));
      const tracker = new NotificationTracker(world, groups);
      world.line.setLatency("push", pushMs);
      const people = options.fast ? 3 : 6;
      let trafficDone = false;
      const traffic = crowd(world, { concurrency: people, total: people * 2 }).finally(
        () => (trafficDone = true),
      );
      const hits: string[] = [];
      const kills = options.fast ? 1 : 3;
      for (let i = 0; i < kills && !trafficDone; i++) {
        await sleep(world.random.between(1_000, 5_000));
        hits.push(
          await crashOnce(world, {
            on: "push",
            jitterMs: [0, pushMs],
            fallbackMs: 90_000,
            downMs: [200, 3_000],
          }),
        );
        options.log(`  kill ${i + 1}/${kills}: ${hits.at(-1)}`);
      }
      const citizens = await traffic;
      const codes = citizens.flatMap((citizen) => (citizen.code ? [citizen.code] : []));
      // The outbox retries on its own sweep; a claim the dead process held runs out after a minute.
      const settled = await eventually(() => tracker.tally(codes).lost === 0, 240_000, 1_000);
      const notifications = tracker.tally(codes);
      tracker.close();
      return await account(world, {
        drill: this,
        options,
        startedAt,
        citizens,
        effects: {
          tips: await tipEffect(world, citizens),
          notifications: { expected: codes.length * groups.length, ...notifications },
        },
        checks: [{ name: "every notification delivered before the settle deadline", ok: settled }],
        notes: hits.map((hit, i) => `kill ${i + 1} hit ${hit}`),
      });
    } finally {
      await world.close();
    }
  },
};
