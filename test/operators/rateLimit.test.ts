import { rateLimit } from '../../packages/core/src/operators/rateLimit.js';
import { createTestScheduler } from '@douyin-live/testing';

describe('rateLimit', () => {
  it('lets at most n items through in any sliding window and drops the excess', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      // 2 per 10 ms: a and b pass, c (at 4) is dropped, d (at 10) and e (at 11) take the slots a and b free,
      // f (at 12) is dropped again.
      expectObservable(cold('ab--c 5ms def|').pipe(rateLimit(2, 10))).toBe('ab--- 5ms de-|');
    });
  });

  it('works with sparse traffic and with n = 0 (drop everything)', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a 1s b 1s c|').pipe(rateLimit(1, 1_000))).toBe('a 1s b 1s c|');
      expectObservable(cold('a-b|').pipe(rateLimit(0, 1_000))).toBe('---|');
      expectObservable(cold('a-b|').pipe(rateLimit(Infinity, 1_000))).toBe('a-b|');
    });
  });

  it('rejects bad arguments', () => {
    expect(() => rateLimit(1.5, 10)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => rateLimit(1, -10)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
