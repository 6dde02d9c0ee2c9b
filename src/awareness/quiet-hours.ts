import { bangkokDayStart, bangkokMinuteOfDay, dayMs, minuteMs, parseClockTime } from "../i18n/bangkok-time";

/** Bangkok wall-clock window in which no campaign run starts; `start > end` wraps past midnight. */
export interface QuietHours {
  start: string;
  end: string;
}

/** Nobody wants a government message at 23:00: runs due between 21:00 and 08:00 wait for the morning. */
export const defaultQuietHours: QuietHours = { start: "21:00", end: "08:00" };

export function inQuietHours(at: Date, quiet: QuietHours | false): boolean {
  if (!quiet) return false;
  const start = clock(quiet.start);
  const end = clock(quiet.end);
  if (start === end) return false;
  const minute = bangkokMinuteOfDay(at);
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/** When the quiet window containing `at` ends (the next local `end` time after `at`). */
export function quietHoursEnd(at: Date, quiet: QuietHours): Date {
  const endOfToday = bangkokDayStart(at) + clock(quiet.end) * minuteMs;
  return new Date(endOfToday > at.getTime() ? endOfToday : endOfToday + dayMs);
}

function clock(value: string): number {
  const minutes = parseClockTime(value);
  if (minutes === undefined) throw new Error(`quiet hours: "${value}" is not HH:MM`);
  return minutes;
}
