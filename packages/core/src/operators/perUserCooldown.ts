/**
 * `perUserCooldown()`: at most one item per user per cooldown, so one viewer spamming `!roll` cannot make the
 * bot spam the room (Douyin rate-limits and mutes chatty accounts).
 */
import { asyncScheduler, defer, filter, type MonoTypeOperatorFunction, type SchedulerLike } from 'rxjs';
import { checkCount, checkDuration } from './internal.js';

/** Options of {@link perUserCooldown}. */
export interface PerUserCooldownOptions {
  /**
   * The clock.
   * @defaultValue `asyncScheduler` (virtual inside `TestScheduler.run`)
   */
  readonly scheduler?: SchedulerLike | undefined;
  /**
   * Most users remembered at once; beyond it the oldest cooldown is forgotten early (memory stays bounded
   * even in a room with a million viewers).
   * @defaultValue `100_000`
   */
  readonly maxKeys?: number | undefined;
}

/** The defaults of {@link PerUserCooldownOptions}. */
export const DEFAULT_PER_USER_COOLDOWN_OPTIONS = { scheduler: asyncScheduler, maxKeys: 100_000 } as const;

/** The default key: the item's user id. */
const byUserId = (item: { readonly user: { readonly id: string } }): string => item.user.id;

/**
 * Lets an item through only if its key (the user id by default) had none let through in the last `ms`; the
 * rest are dropped (not delayed: a late reply to a chat is worse than none).
 *
 * @example
 * ```ts
 * commands$.pipe(perUserCooldown(30_000)).subscribe(reply); // each viewer gets one answer per 30 s
 * ```
 */
export function perUserCooldown<T extends { readonly user: { readonly id: string } }>(
  ms: number,
  keyFn?: undefined,
  options?: PerUserCooldownOptions,
): MonoTypeOperatorFunction<T>;
export function perUserCooldown<T>(
  ms: number,
  keyFn: (item: T) => string,
  options?: PerUserCooldownOptions,
): MonoTypeOperatorFunction<T>;
export function perUserCooldown<T>(
  ms: number,
  keyFn: (item: T) => string = byUserId as unknown as (item: T) => string,
  options: PerUserCooldownOptions = {},
): MonoTypeOperatorFunction<T> {
  checkDuration('perUserCooldown', 'ms', ms);
  const scheduler = options.scheduler ?? DEFAULT_PER_USER_COOLDOWN_OPTIONS.scheduler;
  const maxKeys = checkCount(
    'perUserCooldown',
    'maxKeys',
    options.maxKeys ?? DEFAULT_PER_USER_COOLDOWN_OPTIONS.maxKeys,
  );
  return (source) =>
    defer(() => {
      // key → time it was last let through; insertion order is age order (re-inserted on every pass).
      const last = new Map<string, number>();
      return source.pipe(
        filter((item) => {
          const now = scheduler.now();
          // Expired cooldowns carry no information: drop them from the old end.
          for (const [k, at] of last) {
            if (now - at < ms) break;
            last.delete(k);
          }
          const key = keyFn(item);
          if (last.has(key)) return false;
          last.set(key, now);
          if (last.size > maxKeys) last.delete(last.keys().next().value as string);
          return true;
        }),
      );
    });
}
