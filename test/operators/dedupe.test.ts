import { dedupe, DEFAULT_DEDUPE_OPTIONS } from '../../packages/core/src/operators/dedupe.js';
import { createTestScheduler } from '@douyin-live/testing';

const item = (msgId: string) => ({ msgId });
const [a, b, c, d] = ['1', '2', '3', '4'].map(item) as [
  { msgId: string },
  { msgId: string },
  { msgId: string },
  { msgId: string },
];

describe('dedupe', () => {
  it('lets each msgId through once', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a-b-a-c-b|', { a, b, c }).pipe(dedupe())).toBe('a-b---c--|', { a, b, c });
    });
  });

  it('forgets the oldest ids beyond the window (FIFO): memory stays bounded', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      // Window 2: after a, b, c, the id a is forgotten and passes again; c is still remembered.
      expectObservable(cold('a-b-c-a-c|', { a, b, c }).pipe(dedupe({ window: 2 }))).toBe('a-b-c-a--|', { a, b, c });
    });
  });

  it("eviction: 'lru' keeps ids that keep coming back", () => {
    const src = 'a-b-a-c-a-d-a|';
    createTestScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold(src, { a, b, c, d }).pipe(dedupe({ window: 2, eviction: 'lru' }))).toBe('a-b---c---d--|', {
        a,
        b,
        c,
        d,
      });
      // FIFO forgets a once two newer ids arrived, although it was seen in between.
      expectObservable(cold(src, { a, b, c, d }).pipe(dedupe({ window: 2 }))).toBe('a-b---c-a-d--|', { a, b, c, d });
    });
  });

  it('maxAgeMs: ids older than the time window pass again (virtual time)', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a 50ms a 100ms a|', { a }).pipe(dedupe({ maxAgeMs: 100 }))).toBe('a 50ms - 100ms a|', {
        a,
      });
    });
  });

  it('always passes items without an id, and gives each subscription its own memory', () => {
    const none = item('');
    const zero = item('0');
    createTestScheduler().run(({ cold, expectObservable }) => {
      const out$ = cold('n-n-z-z-a-a|', { n: none, z: zero, a }).pipe(dedupe());
      expectObservable(out$).toBe('n-n-z-z-a--|', { n: none, z: zero, a });
      expectObservable(out$).toBe('n-n-z-z-a--|', { n: none, z: zero, a });
    });
  });

  it('has the documented defaults and rejects bad options', () => {
    expect(DEFAULT_DEDUPE_OPTIONS).toMatchObject({ window: 10_000, maxAgeMs: Infinity, eviction: 'fifo' });
    expect(() => dedupe({ window: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => dedupe({ maxAgeMs: NaN })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
