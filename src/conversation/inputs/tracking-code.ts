import { looksLikeTrackingCode, normalizeTrackingCode } from "../../tips/tracking-code";
import type { InputKind } from "../flow";

/** A tracking code, forgiving case, spaces, dashes and Thai digits; a near-miss gets a typo hint. */
export function trackingCodeInput(): InputKind<string> {
  return {
    type: "tracking-code",
    textKeys: ["input-code-typo", "input-code-expected"],
    parse(input) {
      if (input.kind !== "text") return { ok: false, error: { key: "input-code-expected" } };
      const code = normalizeTrackingCode(input.text);
      if (code) return { ok: true, value: code };
      return {
        ok: false,
        error: { key: looksLikeTrackingCode(input.text) ? "input-code-typo" : "input-code-expected" },
      };
    },
    choices: () => [],
    format: (value) => value,
  };
}
