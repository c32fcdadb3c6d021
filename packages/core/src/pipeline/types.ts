import type { DouyinLiveError } from '../errors.js';
import type * as wire from '../gen/douyin.js';

/** A decoded PushFrame, the outer layer of every WebSocket message. */
export interface DecodedFrame {
  readonly kind: 'frame';
  /** Echoed in the ack (64-bit, as a string). */
  readonly logId: string;
  readonly seqId: string;
  /** `msg`, `hb`, `ack` or `close`. */
  readonly payloadType: string;
  /** Headers as a map (`compress_type`, `im-cursor`, `im-internal_ext`, `im-now`, ...). */
  readonly headers: Readonly<Record<string, string>>;
  /** The payload exactly as received (gzip or plain). */
  readonly payload: Uint8Array;
  /** The decoded wire object. */
  readonly raw: wire.PushFrame;
}

/** A frame together with the Response its payload carried (undefined for frames without one, e.g. `close`). */
export interface InboundResponse {
  readonly kind: 'response';
  readonly frame: DecodedFrame;
  readonly response: wire.Response | undefined;
}

/** Where in the pipeline a decode failed. */
export type DecodeStage = 'frame' | 'gzip' | 'response' | 'message';

/**
 * A frame, payload or message that failed to decode, as a value in the stream: the stream goes on and the
 * raw bytes travel with the error (`error.context.bytes`).
 */
export interface DecodeFailure {
  readonly kind: 'decode-failure';
  readonly stage: DecodeStage;
  readonly error: DouyinLiveError;
}

/** True for a {@link DecodeFailure} item. */
export function isDecodeFailure(value: unknown): value is DecodeFailure {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'decode-failure';
}
