/**
 * How typed place names are compared. Both the data's names and the citizen's text are reduced to
 * keys without case, spaces, dots, dashes or Thai typing variants, so "San Sai", "sansai" and
 * "สัน ทราย" meet; a looser key also forgives tone marks and the usual romanisation variants
 * ("Muang"/"Mueang", "Chiang"/"Chieng" by one edit). Kept apart from loading so the rules can be read
 * (and tested) on their own.
 */

/** Shorter names ("ฮอด", "ฝาง", "Hot") would match unrelated words with one edit, so they must match exactly. */
export const MIN_FUZZY_NAME_LENGTH = 4;
/** From this length two edits are forgiven ("ป้อมปราบศัตรูพ่าย" typed with two slips). */
export const TWO_EDIT_NAME_LENGTH = 9;

/** The comparable form of a name: lower case, no separators, Thai typing variants unified. */
export function districtNameKey(name: string): string {
  return canonicalText(name).replace(/[\s.\-'’,()/ฯ]/g, "");
}

/**
 * A looser key for a second pass: Thai without tone marks and with letters people swap (ศ/ษ/ส, ณ/น,
 * ใ/ไ); English with aspirated consonants and vowel pairs folded ("Phrao" → "prao", "Mueang" → "mung").
 */
export function looseNameKey(key: string): string {
  if (/^[a-z0-9]+$/.test(key)) {
    let folded = key.replace(/([ptkc])h/g, "$1").replace(/j/g, "c");
    for (let previous = ""; previous !== folded;) {
      previous = folded;
      folded = folded.replace(/uea|ue|eu|ua|oe|ae|ee|oo|ou/g, (pair) => vowelFolds[pair]!);
    }
    return folded;
  }
  return key
    .replace(/[\u0e47-\u0e4c]/g, "") // tone marks, ็ and ์
    .replace(/[ศษ]/g, "ส")
    .replace(/ณ/g, "น")
    .replace(/ใ/g, "ไ")
    .replace(/ฬ/g, "ล");
}

const vowelFolds: Record<string, string> = {
  uea: "u",
  ue: "u",
  eu: "u",
  ua: "u",
  oe: "o",
  ae: "a",
  ee: "i",
  oo: "u",
  ou: "o",
};

/** What a citizen typed for a place, split into the parts the words around them name. */
export interface PlaceQuery {
  /** The district part ("สันทราย"), or "" when only a province was given. */
  district: string;
  province?: string;
  /** "เขต"/"khet" points to Bangkok's districts, "อำเภอ"/"อ." to the others. */
  kind?: "khet" | "amphoe";
}

const thaiProvinceMarker = /(?:จังหวัด|จ\.)\s*([^\s,]+)/u;
const thaiSubdistrictMarker = /(?:ตำบล|ต\.|แขวง)\s*([^\s,]+)/u;
const thaiDistrictMarker = /(?:กิ่งอำเภอ|อำเภอ|อ\.|เขต)\s*([^\s,]+)/u;
const englishDistrictWords =
  /^(?:amphoe|amphur|amphor|ampur|district of|khet)\s+|\s+(?:district|amphoe|khet)$/u;
const englishProvinceWords = /^(?:changwat|province of)\s+|\s+province$/u;

/**
 * Reads "ต.หนองหาร อ.สันทราย จ.เชียงใหม่", "เขตจอมทอง", "Amphoe San Sai, Chiang Mai" or a pasted
 * address: numbers (house numbers, postcodes, Thai digits alike) and sub-district words are dropped,
 * the words after อำเภอ/เขต and จังหวัด are taken as district and province.
 */
export function parsePlaceQuery(text: string): PlaceQuery {
  let rest = canonicalText(text)
    .replace(/[^\s,]*[0-9][^\s,]*/g, " ")
    .replace(/ประเทศไทย|thailand/gu, " ");
  let province: string | undefined;
  let district: string | undefined;
  let kind: PlaceQuery["kind"];
  const provinceMatch = pattern(thaiProvinceMarker, rest);
  if (provinceMatch) {
    province = provinceMatch.captured;
    rest = provinceMatch.rest;
  }
  const subdistrict = pattern(thaiSubdistrictMarker, rest);
  if (subdistrict) rest = subdistrict.rest;
  const districtMatch = pattern(thaiDistrictMarker, rest);
  if (districtMatch) {
    district = districtMatch.captured;
    kind = districtMatch.marker === "เขต" ? "khet" : "amphoe";
    rest = districtMatch.rest;
  }

  const segments = rest
    .split(",")
    .map((segment) => segment.trim())
    .filter((segment) => segment !== "" && !/^(?:tambon|sub-?district|หมู่|ซอย|ถนน)\b/u.test(segment));
  for (const segment of segments) {
    if (englishProvinceWords.test(segment) && province === undefined) {
      province = segment.replace(englishProvinceWords, "").trim();
      continue;
    }
    const cleaned = segment.replace(englishDistrictWords, "").trim();
    if (/^khet\s/u.test(segment)) kind = "khet";
    if (district === undefined) district = cleaned;
    else if (province === undefined) province = cleaned;
  }
  return {
    district: district ?? "",
    ...(province !== undefined ? { province } : {}),
    ...(kind ? { kind } : {}),
  };
}

function pattern(
  regex: RegExp,
  text: string,
): { captured: string; marker: string; rest: string } | undefined {
  const match = regex.exec(text);
  if (!match?.[1]) return undefined;
  const marker = match[0].slice(0, match[0].length - match[1].length).trim();
  return {
    captured: match[1],
    marker,
    rest: `${text.slice(0, match.index)} ${text.slice(match.index + match[0].length)}`,
  };
}

/** Reused rows of the distance table: names are short, so a few hundred cells are enough. */
let rows: Int32Array[] = [];

/**
 * Whether `a` becomes `b` with at most `max` insertions, deletions, substitutions or swaps of
 * neighbours (optimal string alignment distance). Takes code points, so a missing Thai tone mark is
 * one edit; only a band of width 2·max+1 is computed and the rows are reused, so scanning every name
 * of the country for a typo stays well under a millisecond.
 */
export function withinEdits(
  a: string | readonly string[],
  b: string | readonly string[],
  max: number,
): boolean {
  const x = typeof a === "string" ? [...a] : a;
  const y = typeof b === "string" ? [...b] : b;
  if (Math.abs(x.length - y.length) > max) return false;
  const width = x.length + 1;
  if (rows.length === 0 || rows[0]!.length < width) rows = [0, 1, 2].map(() => new Int32Array(width * 2));
  const big = max + 1;
  let before = rows[0]!;
  let previous = rows[1]!;
  let current = rows[2]!;
  for (let i = 0; i < width; i++) previous[i] = i <= max ? i : big;
  for (let j = 1; j <= y.length; j++) {
    current.fill(big, 0, width);
    if (j <= max) current[0] = j;
    let rowMin = current[0]!;
    const from = Math.max(1, j - max);
    const to = Math.min(x.length, j + max);
    for (let i = from; i <= to; i++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let value = Math.min(previous[i]! + 1, current[i - 1]! + 1, previous[i - 1]! + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1])
        value = Math.min(value, before[i - 2]! + 1);
      current[i] = Math.min(value, big);
      rowMin = Math.min(rowMin, current[i]!);
    }
    if (rowMin > max) return false;
    [before, previous, current] = [previous, current, before];
  }
  return previous[x.length]! <= max;
}

/** Edits forgiven for a key of this length (0: exact only). */
export function editsAllowed(key: string): number {
  const length = [...key].length;
  if (length >= TWO_EDIT_NAME_LENGTH) return 2;
  return length >= MIN_FUZZY_NAME_LENGTH ? 1 : 0;
}

const thaiDigits = /[๐-๙]/g;

function canonicalText(text: string): string {
  return text
    .normalize("NFKC")
    .replace(/[\u200b-\u200d\ufeff]/g, "") // zero-width spaces come with text copied from other apps
    .replace(/\u0e4d\u0e32/g, "\u0e33") // NFKC splits สระอำ, and some keyboards type it as ํ + า anyway
    .replace(/\u0e40\u0e40/g, "\u0e41") // แ is often typed as two เ
    .replace(thaiDigits, (digit) => String(digit.charCodeAt(0) - 0x0e50))
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();
}
