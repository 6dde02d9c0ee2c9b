import { tipStatuses, type TipStatus } from "../tips/tip";
import { isLegacyObjectIdRef, isPublicRef } from "../tips/public-ref";

/**
 * Officer buttons: `o=<verb>&t=<tip ref>` (+ `s=<status>` or `r=<close reason>`), well under LINE's
 * 300 characters. The tip is named by its random public ref, never its ObjectId (which would tell
 * anyone who sees the button when the tip arrived). They carry no fingerprint on purpose: every tap
 * is checked against the case as it is now (enrollment, role, scope, current status), so an old
 * button is harmless.
 */
export const officerVerbs = ["ack", "view", "ask", "status", "set", "close", "assign", "cancel"] as const;
export type OfficerVerb = (typeof officerVerbs)[number];

export interface OfficerPostback {
  verb: OfficerVerb;
  tipRef: string;
  status?: TipStatus;
  reason?: string;
}

export const closeReasons = [
  "substantiated",
  "insufficient-evidence",
  "not-corruption",
  "duplicate",
  "referred-elsewhere",
] as const;

export function officerPostback(
  verb: OfficerVerb,
  tipRef: string,
  extra: { status?: TipStatus; reason?: string } = {},
): string {
  const params = new URLSearchParams({ o: verb, t: tipRef });
  if (extra.status) params.set("s", extra.status);
  if (extra.reason) params.set("r", extra.reason);
  return params.toString();
}

export function isOfficerPostback(data: string): boolean {
  return data.startsWith("o=");
}

/**
 * The button's meaning; "outdated" for a button made before tips had public refs (it names the tip
 * by ObjectId), undefined for anything else that is not an officer button.
 */
export function parseOfficerPostback(data: string): OfficerPostback | "outdated" | undefined {
  const params = new URLSearchParams(data);
  const verb = params.get("o");
  const tipRef = params.get("t") ?? "";
  if (!officerVerbs.includes(verb as OfficerVerb)) return undefined;
  if (isLegacyObjectIdRef(tipRef)) return "outdated";
  if (!isPublicRef(tipRef)) return undefined;
  const status = params.get("s");
  const reason = params.get("r");
  return {
    verb: verb as OfficerVerb,
    tipRef,
    ...(status && tipStatuses.includes(status as TipStatus) && { status: status as TipStatus }),
    ...(reason && (closeReasons as readonly string[]).includes(reason) && { reason }),
  };
}
