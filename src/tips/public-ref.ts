import { randomBytes } from "node:crypto";

/**
 * The id a tip or a piece of evidence is known by outside the database: in officers' postback
 * buttons, evidence URLs and admin API answers. 128 random bits, base64url (22 characters), so
 * unlike an ObjectId it says nothing about when the record was made, and nobody can guess one.
 */
export function newPublicRef(): string {
  return randomBytes(16).toString("base64url");
}

export function isPublicRef(value: string): boolean {
  return /^[A-Za-z0-9_-]{22}$/.test(value);
}

/** What buttons and links carried before public refs: a 24-hex-digit ObjectId (answered as out of date). */
export function isLegacyObjectIdRef(value: string): boolean {
  return /^[0-9a-f]{24}$/i.test(value);
}
