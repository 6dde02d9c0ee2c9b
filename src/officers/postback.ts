import { tipStatuses, type TipStatus } from "../tips/tip";

/**
 * Officer buttons: `o=<verb>&t=<tip id>` (+ `s=<status>` or `r=<close reason>`), well under LINE's
 * 300 characters. They carry no fingerprint on purpose: every tap is checked against the case as it
 * is now (enrollment, role, scope, current status), so an old button is harmless.
 */
export const officerVerbs = ["ack", "view", "ask", "status", "set", "close", "assign", "cancel"] as const;
export type OfficerVerb = (typeof officerVerbs)[number];

export interface OfficerPostback {
  verb: OfficerVerb;
  tipId: string;
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
  tipId: string,
  extra: { status?: TipStatus; reason?: string } = {},
): string {
  const params = new URLSearchParams({ o: verb, t: tipId });
  if (extra.status) params.set("s", extra.status);
  if (extra.reason) params.set("r", extra.reason);
  return params.toString();
}

export function isOfficerPostback(data: string): boolean {
  return data.startsWith("o=");
}

export function parseOfficerPostback(data: string): OfficerPostback | undefined {
  const params = new URLSearchParams(data);
  const verb = params.get("o");
  const tipId = params.get("t") ?? "";
  if (!officerVerbs.includes(verb as OfficerVerb) || !/^[0-9a-f]{24}$/.test(tipId)) return undefined;
  const status = params.get("s");
  const reason = params.get("r");
  return {
    verb: verb as OfficerVerb,
    tipId,
    ...(status && tipStatuses.includes(status as TipStatus) && { status: status as TipStatus }),
    ...(reason && (closeReasons as readonly string[]).includes(reason) && { reason }),
  };
}
