/**
 * The playback clock of a replay: when a record is due, on real time (scaled), on no time at all (`'max'`), or
 * on a virtual-time scheduler that the replay advances itself.
 */
import type { SchedulerLike, Subscription } from 'rxjs';
import type { ReplaySpeed } from './options.js';

/** The slice of RxJS's `VirtualTimeScheduler` (and `TestScheduler`) the replay drives. */
export interface VirtualSchedulerLike extends SchedulerLike {
  /** Current virtual time. */
  frame: number;
  /** Actions due later than this are left queued by `flush()`. */
  maxFrames: number;
  /** Runs every queued action due at or before `maxFrames`. */
  flush(): void;
}

/**
 * True for a virtual-time scheduler (`VirtualTimeScheduler`, `TestScheduler`). Structural, so it works across
 * two copies of rxjs where `instanceof` would not.
 */
export function isVirtualScheduler(scheduler: SchedulerLike): scheduler is VirtualSchedulerLike {
  const s = scheduler as Partial<VirtualSchedulerLike>;
  return typeof s.flush === 'function' && typeof s.frame === 'number' && typeof s.maxFrames === 'number';
}

/** Decides when each record plays. */
export interface PlaybackClock {
  /**
   * Waits until `offsetMs` (recording time since the replay's zero) is due. Returns undefined when it already
   * is (no await needed: `'max'` and virtual time never wait).
   */
  until(offsetMs: number): Promise<void> | undefined;
  /** Stops any wait (the replay was closed). */
  cancel(): void;
}

const noop = (): void => undefined;

/**
 * The clock for a speed and a scheduler, starting now: a virtual scheduler is advanced to each offset; `'max'`
 * never waits; otherwise offsets are divided by `speed` and waited for on the scheduler.
 */
export function playbackClock(scheduler: SchedulerLike, speed: ReplaySpeed): PlaybackClock {
  const start = scheduler.now();
  if (isVirtualScheduler(scheduler)) {
    return {
      until(offsetMs) {
        const due = start + Math.max(0, offsetMs);
        if (due > scheduler.now()) {
          // A no-op action at `due` makes the flush stop with the clock exactly there, after every earlier
          // timer (combo timeouts, debounces) has run.
          scheduler.schedule(noop, due - scheduler.now());
        }
        const limit = scheduler.maxFrames;
        scheduler.maxFrames = due;
        try {
          scheduler.flush();
        } finally {
          scheduler.maxFrames = limit;
        }
        return undefined;
      },
      cancel: noop,
    };
  }
  if (speed === 'max') return { until: () => undefined, cancel: noop };
  let pending: { subscription: Subscription; resolve: () => void } | undefined;
  return {
    until(offsetMs) {
      const delay = start + Math.max(0, offsetMs) / speed - scheduler.now();
      // Below a millisecond a timer only adds latency.
      if (delay < 1) return undefined;
      return new Promise<void>((resolve) => {
        const subscription = scheduler.schedule(() => {
          pending = undefined;
          resolve();
        }, delay);
        pending = { subscription, resolve };
      });
    },
    cancel() {
      pending?.subscription.unsubscribe();
      pending?.resolve();
      pending = undefined;
    },
  };
}
