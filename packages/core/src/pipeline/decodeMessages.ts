import { map, type OperatorFunction } from 'rxjs';
import type { MessageEnvelope } from '../messages/envelope.js';
import type { LiveMessage } from '../messages/types.js';
import type { DecodeFailure } from './types.js';

/**
 * Stage 4: decodes every envelope by method into a typed message, an `UnknownMessage` (unknown method) or a
 * failure value. Decoding is memoised on the envelope, so streams sharing envelopes decode each message once.
 */
export function decodeMessages(): OperatorFunction<MessageEnvelope | DecodeFailure, LiveMessage | DecodeFailure> {
  return map((item) => (item.kind === 'envelope' ? item.decode() : item));
}
