import { buildAwareness } from "../../../src/awareness";
import type { SubscriberDocument } from "../../../src/awareness/subscribers";
import type { RecordedCall } from "../../../src/dev/line-platform";
import { endpointTemplates } from "./line";
import type { World } from "./world";

/** What the drill campaign says; a multicast carrying it is the campaign, anything else is not. */
export const campaignText = "ซ้อมรับมือเหตุขัดข้อง: ข้อความรณรงค์ทดสอบ";

/**
 * Seeds `count` active subscribers the way the awareness feature stores them (pseudonym key, sealed
 * user id) and makes a campaign run due now — what `scripts/campaigns.js` does for staff. The bot
 * starts the run on its next sweep (at start-up, or the minute's cron tick). Returns the user ids.
 */
export async function prepareCampaign(
  world: World,
  count: number,
): Promise<{ userIds: string[]; runKey: string }> {
  const awareness = buildAwareness(world.db, { startJobs: false });
  const userIds: string[] = [];
  const now = new Date();
  for (let offset = 0; offset < count; offset += 2_000) {
    const docs: SubscriberDocument[] = [];
    for (let i = offset; i < Math.min(count, offset + 2_000); i++) {
      const userId = `U${(0xd000000 + i).toString(16).padStart(32, "0")}`;
      userIds.push(userId);
      docs.push({
        _id: awareness.subscribers.keyFor(userId),
        status: "active",
        locale: i % 5 === 0 ? "en" : "th",
        topics: ["knowledge"],
        userId: awareness.subscribers.sealUserId(userId),
        createdAt: now,
        updatedAt: now,
      });
    }
    await awareness.subscribers.model.collection.insertMany(docs as never[], { ordered: false });
  }
  await awareness.campaigns.save({
    id: "drill",
    name: "Fault drill",
    topics: ["knowledge"],
    quietHours: false,
    content: { th: [{ type: "text", text: campaignText }], en: [{ type: "text", text: campaignText }] },
  });
  const runKey = await awareness.campaigns.createManualRun("drill");
  return { userIds, runKey };
}

/**
 * Counts campaign messages per subscriber as LINE accepted them (multicast 2xx; a 409 for a retry
 * key already accepted delivers nothing). Every subscriber must get it exactly once.
 */
export class CampaignTracker {
  private readonly received = new Map<string, number>();
  multicasts = 0;
  firstAt: number | undefined;
  lastAt: number | undefined;
  private readonly stop: () => void;

  constructor(
    world: World,
    private readonly userIds: string[],
  ) {
    userIds.forEach((userId) => this.received.set(userId, 0));
    this.stop = world.line.onCall((call: RecordedCall) => {
      if (call.endpoint !== endpointTemplates.multicast || call.status !== 200) return;
      const body = call.body as { to?: string[]; messages?: Array<{ text?: string }> };
      if (body.messages?.[0]?.text !== campaignText || !body.to) return;
      this.multicasts++;
      this.firstAt ??= Date.now();
      this.lastAt = Date.now();
      for (const userId of body.to) this.received.set(userId, (this.received.get(userId) ?? 0) + 1);
    });
  }

  get delivered(): number {
    let n = 0;
    for (const count of this.received.values()) if (count > 0) n++;
    return n;
  }

  get complete(): boolean {
    return this.delivered === this.userIds.length;
  }

  tally(): { lost: number; duplicated: number } {
    let lost = 0;
    let duplicated = 0;
    for (const count of this.received.values()) {
      if (count === 0) lost++;
      if (count > 1) duplicated += count - 1;
    }
    return { lost, duplicated };
  }

  close(): void {
    this.stop();
  }
}

/** The run's status in the database (the runner reads it straight from the store). */
export async function runStatus(world: World, runKey: string): Promise<string | undefined> {
  const run = await world.db.connection
    .collection<{ _id: string; status: string }>("campaign_runs")
    .findOne({ _id: runKey }, { projection: { status: 1 } });
  return run?.status;
}
