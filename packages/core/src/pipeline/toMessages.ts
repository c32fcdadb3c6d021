import { mergeMap, type OperatorFunction } from 'rxjs';
import { MessageEnvelope } from '../messages/envelope.js';
import type { DecodeFailure, InboundResponse } from './types.js';

/** The messages of one Response, as undecoded envelopes. */
export function envelopesOf(item: InboundResponse): MessageEnvelope[] {
  const messages = item.response?.messages;
  if (messages === undefined || messages.length === 0) return [];
  const logId = item.frame.logId;
  return messages.map((m) => new MessageEnvelope(m, logId));
}

/** Stage 3: flattens each Response into its message envelopes, in order (failures pass through). */
export function toMessages(): OperatorFunction<InboundResponse | DecodeFailure, MessageEnvelope | DecodeFailure> {
  return mergeMap((item) => (item.kind === 'response' ? envelopesOf(item) : [item]));
}
