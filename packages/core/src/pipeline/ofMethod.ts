import { filter, map, pipe, type OperatorFunction } from 'rxjs';
import type { MessageEnvelope } from '../messages/envelope.js';
import type { KnownMethod, LiveMessage, MessageMap } from '../messages/types.js';
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
  return pipe(
    filter(
      (item: MethodFilterInput) => item.kind !== 'decode-failure' && wanted.has(item.method) && !('unknown' in item),
    ),
    map((item) => (item.kind === 'envelope' ? item.decode() : item)),
    filter((item): item is MessageMap[M] => item.kind !== 'decode-failure'),
  );
}
