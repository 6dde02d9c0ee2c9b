/**
 * Who may do what. Case roles are ordered: a supervisor can do everything an officer can, an admin
 * everything a supervisor can. The same case roles apply to LINE officers and admin API tokens.
 *
 * `campaign` is a role beside them, not above or below: campaign staff are enrolled and sign in to
 * the console like officers, but handle no cases at all (every case check refuses them), and the
 * campaign pages are theirs and the admins' (docs/CONSOLE.md, "Campaign staff"). It is a role and not
 * a capability added to an officer because an enrollment is one person's one duty: a case officer who
 * also writes campaigns is an admin, or enrolls the campaign duty on another LINE account.
 */
export const caseRoles = ["officer", "supervisor", "admin"] as const;
export type CaseRole = (typeof caseRoles)[number];

/** Every role an enrollment code can carry. */
export const officerRoles = [...caseRoles, "campaign"] as const;
export type OfficerRole = (typeof officerRoles)[number];

const rank: Record<CaseRole, number> = { officer: 1, supervisor: 2, admin: 3 };

/** Whether the role may do what `minimum` may on cases; campaign staff never may. */
export function roleAtLeast(role: OfficerRole, minimum: CaseRole): boolean {
  return role !== "campaign" && rank[role] >= rank[minimum];
}

export function isOfficerRole(value: unknown): value is OfficerRole {
  return officerRoles.includes(value as OfficerRole);
}

export function isCaseRole(value: unknown): value is CaseRole {
  return caseRoles.includes(value as CaseRole);
}

/** Composing, scheduling and test-sending campaigns in the console: campaign staff and admins. */
export function mayRunCampaigns(role: OfficerRole): boolean {
  return role === "campaign" || role === "admin";
}

/** Case actions, each with the lowest role allowed to perform it (scope is checked separately). */
export const caseActions = {
  view: "officer",
  acknowledge: "officer",
  assign: "officer",
  ask: "officer",
  note: "officer",
  "set-status": "officer",
  // Closing ends the reporter's follow-up and starts the deletion of their contact: a supervisor's call.
  close: "supervisor",
  "evidence-fetch": "officer",
} as const satisfies Record<string, CaseRole>;
export type CaseAction = keyof typeof caseActions;
