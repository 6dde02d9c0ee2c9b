import { account, evidenceEffect, tipEffect, type Check, type Drill, type Effect } from "../drill";
import { CampaignTracker, prepareCampaign, runStatus } from "../world/campaign";
import { crowd, ScriptedCitizen } from "../world/citizen";
import type { Endpoint } from "../world/line";
import { enrollGroup, NotificationTracker } from "../world/officers";
import { seededRandom } from "../world/random";
import { eventually, sleep } from "../world/time";
import { World } from "../world/world";

/**
 * LINE answers `status` on reply, push, multicast and content for `outageMs` while citizens report
 * with photos, new tips notify an officer group and a campaign is being delivered. Nothing may be
 * lost (retried with backoff, by push with the event's retry key once the reply token has gone) and
 * nothing sent twice. The fast variant is short and leaves the campaign out.
 */
export function lineOutage(status: number, outageMs: number): Drill {
  const seconds = outageMs / 1000;
  return {
    name: `line-${status === 429 ? "429" : "5xx"}-${seconds}s`,
    summary: `LINE answers ${status} for ${seconds} s on reply, push, multicast and content`,
    fast: status !== 429,
    async run(options) {
      const startedAt = Date.now();
      const outage = options.fast ? 8_000 : outageMs;
      const world = await World.create({
        drill: this.name,
        outDir: options.outDir,
        random: seededRandom(options.seed),
        mongodbUri: options.mongodbUri,
        botEnv: { AWARENESS_MULTICAST_RATE: "1" },
      });
      try {
        const prepared = options.fast ? undefined : await prepareCampaign(world, 12_000);
        const campaign = prepared && new CampaignTracker(world, prepared.userIds);
        // A download takes a moment at LINE, so the one the outage starts with meets it too.
        world.line.setLatency("content", 300);
        await world.bot.start();
        const group = await enrollGroup(world);
        const notifications = new NotificationTracker(world, [group]);
        let outageOver = Number.POSITIVE_INFINITY;
        const traffic = crowd(world, {
          concurrency: options.fast ? 3 : 5,
          total: 1_000,
          images: () => 1,
          keepGoing: () => Date.now() < outageOver,
          stepDeadlineMs: outage + 300_000,
        });
        // One more citizen fills in a report and holds it, to submit it (and so notify the group by
        // push) once LINE has begun failing.
        let outageBegun = () => undefined as void;
        const begun = new Promise<void>((resolve) => (outageBegun = resolve));
        let heldReady = () => undefined as void;
        const ready = new Promise<void>((resolve) => (heldReady = resolve));
        const held = new ScriptedCitizen(world, {
          beforeSubmit: () => {
            heldReady();
            return begun;
          },
          stepDeadlineMs: outage + 300_000,
        }).report();
        void held.finally(heldReady); // a citizen who never got that far must not hold the drill up
        // The outage begins as a photo is fetched, so every kind of call meets it.
        await ready;
        await world.line.nextRequest("content", 60_000);
        const endpoints: Array<Exclude<Endpoint, "other">> = ["reply", "push", "content"];
        if (campaign) endpoints.push("multicast");
        const campaignMidway = campaign ? campaign.multicasts > 0 && !campaign.complete : undefined;
        world.line.outage(endpoints, status, outage);
        outageBegun();
        options.log(`  LINE answers ${status} on ${endpoints.join(", ")} from ${new Date().toISOString()}`);
        await sleep(outage);
        outageOver = Date.now();
        const citizens = [...(await traffic), await held];
        const codes = citizens.flatMap((citizen) => (citizen.code ? [citizen.code] : []));
        const notified = await eventually(() => notifications.tally(codes).lost === 0, 240_000, 1_000);
        notifications.close();
        const effects: Record<string, Effect> = {
          tips: await tipEffect(world, citizens),
          evidence: await evidenceEffect(world, citizens),
          notifications: { expected: codes.length, ...notifications.tally(codes) },
        };
        const checks: Check[] = [
          { name: "every notification delivered before the settle deadline", ok: notified },
        ];
        if (campaign && prepared) {
          const finished = await eventually(
            async () => campaign.complete && (await runStatus(world, prepared.runKey)) === "done",
            300_000,
            1_000,
          );
          campaign.close();
          effects.campaign = { expected: prepared.userIds.length, ...campaign.tally() };
          checks.push(
            { name: "a campaign was being delivered when LINE began failing", ok: campaignMidway === true },
            {
              name: "the campaign run finished (status done) after LINE recovered",
              ok: finished,
              detail: `run ${await runStatus(world, prepared.runKey)}`,
            },
          );
        }
        // The drill proves something only if LINE's failures reached the bot on each endpoint.
        const failedCalls = endpoints.map(
          (endpoint) => world.line.answeredCalls[`${endpoint} ${status}`] ?? 0,
        );
        const mustHit = options.fast ? ["reply", "push", "content"] : endpoints;
        checks.push({
          name: `LINE's ${status}s reached the bot on ${mustHit.join(", ")}`,
          ok: mustHit.every((endpoint) => (world.line.answeredCalls[`${endpoint} ${status}`] ?? 0) > 0),
          detail: endpoints.map((endpoint, i) => `${endpoint} ${failedCalls[i]}`).join(", "),
        });
        return await account(world, { drill: this, options, startedAt, citizens, effects, checks });
      } finally {
        await world.close();
      }
    },
  };
}
