import fc from 'fast-check';
import { RecentMsgIds } from '../../packages/core/src/session/recentMsgIds.js';

/** The reference: first sighting wins, the oldest remembered id is forgotten beyond the capacity. */
function reference(capacity: number) {
  const order: string[] = [];
  const seen = new Set<string>();
  return (id: string): boolean => {
    if (seen.has(id)) return true;
    if (capacity <= 0) return false;
    order.push(id);
    seen.add(id);
    if (order.length > capacity) seen.delete(order.shift()!);
    return false;
  };
}

/** Wire ids (canonical decimal uint64s) and anything else are remembered in windows of their own. */
const isWireId = (id: string) => /^(0|[1-9][0-9]{0,19})$/.test(id);
function referenceByKind(capacity: number) {
  const wire = reference(capacity);
  const other = reference(capacity);
  return (id: string) => (isWireId(id) ? wire(id) : other(id));
}

/** Ids as the wire gives them (decimal uint64), a few look-alikes that must stay distinct, and odd strings. */
const anId = fc.oneof(
  { weight: 6, arbitrary: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String) },
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 40 }).map((n) => String(7_400_100_000_000_000_000n + BigInt(n))) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 40 }).map((n) => `0${n}`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 22 }) },
);

describe('RecentMsgIds', () => {
  it('answers exactly like a first-sighting FIFO window, through growth, wrap-around and eviction', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 150 }), fc.array(anId, { maxLength: 600 }), (capacity, ids) => {
        const recent = new RecentMsgIds(capacity);
        const expected = referenceByKind(capacity);
        expect(ids.map((id) => recent.check(id))).toEqual(ids.map(expected));
      }),
      { numRuns: 300 },
    );
  });

  it('stays exact under heavy eviction among few ids (every probe run gets holes)', () => {
    const few = fc.integer({ min: 0, max: 80 }).map((n) => String(7_400_100_000_000_000_000n + BigInt(n * 977)));
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.array(few, { minLength: 200, maxLength: 2000 }),
        (capacity, ids) => {
          const recent = new RecentMsgIds(capacity);
          const expected = reference(capacity);
          expect(ids.map((id) => recent.check(id))).toEqual(ids.map(expected));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps ids that differ only past the ninth digit, or by a leading zero, apart', () => {
    const recent = new RecentMsgIds(10);
    expect(recent.check('1000000000')).toBe(false);
    expect(recent.check('0000000001')).toBe(false);
    expect(recent.check('1')).toBe(false);
    expect(recent.check('18446744073709551615')).toBe(false);
    expect(recent.check('18446744073709551614')).toBe(false);
    expect(recent.check('1000000000')).toBe(true);
    expect(recent.check('18446744073709551615')).toBe(true);
    expect(recent.count).toBe(5);
  });

  it('remembers up to its capacity and no more', () => {
    const recent = new RecentMsgIds(3000);
    for (let n = 0; n < 5000; n++) recent.check(String(7_300_000_000_000_000_000n + BigInt(n)));
    expect(recent.count).toBe(3000);
    expect(recent.check(String(7_300_000_000_000_000_000n + 1999n))).toBe(false);
    expect(recent.check(String(7_300_000_000_000_000_000n + 4999n))).toBe(true);
  });
});
