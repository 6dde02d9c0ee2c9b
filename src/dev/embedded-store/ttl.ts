import type { Catalog } from "./catalog";
import { type Doc, valuesAtPath } from "./documents";
import type { Index } from "./indexes";

/**
 * Deletes documents whose TTL index date has passed, like MongoDB's TTL monitor (which runs every
 * 60 s; this one runs on the store's 1 s sweep). Arrays of dates expire on their earliest date;
 * documents without a date in the field never expire. Returns how many were deleted.
 */
export function expireDocuments(catalog: Catalog, now: number): number {
  let removed = 0;
  for (const collection of catalog.allCollections()) {
    const ttlIndexes = collection.ttlIndexes();
    if (ttlIndexes.length === 0) continue;
    const expired: string[] = [];
    for (const [docKey, doc] of collection.entries()) {
      if (ttlIndexes.some((index) => isExpired(doc, index, now))) expired.push(docKey);
    }
    for (const docKey of expired) {
      if (collection.remove(docKey)) removed++;
    }
  }
  return removed;
}

function isExpired(doc: Doc, index: Index, now: number): boolean {
  const field = index.fields[0];
  const seconds = index.ttlSeconds;
  if (field === undefined || seconds === undefined) return false;
  // The usual case, a top-level Date, without walking paths: the sweep visits every document each second.
  const direct = field.includes(".") ? undefined : doc[field];
  if (direct instanceof Date) return direct.getTime() + seconds * 1000 <= now && index.covers(doc);
  if (!index.covers(doc)) return false;
  const times = valuesAtPath(doc, field)
    .flatMap((value) => (Array.isArray(value) ? value : [value]))
    .filter((value): value is Date => value instanceof Date)
    .map((date) => date.getTime());
  return times.length > 0 && Math.min(...times) + seconds * 1000 <= now;
}
