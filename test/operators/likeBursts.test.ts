import { likeBursts, DEFAULT_LIKE_BURSTS_OPTIONS } from '../../packages/core/src/operators/likeBursts.js';
import { createTestScheduler } from '@douyin-live/testing';
import { friendly } from './fixtures.js';

const { like } = friendly();

describe('likeBursts', () => {
  it("folds a user's likes into one burst, emitted after quietMs without a like from that user", () => {
    const [a1, a2, b1] = [like('alice', 3), like('alice', 5), like('bob', 1)];
    createTestScheduler().run(({ cold, expectObservable }) => {
      // alice likes at 0 and 5, bob at 2; alice's burst ends 100 ms after 5, bob's 100 ms after 2.
      const out$ = cold('a-b--c', { a: a1, b: b1, c: a2 }).pipe(likeBursts(100));
      expectObservable(out$).toBe('102ms y-- x', {
        x: { user: a1.user, count: 8, messages: [a1, a2], first: 0, last: 5 },
        y: { user: b1.user, count: 1, messages: [b1], first: 2, last: 2 },
      });
    });
  });

  it('flushes open bursts when the source completes', () => {
    const [a1, b1] = [like('alice', 2), like('bob', 4)];
    createTestScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a-b|', { a: a1, b: b1 }).pipe(likeBursts(1_000))).toBe('---(xy|)', {
        x: expect.objectContaining({ user: a1.user, count: 2 }),
        y: expect.objectContaining({ user: b1.user, count: 4 }),
      });
    });
  });

  it('ends a burst after maxDurationMs even if the user never goes quiet', () => {
    const a1 = like('alice', 1);
    createTestScheduler().run(({ cold, expectObservable }) => {
      const out$ = cold('a 9ms a 9ms a 9ms a', { a: a1 }).pipe(likeBursts(50, { maxDurationMs: 25 }));
      // Likes at 0, 10, 20, 30: the first three fall in the 25 ms burst; the fourth opens a new one, which
      // also ends by its deadline (55) before going quiet (80).
      expectObservable(out$).toBe('25ms x 29ms y', {
        x: expect.objectContaining({ count: 3, first: 0, last: 20 }),
        y: expect.objectContaining({ count: 1, first: 30, last: 30 }),
      });
    });
    expect(DEFAULT_LIKE_BURSTS_OPTIONS.maxDurationMs).toBe(60_000);
  });

  it('cancels its timers on unsubscribe', () => {
    const a1 = like('alice', 1);
    createTestScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a', { a: a1 }).pipe(likeBursts(100)), '^ 50ms !').toBe('');
    });
  });
});
