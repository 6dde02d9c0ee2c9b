const THAI_DIGIT_ZERO = 0x0e50;

/**
 * Replaces Thai digits (๐–๙, U+0E50–U+0E59) with ASCII 0–9 and leaves everything else untouched.
 *
 * Thai keyboards and official documents use Thai digits, so citizens type dates, phone numbers and
 * tracking codes with them; every parser that reads numbers runs its input through this first.
 */
export function normalizeThaiDigits(s: string): string {
  return s.replace(/[\u0e50-\u0e59]/g, (digit) => String(digit.charCodeAt(0) - THAI_DIGIT_ZERO));
}
