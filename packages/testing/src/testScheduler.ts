/**
 * A `TestScheduler` for marble tests of bot pipelines. The core package must not load jest at runtime, so the
 * default assertion looks up the test runner's global `expect` only when a comparison actually runs.
 */
import { TestScheduler } from 'rxjs/testing';
import { DouyinLiveError, ErrorCodes } from '@douyin-live/core';

/** Compares what a marble test saw with what it expected, throwing (or returning false) on a mismatch. */
export type AssertDeepEqual = (actual: unknown, expected: unknown) => boolean | void;

// The slice of jest's (or vitest's) `expect` this module uses.
type ExpectLike = (actual: unknown) => { toEqual(expected: unknown): void };

/** The default {@link AssertDeepEqual}: `expect(actual).toEqual(expected)` through the global `expect`. */
export function expectDeepEqual(actual: unknown, expected: unknown): void {
  const expect = (globalThis as { expect?: unknown }).expect;
  if (typeof expect !== 'function') {
    throw new DouyinLiveError(
      ErrorCodes.INVALID_ARGUMENT,
      'createTestScheduler: no global `expect` (not running under jest or vitest?); pass an assertDeepEqual, ' +
        'e.g. createTestScheduler(assert.deepStrictEqual) from node:assert',
    );
  }
  (expect as ExpectLike)(actual).toEqual(expected);
}

/**
 * Creates a `TestScheduler` whose assertions go through jest's `expect` (so asymmetric matchers such as
 * `expect.objectContaining` work in marble values), or through `assertDeepEqual` when given.
 *
 * @example
 * ```ts
 * createTestScheduler().run(({ cold, expectObservable }) => {
 *   expectObservable(cold('a-a-b|').pipe(distinctUntilChanged())).toBe('a---b|');
 * });
 * ```
 */
export function createTestScheduler(assertDeepEqual: AssertDeepEqual = expectDeepEqual): TestScheduler {
  return new TestScheduler(assertDeepEqual);
}
