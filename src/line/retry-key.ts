import { createHash } from "node:crypto";

/**
 * A deterministic X-Line-Retry-Key (UUID shape, as LINE requires) for a logical send such as
 * "campaign run R, batch 7" or "notification N". Retrying or resuming after a crash reuses the same
 * key, so LINE answers 409 instead of delivering twice (within LINE's 24-hour key window).
 */
export function retryKeyFor(...parts: Array<string | number>): string {
  const hex = createHash("sha256").update(parts.join("\u0000")).digest("hex");
  // Shape it as a version-4-style UUID (LINE validates the format, not the version semantics).
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
