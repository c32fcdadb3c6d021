/**
 * `likeBursts()`: folds a user's like messages into one burst. Douyin viewers tap like in rapid runs and the
 * server pushes a message every few taps, so "thanks for the like" per message floods the room.
 */
import { asyncScheduler, Observable, type OperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import type { LikeMessage, User } from '../messages/types.js';
import { checkDuration, withDefaults, type Resolved } from './internal.js';

/** One user's run of likes. */
export interface LikeBurst {
  readonly user: User;
  /** Likes in the burst (the sum of the messages' `count`). */
  readonly count: number;
  /** The burst's like messages, in arrival order. */
  readonly messages: readonly LikeMessage[];
  /** Scheduler time of the burst's first message, in ms. */
  readonly first: number;
  /** Scheduler time of the burst's last message, in ms. */
  readonly last: number;
}

/** Options of {@link likeBursts}. */
export interface LikeBurstsOptions {
  /**
   * Emit a burst at the latest this long after it began, even if the user is still liking, in ms (someone who
   * never stops would otherwise never be thanked, and their burst would grow without bound).
   * @defaultValue `60_000`
   */
  readonly maxDurationMs?: number | undefined;
  /**
   * The clock.
   * @defaultValue `asyncScheduler` (virtual inside `TestScheduler.run`)
   */
  readonly scheduler?: SchedulerLike | undefined;
}

/** The defaults of {@link LikeBurstsOptions}. */
export const DEFAULT_LIKE_BURSTS_OPTIONS = {
  maxDurationMs: 60_000,
  scheduler: asyncScheduler,
} as const satisfies Resolved<LikeBurstsOptions>;

interface OpenBurst {
  readonly user: User;
  readonly first: number;
  readonly messages: LikeMessage[];
  count: number;
  last: number;
  quiet: Subscription | undefined;
  deadline: Subscription | undefined;
}

/**
 * Groups like messages per user id into bursts, each emitted once the user has been quiet for `quietMs`
 * (or after `maxDurationMs`); open bursts are flushed when the source completes.
 *
 * @example
 * ```ts
 * likes$.pipe(likeBursts(3_000)).subscribe((b) => say(`${b.user.nickname} 点了 ${b.count} 个赞`));
 * ```
 */
export function likeBursts(quietMs: number, options: LikeBurstsOptions = {}): OperatorFunction<LikeMessage, LikeBurst> {
  checkDuration('likeBursts', 'quietMs', quietMs);
  const { maxDurationMs, scheduler } = withDefaults<Resolved<LikeBurstsOptions>>(DEFAULT_LIKE_BURSTS_OPTIONS, options);
  checkDuration('likeBursts', 'maxDurationMs', maxDurationMs);
  return (source) =>
    new Observable<LikeBurst>((subscriber) => {
      const open = new Map<string, OpenBurst>();

      const emit = (id: string, b: OpenBurst): void => {
        b.quiet?.unsubscribe();
        b.deadline?.unsubscribe();
        open.delete(id);
        subscriber.next({ user: b.user, count: b.count, messages: b.messages, first: b.first, last: b.last });
      };

      const subscription = source.subscribe({
        next: (like) => {
          const id = like.user.id;
          const now = scheduler.now();
          let b = open.get(id);
          if (b === undefined) {
            b = {
              user: like.user,
              first: now,
              last: now,
              count: 0,
              messages: [],
              quiet: undefined,
              deadline: undefined,
            };
            open.set(id, b);
            const burst = b;
            if (maxDurationMs !== Infinity) burst.deadline = scheduler.schedule(() => emit(id, burst), maxDurationMs);
          }
          b.messages.push(like);
          b.count += like.count;
          b.last = now;
          b.quiet?.unsubscribe();
          const burst = b;
          // Infinity: bursts end only by maxDurationMs or completion (a timer would fire at once).
          if (quietMs !== Infinity) b.quiet = scheduler.schedule(() => emit(id, burst), quietMs);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => {
          for (const [id, b] of [...open]) emit(id, b);
          subscriber.complete();
        },
      });

      return () => {
        subscription.unsubscribe();
        for (const b of open.values()) {
          b.quiet?.unsubscribe();
          b.deadline?.unsubscribe();
        }
        open.clear();
      };
    });
}
