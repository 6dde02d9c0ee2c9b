/** An append-only list that keeps only the newest `capacity` items. */
export class BoundedList<T> {
  private items: T[] = [];

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity must be ≥ 1, got ${capacity}`);
  }

  push(item: T): void {
    this.items.push(item);
    if (this.items.length > this.capacity) this.items.shift();
  }

  toArray(): T[] {
    return [...this.items];
  }

  clear(): void {
    this.items = [];
  }
}

/** A set that forgets its oldest members beyond `capacity`. */
export class BoundedSet {
  private readonly members = new Set<string>();

  constructor(private readonly capacity: number) {}

  add(member: string): void {
    this.members.delete(member);
    this.members.add(member);
    const oldest = this.members.values().next();
    if (this.members.size > this.capacity && !oldest.done) this.members.delete(oldest.value);
  }

  has(member: string): boolean {
    return this.members.has(member);
  }
}
