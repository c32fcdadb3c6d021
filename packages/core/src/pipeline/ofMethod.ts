import type { OperatorFunction, Subscriber } from 'rxjs';
import type { MessageEnvelope } from '../messages/envelope.js';
import type { KnownMethod, LiveMessage, MessageMap } from '../messages/types.js';
import { operate, Stage } from './stage.js';
import type { DecodeFailure } from './types.js';

/** What `ofMethod` accepts: decoded messages, undecoded envelopes, and failures (which it leaves out). */
export type MethodFilterInput = LiveMessage | MessageEnvelope | DecodeFailure;

/** Narrows a message to one of the given methods. */
export function isMethod<M extends KnownMethod>(
  message: LiveMessage,
  ...methods: readonly M[]
): message is MessageMap[M] {
  return !('unknown' in message) && (methods as readonly string[]).includes(message.method);
}

/**
 * Keeps only messages of the given methods, typed by the message map: `ofMethod('WebcastGiftMessage')` gives
 * `Observable<GiftMessage>`. Envelopes are decoded only when their method matches (lazy per-method decoding);
 * failures are left to the error stream.
 */
export function ofMethod<M extends KnownMethod>(
  ...methods: readonly M[]
): OperatorFunction<MethodFilterInput, MessageMap[M]> {
  const wanted = new Set<string>(methods);
  return operate((destination) => new OfMethod<M>(destination, wanted));
}

/** One stage instead of RxJS's filter, map and filter: three subscriber hops for every message of the room. */
class OfMethod<M extends KnownMethod> extends Stage<MethodFilterInput, MessageMap[M]> {
  readonly #wanted: ReadonlySet<string>;

  constructor(destination: Subscriber<MessageMap[M]>, wanted: ReadonlySet<string>) {
    super(destination);
    this.#wanted = wanted;
  }

  next(item: MethodFilterInput): void {
    if (this.closed) return;
    try {
      if (item.kind === 'decode-failure' || !this.#wanted.has(item.method) || 'unknown' in item) return;
      const message = item.kind === 'envelope' ? item.decode() : item;
      if (message.kind !== 'decode-failure') this.destination.next(message as MessageMap[M]);
    } catch (err) {
      this.error(err);
    }
  }
}
