/**
 * A set of ids that forgets its oldest entries beyond `capacity` and, optionally, entries older than
 * `maxAgeMs`. Ages live in a queue beside the map (id → sequence number of its live queue entry), so eviction
 * pops the queue's head: O(1) per entry. Taking the oldest key of a `Map` instead walks over every entry deleted
 * since its last rehash, up to `capacity` of them per eviction (15 % of a replay's CPU with the default window).
 */
export class RecentIds {
  // id → sequence number of its live entry in the queue
  private readonly seen = new Map<string, number>();
  // The queue of sightings, oldest first: entry `seq` sits at index `seq - base`; `head` is the oldest kept index.
  // With `refreshOnHit` a hit appends a new entry and leaves the old one stale (its seq no longer in `seen`).
  private ids: string[] = [];
  private times: number[] = [];
  private head = 0;
  private base = 0;
  private next = 0;

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
    if (this.seen.has(id)) {
      if (this.refreshOnHit) this.seen.set(id, this.push(id, now));
      return true;
    }
    if (this.capacity === 0) return false;
    this.seen.set(id, this.push(id, now));
    while (this.seen.size > this.capacity) this.evictOldest();
    return false;
  }

  /** True when `id` is remembered, without recording it. */
  has(id: string, now: number): boolean {
    this.expire(now);
    return this.seen.has(id);
  }

  private push(id: string, now: number): number {
    // Stale entries (refreshed ids) and popped ones (the `head` slots before the oldest kept one) are dropped when
    // they outnumber the live ones: the arrays never hold more than about twice the window.
    if (this.ids.length > 2 * this.seen.size + 64) this.compact();
    this.ids.push(id);
    this.times.push(now);
    return this.next++;
  }

  /** True when the queue's head is the live entry of its id (not a stale one left by a refresh). */
  private headIsLive(): boolean {
    return this.seen.get(this.ids[this.head]!) === this.base + this.head;
  }

  private popHead(): void {
    this.ids[this.head] = '';
    this.head++;
    if (this.head === this.ids.length) {
      this.base += this.head;
      this.head = 0;
      this.ids.length = 0;
      this.times.length = 0;
    }
  }

  private expire(now: number): void {
    if (this.maxAgeMs === Infinity) return;
    while (this.head < this.ids.length) {
      if (this.headIsLive()) {
        if (now - this.times[this.head]! < this.maxAgeMs) return;
        this.seen.delete(this.ids[this.head]!);
      }
      this.popHead();
    }
  }

  private evictOldest(): void {
    while (this.head < this.ids.length) {
      const live = this.headIsLive();
      if (live) this.seen.delete(this.ids[this.head]!);
      this.popHead();
      if (live) return;
    }
  }

  /** Rebuilds the queue from its live entries, in order, with new sequence numbers. */
  private compact(): void {
    const ids: string[] = [];
    const times: number[] = [];
    let seq = this.next;
    for (let i = this.head; i < this.ids.length; i++) {
      const id = this.ids[i]!;
      if (this.seen.get(id) !== this.base + i) continue;
      this.seen.set(id, seq++);
      ids.push(id);
      times.push(this.times[i]!);
    }
    this.base = this.next;
    this.next = seq;
    this.head = 0;
    this.ids = ids;
    this.times = times;
  }
}
