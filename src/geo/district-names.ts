/**
 * How typed district names are compared: both the data's names and the citizen's text are reduced to
 * a key without case, spaces, dots, dashes or Thai typing variants, so "San Sai", "sansai" and
 * "สัน ทราย" meet. Kept apart from loading so the rules can be read (and tested) on their own.
 */

/** Shorter names ("ฮอด", "ฝาง", "Hot") would match unrelated words with one edit, so they must match exactly. */
export const MIN_FUZZY_NAME_LENGTH = 4;

/** The comparable form of a name: lower case, no separators, Thai typing variants unified. */
export function districtNameKey(name: string): string {
  return canonicalText(name).replace(/[\s.\-'’,()]/g, "");
}

/**
 * The keys worth looking up for what a citizen typed, most specific first: the word after "อ."/"อำเภอ"
 * when there is one ("ต.หนองหาร อ.สันทราย จ.เชียงใหม่"), then the whole text without administrative
 * words ("อำเภอ", "amphoe", "district", a trailing "จ.เชียงใหม่" or ", Chiang Mai").
 */
export function districtNameKeys(text: string): string[] {
  const canonical = canonicalText(text)
    .replace(/\s*(?:จ\.|จังหวัด).*$/u, "")
    .replace(/\s*,.*$/u, "")
    .trim();
  const keys: string[] = [];
  const afterAmphoe = /(?:อำเภอ|อ\.)\s*(\S+)/u.exec(canonical);
  if (afterAmphoe?.[1]) keys.push(districtNameKey(afterAmphoe[1]));
  const whole = canonical
    .replace(/^(?:อำเภอ|อ\.|อ\s|amphoe|amphur|amphor|district of)\s*/u, "")
    .replace(/\s*(?:district|amphoe)$/u, "");
  keys.push(districtNameKey(whole));
  return [...new Set(keys)].filter((key) => key !== "");
}

/**
 * Whether `a` becomes `b` with at most one insertion, deletion, substitution or swap of neighbours
 * (optimal string alignment distance ≤ 1). Works on code points, so a missing Thai tone mark is one edit.
 */
export function withinOneEdit(a: string, b: string): boolean {
  const x = [...a];
  const y = [...b];
  if (Math.abs(x.length - y.length) > 1) return false;
  let start = 0;
  while (start < x.length && start < y.length && x[start] === y[start]) start++;
  let endX = x.length - 1;
  let endY = y.length - 1;
  while (endX >= start && endY >= start && x[endX] === y[endY]) {
    endX--;
    endY--;
  }
  const restX = endX - start + 1;
  const restY = endY - start + 1;
  if (restX <= 1 && restY <= 1) return true; // identical, one substitution, insertion or deletion
  // Two differing neighbours in the same place, swapped: "sna sai" for "san sai".
  return restX === 2 && restY === 2 && x[start] === y[start + 1] && x[start + 1] === y[start];
}

function canonicalText(text: string): string {
  return text
    .normalize("NFKC")
    .replace(/[\u200b-\u200d\ufeff]/g, "") // zero-width spaces come with text copied from other apps
    .replace(/\u0e4d\u0e32/g, "\u0e33") // NFKC splits สระอำ, and some keyboards type it as ํ + า anyway
    .replace(/\u0e40\u0e40/g, "\u0e41") // แ is often typed as two เ
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();
}
