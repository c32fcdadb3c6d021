import { firstTimeChatters } from '../../packages/core/src/operators/firstTimeChatters.js';
import { userIdFor } from '@douyin-live/testing';
import { createTestScheduler } from '@douyin-live/testing';
import { friendly } from './fixtures.js';

const { chat, factory } = friendly();

describe('firstTimeChatters', () => {
  it("lets through each user's first chat only", () => {
    const [a1, b1, a2, c1, b2] = [chat('a', '1'), chat('b', '1'), chat('a', '2'), chat('c', '1'), chat('b', '2')];
    createTestScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('abcde|', { a: a1, b: b1, c: a2, d: c1, e: b2 }).pipe(firstTimeChatters())).toBe('ab-d-|', {
        a: a1,
        b: b1,
        d: c1,
      });
    });
  });

  it('leaves out anonymous guests by default (they all share id 111111)', () => {
    const guest = (text: string) => ({ ...chat('x', text), user: { ...chat('x', text).user, id: '111111' } });
    const [g1, g2] = [guest('1'), guest('2')];
    createTestScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('ab|', { a: g1, b: g2 }).pipe(firstTimeChatters())).toBe('--|');
      expectObservable(cold('ab|', { a: g1, b: g2 }).pipe(firstTimeChatters({ ignoreAnonymous: false }))).toBe('a-|', {
        a: g1,
      });
    });
    expect(factory).toBeDefined();
  });

  it('starts from known users and bounds its memory', () => {
    const [a1, b1, a2] = [chat('a', '1'), chat('b', '1'), chat('a', '2')];
    createTestScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('ab|', { a: a1, b: b1 }).pipe(firstTimeChatters({ known: [userIdFor('a')] }))).toBe('-b|', {
        b: b1,
      });
      // max 1: b pushes a out, so a's next chat counts as a first again.
      expectObservable(cold('abc|', { a: a1, b: b1, c: a2 }).pipe(firstTimeChatters({ max: 1 }))).toBe('abc|', {
        a: a1,
        b: b1,
        c: a2,
      });
    });
  });
});
