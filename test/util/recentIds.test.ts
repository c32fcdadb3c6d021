import { mulberry32 } from '@douyin-live/simulator';
import { RecentIds } from '../../packages/core/src/util/recentIds.js';

/** The behaviour RecentIds must have, written the slow, obvious way. */
class Reference {
  private entries: { id: string; at: number }[] = [];
  constructor(
    private readonly capacity: number,
    private readonly maxAgeMs: number,
    private readonly refreshOnHit: boolean,
  ) {}
  get size(): number {
    return this.entries.length;
  }
  check(id: string, now: number): boolean {
    this.expire(now);
    const i = this.entries.findIndex((e) => e.id === id);
    if (i >= 0) {
      if (this.refreshOnHit) this.entries.push(...this.entries.splice(i, 1).map((e) => ({ ...e, at: now })));
      return true;
    }
    if (this.capacity === 0) return false;
    this.entries.push({ id, at: now });
    while (this.entries.length > this.capacity) this.entries.shift();
    return false;
  }
  has(id: string, now: number): boolean {
    this.expire(now);
    return this.entries.some((e) => e.id === id);
  }
  private expire(now: number): void {
    while (this.entries.length > 0 && now - this.entries[0]!.at >= this.maxAgeMs) this.entries.shift();
  }
}

describe('RecentIds', () => {
  const cases: [capacity: number, maxAgeMs: number, refreshOnHit: boolean][] = [
    [0, Infinity, false],
    [1, Infinity, false],
    [8, Infinity, false],
    [8, Infinity, true],
    [50, 40, false],
    [50, 40, true],
    [300, Infinity, true],
    [300, 25, false],
  ];
  it.each(cases)(
    'capacity %p, maxAgeMs %p, refreshOnHit %p: same answers as the reference model',
    (capacity, maxAgeMs, refresh) => {
      const next = mulberry32(capacity * 7919 + (refresh ? 1 : 0) + (maxAgeMs === Infinity ? 0 : 17));
      const ids = new RecentIds(capacity, maxAgeMs, refresh);
      const ref = new Reference(capacity, maxAgeMs, refresh);
      let now = 0;
      for (let step = 0; step < 20_000; step++) {
        now += Math.floor(next() * 3);
        // a small id space makes hits, refreshes and evictions frequent
        const id = `id${Math.floor(next() * (capacity * 2 + 5))}`;
        if (next() < 0.2) expect(ids.has(id, now)).toBe(ref.has(id, now));
        else expect(ids.check(id, now)).toBe(ref.check(id, now));
        expect(ids.size).toBe(ref.size);
      }
    },
  );

  it('keeps the queue bounded when a few ids are refreshed over and over', () => {
    const ids = new RecentIds(4, Infinity, true);
    for (let i = 0; i < 100_000; i++) ids.check(`id${i % 3}`, i);
    expect(ids.size).toBe(3);
    const queue = (ids as unknown as { ids: string[]; head: number }).ids;
    expect(queue.length).toBeLessThan(100);
  });

  it('keeps the queue bounded when every id is new (a replay or a long live session)', () => {
    const ids = new RecentIds(100);
    for (let i = 0; i < 100_000; i++) ids.check(`id${i}`, i);
    expect(ids.size).toBe(100);
    expect(ids.check('id99999', 100_000)).toBe(true);
    expect(ids.check('id99899', 100_000)).toBe(false);
    const internals = ids as unknown as { ids: string[]; times: number[] };
    expect(internals.ids.length).toBeLessThan(300);
    expect(internals.times.length).toBeLessThan(300);
  });
});
