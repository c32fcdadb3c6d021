/** Never written to: only copied, empty, by {@link freshList}. */
const NOTHING: never[] = [];

/**
 * A new empty array, for the lists a decode fills for one frame: always allocated in the young generation.
 *
 * An array literal (`[]`, `new Array(n)`) is a V8 allocation site, and its placement is decided once per site: when
 * a scavenge finds nearly all of a site's recent arrays still alive (say while a thousand rooms join at once), V8
 * "pretenures" the site for good and allocates every later array of it in the old generation. Each frame's lists
 * then outlive their frame until the next full GC, and keep alive everything they hold: messages, payload views, id
 * strings. Measured at 1,000 rooms: 1.3 MB promoted per scavenge instead of 0.3, and a mark-compact every 1.5 s.
 * `slice()` of an empty array is a builtin call, not an allocation site, at ~3 ns more per list.
 */
export function freshList<T>(): T[] {
  return NOTHING.slice();
}
