import { map, type OperatorFunction } from 'rxjs';
import { DouyinLiveError, ErrorCodes } from '../errors.js';
import type * as wire from '../gen/douyin.js';
import { isGzip, PayloadType } from '../protocol/constants.js';
import { decodeWire } from '../wire/codec.js';
import { gunzip } from './inflate.js';
import type { DecodedFrame, DecodeFailure, InboundResponse } from './types.js';

/** Payload types whose payload is a Response (the server's `hb` answer is an empty gzipped one). */
const CARRIES_RESPONSE = new Set<string>([PayloadType.MSG, PayloadType.HEARTBEAT]);

/**
 * Inflates (when the payload starts with the gzip magic, whatever the headers claim) and decodes the Response
 * carried by a frame. Frames of other payload types pass with `response: undefined`.
 */
export function unpackResponse(frame: DecodedFrame): InboundResponse | DecodeFailure {
  if (!CARRIES_RESPONSE.has(frame.payloadType) || frame.payload.length === 0) {
    return { kind: 'response', frame, response: undefined };
  }
  let body = frame.payload;
  if (isGzip(body)) {
    try {
      // Synchronous on purpose: frames are small, and a sync pipeline runs in virtual time in marble tests.
      body = gunzip(body);
    } catch (cause) {
      return failure(
        'gzip',
        ErrorCodes.GZIP_FAILED,
        `gzip payload did not inflate: ${(cause as Error).message}`,
        frame,
        cause,
      );
    }
  }
  let response: wire.Response;
  try {
    response = decodeWire('Response', body);
  } catch (cause) {
    return failure(
      'response',
      ErrorCodes.RESPONSE_DECODE_FAILED,
      `not a Response: ${(cause as Error).message}`,
      frame,
      cause,
    );
  }
  return { kind: 'response', frame, response };
}

function failure(
  stage: 'gzip' | 'response',
  code: typeof ErrorCodes.GZIP_FAILED | typeof ErrorCodes.RESPONSE_DECODE_FAILED,
  message: string,
  frame: DecodedFrame,
  cause: unknown,
): DecodeFailure {
  return {
    kind: 'decode-failure',
    stage,
    error: new DouyinLiveError(code, message, { bytes: frame.payload, logId: frame.logId }, { cause }),
  };
}

/** Stage 2: decoded frames → frames with their Response (failures pass through unchanged). */
export function unpackResponses(): OperatorFunction<DecodedFrame | DecodeFailure, InboundResponse | DecodeFailure> {
  return map((item) => (item.kind === 'frame' ? unpackResponse(item) : item));
}
