import { normalizeThaiDigits } from "../../i18n/thai-digits";
import { bangkokTimeZone } from "../../i18n/bangkok-time";

/**
 * What a citizen's answer to "when did it happen?" means.
 *
 * Many reporters do not remember the day, and a tip with "early 2020" is still worth filing, so an
 * approximate answer is a first-class result that keeps the citizen's own words instead of a guessed date.
 */
export type ParsedDate =
  | { kind: "exact"; /** "YYYY-MM-DD", Gregorian */ date: string }
  | { kind: "approximate"; /** the trimmed original, e.g. "ต้นปี 2563", "ไม่แน่ใจ", "early 2020" */ text: string }
  | { kind: "invalid"; reason: "future" | "impossible" | "unrecognised" };

const BUDDHIST_ERA_OFFSET = 543;
/** A four-digit year at or above this is Buddhist Era: BE 2400 is CE 1857, and CE 2400 is centuries away. */
const FIRST_BUDDHIST_ERA_YEAR = 2400;
/** Earlier dates cannot describe a reportable incident; they are nearly always a slip of the era (2463 for 2563). */
const EARLIEST_YEAR_CE = 1900;
/** Longer answers are pasted text, not a date; refusing them also bounds the work done per message. */
const MAX_INPUT_LENGTH = 100;
/** A day and month without a year means their latest occurrence; 29 February may lie up to 8 years back. */
const YEARS_SEARCHED_FOR_YEARLESS_DATES = 9;

interface CalendarDay {
  readonly year: number;
  /** 1–12 */
  readonly month: number;
  readonly day: number;
}

type Era = "BE" | "CE";

/**
 * How a two-digit year is read; see {@link yearCandidates}.
 * - "buddhist": the date was written with a Thai month name or the word ปี, so the writer counts in BE.
 * - "either": numeric or English dates, written by Thais in both eras.
 */
type TwoDigitYearStyle = "buddhist" | "either";

/** A calendar reading of the text, before deciding which year was meant. Years are CE, in order of preference. */
type Reading =
  | { kind: "day"; month: number; day: number; years: readonly number[] }
  | { kind: "month"; month: number; years: readonly number[] }
  | { kind: "year"; years: readonly number[] };

const UNRECOGNISED: ParsedDate = { kind: "invalid", reason: "unrecognised" };
const FUTURE: ParsedDate = { kind: "invalid", reason: "future" };
const IMPOSSIBLE: ParsedDate = { kind: "invalid", reason: "impossible" };

/**
 * Reads a Thai or English incident date the way Thai citizens write it: day/month/year order,
 * Buddhist-era or Gregorian years, Thai or Arabic digits, Thai or English month names, relative
 * words ("เมื่อวาน", "3 days ago"), and vague answers ("ต้นปี 2563", "ไม่แน่ใจ").
 *
 * "Today" is the calendar day at `now` in `timeZone`, so an answer sent at 03:00 Bangkok time is not
 * judged against the previous UTC day.
 */
export function parseIncidentDate(input: string, now: Date, timeZone: string = bangkokTimeZone): ParsedDate {
  const original = input.trim();
  if (original.length > MAX_INPUT_LENGTH) return UNRECOGNISED;
  const text = prepareText(input);
  if (text === "") return UNRECOGNISED;
  const today = calendarDayIn(now, timeZone);

  if (APPROXIMATE_MARKERS.some((marker) => marker.test(text)))
    return classifyApproximate(original, text, today);

  const relative = parseRelativeDay(text, today) ?? parseRelativeDay(stripLeadingWords(text), today);
  if (relative) return dayOutcome(relative, today);

  const reading = parseCalendarText(stripLeadingWords(text), today);
  return reading ? resolveReading(reading, original, today) : UNRECOGNISED;
}

/**
 * Reads the `params.date` of a LINE datetimepicker postback ("2020-08-26"; a "2020-08-26T10:00" from
 * the datetime mode is accepted and its time ignored). The picker is Gregorian, so no era guessing
 * happens here; the picker's own min/max are not trusted, so future and impossible dates are still refused.
 */
export function parseIsoDatePickerValue(
  value: string,
  now: Date,
  timeZone: string = bangkokTimeZone,
): ParsedDate {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2})?$/.exec(value.trim());
  if (!match) return UNRECOGNISED;
  const day = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  if (!isRealDay(day)) return IMPOSSIBLE;
  return dayOutcome(day, calendarDayIn(now, timeZone));
}

// ---------------------------------------------------------------------------------------------
// Text preparation

/** Formatters are costly to build and immutable, so one per time zone is kept for the process lifetime. */
const dayFormatters = new Map<string, Intl.DateTimeFormat>();

function calendarDayIn(now: Date, timeZone: string): CalendarDay {
  let formatter = dayFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      calendar: "gregory",
      numberingSystem: "latn",
      year: "numeric",
      month: "numeric",
      day: "numeric",
    });
    dayFormatters.set(timeZone, formatter);
  }
  const parts = formatter.formatToParts(now);
  const part = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((p) => p.type === type)?.value);
  return { year: part("year"), month: part("month"), day: part("day") };
}

const POLITE_ENDING = /(?:\s*(?:ครับผม|ครับ|คับ|ค่ะ|คะ|ค่า|คร่า|จ้า|จ้ะ|จ่ะ|นะ|ฮะ|[.!?,;:]))+$/u;
/** "ตอนเย็น", "ช่วงเช้า": when in the day does not change the date, and ช่วง here is not vagueness about the day. */
const TIME_OF_DAY = /(?:ตอน|ช่วง)\s*(?:เช้า|สาย|เที่ยง|บ่าย|เย็น|หัวค่ำ|ค่ำ|กลางคืน|กลางวัน|ดึก)(?:มืด|ตรู่|ๆ)?/gu;
/** A clock time after the date ("26/08/2563 เวลา 10.30 น.", "yesterday at 3pm"); the leading space keeps "26.08.63" whole. */
const TRAILING_CLOCK_TIMES: readonly RegExp[] = [
  /(?:\s+|\s*(?:เวลา|ตอน)\s*)(?:(?:ประมาณ|ราว\s?ๆ?|about|around)\s*)?\d{1,2}[:.]\d{2}\s*(?:น\.?|นาฬิกา|am|pm)?$/u,
  /(?:\s+|\s*(?:เวลา|ตอน)\s*)(?:(?:ประมาณ|ราว\s?ๆ?)\s*)?(?:(?:บ่าย\s*)?\d{1,2}\s*(?:น\.?|นาฬิกา|โมง(?:เช้า|เย็น|ครึ่ง)?|ทุ่ม(?:ครึ่ง)?)|ตี\s*\d{1,2})$/u,
  /\s+(?:at\s+)?(?:(?:about|around)\s+)?\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm)$/,
  /\s+(?:in the\s+)?(?:morning|afternoon|evening)$/,
];

/**
 * Canonical form the patterns below are written against: NFKC (full-width digits from some phone
 * keyboards), Thai digits, lower case, single spaces, without politeness particles and times of day.
 */
function prepareText(input: string): string {
  let text = normalizeThaiDigits(input.normalize("NFKC"))
    .replace(/[\u200b-\u200d\ufeff]/g, "") // zero-width spaces come with text copied from other apps
    .replace(/\u0e4d\u0e32/g, "\u0e33") // NFKC splits สระอำ, and some keyboards type it as ํ + า anyway
    .toLowerCase()
    .replace(TIME_OF_DAY, " ")
    .replace(/\s+/g, " ")
    .trim();
  let previous: string;
  do {
    previous = text;
    text = text.replace(POLITE_ENDING, "");
    for (const clock of TRAILING_CLOCK_TIMES) text = text.replace(clock, "");
    text = text.trim();
  } while (text !== previous);
  return text;
}

const LEADING_WORDS: readonly RegExp[] = [
  /^(?:เมื่อ|ตอน|ใน)\s*/u,
  /^วัน(?:จันทร์|อังคาร|พุธ|พฤหัสบดี|พฤหัส|ศุกร์|เสาร์|อาทิตย์)\s*/u,
  /^(?:วันที่|วัน|ที่)\s*(?=\d)/u,
  /^(?:on|date:?)\s+/,
  /^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)\b\.?,?\s*/,
];

/** "เมื่อวันที่ 26 …", "วันจันทร์ที่ 26 …", "on Monday, 26 …": the weekday is not checked against the date. */
function stripLeadingWords(text: string): string {
  let previous: string;
  do {
    previous = text;
    for (const word of LEADING_WORDS) text = text.replace(word, "");
  } while (text !== previous);
  return text;
}

// ---------------------------------------------------------------------------------------------
// Approximate answers

/** Answers that say the citizen is unsure or names a period rather than a day. */
const APPROXIMATE_MARKERS: readonly RegExp[] = [
  /ไม่แน่ใจ|จำไม่(?:ค่อย)?ได้|ไม่ทราบ|ไม่รู้|ลืม|ประมาณ|ราว|ช่วง|น่าจะ|คิดว่า|มั้ง|มั๊ง|ไม่นานมานี้|เร็ว\s?ๆ\s?นี้/u,
  /(?:ต้น|กลาง|ปลาย|สิ้น)\s*(?:ปี|เดือน|สัปดาห์|อาทิตย์|ๆ)/u,
  /^(?:ต้น|กลาง|ปลาย|สิ้น)/u, // "ปลายสิงหา 63"
  /(?:หลาย|ไม่กี่|สองสาม|สามสี่)\s*(?:วัน|สัปดาห์|อาทิตย์|เดือน|ปี)/u,
  /ปี(?:ที่แล้ว|ก่อน|นี้|ที่ผ่านมา)|(?:เดือน|สัปดาห์|อาทิตย์)นี้/u,
  /^(?:เมื่อ)?วันก่อน$/u, // "the other day", not "one day ago"
  /หน้า(?:ฝน|หนาว|ร้อน)|ฤดู/u,
  /\b(?:not sure|unsure|(?:don'?t|do not|can'?t|cannot) (?:know|remember|recall)|forgot|forget|idk|about|around|approx(?:imately|\.)?|circa|roughly|maybe|probably|i think|early|mid|middle|late|end of|beginning of|start of|some ?time|few|several|couple|recently|the other day|last year|this (?:year|month|week)|years? ago)\b/,
];

/**
 * An approximate answer is kept verbatim, unless the period it names lies wholly after today
 * ("ปลายปี 2570" in 2026) or is not a real date: those are typos worth a re-prompt.
 */
function classifyApproximate(original: string, text: string, today: CalendarDay): ParsedDate {
  let remainder = text;
  for (const marker of APPROXIMATE_MARKERS) {
    remainder = remainder.replace(new RegExp(marker.source, `${marker.flags}g`), " ");
  }
  remainder = stripLeadingWords(remainder.replace(/^[\s\-,.]+|[\s\-,]+$/g, "").replace(/\s+/g, " "));
  const reading = remainder === "" ? undefined : parseCalendarText(remainder, today);
  if (reading) {
    const outcome = resolveReading(reading, original, today);
    if (outcome.kind === "invalid") return outcome;
  } else {
    const years = [...remainder.matchAll(/\d{4}/g)].map((m) => fourDigitYear(Number(m[0]), undefined));
    if (years.length > 0 && years.every((year) => year > today.year)) return FUTURE;
  }
  return { kind: "approximate", text: original };
}

// ---------------------------------------------------------------------------------------------
// Relative days

const DAYS_AGO = new Map<string, number>([
  ["วันนี้", 0],
  ["เมื่อกี้", 0],
  ["เมื่อกี๊", 0],
  ["เมื่อตะกี้", 0],
  ["ตะกี้", 0],
  ["เมื่อเช้า", 0],
  ["เช้านี้", 0],
  ["today", 0],
  ["earlier today", 0],
  ["this morning", 0],
  ["just now", 0],
  ["เมื่อวาน", 1],
  ["เมื่อวานนี้", 1],
  ["วานนี้", 1],
  // Said in the morning, "last night" is the previous evening; after midnight yesterday is still the likelier day.
  ["เมื่อคืน", 1],
  ["เมื่อคืนนี้", 1],
  ["yesterday", 1],
  ["last night", 1],
  ["เมื่อวานซืน", 2],
  ["เมื่อวานซืนนี้", 2],
  ["วานซืน", 2],
  ["วานซืนนี้", 2],
  ["the day before yesterday", 2],
  ["day before yesterday", 2],
  // Answered by mistake more often than one would think; they must read as "future", not "unrecognised".
  ["พรุ่งนี้", -1],
  ["tomorrow", -1],
  ["มะรืน", -2],
  ["มะรืนนี้", -2],
]);

const COUNT_WORDS = new Map<string, number>([
  ["หนึ่ง", 1],
  ["สอง", 2],
  ["สาม", 3],
  ["สี่", 4],
  ["ห้า", 5],
  ["หก", 6],
  ["เจ็ด", 7],
  ["แปด", 8],
  ["เก้า", 9],
  ["สิบ", 10],
  ["a", 1],
  ["an", 1],
  ["one", 1],
  ["two", 2],
  ["three", 3],
  ["four", 4],
  ["five", 5],
  ["six", 6],
  ["seven", 7],
  ["eight", 8],
  ["nine", 9],
  ["ten", 10],
]);

const THAI_AGO =
  /^(\d{1,5}|หนึ่ง|สอง|สาม|สี่|ห้า|หก|เจ็ด|แปด|เก้า|สิบ)?\s*(วัน|สัปดาห์|อาทิตย์|เดือน)\s*(?:ก่อน|ที่แล้ว|ที่ผ่านมา)$/u;
const ENGLISH_AGO =
  /^(\d{1,5}|an?|one|two|three|four|five|six|seven|eight|nine|ten)\s+(day|week|month)s?\s+ago$/;
const ENGLISH_LAST = /^last\s+(week|month)$/;

type RelativeUnit = "day" | "week" | "month";
const THAI_UNITS = new Map<string, RelativeUnit>([
  ["วัน", "day"],
  ["สัปดาห์", "week"],
  ["อาทิตย์", "week"],
  ["เดือน", "month"],
]);

/**
 * A week back is today − 7; a month back is the same day of the earlier month, clamped to its last
 * day (31 March → 28/29 February), which is what people mean by "เดือนที่แล้ว" when asked for a day.
 */
function parseRelativeDay(text: string, today: CalendarDay): CalendarDay | undefined {
  const days = DAYS_AGO.get(text);
  if (days !== undefined) return addDays(today, -days);

  let count: number | undefined;
  let unit: RelativeUnit | undefined;
  const thai = THAI_AGO.exec(text);
  const english = ENGLISH_AGO.exec(text);
  const last = ENGLISH_LAST.exec(text);
  if (thai) {
    unit = THAI_UNITS.get(thai[2] ?? "");
    // "วันก่อน" without a number means "the other day" and is treated as approximate.
    if (thai[1] === undefined && unit === "day") return undefined;
    count = thai[1] === undefined ? 1 : parseCount(thai[1]);
  } else if (english) {
    count = parseCount(english[1] ?? "");
    unit = english[2] as RelativeUnit;
  } else if (last) {
    count = 1;
    unit = last[1] as RelativeUnit;
  }
  if (count === undefined || unit === undefined) return undefined;
  if (unit === "month") return subtractMonths(today, count);
  return addDays(today, -(unit === "week" ? count * 7 : count));
}

function parseCount(word: string): number | undefined {
  return /^\d+$/.test(word) ? Number(word) : COUNT_WORDS.get(word);
}

// ---------------------------------------------------------------------------------------------
// Calendar dates

const THAI_MONTH_NAMES: readonly (readonly string[])[] = [
  ["มกราคม", "ม.ค.", "มกรา"],
  ["กุมภาพันธ์", "ก.พ.", "กุมภา", "กุมภาพันธ"],
  ["มีนาคม", "มี.ค.", "มีนา"],
  ["เมษายน", "เม.ย.", "เมษา"],
  ["พฤษภาคม", "พ.ค.", "พฤษภา"],
  ["มิถุนายน", "มิ.ย.", "มิถุนา"],
  ["กรกฎาคม", "ก.ค.", "กรกฎา", "กรกฏาคม", "กรกฏา"], // ฏ for ฎ is the commonest misspelling
  ["สิงหาคม", "ส.ค.", "สิงหา"],
  ["กันยายน", "ก.ย.", "กันยา"],
  ["ตุลาคม", "ต.ค.", "ตุลา"],
  ["พฤศจิกายน", "พ.ย.", "พฤศจิกา", "พฤศจิ"],
  ["ธันวาคม", "ธ.ค.", "ธันวา"],
];
const ENGLISH_MONTH_NAMES: readonly (readonly string[])[] = [
  ["january", "jan"],
  ["february", "feb"],
  ["march", "mar"],
  ["april", "apr"],
  ["may"],
  ["june", "jun"],
  ["july", "jul"],
  ["august", "aug"],
  ["september", "sep", "sept"],
  ["october", "oct"],
  ["november", "nov"],
  ["december", "dec"],
];

interface MonthName {
  month: number;
  script: "thai" | "latin";
}

/** Dots, spaces and dashes are dropped from keys so "ส.ค.", "สค", "ส. ค." and "Aug." all match. */
const monthKey = (name: string): string => name.replace(/[.\s\-,/]/g, "");

const MONTHS_BY_NAME = new Map<string, MonthName>([
  ...THAI_MONTH_NAMES.flatMap((names, i) =>
    names.map((name) => [monthKey(name), { month: i + 1, script: "thai" }] as const),
  ),
  ...ENGLISH_MONTH_NAMES.flatMap((names, i) =>
    names.map((name) => [monthKey(name), { month: i + 1, script: "latin" }] as const),
  ),
]);

const lookUpMonth = (chunk: string): MonthName | undefined => MONTHS_BY_NAME.get(monthKey(chunk));

const ISO_DATE = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/;
const NUMERIC_DATE = /^(\d{1,2})([-/.])(\d{1,2})(?:\2(\d{4}|\d{2}))?$/;
const NUMERIC_MONTH_YEAR = /^(\d{1,2})[-/.](\d{4})$/;
const DAY_MONTH_NAME_YEAR = /^(\d{1,2})\s*([^\d\s][^\d]*?)\s*(\d{4}|\d{2})?$/u;
const ENGLISH_MONTH_DAY_YEAR = /^([a-z][a-z.]*)\s*(\d{1,2})(?:\s+(\d{4}|\d{2}))?$/;
const MONTH_NAME_YEAR = /^([^\d\s][^\d]*?)\s*(\d{4}|\d{2})$/u;
const BARE_YEAR = /^(\d{4}|\d{2})$/;

/** Finds the day, month and candidate years in a date written out; undefined when it is not one. */
function parseCalendarText(input: string, today: CalendarDay): Reading | undefined {
  let text = input;
  let era: Era | undefined;
  const thaiEra = /(พ\.?\s?ศ\.?|ค\.?\s?ศ\.?)\s*(?=\d)/u.exec(text);
  if (thaiEra) {
    era = thaiEra[1]?.startsWith("พ") ? "BE" : "CE";
    text = text.replace(thaiEra[0], " ");
  }
  const latinEra = /(\d)\s*(b\.?\s?e\.?|c\.?\s?e\.?|a\.?\s?d\.?)$/.exec(text);
  if (latinEra) {
    era = latinEra[2]?.startsWith("b") ? "BE" : "CE";
    text = text.replace(latinEra[0], latinEra[1] ?? "");
  }
  // "ปี 63" and "เดือนสิงหาคม": the words say which number is the year and which word the month.
  const hasYearWord = /ปี\s*(?=\d)/u.test(text);
  text = text
    .replace(/ปี\s*(?=\d)/gu, " ")
    .replace(/เดือน/gu, " ")
    .replace(/(\d)(?:st|nd|rd|th)\b/g, "$1")
    .replace(/\bof\b|,/g, " ")
    .replace(/\s*\/\s*/g, "/")
    .replace(/\s+/g, " ")
    .trim();

  const iso = ISO_DATE.exec(text);
  if (iso) {
    return dayReading(Number(iso[3]), Number(iso[2]), yearCandidates(iso[1] ?? "", era, "either", today));
  }
  const numeric = NUMERIC_DATE.exec(text);
  if (numeric) {
    const years = numeric[4] ? yearCandidates(numeric[4], era, "either", today) : recentYears(today);
    return dayReading(Number(numeric[1]), Number(numeric[3]), years);
  }
  const numericMonth = NUMERIC_MONTH_YEAR.exec(text);
  if (numericMonth) {
    return {
      kind: "month",
      month: Number(numericMonth[1]),
      years: yearCandidates(numericMonth[2] ?? "", era, "either", today),
    };
  }
  const dayFirst = DAY_MONTH_NAME_YEAR.exec(text);
  if (dayFirst) {
    const name = lookUpMonth(dayFirst[2] ?? "");
    if (!name) return undefined;
    const years = dayFirst[3]
      ? yearCandidates(dayFirst[3], era, name.script === "thai" ? "buddhist" : "either", today)
      : recentYears(today);
    return dayReading(Number(dayFirst[1]), name.month, years);
  }
  // English puts the month first ("August 26, 2020"); "Aug 20" is then the 20th, not 2020.
  const monthFirst = ENGLISH_MONTH_DAY_YEAR.exec(text);
  const monthFirstName = monthFirst ? lookUpMonth(monthFirst[1] ?? "") : undefined;
  if (monthFirst && monthFirstName && Number(monthFirst[2]) <= 31) {
    const years = monthFirst[3] ? yearCandidates(monthFirst[3], era, "either", today) : recentYears(today);
    return dayReading(Number(monthFirst[2]), monthFirstName.month, years);
  }
  const monthYear = MONTH_NAME_YEAR.exec(text);
  if (monthYear) {
    const name = lookUpMonth(monthYear[1] ?? "");
    if (!name) return undefined;
    const style = name.script === "thai" || hasYearWord ? "buddhist" : "either";
    return { kind: "month", month: name.month, years: yearCandidates(monthYear[2] ?? "", era, style, today) };
  }
  const bareYear = BARE_YEAR.exec(text);
  // A lone two-digit number is a year only when a word says so ("ปี 63", "พ.ศ. 63"); otherwise it may be a day.
  if (bareYear && (bareYear[1]?.length === 4 || hasYearWord || era)) {
    return { kind: "year", years: yearCandidates(bareYear[1] ?? "", era, "buddhist", today) };
  }
  return undefined;
}

function dayReading(day: number, month: number, years: readonly number[]): Reading {
  return { kind: "day", day, month, years };
}

/** A day and month without a year: this year's if it has passed, else the latest earlier one. */
function recentYears(today: CalendarDay): number[] {
  return Array.from({ length: YEARS_SEARCHED_FOR_YEARLESS_DATES }, (_, i) => today.year - i);
}

function fourDigitYear(year: number, era: Era | undefined): number {
  const isBuddhist = era ? era === "BE" : year >= FIRST_BUDDHIST_ERA_YEAR;
  return isBuddhist ? year - BUDDHIST_ERA_OFFSET : year;
}

/**
 * The Gregorian years a written year may stand for, in order of preference.
 *
 * Four digits: BE when ≥ 2400, else CE, unless พ.ศ./ค.ศ./BE/CE/AD says otherwise.
 *
 * Two digits (yy):
 * - with a Thai month name or the word ปี ("26 ส.ค. 63", "ปี 63"), or after พ.ศ.: BE of the current
 *   Buddhist century, i.e. 25yy until 2056. Thais writing Thai dates count in BE; a result in the future
 *   is reported as "future" rather than pushed into another century.
 * - after ค.ศ./AD: CE of the current or previous century.
 * - numeric ("26/8/20") and English-month dates ("26 Aug 63"), where both eras occur: BE of the current
 *   Buddhist century (25yy) and CE of the current century (20yy) are both candidates, and resolution takes
 *   the latest that is not after today — the reading closest to now. The two lie 43 years apart, so
 *   "closest" always decides; BE is listed first so that it would win a tie. Hence "26/8/20" is 2020,
 *   "26/8/63" is BE 2563 (2020), "26/8/69" is BE 2569 (2026), and a date with no past reading
 *   ("26/12/69" in November 2026) is "future". CE 19yy is deliberately not a candidate: a 27-year-old
 *   incident written with a two-digit year is far rarer than a mistyped recent BE year, and turning
 *   "26/12/69" into 1969 would hide the typo; writing four digits always works.
 */
function yearCandidates(
  digits: string,
  era: Era | undefined,
  style: TwoDigitYearStyle,
  today: CalendarDay,
): number[] {
  const written = Number(digits);
  if (digits.length === 4) return [fourDigitYear(written, era)];
  const buddhistCentury = Math.floor((today.year + BUDDHIST_ERA_OFFSET) / 100) * 100;
  const commonCentury = Math.floor(today.year / 100) * 100;
  const buddhist = buddhistCentury + written - BUDDHIST_ERA_OFFSET;
  const common = commonCentury + written;
  if (era === "BE" || (era === undefined && style === "buddhist")) return [buddhist];
  // "ค.ศ. 99" names its era, so the previous century is a fair reading of it.
  if (era === "CE") return [common, common - 100];
  return [buddhist, common];
}

/**
 * Picks the latest candidate that is a real date and not after today. A day becomes "exact"; a month
 * or year named without a day stays "approximate" with the citizen's words.
 */
function resolveReading(reading: Reading, original: string, today: CalendarDay): ParsedDate {
  const starts = reading.years
    .map((year): CalendarDay => {
      if (reading.kind === "day") return { year, month: reading.month, day: reading.day };
      return { year, month: reading.kind === "month" ? reading.month : 1, day: 1 };
    })
    .filter(isRealDay);
  let latestPast: CalendarDay | undefined;
  for (const start of starts) {
    if (compareDays(start, today) <= 0 && (!latestPast || compareDays(start, latestPast) > 0)) {
      latestPast = start;
    }
  }
  if (latestPast) {
    return reading.kind === "day"
      ? { kind: "exact", date: formatDay(latestPast) }
      : { kind: "approximate", text: original };
  }
  return starts.length > 0 ? FUTURE : IMPOSSIBLE;
}

function dayOutcome(day: CalendarDay, today: CalendarDay): ParsedDate {
  if (day.year < EARLIEST_YEAR_CE) return IMPOSSIBLE;
  return compareDays(day, today) > 0 ? FUTURE : { kind: "exact", date: formatDay(day) };
}

// ---------------------------------------------------------------------------------------------
// Calendar arithmetic (UTC Date used as a proleptic Gregorian calculator, never as an instant)

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function isRealDay({ year, month, day }: CalendarDay): boolean {
  return (
    Number.isInteger(year) &&
    year >= EARLIEST_YEAR_CE &&
    Number.isInteger(month) &&
    month >= 1 &&
    month <= 12 &&
    Number.isInteger(day) &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

function compareDays(a: CalendarDay, b: CalendarDay): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

function addDays(from: CalendarDay, days: number): CalendarDay {
  const t = new Date(Date.UTC(from.year, from.month - 1, from.day + days));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

function subtractMonths(from: CalendarDay, months: number): CalendarDay {
  const index = from.year * 12 + (from.month - 1) - months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  return { year, month, day: Math.min(from.day, daysInMonth(year, month)) };
}

function formatDay({ year, month, day }: CalendarDay): string {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}
