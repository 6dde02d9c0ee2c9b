import { fakeGroupId, fakeUserId } from "../../../src/dev/line-platform";
import { OfficerDirectory } from "../../../src/officers/directory";
import type { RecordedCall } from "../../../src/dev/line-platform";
import { endpointTemplates } from "./line";
import { opening, t, textOf, trackingCodePattern } from "./texts";
import type { World } from "./world";

export interface OfficerGroup {
  groupId: string;
  memberId: string;
}

/**
 * Registers an officer group the way an office does: a one-time code made with the operator tool's
 * own directory (scripts/officers.ts create-code), the bot added to the group, a member typing
 * `/enroll CODE` there. Scope: the pilot's San Sai district, where the scripted citizens report.
 */
export async function enrollGroup(world: World, deadlineMs = 240_000): Promise<OfficerGroup> {
  const directory = new OfficerDirectory(world.db.connection, world.db.sealer, world.db.pseudonym);
  const [issued] = await directory.createCodes(
    {
      role: "officer",
      scope: {
        everywhere: false,
        provinceIds: [],
        districtIds: ["cm-san-sai"],
        categories: [],
        fallback: false,
      },
      label: "drill group",
      expiresInMs: 86_400_000,
      count: 1,
    },
    new Date(),
  );
  const group: OfficerGroup = { groupId: fakeGroupId(), memberId: fakeUserId() };
  const { platform } = world.line;
  const joined = await world.ledger.firstAnswer(
    world.line.send(platform.join({ groupId: group.groupId }), "join"),
    deadlineMs,
  );
  if (!joined || !textOf(joined.messages).includes(t("officer-group-joined")))
    throw new Error("the bot did not greet the officer group it joined");
  const enrolled = await world.ledger.firstAnswer(
    world.line.send(
      platform.textFrom(group.memberId, `/enroll ${issued!.code}`, { groupId: group.groupId }),
      "enroll",
    ),
    deadlineMs,
  );
  if (!enrolled || !textOf(enrolled.messages).includes(opening("officer-group-enrolled")))
    throw new Error("the officer group could not be enrolled");
  return group;
}

/**
 * Counts new-tip notifications as LINE accepted them: pushes (2xx) to each group, by the tracking
 * code they carry. Each group must get each tip of its scope exactly once.
 */
export class NotificationTracker {
  /** group id → tracking code → pushes accepted. */
  readonly received = new Map<string, Map<string, number>>();
  private readonly stop: () => void;

  constructor(world: World, groups: OfficerGroup[]) {
    const ids = new Set(groups.map((group) => group.groupId));
    groups.forEach((group) => this.received.set(group.groupId, new Map()));
    this.stop = world.line.onCall((call: RecordedCall) => {
      if (call.endpoint !== endpointTemplates.push || call.status !== 200) return;
      const body = call.body as { to?: string; messages?: unknown[] };
      if (!body.to || !ids.has(body.to) || !body.messages) return;
      const codes = new Set(textOf(body.messages).match(trackingCodePattern) ?? []);
      const counts = this.received.get(body.to)!;
      for (const code of codes) counts.set(code, (counts.get(code) ?? 0) + 1);
    });
  }

  /** Per group: tips it never heard of (lost) and tips it heard of more than once (duplicated). */
  tally(codes: string[]): { lost: number; duplicated: number; pushes: number } {
    let lost = 0;
    let duplicated = 0;
    let pushes = 0;
    for (const counts of this.received.values()) {
      for (const code of codes) {
        const n = counts.get(code) ?? 0;
        pushes += n;
        if (n === 0) lost++;
        if (n > 1) duplicated += n - 1;
      }
    }
    return { lost, duplicated, pushes };
  }

  close(): void {
    this.stop();
  }
}
