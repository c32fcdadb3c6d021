import { RecentIds } from '../util/recentIds.js';

/** Size of the first allocation, in ids: a quiet room never pays for its whole window. */
const INITIAL_IDS = 64;
/** A 64-bit id in decimal is its high digits × 10⁹ + its last nine digits: both halves are exact doubles. */
const LOW_DIGITS = 9;
/** The longest decimal uint64 (18446744073709551615). */
const MAX_DIGITS = 20;

/**
 * The msgIds a session delivered lately, so that repeats (a resume that re-sends, im/fetch overlapping the first
 * push frame) are dropped: first sighting wins, the oldest id is forgotten beyond `capacity`. Same answers as
 * `RecentIds` without an age limit, but the ids live in typed arrays (a ring in arrival order and an
 * open-addressing index over it) instead of a `Map` of strings: a thousand rooms remembering 2,000 ids each would
 * otherwise keep two million strings and map entries on the heap, for every major GC to mark.
 */
export class RecentMsgIds {
  /** High and low halves of each remembered id, in arrival order; once full, the oldest is at `head`. */
  private high = new Float64Array(0);
  private low = new Uint32Array(0);
  /** Ring slot + 1 of the id hashed there (0: empty), linear probing; at most half full. */
  private index = new Int32Array(0);
  private size = 0;
  private head = 0;
  /** The id being looked up, split by {@link split}. */
  private keyHigh = 0;
  private keyLow = 0;
  /**
   * Ids that are not canonical decimal uint64s: never seen from the wire, remembered all the same, in a window of
   * their own (of the same capacity).
   */
  private other: RecentIds | undefined;

  constructor(private readonly capacity: number) {}

  /** How many ids are remembered now. */
  get count(): number {
    return this.size + (this.other?.size ?? 0);
  }

  /** Records `msgId`; true when it was already remembered (a repeat). */
  check(msgId: string): boolean {
    if (!this.split(msgId)) return (this.other ??= new RecentIds(this.capacity)).check(msgId, 0);
    if (this.find() >= 0) return true;
    if (this.capacity <= 0) return false;
    if (this.size === this.high.length && this.high.length < this.capacity) this.grow();
    let slot: number;
    if (this.size < this.high.length) slot = this.size++;
    else {
      // Full at capacity: the oldest id makes room.
      slot = this.head;
      this.unindex(slot);
      this.head = (this.head + 1) % this.high.length;
    }
    this.high[slot] = this.keyHigh;
    this.low[slot] = this.keyLow;
    this.insert(slot);
    return false;
  }

  /** Splits a canonical decimal id (no sign, no leading zero) into the key fields; false for anything else. */
  private split(id: string): boolean {
    const length = id.length;
    if (length === 0 || length > MAX_DIGITS || (length > 1 && id.charCodeAt(0) === 48)) return false;
    const lowFrom = Math.max(0, length - LOW_DIGITS);
    let high = 0;
    let low = 0;
    for (let i = 0; i < length; i++) {
      const digit = id.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) return false;
      if (i < lowFrom) high = high * 10 + digit;
      else low = low * 10 + digit;
    }
    this.keyHigh = high;
    this.keyLow = low;
    return true;
  }

  private hash(high: number, low: number): number {
    const h = Math.imul(low ^ Math.imul(high >>> 0, 0x85ebca6b) ^ Math.floor(high / 0x1_0000_0000), 0x9e3779b1);
    return (h ^ (h >>> 15)) & (this.index.length - 1);
  }

  /** The index position of the current key, or -1. */
  private find(): number {
    if (this.index.length === 0) return -1;
    const mask = this.index.length - 1;
    for (let p = this.hash(this.keyHigh, this.keyLow); ; p = (p + 1) & mask) {
      const entry = this.index[p]!;
      if (entry === 0) return -1;
      if (this.high[entry - 1] === this.keyHigh && this.low[entry - 1] === this.keyLow) return p;
    }
  }

  private insert(slot: number): void {
    const mask = this.index.length - 1;
    let p = this.hash(this.high[slot]!, this.low[slot]!);
    while (this.index[p] !== 0) p = (p + 1) & mask;
    this.index[p] = slot + 1;
  }

  /** Takes a ring slot out of the index, shifting later entries of its probe run back (no tombstones). */
  private unindex(slot: number): void {
    const mask = this.index.length - 1;
    let hole = this.hash(this.high[slot]!, this.low[slot]!);
    while (this.index[hole] !== slot + 1) hole = (hole + 1) & mask;
    this.index[hole] = 0;
    for (let p = (hole + 1) & mask; this.index[p] !== 0; p = (p + 1) & mask) {
      const entry = this.index[p]!;
      const home = this.hash(this.high[entry - 1]!, this.low[entry - 1]!);
      // The entry may move into the hole unless its home lies cyclically in (hole, p].
      const stays = hole <= p ? home > hole && home <= p : home > hole || home <= p;
      if (stays) continue;
      this.index[hole] = entry;
      this.index[p] = 0;
      hole = p;
    }
  }

  /** Doubles the ring (up to capacity) while it is not yet full circle, and rebuilds the index. */
  private grow(): void {
    const length = Math.min(this.capacity, Math.max(INITIAL_IDS, this.high.length * 2));
    const high = new Float64Array(length);
    const low = new Uint32Array(length);
    high.set(this.high);
    low.set(this.low);
    this.high = high;
    this.low = low;
    let slots = 1;
    while (slots < length * 2) slots *= 2;
    this.index = new Int32Array(slots);
    for (let slot = 0; slot < this.size; slot++) this.insert(slot);
  }
}
