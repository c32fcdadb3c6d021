// The shared request pace, in fake time: spacing, jitter, abort.
import { createRequestLimiter } from '../../packages/core/src/rooms/requestLimiter.js';

describe('createRequestLimiter', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  /** Starts `n` acquisitions and records the fake time each one is granted at. */
  function race(limiter: ReturnType<typeof createRequestLimiter>, n: number, signal?: AbortSignal) {
    const granted: number[] = [];
    const settled = Array.from({ length: n }, () =>
      limiter.acquire(signal).then(
        () => void granted.push(Date.now() - 1_000_000),
        () => undefined,
      ),
    );
    return { granted, settled: Promise.all(settled) };
  }

  it('lets the first request through at once and spaces the rest by interval + jitter', async () => {
    const limiter = createRequestLimiter({ intervalMs: 100, jitterMs: 100, burst: 1, random: () => 0.5 });
    const { granted, settled } = race(limiter, 4);
    await jest.advanceTimersByTimeAsync(0);
    expect(granted).toEqual([0]);
    expect(limiter.pending).toBe(3);
    await jest.advanceTimersByTimeAsync(1000);
    await settled;
    expect(granted).toEqual([0, 150, 300, 450]);
    expect(limiter.stats).toEqual({ granted: 4, aborted: 0 });
  });

  it('draws a fresh jitter for every gap', async () => {
    const draws = [0, 1, 0.25];
    const limiter = createRequestLimiter({ intervalMs: 10, jitterMs: 40, burst: 1, random: () => draws.shift() ?? 0 });
    const { granted, settled } = race(limiter, 4);
    await jest.advanceTimersByTimeAsync(1000);
    await settled;
    expect(granted).toEqual([0, 10, 60, 80]);
  });

  it('lets a request through at once after an idle spell', async () => {
    const limiter = createRequestLimiter({ intervalMs: 100, jitterMs: 0, burst: 1 });
    await limiter.acquire();
    await jest.advanceTimersByTimeAsync(500);
    const { granted, settled } = race(limiter, 1);
    await jest.advanceTimersByTimeAsync(0);
    await settled;
    expect(granted).toEqual([500]);
  });

  it('drops aborted waits, which then take no slot', async () => {
    const limiter = createRequestLimiter({ intervalMs: 100, jitterMs: 0, burst: 1 });
    const abort = new AbortController();
    const kept = race(limiter, 1);
    const dropped = race(limiter, 2, abort.signal);
    const after = race(limiter, 1);
    await jest.advanceTimersByTimeAsync(50);
    abort.abort(new Error('gone'));
    await expect(limiter.acquire(abort.signal)).rejects.toThrow('gone');
    await jest.advanceTimersByTimeAsync(1000);
    await Promise.all([kept.settled, dropped.settled, after.settled]);
    expect(kept.granted).toEqual([0]);
    expect(dropped.granted).toEqual([]);
    expect(after.granted).toEqual([100]);
    expect(limiter.stats).toEqual({ granted: 2, aborted: 2 });
    expect(limiter.pending).toBe(0);
  });

  it('lets a burst through at once, then spaces requests; idle time earns the burst back', async () => {
    const limiter = createRequestLimiter({ intervalMs: 100, jitterMs: 0, burst: 3 });
    const first = race(limiter, 5);
    await jest.advanceTimersByTimeAsync(1000);
    await first.settled;
    expect(first.granted).toEqual([0, 0, 0, 100, 200]);
    // Idle long enough for the whole burst to come back.
    await jest.advanceTimersByTimeAsync(1000);
    const second = race(limiter, 4);
    await jest.advanceTimersByTimeAsync(1000);
    await second.settled;
    expect(second.granted).toEqual([2000, 2000, 2000, 2100]);
  });

  it('rejects a negative interval or a burst below one', () => {
    expect(() => createRequestLimiter({ burst: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => createRequestLimiter({ intervalMs: -1 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});
