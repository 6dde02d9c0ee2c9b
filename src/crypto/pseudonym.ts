import { createHmac } from "node:crypto";

/**
 * Keyed pseudonyms: HMAC-SHA256(secret, purpose + id). Per-user state is stored under these, so a
 * database dump alone does not identify anyone. The purpose separates namespaces: the same user gets
 * unrelated pseudonyms for reporting ("reporter") and for awareness subscriptions ("subscriber").
 */
export type Pseudonymizer = (purpose: PseudonymPurpose, id: string) => string;
export type PseudonymPurpose =
  | "reporter"
  | "subscriber"
  | "source"
  | "officer"
  | "evidence-message"
  /** Client addresses in the console's sign-in rate limit. */
  | "console-sign-in"
  /** Tip ids of cases whose reporter answered the satisfaction question (src/tips/satisfaction.ts). */
  | "satisfaction-receipt";

export function createPseudonymizer(key: Buffer): Pseudonymizer {
  return (purpose, id) => createHmac("sha256", key).update(`${purpose}:${id}`).digest("base64url");
}
