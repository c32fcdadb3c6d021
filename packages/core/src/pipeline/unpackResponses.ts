import type { OperatorFunction } from 'rxjs';
import { operate, Stage } from './stage.js';
import { DouyinLiveError, ErrorCodes } from '../errors.js';
import type * as wire from '../gen/douyin.js';
import { isGzip, PayloadType } from '../protocol/constants.js';
import { decodeWire } from '../wire/codec.js';
import { FrameBody } from './frameBody.js';
import { FrameResponse } from './frameResponse.js';
import { gunzipShared } from './inflate.js';
import type { DecodedFrame, DecodeFailure, InboundResponse } from './types.js';

/** Payload types whose payload is a Response (the server's `hb` answer is an empty gzipped one). */
const CARRIES_RESPONSE = new Set<string>([PayloadType.MSG, PayloadType.HEARTBEAT]);

/** An {@link InboundResponse} as {@link unpackResponse} makes it: with the body its messages' payloads are views of. */
class UnpackedResponse implements InboundResponse {
  readonly kind = 'response';
  readonly frame: DecodedFrame;
  readonly response: wire.Response | undefined;
  readonly #body: FrameBody | undefined;

  constructor(frame: DecodedFrame, response: wire.Response | undefined, body: FrameBody | undefined) {
    this.frame = frame;
    this.response = response;
    this.#body = body;
  }

  static bodyOf(item: InboundResponse): FrameBody | undefined {
    return #body in item ? (item as UnpackedResponse).#body : undefined;
  }
}

/**
 * The body of a Response made by {@link unpackResponse}: its messages, with payloads readable until the next frame
 * is inflated (see frameBody.ts). Undefined for an InboundResponse made elsewhere (read `response.messages` then).
 */
export function frameBodyOf(item: InboundResponse): FrameBody | undefined {
  return UnpackedResponse.bodyOf(item);
}

/**
 * Inflates (when the payload starts with the gzip magic, whatever the headers claim) and decodes the Response
 * carried by a frame. Frames of other payload types pass with `response: undefined`. The inflated bytes go into a
 * buffer reused from frame to frame; `response.messages` hands out payloads of their own (see frameBody.ts).
 */
export function unpackResponse(frame: DecodedFrame): InboundResponse | DecodeFailure {
  if (!CARRIES_RESPONSE.has(frame.payloadType) || frame.payload.length === 0) {
    return new UnpackedResponse(frame, undefined, undefined);
  }
  const payload = frame.payload;
  let bytes = payload;
  const gzipped = isGzip(payload);
  if (gzipped) {
    try {
      // Synchronous on purpose: frames are small, and a sync pipeline runs in virtual time in marble tests.
      bytes = gunzipShared(payload);
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
    response = decodeWire('Response', bytes);
  } catch (cause) {
    return failure(
      'response',
      ErrorCodes.RESPONSE_DECODE_FAILED,
      `not a Response: ${(cause as Error).message}`,
      frame,
      cause,
    );
  }
  const body = new FrameBody(gzipped ? payload : undefined, bytes);
  body.attach(response.messages);
  return new UnpackedResponse(frame, body.owned ? response : new FrameResponse(response, body), body);
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
  return operate((destination) => new UnpackResponses(destination));
}

class UnpackResponses extends Stage<DecodedFrame | DecodeFailure, InboundResponse | DecodeFailure> {
  next(item: DecodedFrame | DecodeFailure): void {
    if (this.closed) return;
    try {
      this.destination.next(item.kind === 'frame' ? unpackResponse(item) : item);
    } catch (err) {
      this.error(err);
    }
  }
}
