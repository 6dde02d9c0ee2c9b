/**
 * Who may do what. Roles are ordered: a supervisor can do everything an officer can, an admin
 * everything a supervisor can. The same roles apply to LINE officers and admin API tokens.
 */
export const officerRoles = ["officer", "supervisor", "admin"] as const;
export type OfficerRole = (typeof officerRoles)[number];

const rank: Record<OfficerRole, number> = { officer: 1, supervisor: 2, admin: 3 };

export function roleAtLeast(role: OfficerRole, minimum: OfficerRole): boolean {
  return rank[role] >= rank[minimum];
}

export function isOfficerRole(value: unknown): value is OfficerRole {
  return officerRoles.includes(value as OfficerRole);
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
} as const satisfies Record<string, OfficerRole>;
export type CaseAction = keyof typeof caseActions;
