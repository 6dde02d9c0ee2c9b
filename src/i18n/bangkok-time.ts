import { dateLocaleTag, type Locale } from "./index";

/**
 * The office's clock. Every date and time a person reads (incident dates, deadlines, campaign
 * schedules, "try again at 14:05") is Bangkok wall-clock time, and this is the one place that says so.
 * Asia/Bangkok has been UTC+7 all year since 1920 (no daylight saving), so local days and minutes are a
 * fixed offset away from UTC — no time-zone database is needed for quiet hours or for walking a cron
 * schedule day by day.
 */
export const bangkokTimeZone = "Asia/Bangkok";
const offsetMs = 7 * 3_600_000;
export const dayMs = 86_400_000;
export const minuteMs = 60_000;

/** Minutes since local midnight (0..1439). */
export function bangkokMinuteOfDay(at: Date): number {
  return Math.floor(((((at.getTime() + offsetMs) % dayMs) + dayMs) % dayMs) / minuteMs);
}

/** The UTC instant of the local midnight that starts `at`'s Bangkok day. */
export function bangkokDayStart(at: Date | number): number {
  const ms = typeof at === "number" ? at : at.getTime();
  return Math.floor((ms + offsetMs) / dayMs) * dayMs - offsetMs;
}

/** "21:00" → 1260. Returns undefined for anything that is not HH:MM on a 24-hour clock. */
export function parseClockTime(value: string): number | undefined {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}

/** The Bangkok wall-clock time of an instant, e.g. "2026-09-01 10:00", for operator output. */
export function formatBangkok(at: Date): string {
  return new Date(at.getTime() + offsetMs).toISOString().slice(0, 16).replace("T", " ");
}

/** The Bangkok calendar day of an instant as "YYYY-MM-DD" (what date pickers and day formatting take). */
export function bangkokDate(at: Date): string {
  return new Date(at.getTime() + offsetMs).toISOString().slice(0, 10);
}

/** The Bangkok wall-clock time of an instant as "HH:MM" (24-hour, as Thai official texts write it). */
export function bangkokClock(at: Date): string {
  return new Date(at.getTime() + offsetMs).toISOString().slice(11, 16);
}

/** A calendar day ("YYYY-MM-DD") as its reader writes it: "26 สิงหาคม 2563" (Buddhist era), "26 August 2020". */
export function formatCalendarDay(isoDate: string, locale: Locale): string {
  return new Intl.DateTimeFormat(dateLocaleTag(locale), {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  }).format(new Date(`${isoDate}T00:00:00Z`));
}

/** The Bangkok day of an instant as its reader writes it. */
export function formatBangkokDay(at: Date, locale: Locale): string {
  return formatCalendarDay(bangkokDate(at), locale);
}
