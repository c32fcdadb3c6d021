import type { OperatorFunction } from 'rxjs';
import { operate, Stage } from './stage.js';
import { DouyinLiveError, ErrorCodes } from '../errors.js';
import type * as wire from '../gen/douyin.js';
import { FrameHeader, PayloadType } from '../protocol/constants.js';
import { decodeWire } from '../wire/codec.js';
import { freshList } from '../wire/freshList.js';
import { ProtoReader } from '../wire/reader.js';
import type { DecodedFrame, DecodeFailure } from './types.js';

// The prototypes (the defaults objects) the generated decoder gives a PushFrame and a PushHeader: `raw` is built on
// them, field by field as decodePushFrame builds it, so it is the object decodeWire('PushFrame', bytes) returns.
const ONE_EMPTY_HEADER = decodeWire('PushFrame', Uint8Array.of(0x2a, 0x00));
const PUSH_FRAME_DEFAULTS = Object.getPrototypeOf(ONE_EMPTY_HEADER) as wire.PushFrame;
const PUSH_HEADER_DEFAULTS = Object.getPrototypeOf(ONE_EMPTY_HEADER.headers[0]) as wire.PushHeader;

// PushFrame and PushHeader tags, as the generated decoder switches on them.
const TAG_SEQ_ID = 8;
const TAG_LOG_ID = 16;
const TAG_SERVICE = 24;
const TAG_METHOD = 32;
const TAG_HEADER = 42;
const TAG_PAYLOAD_ENCODING = 50;
const TAG_PAYLOAD_TYPE = 58;
const TAG_PAYLOAD = 66;
const TAG_LOG_ID_NEW = 74;
const TAG_HEADER_KEY = 10;
const TAG_HEADER_VALUE = 18;

/** Strings a frame field takes on (nearly) every frame, with their bytes: read by comparing, not by decoding. */
interface KnownStrings {
  readonly strings: readonly string[];
  readonly bytes: readonly Uint8Array[];
}

function knownStrings(strings: readonly string[]): KnownStrings {
  return { strings, bytes: strings.map((s) => Buffer.from(s, 'latin1')) };
}

// The header keys the server sends, the payload types and the payload encoding ('pb'): real rooms repeat exactly
// these on every frame.
const KNOWN_KEYS = knownStrings(Object.values(FrameHeader));
const KNOWN_PAYLOAD_TYPES = knownStrings(Object.values(PayloadType));
const KNOWN_ENCODINGS = knownStrings(['pb']);

/** Decodes one raw WebSocket message into a {@link DecodedFrame}, or a {@link DecodeFailure} value. */
export function decodeFrame(bytes: Uint8Array): DecodedFrame | DecodeFailure {
  try {
    return readFrame(bytes);
  } catch (cause) {
    return {
      kind: 'decode-failure',
      stage: 'frame',
      error: new DouyinLiveError(
        ErrorCodes.FRAME_DECODE_FAILED,
        `not a PushFrame: ${(cause as Error).message}`,
        { bytes },
        { cause },
      ),
    };
  }
}

/**
 * `decodeWire('PushFrame', bytes)` and the headers record in one pass: the same reader calls in the same order as
 * the generated decodePushFrame and decodePushHeader (so the same values and the same errors, at the same bytes),
 * with each header written into the record as it is read (no second pass over the PushHeader objects).
 */
function readFrame(bytes: Uint8Array): DecodedFrame {
  const r = new ProtoReader(bytes);
  const end = r.len;
  r.enter();
  const m = Object.create(PUSH_FRAME_DEFAULTS) as wire.PushFrame;
  // A null prototype, as Object.create(null) gives, set before the first key: V8 keeps this one in fast mode, where
  // Object.create(null) makes a dictionary (85 ns against 32 ns for five headers).
  const headers: Record<string, string> = {};
  Object.setPrototypeOf(headers, null);
  while (r.pos < end) {
    const t = r.uint32();
    switch (t) {
      case TAG_SEQ_ID:
        m.seqId = r.uint64();
        break;
      case TAG_LOG_ID:
        m.logId = r.uint64();
        break;
      case TAG_SERVICE:
        m.service = r.int32();
        break;
      case TAG_METHOD:
        m.method = r.int32();
        break;
      case TAG_HEADER: {
        const e = r.delimitedEnd();
        r.enter();
        const h = Object.create(PUSH_HEADER_DEFAULTS) as wire.PushHeader;
        while (r.pos < e) {
          const ht = r.uint32();
          if (ht === TAG_HEADER_KEY) h.key = readString(r, bytes, KNOWN_KEYS);
          else if (ht === TAG_HEADER_VALUE) h.value = r.string();
          else r.skipTag(ht);
        }
        r.leave();
        r.endAt(e);
        (m.headers.length === 0 ? (m.headers = freshList()) : m.headers).push(h);
        headers[h.key] = h.value;
        break;
      }
      case TAG_PAYLOAD_ENCODING:
        m.payloadEncoding = readString(r, bytes, KNOWN_ENCODINGS);
        break;
      case TAG_PAYLOAD_TYPE:
        m.payloadType = readString(r, bytes, KNOWN_PAYLOAD_TYPES);
        break;
      case TAG_PAYLOAD:
        m.payload = r.bytes();
        break;
      case TAG_LOG_ID_NEW:
        m.logIdNew = r.string();
        break;
      default:
        r.skipTag(t);
    }
  }
  r.leave();
  // A field that ran past the end of the input surfaces here, as in decodeWire.
  r.endAt(end);
  return {
    kind: 'frame',
    logId: m.logId,
    seqId: m.seqId,
    payloadType: m.payloadType,
    headers,
    payload: m.payload,
    raw: m,
  };
}

/** A string field: one of `known` when its bytes are one's, else whatever `r.string()` reads. */
function readString(r: ProtoReader, bytes: Uint8Array, known: KnownStrings): string {
  const at = r.pos;
  const n = bytes[at]!;
  // A one-byte length (< 128) that the input holds: compare with the known strings of that length.
  if (n < 0x80 && at + 1 + n <= r.len) {
    const candidates = known.bytes;
    for (let k = 0; k < candidates.length; k++) {
      const candidate = candidates[k]!;
      if (candidate.length !== n) continue;
      let i = 0;
      while (i < n && bytes[at + 1 + i] === candidate[i]) i++;
      if (i === n) {
        r.pos = at + 1 + n;
        return known.strings[k]!;
      }
    }
  }
  return r.string();
}

/** Stage 1: raw WebSocket message bytes → decoded PushFrames (failures as values). */
export function decodeFrames(): OperatorFunction<Uint8Array, DecodedFrame | DecodeFailure> {
  return operate((destination) => new DecodeFrames(destination));
}

class DecodeFrames extends Stage<Uint8Array, DecodedFrame | DecodeFailure> {
  next(bytes: Uint8Array): void {
    if (this.closed) return;
    try {
      this.destination.next(decodeFrame(bytes));
    } catch (err) {
      this.error(err);
    }
  }
}
