import { deepStrictEqual } from 'node:assert';
import { createTestScheduler, expectDeepEqual } from '@douyin-live/testing';

describe('createTestScheduler', () => {
  it("asserts through jest's expect, so asymmetric matchers work in marble values", () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a|', { a: { n: 1, extra: true } })).toBe('a|', { a: expect.objectContaining({ n: 1 }) });
    });
    expect(() =>
      createTestScheduler().run(({ cold, expectObservable }) => {
        expectObservable(cold('a|')).toBe('b|');
      }),
    ).toThrow();
  });

  it('accepts another assertDeepEqual (no jest needed)', () => {
    const calls: unknown[] = [];
    const assert = (actual: unknown, expected: unknown) => {
      calls.push(actual);
      deepStrictEqual(actual, expected);
    };
    createTestScheduler(assert).run(({ cold, expectObservable }) => {
      expectObservable(cold('a-b|')).toBe('a-b|');
    });
    expect(calls).toHaveLength(1);
  });

  it('explains itself when no global expect exists', () => {
    const g = globalThis as { expect?: unknown };
    const saved = g.expect;
    let error: unknown;
    try {
      delete g.expect;
      expectDeepEqual(1, 1);
    } catch (e) {
      error = e;
    } finally {
      g.expect = saved;
    }
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('assertDeepEqual') });
  });
});
