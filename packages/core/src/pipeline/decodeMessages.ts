import type { OperatorFunction } from 'rxjs';
import { operate, Stage } from './stage.js';
import type { MessageEnvelope } from '../messages/envelope.js';
import type { LiveMessage } from '../messages/types.js';
import type { DecodeFailure } from './types.js';

/**
 * Stage 4: decodes every envelope by method into a typed message, an `UnknownMessage` (unknown method) or a
 * failure value. Decoding is memoised on the envelope, so streams sharing envelopes decode each message once.
 */
export function decodeMessages(): OperatorFunction<MessageEnvelope | DecodeFailure, LiveMessage | DecodeFailure> {
  return operate((destination) => new DecodeMessages(destination));
}

class DecodeMessages extends Stage<MessageEnvelope | DecodeFailure, LiveMessage | DecodeFailure> {
  next(item: MessageEnvelope | DecodeFailure): void {
    if (this.closed) return;
    try {
      this.destination.next(item.kind === 'envelope' ? item.decode() : item);
    } catch (err) {
      this.error(err);
    }
  }
}
