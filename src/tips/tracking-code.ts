import { randomInt } from "node:crypto";
import { normalizeThaiDigits } from "../i18n/thai-digits";

/**
 * The 29 symbols a tracking code is made of: digits 2–9 and the Latin capitals without I, L, O, U, V.
 *
 * 0/O and 1/I/L are the classic misreadings; U/V blur in many fonts and when a Thai speaker spells
 * them aloud. 29 is prime, which is what lets one check character catch every single-symbol error and
 * every transposition (see {@link checkSymbolFor}). Changing this string invalidates every code ever
 * issued: treat it as a stored format, not a setting.
 */
export const TRACKING_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ";

const RADIX = TRACKING_CODE_ALPHABET.length;
/** 11 × log2(29) ≈ 53.4 bits: above the 50 bits that make guessing someone's code hopeless. */
const RANDOM_SYMBOLS = 11;
const CODE_SYMBOLS = RANDOM_SYMBOLS + 1;
const GROUP_SIZE = 4;
/** Lets people and the bot tell a code from other text; optional when typed, always present when shown. */
const PREFIX = "TK";

/** Bits of randomness in one code, for documentation and for the test that guards the 50-bit floor. */
export const TRACKING_CODE_ENTROPY_BITS = RANDOM_SYMBOLS * Math.log2(RADIX);

const SYMBOL_VALUES = new Map([...TRACKING_CODE_ALPHABET].map((symbol, value) => [symbol, value]));
/** Characters people put between groups or that apps slip in: spaces, every dash, dots, zero-width spaces. */
const SEPARATORS = /[\s\-\u2010-\u2015\u2212_.·•\u200b-\u200d\ufeff]+/gu;

/**
 * A new, random, formatted code such as "TK-7HXQ-M3PA-9CKR". Uniqueness is left to the unique index
 * on tips: at 53 bits a collision is vanishingly rare, and the caller simply retries on a duplicate key.
 */
export function generateTrackingCode(): string {
  let body = "";
  for (let i = 0; i < RANDOM_SYMBOLS; i++) body += TRACKING_CODE_ALPHABET[randomInt(RADIX)];
  return format(body + checkSymbolFor(body));
}

/**
 * The canonical code for what a citizen or officer typed, or null when it is not a valid code.
 *
 * Tolerates lower case, spaces, missing or extra dashes, a missing prefix, Thai and full-width digits.
 * Symbols that never occur in codes (0, O, 1, I, L, U, V) are not mapped to a guess: the alphabet
 * avoids them precisely so that each has no look-alike, so a typed "0" means the code was misread and
 * asking the citizen to check it is safer than matching some other reporter's code.
 */
export function normalizeTrackingCode(input: string): string | null {
  const compact = canonicalCharacters(input).replace(SEPARATORS, "");
  const body =
    compact.length === PREFIX.length + CODE_SYMBOLS && compact.startsWith(PREFIX)
      ? compact.slice(PREFIX.length)
      : compact;
  if (body.length !== CODE_SYMBOLS || !hasValidCheckSymbol(body)) return null;
  return format(body);
}

/** True when `input` (in any form {@link normalizeTrackingCode} accepts) is a code with a correct check character. */
export function isValidTrackingCode(input: string): boolean {
  return normalizeTrackingCode(input) !== null;
}

/**
 * Whether `input` is shaped like a code, right or wrong, so the bot can answer "please check your
 * code" instead of treating it as a new message. Shape means: only Latin letters, digits and
 * separators; 11–13 symbols once an optional TK prefix is set aside (one symbol missing or extra);
 * and some sign that it is not a word — the prefix, a digit, groups of at most 5, or a valid check.
 */
export function looksLikeTrackingCode(input: string): boolean {
  const text = canonicalCharacters(input).trim();
  if (text === "" || /[^A-Z0-9]/.test(text.replace(SEPARATORS, ""))) return false;
  const groups = text.split(SEPARATORS).filter((group) => group !== "");
  const compact = groups.join("");
  const hasPrefix =
    groups[0] === PREFIX || (compact.startsWith(PREFIX) && compact.length >= PREFIX.length + CODE_SYMBOLS);
  const body = hasPrefix ? compact.slice(PREFIX.length) : compact;
  if (body.length < CODE_SYMBOLS - 1 || body.length > CODE_SYMBOLS + 1) return false;
  const bodyGroups = hasPrefix && groups[0] === PREFIX ? groups.slice(1) : groups;
  const grouped = bodyGroups.length >= 2 && bodyGroups.every((group) => group.length <= GROUP_SIZE + 1);
  return hasPrefix || /\d/.test(body) || grouped || isValidTrackingCode(text);
}

function canonicalCharacters(input: string): string {
  return normalizeThaiDigits(input.normalize("NFKC")).toUpperCase();
}

function format(body: string): string {
  const groups: string[] = [];
  for (let i = 0; i < body.length; i += GROUP_SIZE) groups.push(body.slice(i, i + GROUP_SIZE));
  return [PREFIX, ...groups].join("-");
}

/**
 * Symbol i (0-based, check symbol last) carries weight i + 1, and a valid code has
 * Σ (i + 1) · value(symbol i) ≡ 0 (mod 29).
 *
 * Why this catches errors: a substitution at position i changes the sum by (i + 1)(a − b); a swap of
 * positions i < j changes it by (j − i)(a − b). Every factor lies strictly between −29 and 29 and is
 * non-zero, and 29 is prime, so no product is a multiple of 29. Hence every single-symbol error and
 * every transposition (adjacent or not) of two different symbols is detected.
 */
function weightedSum(symbols: string): number | undefined {
  let sum = 0;
  for (let i = 0; i < symbols.length; i++) {
    const value = SYMBOL_VALUES.get(symbols[i] ?? "");
    if (value === undefined) return undefined;
    sum += (i + 1) * value;
  }
  return sum;
}

/** The symbol that, placed after `randomPart`, makes the weighted sum a multiple of 29. */
function checkSymbolFor(randomPart: string): string {
  const sum = weightedSum(randomPart) ?? 0;
  const checkWeight = randomPart.length + 1;
  for (let value = 0; value < RADIX; value++) {
    if ((sum + checkWeight * value) % RADIX === 0) return TRACKING_CODE_ALPHABET[value] ?? "";
  }
  throw new Error("unreachable: the check weight is invertible modulo a prime");
}

function hasValidCheckSymbol(body: string): boolean {
  const sum = weightedSum(body);
  return sum !== undefined && sum % RADIX === 0;
}
