/**
 * The one base the pipeline's stages are built on: the per-item work of RxJS's `map`, `tap` and `mergeMap`, with
 * their semantics and without their per-item layers.
 *
 * RxJS's `map`, `tap` and `mergeMap` each wrap the subscriber below them in an `OperatorSubscriber` (which calls
 * through `Subscriber.next`, `_next` and a closure per item), and `mergeMap` subscribes an inner Observable per
 * frame to flatten its messages. On the full decode that plumbing was ~5 % of a frame (1.5–1.8 µs of ~35).
 *
 * A stage here is one object that is both the subscriber the source feeds and a `Subscription` added to the
 * subscriber below it: `next` does the stage's work and calls the next subscriber directly. RxJS accepts it as a
 * subscriber as it is (`Observable.subscribe` takes any observer that is also a Subscription, the check it makes
 * for subscribers from another copy of RxJS), so no wrapper sits between the stages. That check is RxJS 7's (the
 * packages depend on ^7.8); were a later RxJS to wrap the stage instead, a synchronous source would run on after an
 * unsubscription, and test/pipeline/stage.test.ts fails. The semantics are those of the RxJS operators it replaces:
 *
 * - unsubscribing below closes the stage: a synchronous source (an array, a recording) stops at once, and a
 *   flatten stops between two items of one frame;
 * - an error thrown by the stage's work, or by the subscriber below while handling its item, is sent down as the
 *   stream's error and the source is unsubscribed;
 * - nothing is delivered after an error, a completion or an unsubscription.
 */
import { Observable, Subscription, type Observer, type OperatorFunction, type Subscriber } from 'rxjs';

/**
 * One stage between a source and the subscriber below it. A subclass implements `next`: return at once when
 * `closed`, do the work in a `try` that hands what it catches to {@link Stage.error}, and call `destination.next`
 * directly. Each stage has its own `next` (no shared `next` calling a per-stage hook): V8 then sees one stage class
 * at each call site and inlines the work, which a shared `next` made polymorphic and lost again.
 */
export abstract class Stage<In, Out> extends Subscription implements Observer<In> {
  protected readonly destination: Subscriber<Out>;

  constructor(destination: Subscriber<Out>) {
    super();
    this.destination = destination;
  }

  abstract next(value: In): void;

  error(err: unknown): void {
    if (this.closed) return;
    const destination = this.destination;
    // Closed first, as RxJS's subscribers stop first: nothing reaches the destination after its error.
    this.unsubscribe();
    destination.error(err);
  }

  complete(): void {
    if (this.closed) return;
    const destination = this.destination;
    this.unsubscribe();
    destination.complete();
  }
}

/** The operator that puts a stage made by `make` between the source and each of its subscribers. */
export function operate<In, Out>(make: (destination: Subscriber<Out>) => Stage<In, Out>): OperatorFunction<In, Out> {
  return (source) =>
    new Observable<Out>((subscriber) => {
      const stage = make(subscriber);
      subscriber.add(stage);
      source.subscribe(stage);
    });
}
