// The cap on simultaneous joins: first come first served, abortable, releases counted once.
import { createJoinGate, type ReleaseJoinSlot } from '../../packages/core/src/rooms/joinGate.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('createJoinGate', () => {
  it('grants up to the limit, then queues in order', async () => {
    const gate = createJoinGate(2);
    const order: number[] = [];
    const releases: ReleaseJoinSlot[] = [];
    for (let i = 0; i < 5; i++) {
      void gate.acquire().then((release) => {
        order.push(i);
        releases.push(release);
      });
    }
    await tick();
    expect(order).toEqual([0, 1]);
    expect(gate).toMatchObject({ active: 2, pending: 3, limit: 2 });
    releases[1]!();
    releases[1]!(); // a second release of the same slot does nothing
    await tick();
    expect(order).toEqual([0, 1, 2]);
    expect(gate).toMatchObject({ active: 2, pending: 2 });
    releases[0]!();
    releases[2]!();
    await tick();
    expect(order).toEqual([0, 1, 2, 3, 4]);
    for (const r of releases) r();
    expect(gate).toMatchObject({ active: 0, pending: 0 });
  });

  it('drops an aborted wait from the queue', async () => {
    const gate = createJoinGate(1);
    const first = await gate.acquire();
    const abort = new AbortController();
    const waiting = gate.acquire(abort.signal);
    const next = gate.acquire();
    abort.abort(new Error('removed'));
    await expect(waiting).rejects.toThrow('removed');
    expect(gate.pending).toBe(1);
    first();
    const release = await next;
    expect(gate.active).toBe(1);
    release();
  });

  it('rejects a cap that is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, NaN]) {
      expect(() => createJoinGate(bad)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
    expect(createJoinGate(Infinity).limit).toBe(Infinity);
  });
});
