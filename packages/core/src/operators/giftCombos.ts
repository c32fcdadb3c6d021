/**
 * `giftCombos()`: counts each gift streak once. Douyin pushes a combo gift again and again while its streak
 * grows (protocol sheet §5.9), so a bot that adds up every message counts the same roses many times over: the
 * complaint most often heard about every live-chat library.
 */
import { asyncScheduler, Observable, type OperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import type { GiftInfo, GiftMessage, User } from '../messages/types.js';
import { checkCount, checkDuration, RecentIds, withDefaults, type Resolved } from './internal.js';

/**
 * How many gifts a message says its streak holds so far: the running count (`repeatCount`, or `comboCount`
 * when a client leaves it out, as dycast reads it) times the bundle size (`groupCount`). Zeros, which is what
 * absent fields decode to, count as 1.
 */
export function giftCountOf(message: GiftMessage): number {
  return (message.repeatCount || message.comboCount || 1) * (message.groupCount || 1);
}

/** Why a streak ended. */
export type GiftComboEndReason =
  /** The server's end marker (`repeat_end`) arrived. */
  | 'repeat-end'
  /** A gift that is not a combo gift: one message, one event. */
  | 'single'
  /** No message of the streak for `timeoutMs` (the end marker was lost or never sent). */
  | 'timeout'
  /** The source completed while the streak was open. */
  | 'complete';

/** What every gift-combo event carries. */
export interface GiftComboEventBase {
  /** The streak's identity: `` `${user.id}:${giftId}:${groupId}` ``. */
  readonly key: string;
  readonly user: User;
  readonly gift: GiftInfo;
  /** The streak id from the wire (`'0'` for single sends). */
  readonly groupId: string;
  /** Gifts in the streak so far (see {@link giftCountOf}); never decreases. */
  readonly count: number;
  /** Gifts counted for the first time by this event: summing `delta` over all events gives the true total. */
  readonly delta: number;
  /** Diamond value of `count`: the gift's unit price (`diamond_count`) × `count`. */
  readonly diamonds: number;
  /** The streak's messages that were counted or recognised so far (duplicate msgIds excluded). */
  readonly messageCount: number;
  /** The message behind this event; for `timeout`/`complete` ends, the streak's latest message. */
  readonly message: GiftMessage;
  /** Scheduler time of the streak's first message, in ms. */
  readonly startedAt: number;
}

/** A streak began. */
export interface GiftComboStart extends GiftComboEventBase {
  readonly type: 'start';
}

/** A streak grew; `delta` says by how much. */
export interface GiftComboProgress extends GiftComboEventBase {
  readonly type: 'progress';
}

/** A streak is over: `total` gifts worth `diamonds`. Emitted exactly once per streak. */
export interface GiftComboEnd extends GiftComboEventBase {
  readonly type: 'end';
  /** The streak's final count (equal to `count`). */
  readonly total: number;
  readonly reason: GiftComboEndReason;
  /** Scheduler time of the end, in ms. */
  readonly endedAt: number;
}

/** The events of {@link giftCombos}. */
export type GiftComboEvent = GiftComboStart | GiftComboProgress | GiftComboEnd;

/** Options of {@link giftCombos}. */
export interface GiftCombosOptions {
  /**
   * `'all'`: `start`, `progress` and `end` (a live counter on screen). `'end'`: only `end`, one event per
   * streak (thank-you messages, totals).
   * @defaultValue `'all'`
   */
  readonly emit?: 'all' | 'end' | undefined;
  /**
   * A streak with no message for this long ends with reason `'timeout'`, in ms.
   * @defaultValue `10_000`
   */
  readonly timeoutMs?: number | undefined;
  /**
   * How many gifts a message says its streak holds so far.
   * @defaultValue {@link giftCountOf}
   */
  readonly countOf?: ((message: GiftMessage) => number) | undefined;
  /**
   * How many message ids to remember for dropping duplicate packets (0 disables it).
   * @defaultValue `10_000`
   */
  readonly dedupeWindow?: number | undefined;
  /**
   * How many ended streaks to remember, so late or duplicate packets of a finished streak are not counted
   * as a new one.
   * @defaultValue `10_000`
   */
  readonly endedMemory?: number | undefined;
  /**
   * Schedules the timeouts and stamps the times.
   * @defaultValue `asyncScheduler` (virtual inside `TestScheduler.run`)
   */
  readonly scheduler?: SchedulerLike | undefined;
}

/** The defaults of {@link GiftCombosOptions}. */
export const DEFAULT_GIFT_COMBOS_OPTIONS = {
  emit: 'all',
  // Douyin repeats a streak's message about every second while it grows; 10 s of silence means it is over.
  timeoutMs: 10_000,
  countOf: giftCountOf,
  dedupeWindow: 10_000,
  endedMemory: 10_000,
  scheduler: asyncScheduler,
} as const satisfies Resolved<GiftCombosOptions>;

/** One open streak. */
interface Streak {
  readonly key: string;
  readonly user: User;
  readonly groupId: string;
  readonly startedAt: number;
  // Already counted by an earlier end of the same key (a streak that went on after its timeout).
  readonly base: number;
  gift: GiftInfo;
  last: GiftMessage;
  // The highest running count seen: duplicates and out-of-order packets never lower it.
  seen: number;
  messageCount: number;
  timer: Subscription | undefined;
}

/**
 * Turns gift messages into streak events keyed by sender + gift + group_id: `start`, `progress` (with the
 * `delta`) and one `end` per streak with its `total` and diamond value.
 *
 * Counting rules (the protocol sheet marks the fields as disputed, §5.9):
 * - A streak's count is the highest {@link giftCountOf} seen; duplicates add nothing, counts that go backwards
 *   (out-of-order packets) are ignored, counts that jump (lost packets) count in full.
 * - Duplicate packets (same msgId) are dropped; a packet of an already ended streak that does not raise its
 *   count is dropped too, so a late or repeated end marker never opens a second streak.
 * - A packet that raises an ended streak's count (the end came by timeout, too early) opens a continuation
 *   whose `total` holds only the gifts not counted before: totals are never counted twice.
 * - Non-combo gifts (`gift.combo` false, no streak open for the key) give a single `end` (reason `'single'`,
 *   total = repeatCount × groupCount); they carry no `repeat_end` on the wire, so waiting would only time out.
 * - Streaks whose end marker never comes end after `timeoutMs` (reason `'timeout'`); open streaks end with
 *   reason `'complete'` when the source completes. Ended streaks release their state.
 *
 * @example
 * ```ts
 * gifts$.pipe(giftCombos({ emit: 'end' })).subscribe((g) => say(`谢谢 ${g.user.nickname} 的 ${g.total} 个${g.gift.name}`));
 * ```
 */
export function giftCombos(
  options: GiftCombosOptions & { readonly emit: 'end' },
): OperatorFunction<GiftMessage, GiftComboEnd>;
export function giftCombos(options?: GiftCombosOptions): OperatorFunction<GiftMessage, GiftComboEvent>;
export function giftCombos(options: GiftCombosOptions = {}): OperatorFunction<GiftMessage, GiftComboEvent> {
  const { emit, timeoutMs, countOf, dedupeWindow, endedMemory, scheduler } = withDefaults<Resolved<GiftCombosOptions>>(
    DEFAULT_GIFT_COMBOS_OPTIONS,
    options,
  );
  checkDuration('giftCombos', 'timeoutMs', timeoutMs);
  checkCount('giftCombos', 'dedupeWindow', dedupeWindow, 0);
  checkCount('giftCombos', 'endedMemory', endedMemory, 0);
  const all = emit === 'all';

  return (source) =>
    new Observable<GiftComboEvent>((subscriber) => {
      const open = new Map<string, Streak>();
      // key → final count, oldest first; bounded by endedMemory.
      const ended = new Map<string, number>();
      const ids = new RecentIds(dedupeWindow);

      const event = <T extends GiftComboEvent['type']>(s: Streak, type: T, delta: number, message: GiftMessage) => {
        const count = s.seen - s.base;
        return {
          type,
          key: s.key,
          user: s.user,
          gift: s.gift,
          groupId: s.groupId,
          count,
          delta,
          diamonds: count * s.gift.diamondCount,
          messageCount: s.messageCount,
          message,
          startedAt: s.startedAt,
        };
      };

      const end = (s: Streak, reason: GiftComboEndReason, delta: number, message: GiftMessage): void => {
        s.timer?.unsubscribe();
        open.delete(s.key);
        // Group id 0 names no streak (single sends), so a later message of that key is a new send.
        if (s.groupId !== '0' && endedMemory > 0) {
          ended.delete(s.key);
          ended.set(s.key, s.seen);
          if (ended.size > endedMemory) ended.delete(ended.keys().next().value as string);
        }
        const e = event(s, 'end', delta, message);
        subscriber.next({ ...e, total: e.count, reason, endedAt: scheduler.now() });
      };

      const arm = (s: Streak): void => {
        s.timer?.unsubscribe();
        // Infinity turns timeouts off (a timer would fire at once: setTimeout clamps it).
        if (timeoutMs !== Infinity) s.timer = scheduler.schedule(() => end(s, 'timeout', 0, s.last), timeoutMs);
      };

      const onGift = (m: GiftMessage): void => {
        if (m.msgId !== '' && m.msgId !== '0' && ids.check(m.msgId, 0)) return;
        const key = `${m.user.id}:${m.giftId}:${m.groupId}`;
        const count = countOf(m);
        const streak = open.get(key);

        if (streak === undefined) {
          if (!m.gift.combo) {
            const single: Streak = {
              key,
              user: m.user,
              groupId: m.groupId,
              startedAt: scheduler.now(),
              base: 0,
              gift: m.gift,
              last: m,
              seen: count,
              messageCount: 1,
              timer: undefined,
            };
            const e = event(single, 'end', count, m);
            subscriber.next({ ...e, total: e.count, reason: 'single', endedAt: single.startedAt });
            return;
          }
          const before = ended.get(key);
          // A late or repeated packet of a streak that already ended: nothing new to count.
          if (before !== undefined && count <= before) return;
          const s: Streak = {
            key,
            user: m.user,
            groupId: m.groupId,
            startedAt: scheduler.now(),
            base: before ?? 0,
            gift: m.gift,
            last: m,
            seen: count,
            messageCount: 1,
            timer: undefined,
          };
          open.set(key, s);
          if (all) subscriber.next(event(s, 'start', s.seen - s.base, m));
          if (m.repeatEnd) end(s, 'repeat-end', 0, m);
          else arm(s);
          return;
        }

        streak.messageCount += 1;
        const delta = Math.max(0, count - streak.seen);
        if (delta > 0) {
          streak.seen = count;
          streak.last = m;
          // The first packet may have lacked the price (absent field); take it from any later one.
          if (m.gift.diamondCount > 0) streak.gift = m.gift;
        }
        if (m.repeatEnd) {
          end(streak, 'repeat-end', delta, m);
          return;
        }
        // Any packet of the streak, even a repeat, shows it is still alive.
        arm(streak);
        if (all && delta > 0) subscriber.next(event(streak, 'progress', delta, m));
      };

      const subscription = source.subscribe({
        next: (m) => {
          try {
            onGift(m);
          } catch (err) {
            // A throwing countOf is the caller's bug: report it instead of leaving a half-updated state.
            subscriber.error(err);
          }
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => {
          // Flush in the order the streaks started.
          for (const s of [...open.values()]) end(s, 'complete', 0, s.last);
          subscriber.complete();
        },
      });

      return () => {
        subscription.unsubscribe();
        for (const s of open.values()) s.timer?.unsubscribe();
        open.clear();
      };
    });
}
