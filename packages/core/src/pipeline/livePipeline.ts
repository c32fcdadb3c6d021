import { pipe, type OperatorFunction, type Subscriber } from 'rxjs';
import type { MessageEnvelope } from '../messages/envelope.js';
import type { LiveMessage } from '../messages/types.js';
import { ackWith, type SendFn } from './ackWith.js';
import { decodeFrames } from './decodeFrames.js';
import { decodeMessages } from './decodeMessages.js';
import { operate, Stage } from './stage.js';
import { toMessages } from './toMessages.js';
import type { DecodeFailure, InboundResponse } from './types.js';
import { unpackResponses } from './unpackResponses.js';

/** Options of {@link livePipeline} and {@link liveEnvelopes}. */
export interface LivePipelineOptions {
  /**
   * Where acks go: the socket's binary send live, a spy or nothing in replay. Omit it to leave the ack stage
   * out entirely.
   */
  readonly send?: SendFn | undefined;
  /** Called with every frame and its Response (cursor, internal_ext, heartbeat_duration tracking). */
  readonly onResponse?: ((item: InboundResponse) => void) | undefined;
}

/**
 * The shared front half: raw frame bytes → message envelopes (not yet decoded), acking on the way. Live
 * sessions, the recorder and replay all run this same composition.
 */
export function liveEnvelopes(
  options: LivePipelineOptions = {},
): OperatorFunction<Uint8Array, MessageEnvelope | DecodeFailure> {
  const { send, onResponse } = options;
  return pipe(
    decodeFrames(),
    unpackResponses(),
    send ? ackWith(send) : (source) => source,
    onResponse ? operate((destination) => new OnResponse(destination, onResponse)) : (source) => source,
    toMessages(),
  );
}

/** The whole pipeline: raw frame bytes → typed messages, unknown messages and failure values. Never errors. */
export function livePipeline(
  options: LivePipelineOptions = {},
): OperatorFunction<Uint8Array, LiveMessage | DecodeFailure> {
  return pipe(liveEnvelopes(options), decodeMessages());
}

/** Hands every frame's Response to `onResponse`, before its messages go on (a session's cursor tracking). */
class OnResponse extends Stage<InboundResponse | DecodeFailure, InboundResponse | DecodeFailure> {
  readonly #onResponse: (item: InboundResponse) => void;

  constructor(destination: Subscriber<InboundResponse | DecodeFailure>, onResponse: (item: InboundResponse) => void) {
    super(destination);
    this.#onResponse = onResponse;
  }

  next(item: InboundResponse | DecodeFailure): void {
    if (this.closed) return;
    try {
      if (item.kind === 'response') this.#onResponse(item);
      this.destination.next(item);
    } catch (err) {
      this.error(err);
    }
  }
}
