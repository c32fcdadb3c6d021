import { mergeMap, type OperatorFunction } from 'rxjs';
import { MessageEnvelope } from '../messages/envelope.js';
import type { DecodeFailure, InboundResponse } from './types.js';
import { frameBodyOf } from './unpackResponses.js';

/** The messages of one Response, as undecoded envelopes. */
export function envelopesOf(item: InboundResponse): MessageEnvelope[] {
  const body = frameBodyOf(item);
  // The body's own list: reading `response.messages` would copy the frame's bytes out of the shared buffer.
  const messages = body !== undefined ? body.messages : item.response?.messages;
  if (messages === undefined || messages.length === 0) return [];
  const logId = item.frame.logId;
  const out = new Array<MessageEnvelope>(messages.length);
  for (let i = 0; i < messages.length; i++) out[i] = new MessageEnvelope(messages[i]!, logId, body);
  return (lastEnvelopes[0] = out);
}

// The last frame's envelopes, which keep MessageEnvelope's hidden class alive: V8 holds it only weakly, and a full
// GC that finds no envelope alive drops it and deoptimizes the stages that embed it ('reason: weak objects').
const lastEnvelopes: MessageEnvelope[][] = [[]];

/** Stage 3: flattens each Response into its message envelopes, in order (failures pass through). */
export function toMessages(): OperatorFunction<InboundResponse | DecodeFailure, MessageEnvelope | DecodeFailure> {
  return mergeMap((item) => (item.kind === 'response' ? envelopesOf(item) : [item]));
}
