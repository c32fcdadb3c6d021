import { tap, type MonoTypeOperatorFunction } from 'rxjs';
import { FrameHeader, PayloadType } from '../protocol/constants.js';
import type { DecodeFailure, InboundResponse } from './types.js';

/** Sends bytes to the server (a WebSocket's binary send, a recorder's spy, or a no-op in replay). */
export type SendFn = (bytes: Uint8Array) => void;

// PushFrame tags of the three fields an ack carries: log_id (2, varint), payload_type (7), payload (8).
const TAG_LOG_ID = 0x10;
const TAG_PAYLOAD_TYPE = 0x3a;
const TAG_PAYLOAD = 0x42;
const MASK_32 = 0xffffffffn;

/** Bytes of a varint of `n` (< 2^32). */
function varintSize(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}

/**
 * Encodes the ack `PushFrame{log_id, payload_type: "ack", payload}` into one exactly sized buffer: the same bytes as
 * `encodeWire('PushFrame', …)` (replay compares them), without a growable writer, a BigInt per varint byte and
 * two copies, on every frame.
 */
function encodeAck(logId: string, internalExt: string): Uint8Array {
  let lo = 0;
  let hi = 0;
  if (logId !== '0' && logId !== '') {
    const v = BigInt.asUintN(64, BigInt(logId));
    lo = Number(v & MASK_32);
    hi = Number(v >> 32n);
  }
  let idBytes = 0;
  if (lo !== 0 || hi !== 0) {
    // Bits used / 7, rounded up.
    const bits = hi !== 0 ? 64 - Math.clz32(hi) : 32 - Math.clz32(lo);
    idBytes = 1 + Math.max(1, Math.ceil(bits / 7));
  }
  const extBytes = Buffer.byteLength(internalExt, 'utf8');
  const typeBytes = 2 + PayloadType.ACK.length;
  const size = idBytes + typeBytes + (extBytes > 0 ? 1 + varintSize(extBytes) + extBytes : 0);
  const out = Buffer.allocUnsafe(size);
  let pos = 0;
  if (idBytes > 0) {
    out[pos++] = TAG_LOG_ID;
    while (hi !== 0 || lo > 0x7f) {
      out[pos++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    out[pos++] = lo;
  }
  out[pos++] = TAG_PAYLOAD_TYPE;
  out[pos++] = PayloadType.ACK.length;
  pos += out.write(PayloadType.ACK, pos, 'latin1');
  if (extBytes > 0) {
    out[pos++] = TAG_PAYLOAD;
    let n = extBytes;
    while (n > 0x7f) {
      out[pos++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    out[pos++] = n;
    out.write(internalExt, pos, 'utf8');
  }
  return out;
}

/**
 * Builds the ack for a frame whose Response asked for one (§4.4): `PushFrame{log_id, payload_type: "ack",
 * payload: internal_ext}`, taking internal_ext from the `im-internal_ext` header first, the Response second.
 * Returns undefined when no ack is due.
 */
export function ackFor(item: InboundResponse): Uint8Array | undefined {
  const response = item.response;
  if (response === undefined || !response.needAck) return undefined;
  const internalExt = item.frame.headers[FrameHeader.INTERNAL_EXT] ?? response.internalExt;
  return encodeAck(item.frame.logId, internalExt);
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
