/**
 * Options of {@link replaySession}: one defaults object, merged once in {@link resolveReplayOptions}.
 */
import { DEFAULT_SESSION_OPTIONS, DouyinLiveError, ErrorCodes } from '@douyin-live/core';
import type { RecordingReaderOptions } from '@douyin-live/recorder';
import type { SchedulerLike } from 'rxjs';
import { asyncScheduler } from 'rxjs';
import { parseDuration } from '../util/units.js';

/** How fast a recording plays: a factor on the recorded pace, or `'max'` (no waiting at all). */
export type ReplaySpeed = number | 'max';

/** A point in a recording: ms since the recording started, or text such as `'90s'`, `'5m'`, `'1h30m'`. */
export type ReplayOffset = number | string;

/** Options of {@link replaySession}. */
export interface ReplayOptions {
  /**
   * Playback speed on a real-time scheduler: `1` is the recorded pace, `10` ten times faster, `'max'` as fast
   * as the file can be read and decoded. Ignored with a virtual-time `scheduler` (time is then the recording's).
   * @defaultValue `1`
   */
  readonly speed?: ReplaySpeed | undefined;
  /**
   * The clock the replay runs on. A `VirtualTimeScheduler` (or an RxJS `TestScheduler` used outside `run()`)
   * is advanced to each record's recorded time before the record plays, so time-based operators given the same
   * scheduler (`giftCombos({ scheduler })`, `debounceTime(1000, scheduler)`) see exactly the recorded timing
   * in a test that takes milliseconds. Any other scheduler is treated as real time (scaled by `speed`).
   * @defaultValue `asyncScheduler`
   */
  readonly scheduler?: SchedulerLike | undefined;
  /**
   * Recompute the ack of every inbound frame with core's `ackFor` and compare it with the recorded outbound
   * frames of the same connection by logId (`session.acks`, `session.acks$`). Nothing is ever sent.
   * @defaultValue `false`
   */
  readonly checkAcks?: boolean | undefined;
  /**
   * Start here: earlier records still go through the pipeline (so dedupe and ack checks stay right) but emit
   * nothing and are not waited for.
   * @defaultValue `0`
   */
  readonly from?: ReplayOffset | undefined;
  /**
   * Stop here (records after it are not read; the replay ends as `closed`).
   * @defaultValue `Infinity` (the whole recording)
   */
  readonly to?: ReplayOffset | undefined;
  /**
   * How many msgIds are remembered for dropping repeats, as in a live session.
   * @defaultValue `DEFAULT_SESSION_OPTIONS.dedupeWindow` (20 000)
   */
  readonly dedupeWindow?: number | undefined;
  /**
   * Continue into the next part (`session.1.dyrec`, ...) when a part ends with a `rotate` record.
   * @defaultValue `true`
   */
  readonly followParts?: boolean | undefined;
  /**
   * Passed to each part's `RecordingReader` (chunk size, largest record).
   * @defaultValue `{}`
   */
  readonly reader?: RecordingReaderOptions | undefined;
}

/** The options after the one merge: offsets in ms. */
export interface ResolvedReplayOptions {
  readonly speed: ReplaySpeed;
  readonly scheduler: SchedulerLike;
  readonly checkAcks: boolean;
  readonly fromMs: number;
  readonly toMs: number;
  readonly dedupeWindow: number;
  readonly followParts: boolean;
  readonly reader: RecordingReaderOptions;
}

/** The defaults of {@link ReplayOptions}. */
export const DEFAULT_REPLAY_OPTIONS = {
  speed: 1,
  scheduler: asyncScheduler,
  checkAcks: false,
  from: 0,
  to: Infinity,
  // The live session's window, so a replay drops exactly the repeats the live session dropped.
  dedupeWindow: DEFAULT_SESSION_OPTIONS.dedupeWindow,
  followParts: true,
  reader: {},
} as const satisfies { readonly [K in keyof ReplayOptions]-?: Exclude<ReplayOptions[K], undefined> };

/** Parses `'max'`, `'10'`, `2`, `'0.5'` into a {@link ReplaySpeed}; throws `INVALID_ARGUMENT` for anything else. */
export function parseSpeed(value: ReplaySpeed | string): ReplaySpeed {
  if (value === 'max') return 'max';
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, `speed must be a positive number or "max", got ${value}`, {
      speed: value,
    });
  }
  return n;
}

/** An offset in ms: numbers are ms; text is a duration (`90s`, `5m`, `1h30m`; a bare number in text is seconds). */
export function parseOffset(name: string, value: ReplayOffset): number {
  const ms = typeof value === 'number' ? value : parseDuration(value);
  if (Number.isNaN(ms) || ms < 0) {
    throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, `${name} must be a non-negative time, got ${value}`, {
      [name]: value,
    });
  }
  return ms;
}

/** Merges options with {@link DEFAULT_REPLAY_OPTIONS} and validates them; the only place defaults apply. */
export function resolveReplayOptions(options: ReplayOptions = {}): ResolvedReplayOptions {
  const d = DEFAULT_REPLAY_OPTIONS;
  const fromMs = parseOffset('from', options.from ?? d.from);
  const toMs = parseOffset('to', options.to ?? d.to);
  if (toMs < fromMs) {
    throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, `to (${toMs} ms) is before from (${fromMs} ms)`, {
      from: fromMs,
      to: toMs,
    });
  }
  const dedupeWindow = options.dedupeWindow ?? d.dedupeWindow;
  if (!Number.isInteger(dedupeWindow) || dedupeWindow < 0) {
    throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, `dedupeWindow must be a non-negative integer`, {
      dedupeWindow,
    });
  }
  return {
    speed: parseSpeed(options.speed ?? d.speed),
    scheduler: options.scheduler ?? d.scheduler,
    checkAcks: options.checkAcks ?? d.checkAcks,
    fromMs,
    toMs,
    dedupeWindow,
    followParts: options.followParts ?? d.followParts,
    reader: options.reader ?? d.reader,
  };
}
