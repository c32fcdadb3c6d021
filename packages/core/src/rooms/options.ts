import type { LiveSessionOptions } from '../session/options.js';
import type { JoinGate } from './joinGate.js';
import { DEFAULT_REQUEST_LIMITER_OPTIONS, type RequestLimiter } from './requestLimiter.js';

/** Options of `connectRooms`. */
export interface RoomPoolOptions {
  /** Session options every room starts from; a room's own options override them. @defaultValue none */
  readonly session?: Omit<LiveSessionOptions, 'room'> | undefined;
  /** Rooms joining at the same time (first request to first live socket); the rest queue. @defaultValue 4 */
  readonly maxConcurrentJoins?: number | undefined;
  /** Least time between two HTTP requests of the pool, ms. @defaultValue 100 */
  readonly requestIntervalMs?: number | undefined;
  /** Random extra spacing between two requests, up to this many ms. @defaultValue 150 */
  readonly requestJitterMs?: number | undefined;
  /** Requests an idle pool sends at once before the spacing applies (one join needs four). @defaultValue 4 */
  readonly requestBurst?: number | undefined;
  /**
   * A limiter to share with other pools or sessions instead of the pool's own (then `requestIntervalMs`,
   * `requestJitterMs` and `requestBurst` are unused). @defaultValue a new one
   */
  readonly limiter?: RequestLimiter | undefined;
  /** A join gate to share with other pools instead of the pool's own. @defaultValue a new one */
  readonly joinGate?: JoinGate | undefined;
  /**
   * How many recent msgIds each room remembers to drop repeats. A single session remembers 20 000; with hundreds
   * of rooms that alone would cost an estimated ~1.4 MB per busy room, and repeats come within seconds of the
   * original.
   * @defaultValue 2000
   */
  readonly dedupeWindow?: number | undefined;
}

/** The defaults of {@link RoomPoolOptions}, in one place. */
export const DEFAULT_ROOM_POOL_OPTIONS = Object.freeze({
  // Four joins in flight keep a burst of adds moving without a wall of parallel page loads.
  maxConcurrentJoins: 4,
  // One join (ttwid, page, enter, im/fetch) at once, then ~6 requests/s with jitter: a join every ~0.7 s.
  requestIntervalMs: DEFAULT_REQUEST_LIMITER_OPTIONS.intervalMs,
  requestJitterMs: DEFAULT_REQUEST_LIMITER_OPTIONS.jitterMs,
  requestBurst: DEFAULT_REQUEST_LIMITER_OPTIONS.burst,
  dedupeWindow: 2000,
}) satisfies RoomPoolOptions;
