/**
 * A cap on simultaneous joins: at most `limit` rooms are between their first HTTP request and their first live
 * WebSocket at any time; the others wait their turn, first come first served.
 */
import { DouyinLiveError, ErrorCodes } from '../errors.js';

/** A granted slot; give it back once (further calls do nothing). */
export type ReleaseJoinSlot = () => void;

/** A counting semaphore for joins. */
export interface JoinGate {
  /** Resolves with a release function once a slot is free; rejects with the signal's reason when it aborts first. */
  acquire(signal?: AbortSignal): Promise<ReleaseJoinSlot>;
  /** Slots in use. */
  readonly active: number;
  /** Joins waiting for a slot. */
  readonly pending: number;
  /** The cap. */
  readonly limit: number;
}

/** Creates a join gate with `limit` slots (a positive integer, or `Infinity` for no cap). */
export function createJoinGate(limit: number): JoinGate {
  if (!(limit >= 1) || (!Number.isInteger(limit) && limit !== Infinity)) {
    throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, 'maxConcurrentJoins must be a positive integer', {
      maxConcurrentJoins: limit,
    });
  }
  const queue: Array<() => void> = [];
  let active = 0;

  const grant = (): ReleaseJoinSlot => {
    active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      active--;
      queue.shift()?.();
    };
  };

  return {
    acquire(signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (active < limit && queue.length === 0) return Promise.resolve(grant());
      return new Promise<ReleaseJoinSlot>((resolve, reject) => {
        const onAbort = () => {
          const index = queue.indexOf(start);
          if (index !== -1) queue.splice(index, 1);
          reject(signal?.reason);
        };
        const start = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(grant());
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        queue.push(start);
      });
    },
    get active() {
      return active;
    },
    get pending() {
      return queue.length;
    },
    limit,
  };
}
