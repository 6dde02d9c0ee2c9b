/**
 * customAggregationUnits and the per-unit statistics (Messaging API reference: "Send multicast
 * message", "Get statistics per unit", "Get the number of unit name types assigned during this
 * month"): unit names as LINE checks them, LINE's monthly limit on names, and plausible figures
 * derived from what the platform delivered under each unit, with LINE's null rule.
 */
import { createHash } from "node:crypto";
import { lineError, ok, validationError, type ApiRequest, type ApiResponse } from "./api-response";
import type { PlatformState, Route } from "./platform-state";
import type { Checker } from "./validation";

/** One name per request, ≤ 30 characters of a-z A-Z 0-9 _; 1,000 names per channel per month. */
export const UNIT_NAME = /^[A-Za-z0-9_]{1,30}$/;
export const MAX_UNITS_PER_MONTH = 1_000;
/** LINE withholds any figure under 20 (and any figure fewer than 20 people produced) as null. */
export const PRIVACY_THRESHOLD = 20;
/** LINE updates a message's interactions for 14 days after it was sent. */
const INTERACTION_WINDOW_MS = 14 * 86_400_000;
/** The longest aggregation period: the end date at most 30 days after the start date. */
const MAX_PERIOD_DAYS = 30;
/** Local mode runs for days: recipients remembered for statistics (as listed, repeats included) are bounded. */
const MAX_REMEMBERED_RECIPIENTS = 200_000;
const UTC9_MS = 9 * 3_600_000;

/**
 * Share of recipients that open, and of openers that tap a link, in the fake's figures. Whether a
 * given recipient did is a hash of the unit and their id, so figures are stable between reads and
 * unique per person like LINE's.
 */
const OPEN_PERCENT = 60;
const CLICK_PERCENT = 25;
const MEDIA_PERCENT = 40;
/** A recipient opens 0-99 half hours after the message arrived (hash of unit and id). */
const OPEN_DELAY_STEP_MS = 30 * 60_000;

interface UnitRecipients {
  /**
   * Each multicast's recipient list as it arrived, with its time (ms). Kept as the lists, not per
   * person: a campaign at LINE's rate brings 100,000 recipients a second, and a map entry per
   * recipient was a fifth of the platform's CPU; statistics are read rarely and fold the lists then.
   */
  sends: Array<{ at: number; to: readonly string[] }>;
  hasMedia: boolean;
}

export class InsightStore {
  private readonly monthUnits = new Map<string, Set<string>>();
  private readonly units = new Map<string, UnitRecipients>();
  private remembered = 0;

  /** Checks the request's customAggregationUnits as LINE does; returns the name, if any. */
  checkUnits(c: Checker, value: unknown): string | undefined {
    if (value === undefined) return undefined;
    const names = c.array(value, "customAggregationUnits", 1, 1);
    names.forEach((name, i) => {
      if (typeof name !== "string" || !UNIT_NAME.test(name))
        c.add(
          `customAggregationUnits[${i}]`,
          "Must be 1 to 30 half-width alphanumeric characters or underscores",
        );
    });
    return names.length === 1 && typeof names[0] === "string" ? names[0] : undefined;
  }

  /**
   * A message went out under `unit`. Past the month's 1,000th name LINE still sends but assigns no
   * unit: false then, and nothing is counted for it.
   */
  assign(unit: string, now: number, to: readonly string[], messages: readonly unknown[]): boolean {
    const month = new Date(now + UTC9_MS).toISOString().slice(0, 7);
    const names = this.monthUnits.get(month) ?? new Set<string>();
    this.monthUnits.set(month, names);
    if (!names.has(unit)) {
      if (names.size >= MAX_UNITS_PER_MONTH) return false;
      names.add(unit);
    }
    const record = this.units.get(unit) ?? { sends: [], hasMedia: false };
    this.units.set(unit, record);
    record.hasMedia ||= messages.some((m) =>
      ["video", "audio"].includes((m as { type?: string }).type ?? ""),
    );
    const room = MAX_REMEMBERED_RECIPIENTS - this.remembered;
    if (room > 0) {
      const kept = to.length <= room ? to : to.slice(0, room);
      record.sends.push({ at: now, to: kept });
      this.remembered += kept.length;
    }
    return true;
  }

  /** userId → when the first message under the unit reached them (ms). */
  private firstSentAt(record: UnitRecipients | undefined): Map<string, number> {
    const first = new Map<string, number>();
    for (const { at, to } of record?.sends ?? [])
      for (const userId of to) if (!first.has(userId)) first.set(userId, at);
    return first;
  }

  unitsThisMonth(now: number): number {
    return this.monthUnits.get(new Date(now + UTC9_MS).toISOString().slice(0, 7))?.size ?? 0;
  }

  /** GET /v2/bot/insight/message/event/aggregation */
  statistics(req: ApiRequest, now: number): ApiResponse {
    const unit = req.query["customAggregationUnit"];
    const from = dayStart(req.query["from"]);
    const to = dayStart(req.query["to"]);
    const details = [
      ...(unit ? [] : [{ message: "May not be empty", property: "customAggregationUnit" }]),
      ...(from === undefined ? [{ message: "Must be a date in yyyyMMdd", property: "from" }] : []),
      ...(to === undefined ? [{ message: "Must be a date in yyyyMMdd", property: "to" }] : []),
    ];
    if (details.length > 0) return validationError(details);
    if (to! < from! || to! - from! > MAX_PERIOD_DAYS * 86_400_000)
      return lineError(400, "The aggregation period must end 0 to 30 days after it starts");
    const record = this.units.get(unit!);
    // People who got a message under the unit on a day in the period (UTC+9 days).
    const reached = [...this.firstSentAt(record)].filter(
      ([, sentAt]) => sentAt >= from! && sentAt < to! + 86_400_000,
    );
    // People open over the following two days or so (never past LINE's 14-day window).
    const opened = reached.filter(
      ([userId, sentAt]) =>
        share(unit!, userId, "open") < OPEN_PERCENT &&
        now >= sentAt + Math.min(share(unit!, userId, "delay") * OPEN_DELAY_STEP_MS, INTERACTION_WINDOW_MS),
    );
    const clicked = opened.filter(([userId]) => share(unit!, userId, "click") < CLICK_PERCENT);
    const played = record?.hasMedia
      ? opened.filter(([userId]) => share(unit!, userId, "media") < MEDIA_PERCENT)
      : [];
    return ok({
      overview: {
        uniqueImpression: withheld(opened.length),
        uniqueClick: withheld(clicked.length),
        uniqueMediaPlayed: withheld(played.length),
        uniqueMediaPlayed100Percent: withheld(Math.floor(played.length / 2)),
      },
      messages:
        opened.length >= PRIVACY_THRESHOLD
          ? [
              {
                seq: 1,
                impression: opened.length + Math.floor(opened.length / 10),
                uniqueImpression: opened.length,
              },
            ]
          : [],
      clicks: [],
    });
  }
}

/** LINE's null rule: under 20 is not disclosed. */
function withheld(value: number): number | null {
  return value < PRIVACY_THRESHOLD ? null : value;
}

/** 0..99, fixed for a unit, a user and an interaction. */
function share(unit: string, userId: string, what: string): number {
  return createHash("sha256").update(`${unit}\n${userId}\n${what}`).digest().readUInt32BE(0) % 100;
}

/** "yyyyMMdd" (UTC+9) → the day's start in ms, or undefined for anything else. */
function dayStart(value: string | undefined): number | undefined {
  if (!value || !/^\d{8}$/.test(value)) return undefined;
  const iso = `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}`;
  const ms = Date.parse(`${iso}T00:00:00+09:00`);
  if (Number.isNaN(ms) || new Date(ms + UTC9_MS).toISOString().slice(0, 10) !== iso) return undefined;
  return ms;
}

export function insightRoutes(state: PlatformState): Route[] {
  return [
    {
      method: "GET",
      template: "/v2/bot/insight/message/event/aggregation",
      handle: (req) => state.insight.statistics(req, state.now()),
    },
    {
      method: "GET",
      template: "/v2/bot/message/aggregation/info",
      handle: () => ok({ numOfCustomAggregationUnits: state.insight.unitsThisMonth(state.now()) }),
    },
  ];
}
