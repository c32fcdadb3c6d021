import type { OperatorFunction } from 'rxjs';
import { operate, Stage } from './stage.js';
import { MessageEnvelope } from '../messages/envelope.js';
import type { DecodeFailure, InboundResponse } from './types.js';
import { frameBodyOf } from './unpackResponses.js';
import { freshList } from '../wire/freshList.js';

/** The messages of one Response, as undecoded envelopes. */
export function envelopesOf(item: InboundResponse): MessageEnvelope[] {
  const body = frameBodyOf(item);
  // The body's own list: reading `response.messages` would copy the frame's bytes out of the shared buffer.
  const messages = body !== undefined ? body.messages : item.response?.messages;
  if (messages === undefined || messages.length === 0) return freshList();
  const logId = item.frame.logId;
  const out = freshList<MessageEnvelope>();
  for (let i = 0; i < messages.length; i++) out.push(new MessageEnvelope(messages[i]!, logId, body));
  return (lastEnvelopes[0] = out);
}

// The last frame's envelopes, which keep MessageEnvelope's hidden class alive: V8 holds it only weakly, and a full
// GC that finds no envelope alive drops it and deoptimizes the stages that embed it ('reason: weak objects').
const lastEnvelopes: MessageEnvelope[][] = [[]];

/** Stage 3: flattens each Response into its message envelopes, in order (failures pass through). */
export function toMessages(): OperatorFunction<InboundResponse | DecodeFailure, MessageEnvelope | DecodeFailure> {
  return operate((destination) => new ToMessages(destination));
}

class ToMessages extends Stage<InboundResponse | DecodeFailure, MessageEnvelope | DecodeFailure> {
  next(item: InboundResponse | DecodeFailure): void {
    if (this.closed) return;
    try {
      if (item.kind !== 'response') {
        this.destination.next(item);
        return;
      }
      const envelopes = envelopesOf(item);
      // Checked between envelopes: a subscriber below that unsubscribes (take, takeUntil) stops the rest of the frame.
      for (let i = 0; i < envelopes.length && !this.closed; i++) this.destination.next(envelopes[i]!);
    } catch (err) {
      this.error(err);
    }
  }
}
