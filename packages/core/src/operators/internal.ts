/**
 * Helpers shared by the bot operators: argument checks and a bounded id memory. Internal: nothing here is
 * exported from the package.
 */
import { DouyinLiveError, ErrorCodes } from '../errors.js';

/** Throws `INVALID_ARGUMENT` unless `value` is a non-negative number of milliseconds (Infinity allowed). */
export function checkDuration(operator: string, name: string, value: number): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw new DouyinLiveError(
      ErrorCodes.INVALID_ARGUMENT,
      `${operator}: ${name} must be a non-negative number of ms, got ${String(value)}`,
      { operator, option: name, value },
    );
  }
  return value;
}

/** Throws `INVALID_ARGUMENT` unless `value` is a positive integer (or Infinity, meaning unbounded). */
export function checkCount(operator: string, name: string, value: number, min = 1): number {
  const valid = value === Infinity || (Number.isInteger(value) && value >= min);
  if (!valid) {
    throw new DouyinLiveError(
      ErrorCodes.INVALID_ARGUMENT,
      `${operator}: ${name} must be an integer >= ${min} (or Infinity), got ${String(value)}`,
      { operator, option: name, value },
    );
  }
  return value;
}

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

/**
 * Merges caller options over a defaults object; `undefined` means "use the default", so callers can forward
 * optional values without spreading conditionally.
 */
export function withDefaults<D extends object>(
  defaults: D,
  options: { readonly [K in keyof D]?: D[K] | undefined },
): D {
  const merged = { ...defaults };
  for (const key of Object.keys(options) as (keyof D)[]) {
    const value = options[key];
    if (value !== undefined) merged[key] = value as D[keyof D];
  }
  return merged;
}

/** An options interface with every field present and defined: what an operator works with after the merge. */
export type Resolved<O> = { readonly [K in keyof O]-?: Exclude<O[K], undefined> };
