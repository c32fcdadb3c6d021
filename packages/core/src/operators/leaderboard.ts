/**
 * `leaderboard()`: the top gifters by diamonds, over the whole session or a sliding time window. It counts
 * finished streaks from {@link giftCombos}, so a 99-rose combo adds 99 roses once, not 1 + 2 + … + 99.
 */
import { asyncScheduler, Observable, type OperatorFunction, type Subscription } from 'rxjs';
import type { GiftMessage, User } from '../messages/types.js';
import { giftCombos, type GiftComboEnd, type GiftCombosOptions } from './giftCombos.js';
import { checkCount, checkDuration } from './internal.js';

/** One row of the board. */
export interface LeaderboardEntry {
  /** 1-based position. */
  readonly rank: number;
  readonly user: User;
  /** Diamonds given inside the window. */
  readonly diamonds: number;
  /** Gifts given inside the window (streak totals). */
  readonly gifts: number;
}

/** Options of {@link leaderboard}; the streak options are passed on to {@link giftCombos}. */
export interface LeaderboardOptions extends Omit<GiftCombosOptions, 'emit'> {
  /**
   * Only streaks that ended within this many ms count; older ones drop off the board as time passes.
   * @defaultValue `Infinity` (the whole session)
   */
  readonly window?: number | undefined;
  /**
   * Rows on the board.
   * @defaultValue `10`
   */
  readonly top?: number | undefined;
}

/** The defaults of {@link LeaderboardOptions} (the streak options default as in {@link giftCombos}). */
export const DEFAULT_LEADERBOARD_OPTIONS = { window: Infinity, top: 10 } as const;

interface Contribution {
  readonly at: number;
  readonly userId: string;
  readonly diamonds: number;
  readonly gifts: number;
}

interface Standing {
  user: User;
  diamonds: number;
  gifts: number;
  // When the user reached the current score: on equal diamonds, whoever got there first ranks higher.
  reachedAt: number;
}

/**
 * Emits the current top list (up to `top` entries, best first) whenever it changes: when a streak ends, and
 * when a streak leaves the time window. Gifts worth no diamonds do not put anyone on the board.
 *
 * @example
 * ```ts
 * gifts$.pipe(leaderboard({ window: 10 * 60_000, top: 3 })).subscribe((board) => render(board));
 * ```
 */
export function leaderboard(
  options: LeaderboardOptions = {},
): OperatorFunction<GiftMessage, readonly LeaderboardEntry[]> {
  const { window: windowOption, top: topOption, ...comboOptions } = options;
  const windowMs = checkDuration('leaderboard', 'window', windowOption ?? DEFAULT_LEADERBOARD_OPTIONS.window);
  const top = checkCount('leaderboard', 'top', topOption ?? DEFAULT_LEADERBOARD_OPTIONS.top);
  const scheduler = options.scheduler ?? asyncScheduler;

  return (source) =>
    new Observable<readonly LeaderboardEntry[]>((subscriber) => {
      const standings = new Map<string, Standing>();
      // Only kept for a finite window: what to subtract when a streak leaves it, oldest first.
      const log: Contribution[] = [];
      let expiry: Subscription | undefined;
      let lastSignature = '';

      const publish = (): void => {
        const board = [...standings.values()]
          .filter((s) => s.diamonds > 0)
          .sort((a, b) => b.diamonds - a.diamonds || a.reachedAt - b.reachedAt || a.user.id.localeCompare(b.user.id))
          .slice(0, top)
          .map((s, i) => ({ rank: i + 1, user: s.user, diamonds: s.diamonds, gifts: s.gifts }));
        const signature = board.map((e) => `${e.user.id}:${e.diamonds}:${e.gifts}`).join(',');
        if (signature === lastSignature) return;
        lastSignature = signature;
        subscriber.next(board);
      };

      const expire = (): void => {
        const now = scheduler.now();
        while (log.length > 0 && now - log[0]!.at >= windowMs) {
          const old = log.shift()!;
          const s = standings.get(old.userId);
          if (s === undefined) continue;
          s.diamonds -= old.diamonds;
          s.gifts -= old.gifts;
          if (s.gifts <= 0) standings.delete(old.userId);
        }
      };

      const armExpiry = (): void => {
        if (expiry !== undefined || log.length === 0) return;
        const due = log[0]!.at + windowMs - scheduler.now();
        expiry = scheduler.schedule(
          () => {
            expiry = undefined;
            expire();
            publish();
            armExpiry();
          },
          Math.max(0, due),
        );
      };

      const onEnd = (end: GiftComboEnd): void => {
        const now = scheduler.now();
        const s = standings.get(end.user.id) ?? { user: end.user, diamonds: 0, gifts: 0, reachedAt: now };
        s.user = end.user;
        s.diamonds += end.diamonds;
        s.gifts += end.total;
        if (end.diamonds > 0) s.reachedAt = now;
        standings.set(end.user.id, s);
        if (windowMs !== Infinity) {
          log.push({ at: now, userId: end.user.id, diamonds: end.diamonds, gifts: end.total });
          expire();
          armExpiry();
        }
        publish();
      };

      const subscription = source.pipe(giftCombos({ ...comboOptions, emit: 'end' })).subscribe({
        next: onEnd,
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
      return () => {
        subscription.unsubscribe();
        expiry?.unsubscribe();
      };
    });
}
