import { Types } from "mongoose";

const minuteMs = 60_000;

/**
 * The minute a moment falls in. Everything about a tip is kept and shown at this precision: a time
 * to the second (or millisecond) could be matched against LINE's record of when someone sent a
 * message, and the minute is all that deadlines and statistics need.
 */
export function toMinute(date: Date): Date {
  return new Date(Math.floor(date.getTime() / minuteMs) * minuteMs);
}

/** ISO 8601 at minute precision ("2026-01-05T07:12:00.000Z"), for JSON answers and exports; null stays null. */
export function minuteIso(date: Date): string;
export function minuteIso(date: Date | null | undefined): string | null;
export function minuteIso(date: Date | null | undefined): string | null {
  return date ? toMinute(date).toISOString() : null;
}

/**
 * An ObjectId whose embedded creation time is only the minute. A standard ObjectId carries its
 * creation second in its first four bytes, which would undo `toMinute` for anyone reading the
 * database; the other eight bytes (process-random value and counter) are kept, so ids stay unique
 * and, within one process, increasing.
 */
export function minuteObjectId(now: Date): Types.ObjectId {
  const bytes = Buffer.from(new Types.ObjectId().id);
  bytes.writeUInt32BE(Math.floor(toMinute(now).getTime() / 1000), 0);
  return new Types.ObjectId(bytes);
}
