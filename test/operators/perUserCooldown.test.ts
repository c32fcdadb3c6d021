import { perUserCooldown } from '../../packages/core/src/operators/perUserCooldown.js';
import { createTestScheduler } from '@douyin-live/testing';

const from = (id: string, text = id) => ({ user: { id }, text });
const [a1, a2, a3, b1] = [from('a', 'a1'), from('a', 'a2'), from('a', 'a3'), from('b', 'b1')];

describe('perUserCooldown', () => {
  it('lets one item per user through per cooldown and drops the rest (virtual time)', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      // a1 at 0 starts a's cooldown; a2 at 2 is dropped; b1 is another user; a3 at 101 is past 100 ms.
      expectObservable(cold('a-x-b 96ms c|', { a: a1, x: a2, b: b1, c: a3 }).pipe(perUserCooldown(100))).toBe(
        'a---b 96ms c|',
        { a: a1, b: b1, c: a3 },
      );
    });
  });

  it('a dropped item does not extend the cooldown', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a 59ms x 39ms c|', { a: a1, x: a2, c: a3 }).pipe(perUserCooldown(100))).toBe(
        'a 59ms - 39ms c|',
        { a: a1, c: a3 },
      );
    });
  });

  it('takes a key function, e.g. one cooldown per command', () => {
    const cmd = (command: string) => ({ command });
    createTestScheduler().run(({ cold, expectObservable }) => {
      const out$ = cold('a-b-a|', { a: cmd('roll'), b: cmd('help') }).pipe(
        perUserCooldown(1_000, (c: { command: string }) => c.command),
      );
      expectObservable(out$).toBe('a-b--|', { a: cmd('roll'), b: cmd('help') });
    });
  });

  it('bounds memory with maxKeys (the oldest cooldown is forgotten early)', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      const out$ = cold('a-b-x|', { a: a1, b: b1, x: a2 }).pipe(
        perUserCooldown(1_000, (m: { user: { id: string } }) => m.user.id, { maxKeys: 1 }),
      );
      expectObservable(out$).toBe('a-b-x|', { a: a1, b: b1, x: a2 });
    });
  });

  it('rejects a negative cooldown', () => {
    expect(() => perUserCooldown(-5)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
