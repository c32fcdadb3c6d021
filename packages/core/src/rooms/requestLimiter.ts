/**
 * A shared, polite pace for HTTP requests: a small burst goes at once (one join's ttwid, page, web/enter and
 * im/fetch, as a browser sends them), then requests leave the queue one at a time, each `intervalMs` plus a
 * random `0…jitterMs` after the previous one, so a burst of joins reaches the servers as a trickle that does not
 * look like a scripted attack. (A GCRA, the token bucket's timestamp form: no refill timer.)
 */
import { DouyinLiveError, ErrorCodes } from '../errors.js';

/** Options of {@link createRequestLimiter}. */
export interface RequestLimiterOptions {
  /** Least time between two requests, ms. @defaultValue 100 */
  readonly intervalMs?: number | undefined;
  /** Random extra spacing, up to this many ms, added to each interval. @defaultValue 150 */
  readonly jitterMs?: number | undefined;
  /** Requests an idle limiter lets through at once before the spacing applies. @defaultValue 4 */
  readonly burst?: number | undefined;
  /** Clock, ms. @defaultValue `Date.now` */
  readonly now?: (() => number) | undefined;
  /** Random number in [0, 1) for the jitter. @defaultValue `Math.random` */
  readonly random?: (() => number) | undefined;
}

/** Defaults of {@link RequestLimiterOptions}: one join's four requests at once, then ~6 requests a second. */
export const DEFAULT_REQUEST_LIMITER_OPTIONS = Object.freeze({
  intervalMs: 100,
  jitterMs: 150,
  burst: 4,
}) satisfies RequestLimiterOptions;

/** Counters of a limiter. */
export interface RequestLimiterStats {
  /** Requests let through. */
  granted: number;
  /** Waits given up because their signal aborted. */
  aborted: number;
}

/** A pace shared by any number of sessions (pass one to several pools to pace them together). */
export interface RequestLimiter {
  /** Resolves when the caller may send its request; rejects with the signal's reason when it aborts first. */
  acquire(signal?: AbortSignal): Promise<void>;
  /** Requests waiting now. */
  readonly pending: number;
  /** Counters. */
  readonly stats: Readonly<RequestLimiterStats>;
}

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (reason: unknown) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
}

/** Creates a request limiter; see {@link RequestLimiterOptions}. */
export function createRequestLimiter(options: RequestLimiterOptions = {}): RequestLimiter {
  const intervalMs = options.intervalMs ?? DEFAULT_REQUEST_LIMITER_OPTIONS.intervalMs;
  const jitterMs = options.jitterMs ?? DEFAULT_REQUEST_LIMITER_OPTIONS.jitterMs;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const burst = options.burst ?? DEFAULT_REQUEST_LIMITER_OPTIONS.burst;
  if (!Number.isInteger(burst) || burst < 1) {
    throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, 'burst must be a positive integer', { burst });
  }
  for (const [key, value] of [
    ['intervalMs', intervalMs],
    ['jitterMs', jitterMs],
  ] as const) {
    if (!(value >= 0) || !Number.isFinite(value)) {
      throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, `${key} must be a non-negative number`, { [key]: value });
    }
  }

  const queue: Waiter[] = [];
  const stats: RequestLimiterStats = { granted: 0, aborted: 0 };
  // The "theoretical arrival time": when the limiter would be idle again if every granted request had waited
  // its full interval. A request may leave once it is no more than `burst - 1` intervals ahead of that.
  let tat = -Infinity;
  const tolerance = (burst - 1) * intervalMs;
  let timer: NodeJS.Timeout | undefined;

  const drain = (): void => {
    timer = undefined;
    const head = queue[0];
    if (head === undefined) return;
    const t = now();
    const wait = tat - tolerance - t;
    if (wait > 0) {
      timer = setTimeout(drain, wait);
      return;
    }
    queue.shift();
    head.signal?.removeEventListener('abort', head.onAbort);
    stats.granted++;
    tat = Math.max(tat, t) + intervalMs + random() * jitterMs;
    head.resolve();
    if (queue.length > 0) timer = setTimeout(drain, Math.max(0, tat - tolerance - now()));
  };

  return {
    acquire(signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      return new Promise<void>((resolve, reject) => {
        const waiter: Waiter = {
          resolve,
          reject,
          signal,
          onAbort: () => {
            const index = queue.indexOf(waiter);
            if (index === -1) return;
            queue.splice(index, 1);
            stats.aborted++;
            reject(signal?.reason);
            // The head may have gone: let the next one be scheduled (or the timer lapse harmlessly).
            if (queue.length === 0 && timer !== undefined) {
              clearTimeout(timer);
              timer = undefined;
            }
          },
        };
        signal?.addEventListener('abort', waiter.onAbort, { once: true });
        queue.push(waiter);
        if (timer === undefined) drain();
      });
    },
    get pending() {
      return queue.length;
    },
    stats,
  };
}
