/**
 * `rateLimit()`: at most `n` items in any window of `per` ms, for a bot's outgoing replies. Sending faster
 * than a person could type gets an account muted; dropping the excess keeps the bot inside the limit.
 */
import { asyncScheduler, defer, filter, type MonoTypeOperatorFunction, type SchedulerLike } from 'rxjs';
import { checkCount, checkDuration } from './internal.js';

/** Options of {@link rateLimit}. */
export interface RateLimitOptions {
  /**
   * The clock.
   * @defaultValue `asyncScheduler` (virtual inside `TestScheduler.run`)
   */
  readonly scheduler?: SchedulerLike | undefined;
}

/**
 * Lets through at most `n` items in any sliding window of `per` ms and drops the rest.
 *
 * @example
 * ```ts
 * replies$.pipe(rateLimit(5, 10_000)).subscribe(sendChat); // never more than 5 replies in 10 s
 * ```
 */
export function rateLimit<T>(n: number, per: number, options: RateLimitOptions = {}): MonoTypeOperatorFunction<T> {
  checkCount('rateLimit', 'n', n, 0);
  checkDuration('rateLimit', 'per', per);
  const scheduler = options.scheduler ?? asyncScheduler;
  // No limit: nothing to remember (the window log would only grow).
  if (n === Infinity) return (source) => source;
  return (source) =>
    defer(() => {
      // Times of the items let through inside the current window, oldest first; never more than n.
      const passed: number[] = [];
      return source.pipe(
        filter(() => {
          const now = scheduler.now();
          while (passed.length > 0 && now - passed[0]! >= per) passed.shift();
          if (passed.length >= n) return false;
          passed.push(now);
          return true;
        }),
      );
    });
}
