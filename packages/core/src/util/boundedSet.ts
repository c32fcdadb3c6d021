/** A set that remembers at most `capacity` values, forgetting the oldest first (bounded memory for dedupe). */
export class BoundedSet<T> {
  private readonly values = new Set<T>();

  constructor(readonly capacity: number) {}

  /** Adds `value`; returns false when it was already present (a repeat). */
  add(value: T): boolean {
    if (this.values.has(value)) return false;
    this.values.add(value);
    if (this.values.size > this.capacity) {
      // Sets iterate in insertion order, so the first value is the oldest.
      const oldest = this.values.values().next().value as T;
      this.values.delete(oldest);
    }
    return true;
  }

  /** Whether `value` is remembered. */
  has(value: T): boolean {
    return this.values.has(value);
  }

  /** How many values are remembered. */
  get size(): number {
    return this.values.size;
  }
}
