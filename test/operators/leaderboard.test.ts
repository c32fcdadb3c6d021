import { leaderboard } from '../../packages/core/src/operators/leaderboard.js';
import { createTestScheduler } from '@douyin-live/testing';
import { friendly } from './fixtures.js';

const { gift } = friendly();
const g = (user: string, groupId: string, repeatCount: number, repeatEnd: boolean, diamondCount = 1) =>
  gift({ user, giftId: '1', groupId, repeatCount, repeatEnd, diamondCount });
const row = (rank: number, nickname: string, diamonds: number, gifts: number) =>
  expect.objectContaining({ rank, diamonds, gifts, user: expect.objectContaining({ nickname }) });

describe('leaderboard', () => {
  it('ranks gifters by diamonds, counting each combo streak once', () => {
    // alice: a 3-rose streak (3 packets) = 3 diamonds, not 1 + 2 + 3; bob: one 10-diamond gift.
    const m = {
      a: g('alice', '1', 1, false),
      b: g('alice', '1', 2, false),
      c: g('alice', '1', 3, true),
      d: g('bob', '2', 1, true, 10),
      e: g('carol', '3', 2, true, 2),
    };
    createTestScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a-b-c-d-e|', m).pipe(leaderboard({ top: 2 }))).toBe('----c-d-e|', {
        c: [row(1, 'alice', 3, 3)],
        d: [row(1, 'bob', 10, 1), row(2, 'alice', 3, 3)],
        // carol's 2 × 2 diamonds pass alice's 3: alice falls off the top 2.
        e: [row(1, 'bob', 10, 1), row(2, 'carol', 4, 2)],
      });
    });
  });

  it('drops streaks that leave the time window, and emits only when the board changes', () => {
    const m = { a: g('alice', '1', 5, true), b: g('bob', '2', 3, true), z: g('zed', '3', 1, true, 0) };
    createTestScheduler().run(({ cold, expectObservable }) => {
      const out$ = cold('a 49ms b-z', m).pipe(leaderboard({ window: 100 }));
      // alice counted at 0 leaves at 100; bob (at 50) at 150; zed's free gift never shows.
      expectObservable(out$).toBe('a 49ms b 49ms x 49ms y', {
        a: [row(1, 'alice', 5, 5)],
        b: [row(1, 'alice', 5, 5), row(2, 'bob', 3, 3)],
        x: [row(1, 'bob', 3, 3)],
        y: [],
      });
    });
  });

  it('breaks ties by who got there first, and counts open streaks when the source completes', () => {
    const m = { a: g('alice', '1', 2, true), b: g('bob', '2', 2, false) };
    createTestScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a-b|', m).pipe(leaderboard())).toBe('a--(x|)', {
        a: [row(1, 'alice', 2, 2)],
        x: [row(1, 'alice', 2, 2), row(2, 'bob', 2, 2)],
      });
    });
  });

  it('ends streaks that lost their end marker after the giftCombos timeout', () => {
    const m = { a: g('alice', '1', 4, false) };
    createTestScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a', m).pipe(leaderboard({ timeoutMs: 300 }))).toBe('300ms x', {
        x: [row(1, 'alice', 4, 4)],
      });
    });
  });

  it('rejects bad options', () => {
    expect(() => leaderboard({ top: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => leaderboard({ window: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
