import fc from 'fast-check';
import { from, toArray, type OperatorFunction } from 'rxjs';
import {
  DEFAULT_GIFT_COMBOS_OPTIONS,
  giftCombos,
  giftCountOf,
  type GiftComboEnd,
  type GiftComboEvent,
} from '../../packages/core/src/operators/giftCombos.js';
import type { GiftMessage } from '../../packages/core/src/messages/types.js';
import { livePipeline } from '../../packages/core/src/pipeline/livePipeline.js';
import { ofMethod } from '../../packages/core/src/pipeline/ofMethod.js';
import { createTestScheduler, playFrames, scenario, type TimedFrame } from '@douyin-live/testing';
import { friendly } from './fixtures.js';

const { gift } = friendly();
const rose = { user: 'bob', giftId: '1', name: 'Rose', diamondCount: 2, groupId: '77' } as const;
const streak = (repeatCount: number, repeatEnd = false, msgId?: string) =>
  gift({ ...rose, repeatCount, repeatEnd }, msgId);
const key = (m: GiftMessage) => `${m.user.id}:${m.giftId}:${m.groupId}`;

describe('giftCombos', () => {
  it('turns a streak into start, progress with deltas, and one end with total and diamonds', () => {
    const a = streak(1);
    const b = streak(2);
    const c = streak(3, true);
    createTestScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a-b-c|', { a, b, c }).pipe(giftCombos())).toBe('a-b-c|', {
        a: expect.objectContaining({ type: 'start', key: key(a), count: 1, delta: 1, diamonds: 2, message: a }),
        b: expect.objectContaining({ type: 'progress', count: 2, delta: 1, diamonds: 4, message: b }),
        c: expect.objectContaining({ type: 'end', reason: 'repeat-end', total: 3, count: 3, delta: 1, diamonds: 6 }),
      });
    });
  });

  it("emit: 'end' gives one event per streak", () => {
    const [a, b, c] = [streak(1), streak(2), streak(3, true)];
    createTestScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a-b-c|', { a, b, c }).pipe(giftCombos({ emit: 'end' }))).toBe('----c|', {
        c: expect.objectContaining({ type: 'end', total: 3, diamonds: 6, messageCount: 3, endedAt: 4, startedAt: 0 }),
      });
    });
  });

  it('drops duplicate packets (same msgId), including a repeated end marker', () => {
    const [a, b, c] = [streak(1), streak(2), streak(3, true)];
    createTestScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a-a-b-b-c-c|', { a, b, c }).pipe(giftCombos())).toBe('a---b---c--|', {
        a: expect.objectContaining({ type: 'start', count: 1 }),
        b: expect.objectContaining({ type: 'progress', count: 2, delta: 1 }),
        c: expect.objectContaining({ type: 'end', total: 3 }),
      });
    });
  });

  it('counts jumps in full, ignores counts that go backwards, and keeps the highest count at the end', () => {
    const a = streak(1);
    const jump = streak(5);
    const back = streak(3);
    const endLow = streak(4, true); // an end marker that overtook the highest packet
    createTestScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a-j-b-e|', { a, j: jump, b: back, e: endLow }).pipe(giftCombos())).toBe('a-j---e|', {
        a: expect.objectContaining({ type: 'start', count: 1, delta: 1 }),
        j: expect.objectContaining({ type: 'progress', count: 5, delta: 4, message: jump }),
        e: expect.objectContaining({ type: 'end', reason: 'repeat-end', total: 5, delta: 0, diamonds: 10 }),
      });
    });
  });

  it('never reopens an ended streak for late packets (different msgIds, count not above the total)', () => {
    const [a, c] = [streak(1), streak(3, true)];
    const late = streak(2);
    const lateEnd = streak(3, true); // the end marker again, under a new msgId
    createTestScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a-c-l-e|', { a, c, l: late, e: lateEnd }).pipe(giftCombos({ emit: 'end' }))).toBe(
        '--c----|',
        { c: expect.objectContaining({ total: 3 }) },
      );
    });
  });

  it('ends a streak whose end marker never comes after timeoutMs of silence, in virtual time', () => {
    const [a, b] = [streak(1), streak(2)];
    createTestScheduler().run(({ cold, expectObservable }) => {
      const out$ = cold('a 300ms b', { a, b }).pipe(giftCombos({ timeoutMs: 1_000 }));
      // Each packet re-arms the timer: the end is 1 000 ms after b (frame 301), not after a.
      expectObservable(out$).toBe('a 300ms b 999ms e', {
        a: expect.objectContaining({ type: 'start' }),
        b: expect.objectContaining({ type: 'progress', count: 2 }),
        e: expect.objectContaining({ type: 'end', reason: 'timeout', total: 2, delta: 0, message: b, endedAt: 1301 }),
      });
    });
  });

  it('uses the documented default timeout', () => {
    expect(DEFAULT_GIFT_COMBOS_OPTIONS.timeoutMs).toBe(10_000);
    const a = streak(1);
    createTestScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a', { a }).pipe(giftCombos({ emit: 'end' }))).toBe('10s e', {
        e: expect.objectContaining({ reason: 'timeout', total: 1 }),
      });
    });
  });

  it('counts only the rest when a streak goes on after its timeout (no gift counted twice)', () => {
    const [a, b] = [streak(1), streak(4)];
    createTestScheduler().run(({ cold, expectObservable }) => {
      const out$ = cold('a 200ms b|', { a, b }).pipe(giftCombos({ timeoutMs: 100 }));
      expectObservable(out$).toBe('a 99ms x 100ms s(y|)', {
        a: expect.objectContaining({ type: 'start', count: 1 }),
        x: expect.objectContaining({ type: 'end', reason: 'timeout', total: 1 }),
        s: expect.objectContaining({ type: 'start', count: 3, delta: 3, key: key(a) }),
        y: expect.objectContaining({ type: 'end', reason: 'complete', total: 3, diamonds: 6 }),
      });
    });
  });

  it('gives non-combo gifts a single end: total = repeatCount × groupCount, no waiting for a marker', () => {
    // As captured from Douyin: combo false, group id 0, no repeat_end.
    const lamp = { user: 'carol', giftId: '685', combo: false, groupId: '0', repeatEnd: false, diamondCount: 5 };
    const one = gift({ ...lamp });
    const bundle = gift({ ...lamp, groupCount: 10 });
    createTestScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a-b|', { a: one, b: bundle }).pipe(giftCombos())).toBe('a-b|', {
        a: expect.objectContaining({ type: 'end', reason: 'single', total: 1, delta: 1, diamonds: 5 }),
        b: expect.objectContaining({ type: 'end', reason: 'single', total: 10, delta: 10, diamonds: 50 }),
      });
    });
  });

  it('still drops a duplicated non-combo packet', () => {
    const one = gift({ user: 'carol', combo: false, groupId: '0', repeatEnd: false });
    createTestScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a-a|', { a: one }).pipe(giftCombos({ emit: 'end' }))).toBe('a--|', {
        a: expect.objectContaining({ reason: 'single', total: 1 }),
      });
    });
  });

  it('keys streaks by sender + gift + group and flushes open ones as complete, in start order', () => {
    const bob = streak(1);
    const alice = gift({ ...rose, user: 'alice', repeatCount: 2, repeatEnd: false });
    const bob2 = gift({ ...rose, groupId: '78', repeatCount: 1, repeatEnd: false });
    createTestScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a-b-c|', { a: bob, b: alice, c: bob2 }).pipe(giftCombos({ emit: 'end' }))).toBe(
        '-----(xyz|)',
        {
          x: expect.objectContaining({ reason: 'complete', key: key(bob), total: 1 }),
          y: expect.objectContaining({ reason: 'complete', key: key(alice), total: 2, diamonds: 4 }),
          z: expect.objectContaining({ reason: 'complete', key: key(bob2), total: 1 }),
        },
      );
    });
  });

  it('cancels pending timeouts on unsubscribe and passes errors through', () => {
    const a = streak(1);
    createTestScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a', { a }).pipe(giftCombos({ timeoutMs: 100 })), '^ 50ms !').toBe('a', {
        a: expect.objectContaining({ type: 'start' }),
      });
      expectObservable(cold('a-#', { a }).pipe(giftCombos({ emit: 'end' }))).toBe('--#');
    });
  });

  it('takes the unit price from a later packet when the first lacks it, and accepts a custom countOf', () => {
    const noPrice = gift({ ...rose, diamondCount: 0, repeatCount: 1, repeatEnd: false });
    const priced = gift({ ...rose, diamondCount: 3, repeatCount: 2, repeatEnd: true });
    createTestScheduler().run(({ cold, expectObservable }) => {
      const out$ = cold('a-b|', { a: noPrice, b: priced }).pipe(
        giftCombos({ emit: 'end', countOf: (m) => m.repeatCount * 10 }),
      );
      expectObservable(out$).toBe('--b|', { b: expect.objectContaining({ total: 20, diamonds: 60 }) });
    });
  });

  it('rejects invalid options with INVALID_ARGUMENT', () => {
    expect(() => giftCombos({ timeoutMs: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => giftCombos({ dedupeWindow: 1.5 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('giftCountOf: repeatCount (or comboCount) × groupCount, absent fields as 1', () => {
    expect(giftCountOf(gift({ user: 'x', repeatCount: 3, groupCount: 10 }))).toBe(30);
    expect(giftCountOf({ ...gift({ user: 'x' }), repeatCount: 0, comboCount: 4, groupCount: 0 })).toBe(4);
  });

  it('is typed by emit: end-only streams carry GiftComboEnd', () => {
    const endOnly: OperatorFunction<GiftMessage, GiftComboEnd> = giftCombos({ emit: 'end' });
    const all: OperatorFunction<GiftMessage, GiftComboEvent> = giftCombos();
    expect([endOnly, all]).toHaveLength(2);
  });

  it('property: any order and any duplicates of complete streaks give each streak one end with its true total', () => {
    const streakArb = fc.record({ user: fc.constantFrom('u1', 'u2', 'u3'), length: fc.integer({ min: 1, max: 6 }) });
    fc.assert(
      fc.property(fc.array(streakArb, { minLength: 1, maxLength: 5 }), fc.infiniteStream(fc.nat()), (specs, rnd) => {
        const messages = specs.flatMap((s, i) =>
          Array.from({ length: s.length }, (_, k) =>
            gift({ user: s.user, groupId: String(100 + i), repeatCount: k + 1, repeatEnd: k + 1 === s.length }),
          ),
        );
        // Shuffle, then duplicate some packets (same msgId) at random places.
        const input = [...messages, ...messages.filter(() => rnd.next().value % 3 === 0)];
        for (let i = input.length - 1; i > 0; i--) {
          const j = rnd.next().value % (i + 1);
          [input[i], input[j]] = [input[j]!, input[i]!];
        }
        let ends: GiftComboEnd[] = [];
        let deltas = 0;
        from(input)
          .pipe(giftCombos({ timeoutMs: Infinity }), toArray())
          .subscribe((events) => {
            ends = events.filter((e): e is GiftComboEnd => e.type === 'end');
            deltas = events.reduce((sum, e) => sum + e.delta, 0);
          });
        expect(ends.map((e) => [e.groupId, e.total]).sort()).toEqual(
          specs.map((s, i) => [String(100 + i), s.length]).sort(),
        );
        expect(deltas).toBe(specs.reduce((sum, s) => sum + s.length, 0));
      }),
      { numRuns: 200 },
    );
  });
});

describe('giftCombos on a scenario through the whole pipeline', () => {
  // Interleaved streaks from several users, a lost end marker, a non-combo gift, a second streak of the same
  // user and gift, and chat around them; one message per frame so packets can be duplicated one by one.
  const session = scenario({ messagesPerFrame: 1 })
    .gift('alice', 'Rose', { combo: 5, diamonds: 1, interval: '200ms' })
    .gift('bob', '小心心', { combo: 3, diamonds: 1, interval: '300ms' })
    .chat('erin', '!hello')
    .after('100ms')
    .gift('carol', 'Lion', { combo: 4, diamonds: 299, interval: '250ms', endMarker: false })
    .gift('dave', '粉丝团灯牌', { single: true, diamonds: 0 })
    .gift('erin', 'Racing Car', { combo: 2, diamonds: 99, groupCount: 2 })
    .after('2s')
    .gift('alice', 'Rose', { combo: 2, diamonds: 1, interval: '50ms' })
    .after('30s')
    .end();
  const TIMEOUT_MS = 5_000;

  /** Every frame once, then each gift frame replayed 10 ms later and the first six again after a "reconnect". */
  const withDuplicates = (frames: TimedFrame[]): TimedFrame[] => [
    ...frames,
    ...frames.map((f) => ({ ...f, atMs: f.atMs + 10 })),
    ...frames.slice(0, 6).map((f) => ({ ...f, atMs: 3_000 })),
  ];

  const run = (emit: 'all' | 'end') => {
    const events: GiftComboEvent[] = [];
    createTestScheduler().run(({ flush }) => {
      playFrames(withDuplicates(session.toFrames()))
        .pipe(livePipeline(), ofMethod('WebcastGiftMessage'), giftCombos({ emit, timeoutMs: TIMEOUT_MS }))
        .subscribe((e) => events.push(e));
      flush();
    });
    return events;
  };

  it('gives exactly the totals and diamond values the scenario put in, each streak ending once', () => {
    const streaks = session.toGiftStreaks();
    expect(streaks).toHaveLength(6);
    const ends = run('end') as GiftComboEnd[];
    expect(ends.map((e) => ({ key: e.key, total: e.total, diamonds: e.diamonds }))).toEqual(
      expect.arrayContaining(
        streaks.map((s) => ({ key: `${s.userId}:${s.giftId}:${s.groupId}`, total: s.total, diamonds: s.diamonds })),
      ),
    );
    expect(ends).toHaveLength(streaks.length);
    expect(new Set(ends.map((e) => e.key)).size).toBe(streaks.length);
    expect(ends.reduce((sum, e) => sum + e.diamonds, 0)).toBe(5 + 3 + 4 * 299 + 0 + 4 * 99 + 2);
  });

  it('ends each streak for the right reason at the right virtual time', () => {
    const byUser = (name: string) => (run('end') as GiftComboEnd[]).filter((e) => e.user.nickname === name);
    expect(byUser('alice').map((e) => [e.reason, e.endedAt, e.total])).toEqual([
      ['repeat-end', 800, 5],
      ['repeat-end', 2150, 2],
    ]);
    expect(byUser('bob').map((e) => [e.reason, e.endedAt])).toEqual([['repeat-end', 600]]);
    // Carol's last packet (count 4, no end marker) is due at 100 + 3 × 250 ms; its replay 10 ms later is a
    // duplicate msgId, which is no sign of life and does not re-arm the timeout.
    expect(byUser('carol').map((e) => [e.reason, e.endedAt, e.total])).toEqual([['timeout', 850 + TIMEOUT_MS, 4]]);
    expect(byUser('dave').map((e) => [e.reason, e.total, e.diamonds])).toEqual([['single', 1, 0]]);
  });

  it("emit: 'all' deltas add up to the same totals, with one start per combo streak", () => {
    const events = run('all');
    expect(events.filter((e) => e.type === 'start')).toHaveLength(5);
    expect(events.reduce((sum, e) => sum + e.delta, 0)).toBe(5 + 3 + 4 + 1 + 4 + 2);
  });
});
