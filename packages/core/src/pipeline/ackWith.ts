import { tap, type MonoTypeOperatorFunction } from 'rxjs';
import { FrameHeader, PayloadType } from '../protocol/constants.js';
import { encodeWire } from '../wire/codec.js';
import type { DecodeFailure, InboundResponse } from './types.js';

/** Sends bytes to the server (a WebSocket's binary send, a recorder's spy, or a no-op in replay). */
export type SendFn = (bytes: Uint8Array) => void;

const utf8 = new TextEncoder();

/**
 * Builds the ack for a frame whose Response asked for one (§4.4): `PushFrame{log_id, payload_type: "ack",
 * payload: internal_ext}`, taking internal_ext from the `im-internal_ext` header first, the Response second.
 * Returns undefined when no ack is due.
 */
export function ackFor(item: InboundResponse): Uint8Array | undefined {
  const response = item.response;
  if (response === undefined || !response.needAck) return undefined;
  const internalExt = item.frame.headers[FrameHeader.INTERNAL_EXT] ?? response.internalExt;
  return encodeWire('PushFrame', {
    logId: item.frame.logId,
    payloadType: PayloadType.ACK,
    payload: utf8.encode(internalExt),
  });
}

/**
 * Side effect stage: acks every frame whose Response has `need_ack` set. The stream passes through unchanged;
 * leave the operator out (replay) and nothing is sent.
 */
export function ackWith<T extends InboundResponse | DecodeFailure>(send: SendFn): MonoTypeOperatorFunction<T> {
  return tap((item: T) => {
    if (item.kind !== 'response') return;
    const ack = ackFor(item as InboundResponse);
    if (ack !== undefined) send(ack);
  });
}
