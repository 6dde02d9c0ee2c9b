import cron, { type ScheduledTask } from "node-cron";
import { bangkokDayStart, bangkokTimeZone, dayMs, minuteMs } from "../i18n/bangkok-time";

/** When a campaign runs: once at an instant, or on a 5-field cron expression in Bangkok time. */
export type CampaignSchedule = { at: string } | { cron: string };

/** How far back a missed cron occurrence is looked for (a yearly campaign still finds its date). */
const lookbackDays = 400;

/** Why a cron expression is not usable for a campaign, or undefined when it is. */
export function cronProblem(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/);
  // Minute resolution keeps run keys and the minute sweep simple; seconds would be a 6th field.
  if (fields.length !== 5) return "must have 5 fields: minute hour day-of-month month day-of-week";
  const detail = cron.validateDetailed(expression);
  if (!detail.valid) return detail.errors.map((error) => error.message).join("; ");
  return undefined;
}

/**
 * The latest occurrence in [notBefore, upTo], or undefined. Used by the minute sweep and after a
 * downtime: only the most recent missed occurrence is returned, so a long outage causes one late
 * run, not a burst of them.
 */
export function latestOccurrence(schedule: CampaignSchedule, upTo: Date, notBefore: Date): Date | undefined {
  if ("at" in schedule) {
    const at = new Date(schedule.at);
    return at <= upTo && at >= notBefore ? at : undefined;
  }
  const matcher = compiled(schedule.cron);
  const times = timesOfDay(schedule.cron, "descending");
  const floor = Math.max(notBefore.getTime(), upTo.getTime() - lookbackDays * dayMs);
  for (let day = bangkokDayStart(upTo); day + dayMs > floor; day -= dayMs) {
    for (const offset of times) {
      const candidate = day + offset;
      if (candidate > upTo.getTime()) continue;
      if (candidate < floor) return undefined;
      // Minute and hour come from the expression's own lists, so a miss means the day does not match.
      if (matcher.match(new Date(candidate))) return new Date(candidate);
      break;
    }
  }
  return undefined;
}

/** The first occurrence strictly after `after` (for "next run" in listings), within a year. */
export function nextOccurrence(schedule: CampaignSchedule, after: Date): Date | undefined {
  if ("at" in schedule) {
    const at = new Date(schedule.at);
    return at > after ? at : undefined;
  }
  const matcher = compiled(schedule.cron);
  const times = timesOfDay(schedule.cron, "ascending");
  const limit = after.getTime() + lookbackDays * dayMs;
  for (let day = bangkokDayStart(after); day < limit; day += dayMs) {
    for (const offset of times) {
      const candidate = day + offset;
      if (candidate <= after.getTime()) continue;
      if (matcher.match(new Date(candidate))) return new Date(candidate);
      break;
    }
  }
  return undefined;
}

/** Minute offsets within a local day at which the expression can fire, in the order asked for. */
function timesOfDay(expression: string, order: "ascending" | "descending"): number[] {
  const { hour, minute } = cron.parse(expression);
  const offsets = hour.flatMap((h) => minute.map((m) => (h * 60 + m) * minuteMs)).sort((a, b) => a - b);
  return order === "ascending" ? offsets : offsets.reverse();
}

/**
 * node-cron's matcher (day-of-month, month, weekday and its L/W/# tokens) in the Bangkok zone, so
 * our arithmetic and node-cron agree on what an expression means. node-cron registers every task it
 * creates, so matchers are cached rather than created per sweep.
 */
const matchers = new Map<string, ScheduledTask>();
const maxMatchers = 500;

function compiled(expression: string): ScheduledTask {
  let task = matchers.get(expression);
  if (!task) {
    if (matchers.size >= maxMatchers) {
      const [oldest, stale] = matchers.entries().next().value as [string, ScheduledTask];
      matchers.delete(oldest);
      void stale.destroy();
    }
    task = cron.createTask(expression, () => undefined, { timezone: bangkokTimeZone });
    matchers.set(expression, task);
  }
  return task;
}
