import { createHmac } from "node:crypto";
import { BoundedMemo } from "./memo";

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

/** How many ids the memo keeps per purpose: a few minutes of distinct chats at the bot's peak rate. */
export const pseudonymMemoCapacity = 10_000;

/**
 * One event needs the same pseudonyms several times (its source at intake, the officer check, the
 * reporter's state, a subscriber), and a returning user's next events need them again; each HMAC
 * costs a createHmac (docs/PERFORMANCE.md, fifth session). So results are remembered, per purpose
 * and id, in memos of bounded size (one per purpose, seven purposes).
 *
 * Anonymity (DESIGN.md): the memo lives only in this process's memory, is never logged, stored or
 * sent, and holds nothing that is not already in memory while events are processed (the LINE ids
 * arrive in every webhook body; the pseudonym is computable from them with the key, which is in
 * memory too). A restart empties it.
 */
export function createPseudonymizer(key: Buffer, capacity = pseudonymMemoCapacity): Pseudonymizer {
  // One memo per purpose, keyed by the id itself: the id string is the event's own, whose hash V8
  // keeps, where a "purpose:id" key would be a new string to build and hash at every call.
  const memos = new Map<PseudonymPurpose, BoundedMemo<string>>();
  return (purpose, id) => {
    let memo = memos.get(purpose);
    if (!memo) memos.set(purpose, (memo = new BoundedMemo<string>(capacity)));
    let pseudonym = memo.get(id);
    if (pseudonym === undefined) {
      pseudonym = createHmac("sha256", key).update(`${purpose}:${id}`).digest("base64url");
      memo.set(id, pseudonym);
    }
    return pseudonym;
  };
}
