import type { MonoTypeOperatorFunction, Subscriber } from 'rxjs';
import { operate, Stage } from './stage.js';
import { FrameHeader } from '../protocol/constants.js';
import type { DecodeFailure, InboundResponse } from './types.js';

/** Sends bytes to the server (a WebSocket's binary send, a recorder's spy, or a no-op in replay). */
export type SendFn = (bytes: Uint8Array) => void;

// PushFrame tags of the three fields an ack carries: log_id (2, varint), payload_type (7), payload (8).
const TAG_LOG_ID = 0x10;
const TAG_PAYLOAD_TYPE = 0x3a;
const TAG_PAYLOAD = 0x42;
const TWO_32 = 4294967296;
const MASK_32 = 0xffffffffn;
// Longest decimal text of a 64-bit log id (2^64 - 1 has 20 digits).
const MAX_LOG_ID_DIGITS = 20;
const CHAR_0 = 0x30;
const CHAR_9 = 0x39;

// Buffer's native writers without `write`'s argument handling (node's own `write` calls them); `write` where a
// runtime lacks them.
type NativeWrite = (this: Buffer, text: string, offset: number) => number;
const nativeBuffer = Buffer.prototype as unknown as { utf8Write?: NativeWrite; latin1Write?: NativeWrite };
const utf8Write: (out: Buffer, text: string, at: number) => void =
  typeof nativeBuffer.utf8Write === 'function'
    ? (out, text, at) => nativeBuffer.utf8Write!.call(out, text, at)
    : (out, text, at) => out.write(text, at, 'utf8');
const latin1Write: (out: Buffer, text: string, at: number) => void =
  typeof nativeBuffer.latin1Write === 'function'
    ? (out, text, at) => nativeBuffer.latin1Write!.call(out, text, at)
    : (out, text, at) => out.write(text, at, 'latin1');

/** Bytes of a varint of `n` (< 2^32). */
function varintSize(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}

// The log id of the ack being encoded, as two unsigned 32-bit halves (set by logIdHalves).
let logLo = 0;
let logHi = 0;

/**
 * Splits the decimal text of a log id into {@link logLo} and {@link logHi}, as `BigInt.asUintN(64, BigInt(logId))`
 * would: plain digit strings (what the decoder makes) digit by digit in doubles, anything else through BigInt (which
 * accepts and rejects exactly what it did before).
 */
function logIdHalves(logId: string): void {
  const n = logId.length;
  if (n === 0 || n > MAX_LOG_ID_DIGITS) return logIdHalvesBig(logId);
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < n; i++) {
    const c = logId.charCodeAt(i);
    if (c < CHAR_0 || c > CHAR_9) return logIdHalvesBig(logId);
    // (hi, lo) * 10 + digit: lo * 10 + 9 and hi * 10 + carry stay below 2^36 (exact); >>> 0 keeps them mod 2^32.
    const x = lo * 10 + (c - CHAR_0);
    hi = (hi * 10 + ((x / TWO_32) | 0)) >>> 0;
    lo = x >>> 0;
  }
  logLo = lo;
  logHi = hi;
}

/** {@link logIdHalves} through BigInt, for text that is not 1 to 20 plain digits ('' is 0; bad text throws). */
function logIdHalvesBig(logId: string): void {
  const v = BigInt.asUintN(64, BigInt(logId));
  logLo = Number(v & MASK_32);
  logHi = Number(v >> 32n);
}

/**
 * Encodes the ack `PushFrame{log_id, payload_type: "ack", payload}` into one exactly sized buffer: the same bytes as
 * `encodeWire('PushFrame', …)` (replay compares them), without a growable writer, BigInt or a copy, on every frame.
 * An all-ASCII internal_ext (every real one) is copied in as Latin-1, which is its UTF-8 form.
 */
function encodeAck(logId: string, internalExt: string): Uint8Array {
  logIdHalves(logId);
  let lo = logLo;
  let hi = logHi;
  let idBytes = 0;
  if (lo !== 0 || hi !== 0) {
    // Bits used / 7, rounded up.
    const bits = hi !== 0 ? 64 - Math.clz32(hi) : 32 - Math.clz32(lo);
    idBytes = 1 + Math.max(1, Math.ceil(bits / 7));
  }
  const extBytes = internalExt.length === 0 ? 0 : Buffer.byteLength(internalExt, 'utf8');
  const size = idBytes + 5 + (extBytes > 0 ? 1 + varintSize(extBytes) + extBytes : 0);
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
  // payload_type "ack": tag, length 3, 'a' 'c' 'k'.
  out[pos++] = TAG_PAYLOAD_TYPE;
  out[pos++] = 3;
  out[pos++] = 0x61;
  out[pos++] = 0x63;
  out[pos++] = 0x6b;
  if (extBytes > 0) {
    out[pos++] = TAG_PAYLOAD;
    let n = extBytes;
    while (n > 0x7f) {
      out[pos++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    out[pos++] = n;
    // As many UTF-8 bytes as characters: every character is ASCII.
    if (extBytes === internalExt.length) latin1Write(out, internalExt, pos);
    else utf8Write(out, internalExt, pos);
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
  return operate((destination) => new AckWith<T>(destination, send));
}

class AckWith<T extends InboundResponse | DecodeFailure> extends Stage<T, T> {
  readonly #send: SendFn;

  constructor(destination: Subscriber<T>, send: SendFn) {
    super(destination);
    this.#send = send;
  }

  next(item: T): void {
    if (this.closed) return;
    try {
      if (item.kind === 'response') {
        const ack = ackFor(item as InboundResponse);
        if (ack !== undefined) this.#send(ack);
      }
      this.destination.next(item);
    } catch (err) {
      this.error(err);
    }
  }
}
