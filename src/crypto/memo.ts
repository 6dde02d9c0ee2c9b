/**
 * A memo of bounded size for values that are costly to compute again (a pseudonym's HMAC, an event's
 * decryption). Two generations of at most capacity / 2 entries each: when the newer one is full it
 * becomes the older one and the oldest generation is dropped whole. A value read from the older
 * generation moves to the newer one, so what is in use stays, and memory never exceeds the capacity;
 * no per-entry bookkeeping as an LRU list would need.
 */
export class BoundedMemo<V> {
  private newer = new Map<string, V>();
  private older = new Map<string, V>();
  private readonly generationSize: number;

  constructor(capacity: number) {
    this.generationSize = Math.max(1, Math.floor(capacity / 2));
  }

  get(key: string): V | undefined {
    const recent = this.newer.get(key);
    if (recent !== undefined) return recent;
    const old = this.older.get(key);
    if (old !== undefined) {
      this.older.delete(key);
      this.set(key, old);
    }
    return old;
  }

  set(key: string, value: V): void {
    if (!this.newer.has(key) && this.newer.size >= this.generationSize) {
      this.older = this.newer;
      this.newer = new Map();
    }
    this.newer.set(key, value);
  }

  delete(key: string): void {
    this.newer.delete(key);
    this.older.delete(key);
  }

  /** Entries held (both generations): never more than the capacity. */
  get size(): number {
    return this.newer.size + this.older.size;
  }
}
