import { type Catalog, LockWait } from "./catalog";
import { Rank, TypeEdge } from "./compare";

/**
 * Deletes documents whose TTL index date has passed, like MongoDB's TTL monitor (which runs every
 * 60 s; this one runs on the store's 1 s sweep). It reads the index from its oldest date up to the
 * cut-off, so the cost is the number of expired documents, not the collection's size. Arrays of
 * dates expire on their earliest date; documents without a date in the field never expire. A
 * document an open transaction has written is left for a later sweep, as MongoDB's monitor retries.
 * Returns how many were deleted.
 */
export function expireDocuments(catalog: Catalog, now: number): number {
  let removed = 0;
  for (const collection of catalog.allCollections()) {
    for (const index of collection.ttlIndexes()) {
      const seconds = index.ttlSeconds;
      if (seconds === undefined || !Number.isFinite(seconds)) continue;
      const cutoff = new Date(now - seconds * 1000);
      const descending = index.directions[0] === -1;
      const expired: number[] = [];
      // Read only dates: from the earliest up to the cut-off (a descending index holds them the other way round).
      const cursor = descending
        ? index.scan({ key: [cutoff, -Infinity], inclusive: true }, 1)
        : index.scan({ key: [new TypeEdge(Rank.Date, -1), -Infinity], inclusive: true }, 1);
      for (let entry = cursor.next(); entry; entry = cursor.next()) {
        const value = entry[0][0];
        if (!(value instanceof Date)) break;
        if (!descending && value.getTime() > cutoff.getTime()) break;
        expired.push(entry[1]);
      }
      for (const rid of new Set(expired)) {
        try {
          if (collection.remove(rid)) removed++;
        } catch (error) {
          if (!(error instanceof LockWait)) throw error;
        }
      }
    }
  }
  return removed;
}
