/**
 * `dedupe()`: drops items whose `msgId` was seen recently. Douyin re-delivers messages after a reconnect (the
 * cursor overlaps) and, now and then, twice within one session; every counter downstream double-counts them.
 */
import { asyncScheduler, defer, filter, type MonoTypeOperatorFunction, type SchedulerLike } from 'rxjs';
import { checkCount, checkDuration, RecentIds, withDefaults, type Resolved } from './internal.js';

/** Options of {@link dedupe}. */
export interface DedupeOptions {
  /**
   * How many ids to remember; beyond it the oldest is forgotten, so memory stays bounded.
   * @defaultValue `10_000`
   */
  readonly window?: number | undefined;
  /**
   * Also forget ids older than this, in ms (a time window on top of the count window).
   * @defaultValue `Infinity` (only the count window applies)
   */
  readonly maxAgeMs?: number | undefined;
  /**
   * `'fifo'` forgets ids in the order they were first seen; `'lru'` counts every repeat as a fresh sighting,
   * so an id that keeps coming back is never forgotten.
   * @defaultValue `'fifo'`
   */
  readonly eviction?: 'fifo' | 'lru' | undefined;
  /**
   * The clock for `maxAgeMs` (pass a `TestScheduler` or rely on `run()` virtualising `asyncScheduler`).
   * @defaultValue `asyncScheduler`
   */
  readonly scheduler?: SchedulerLike | undefined;
}

/** The defaults of {@link DedupeOptions}. */
export const DEFAULT_DEDUPE_OPTIONS = {
  // A busy room pushes a few hundred messages a second and a reconnect replays a few seconds' worth.
  window: 10_000,
  maxAgeMs: Infinity,
  eviction: 'fifo',
  scheduler: asyncScheduler,
} as const satisfies Resolved<DedupeOptions>;

/**
 * Lets each `msgId` through once, remembering the last `window` ids (and, optionally, only those seen within
 * `maxAgeMs`). Works on anything with a `msgId: string`; items whose id is empty or `'0'` (no id on the wire)
 * cannot be told apart and always pass.
 *
 * @example
 * ```ts
 * frames$.pipe(livePipeline(), dedupe({ window: 5_000 }), ofMethod('WebcastChatMessage'))
 * ```
 */
export function dedupe<T extends { readonly msgId: string }>(options: DedupeOptions = {}): MonoTypeOperatorFunction<T> {
  const { window, maxAgeMs, eviction, scheduler } = withDefaults<Resolved<DedupeOptions>>(
    DEFAULT_DEDUPE_OPTIONS,
    options,
  );
  checkCount('dedupe', 'window', window, 0);
  checkDuration('dedupe', 'maxAgeMs', maxAgeMs);
  // `defer`: each subscription gets its own memory, so two subscribers never hide messages from each other.
  return (source) =>
    defer(() => {
      const ids = new RecentIds(window, maxAgeMs, eviction === 'lru');
      return source.pipe(
        filter((item) => item.msgId === '' || item.msgId === '0' || !ids.check(item.msgId, scheduler.now())),
      );
    });
}
