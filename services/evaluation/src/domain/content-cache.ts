/**
 * A bounded map of facts fixed by content: what a content hash stands for
 * never changes once known (a scenario's hash fixes its cognition profiles),
 * so a replica may keep it instead of asking again. Never for anything that
 * moves (a name's target, a record that can be updated). Past `capacity`
 * the least recently used entry is dropped.
 */
export class ContentCache<V> {
  private readonly entries = new Map<string, V>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`a content cache holds at least one entry, not ${capacity}`);
    }
  }

  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    // A Map iterates in insertion order: moving a hit to the end keeps the oldest first.
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
