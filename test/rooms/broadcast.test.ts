// Broadcast: the pool's messages$ multicast, with a Subject's semantics for what the pool uses.
import { config, lastValueFrom, take, toArray } from 'rxjs';
import { Broadcast } from '../../packages/core/src/rooms/broadcast.js';

describe('Broadcast', () => {
  it('hands each value to the subscribers present when it is emitted, in subscription order', () => {
    const b = new Broadcast<number>();
    const seen: string[] = [];
    b.next(0); // nobody yet
    const first = b.observable.subscribe((v) => seen.push(`a${v}`));
    b.next(1);
    b.observable.subscribe((v) => seen.push(`b${v}`));
    b.next(2);
    first.unsubscribe();
    b.next(3);
    expect(seen).toEqual(['a1', 'a2', 'b2', 'b3']);
  });

  it('lets a subscriber leave or join during an emission without changing who gets that value', () => {
    const b = new Broadcast<number>();
    const seen: string[] = [];
    const a = b.observable.subscribe((v) => {
      seen.push(`a${v}`);
      if (v === 1) {
        a.unsubscribe();
        b.observable.subscribe((w) => seen.push(`c${w}`));
      }
    });
    b.observable.subscribe((v) => seen.push(`b${v}`));
    b.next(1);
    b.next(2);
    expect(seen).toEqual(['a1', 'b1', 'b2', 'c2']);
  });

  it('completes its subscribers, emits nothing after, and completes late subscribers at once', async () => {
    const b = new Broadcast<number>();
    const values = lastValueFrom(b.observable.pipe(toArray()));
    const firstTwo = lastValueFrom(b.observable.pipe(take(2), toArray()));
    b.next(1);
    b.next(2);
    b.next(3);
    b.complete();
    b.next(4);
    b.complete();
    expect(await values).toEqual([1, 2, 3]);
    expect(await firstTwo).toEqual([1, 2]);
    let completed = false;
    b.observable.subscribe({
      next: () => {
        throw new Error('no value after complete');
      },
      complete: () => (completed = true),
    });
    expect(completed).toBe(true);
  });

  it('keeps delivering to others when one subscriber throws (reported like any RxJS subscriber error)', async () => {
    const b = new Broadcast<number>();
    const seen: number[] = [];
    const thrown: unknown[] = [];
    const previous = config.onUnhandledError;
    config.onUnhandledError = (e) => thrown.push(e);
    try {
      b.observable.subscribe(() => {
        throw new Error('boom');
      });
      b.observable.subscribe((v) => seen.push(v));
      b.next(1);
      b.next(2);
      // RxJS reports a subscriber's error on a timer.
      await new Promise((resolve) => setTimeout(resolve, 0));
    } finally {
      config.onUnhandledError = previous;
    }
    expect(seen).toEqual([1, 2]);
    expect(thrown).toHaveLength(2);
  });
});
