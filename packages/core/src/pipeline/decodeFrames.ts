import { map, type OperatorFunction } from 'rxjs';
import { DouyinLiveError, ErrorCodes } from '../errors.js';
import { decodeWire } from '../wire/codec.js';
import type { DecodedFrame, DecodeFailure } from './types.js';

/** Decodes one raw WebSocket message into a {@link DecodedFrame}, or a {@link DecodeFailure} value. */
export function decodeFrame(bytes: Uint8Array): DecodedFrame | DecodeFailure {
  try {
    const raw = decodeWire('PushFrame', bytes);
    const headers: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const h of raw.headers) headers[h.key] = h.value;
    return {
      kind: 'frame',
      logId: raw.logId,
      seqId: raw.seqId,
      payloadType: raw.payloadType,
      headers,
      payload: raw.payload,
      raw,
    };
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

/** Stage 1: raw WebSocket message bytes → decoded PushFrames (failures as values). */
export function decodeFrames(): OperatorFunction<Uint8Array, DecodedFrame | DecodeFailure> {
  return map(decodeFrame);
}
