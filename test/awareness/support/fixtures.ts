import type { RecordedCall } from "../../../src/dev/line-platform";

/** A valid campaign body; tests override what they are about. */
export function campaignBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: "gifts-reminder",
    name: "Gifts and hospitality reminder",
    topics: ["knowledge"],
    content: {
      th: [{ type: "text", text: "ของขวัญเกิน 3,000 บาท ไม่ควรรับ" }],
      en: [{ type: "text", text: "Gifts over 3,000 baht should be declined." }],
    },
    schedule: { at: "2030-01-15T10:00:00+07:00" },
    ...overrides,
  };
}

/** User ids of every accepted multicast (status 200), in call order. */
export function multicastRecipients(calls: RecordedCall[]): string[] {
  return calls.filter((call) => call.status === 200).flatMap((call) => (call.body as { to: string[] }).to);
}

/** How many times each user id appears. */
export function countsById(ids: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

export const multicastEndpoint = "POST /v2/bot/message/multicast";

/** Moves a test clock forward to the next time the Bangkok wall clock shows `hh:mm` (UTC+7, no DST). */
export function advanceToBangkok(clock: { now(): Date; advance(ms: number): void }, hhmm: string): Date {
  const [hours, minutes] = hhmm.split(":").map(Number) as [number, number];
  const now = clock.now().getTime();
  const bangkokMidnight = Math.floor((now + 7 * 3_600_000) / 86_400_000) * 86_400_000 - 7 * 3_600_000;
  let target = bangkokMidnight + (hours * 60 + minutes) * 60_000;
  if (target <= now) target += 86_400_000;
  clock.advance(target - now);
  return clock.now();
}
