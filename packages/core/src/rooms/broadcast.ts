import { Observable, type Subscriber } from 'rxjs';

/**
 * A hot stream that hands each value to its current subscribers in subscription order, like a `Subject` that never
 * errors, without the per-value garbage of `Subject.next` (an error-context closure and an array iterator per
 * call): a pool of a thousand rooms emits twenty thousand messages a second through one of these.
 */
export class Broadcast<T> {
  /** Current subscribers; replaced, never mutated, so an emission in progress keeps the list it started with. */
  private subscribers: readonly Subscriber<T>[] = [];
  private closed = false;

  /** The values from subscription on; completes when the broadcast does (at once for a late subscriber). */
  readonly observable = new Observable<T>((subscriber) => {
    if (this.closed) {
      subscriber.complete();
      return undefined;
    }
    this.subscribers = [...this.subscribers, subscriber];
    return () => {
      this.subscribers = this.subscribers.filter((s) => s !== subscriber);
    };
  });

  /** Hands `value` to every current subscriber (nothing after {@link Broadcast.complete}). */
  next(value: T): void {
    const subscribers = this.subscribers;
    for (let i = 0; i < subscribers.length; i++) subscribers[i]!.next(value);
  }

  /** Completes every current subscriber; later subscribers complete at once. */
  complete(): void {
    if (this.closed) return;
    this.closed = true;
    const subscribers = this.subscribers;
    this.subscribers = [];
    for (const subscriber of subscribers) subscriber.complete();
  }
}
