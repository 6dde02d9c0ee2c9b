import { latestOccurrence, nextOccurrence } from "../../src/awareness/schedule";
import { inQuietHours, quietHoursEnd, defaultQuietHours } from "../../src/awareness/quiet-hours";

/** An instant given as Bangkok wall-clock time. */
const bkk = (local: string) => new Date(`${local}+07:00`);

describe("cron schedules in Bangkok time", () => {
  const weekdaysAtTen = { cron: "0 10 * * 1-5" };

  test("when asked for the latest occurrence, then it is the last matching Bangkok minute at or before the time", () => {
    // 2026-12-05 is a Saturday: the latest weekday 10:00 is Friday the 4th.
    expect(latestOccurrence(weekdaysAtTen, bkk("2026-12-05T12:00:00"), new Date(0))).toEqual(
      bkk("2026-12-04T10:00:00"),
    );
    expect(latestOccurrence(weekdaysAtTen, bkk("2026-12-04T10:00:00"), new Date(0))).toEqual(
      bkk("2026-12-04T10:00:00"),
    );
  });

  test("when the latest occurrence is before the lower bound, then there is none", () => {
    expect(
      latestOccurrence(weekdaysAtTen, bkk("2026-12-05T12:00:00"), bkk("2026-12-04T10:01:00")),
    ).toBeUndefined();
  });

  test("when asked for the next occurrence, then it is the first matching minute after the time", () => {
    expect(nextOccurrence(weekdaysAtTen, bkk("2026-12-04T10:00:00"))).toEqual(bkk("2026-12-07T10:00:00"));
    expect(nextOccurrence({ cron: "30 8 1 * *" }, bkk("2026-12-15T00:00:00"))).toEqual(
      bkk("2027-01-01T08:30:00"),
    );
  });

  test("when the expression uses node-cron's last-day token, then our walk agrees with node-cron", () => {
    expect(latestOccurrence({ cron: "0 9 L * *" }, bkk("2027-02-20T00:00:00"), new Date(0))).toEqual(
      bkk("2027-01-31T09:00:00"),
    );
  });

  test("when the schedule is one-off, then it occurs once at its instant", () => {
    const once = { at: "2026-12-01T10:00:00+07:00" };
    expect(latestOccurrence(once, bkk("2026-12-01T10:05:00"), new Date(0))).toEqual(
      bkk("2026-12-01T10:00:00"),
    );
    expect(latestOccurrence(once, bkk("2026-12-01T09:59:00"), new Date(0))).toBeUndefined();
    expect(nextOccurrence(once, bkk("2026-12-01T10:00:00"))).toBeUndefined();
  });
});

describe("quiet hours", () => {
  test("when it is between 21:00 and 08:00 in Bangkok, then it is quiet", () => {
    expect(inQuietHours(bkk("2026-12-01T21:00:00"), defaultQuietHours)).toBe(true);
    expect(inQuietHours(bkk("2026-12-02T03:00:00"), defaultQuietHours)).toBe(true);
    expect(inQuietHours(bkk("2026-12-02T07:59:00"), defaultQuietHours)).toBe(true);
    expect(inQuietHours(bkk("2026-12-02T08:00:00"), defaultQuietHours)).toBe(false);
    expect(inQuietHours(bkk("2026-12-02T20:59:00"), defaultQuietHours)).toBe(false);
  });

  test("when quiet hours are on, then they end at the next 08:00 Bangkok", () => {
    expect(quietHoursEnd(bkk("2026-12-01T22:30:00"), defaultQuietHours)).toEqual(bkk("2026-12-02T08:00:00"));
    expect(quietHoursEnd(bkk("2026-12-02T06:00:00"), defaultQuietHours)).toEqual(bkk("2026-12-02T08:00:00"));
  });

  test("when a window does not wrap midnight or is switched off, then it is honoured as given", () => {
    expect(inQuietHours(bkk("2026-12-01T12:30:00"), { start: "12:00", end: "13:00" })).toBe(true);
    expect(inQuietHours(bkk("2026-12-01T23:00:00"), false)).toBe(false);
  });
});
