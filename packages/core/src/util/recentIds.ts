/**
 * A set of ids that forgets its oldest entries beyond `capacity` and, optionally, entries older than
 * `maxAgeMs`. Map insertion order doubles as age order, so eviction is O(1) per entry.
 */
export class RecentIds {
  // id → time it was (last) seen, in ms
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly capacity: number,
    private readonly maxAgeMs: number = Infinity,
    /** When true a hit moves the id to the young end (LRU); otherwise the first sighting counts (FIFO). */
    private readonly refreshOnHit = false,
  ) {}

  /** How many ids are remembered now. */
  get size(): number {
    return this.seen.size;
  }

  /** Records `id` at time `now`; true when it was already remembered (a duplicate). */
  check(id: string, now: number): boolean {
    this.expire(now);
    const at = this.seen.get(id);
    if (at !== undefined) {
      if (this.refreshOnHit) {
        this.seen.delete(id);
        this.seen.set(id, now);
      }
      return true;
    }
    if (this.capacity === 0) return false;
    this.seen.set(id, now);
    while (this.seen.size > this.capacity) this.evictOldest();
    return false;
  }

  /** True when `id` is remembered, without recording it. */
  has(id: string, now: number): boolean {
    this.expire(now);
    return this.seen.has(id);
  }

  private expire(now: number): void {
    if (this.maxAgeMs === Infinity) return;
    for (const [id, at] of this.seen) {
      if (now - at < this.maxAgeMs) break;
      this.seen.delete(id);
    }
  }

  private evictOldest(): void {
    const oldest = this.seen.keys().next();
    if (!oldest.done) this.seen.delete(oldest.value);
  }
}
