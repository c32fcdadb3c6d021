import { DouyinLiveError, ErrorCodes } from '../errors.js';
import { methodTypes, type KnownMethod } from '../gen/douyin.js';
import type * as wire from '../gen/douyin.js';
import type { FrameBody } from '../pipeline/frameBody.js';
import type { DecodeFailure } from '../pipeline/types.js';
import { ProtoReader } from '../wire/reader.js';
import { makeFriendly, METHOD_ENTRIES } from './toFriendly.js';
import type { LiveMessage, UnknownMessage } from './types.js';

/** True when the schema knows `method`. */
export function isKnownMethod(method: string): method is KnownMethod {
  return Object.hasOwn(methodTypes, method);
}

/**
 * One message as it came out of a Response, not yet decoded: `method`, `msgId` and the payload bytes. Its
 * payload is decoded at most once, on the first {@link MessageEnvelope.decode} call, so streams that only
 * want some methods never pay for the others.
 */
export class MessageEnvelope {
  readonly kind = 'envelope';
  /** Log id of the frame that carried it. */
  readonly logId: string;
  readonly #message: wire.Message;
  readonly #body: FrameBody | undefined;
  #decoded: LiveMessage | DecodeFailure | undefined;

  /**
   * `body` is the frame body whose bytes `raw.payload` is a view of, when it is not yet the frame's own (the
   * pipeline's envelopes; see pipeline/frameBody.ts).
   */
  constructor(raw: wire.Message, logId: string, body?: FrameBody) {
    this.#message = raw;
    this.logId = logId;
    this.#body = body;
  }

  /** The decoded `Message` wire object (its payload the frame's own bytes). */
  get raw(): wire.Message {
    this.#body?.own();
    return this.#message;
  }

  /** The message's method, e.g. `WebcastChatMessage`. */
  get method(): string {
    return this.#message.method;
  }

  /** The message id (64-bit, as a string). */
  get msgId(): string {
    return this.#message.msgId;
  }

  /** The undecoded payload. */
  get payload(): Uint8Array {
    return this.raw.payload;
  }

  /** Decodes the payload by method (memoised): a typed message, an {@link UnknownMessage}, or a failure value. */
  decode(): LiveMessage | DecodeFailure {
    return (this.#decoded ??= decodeEnvelope(this.#message, this.#body));
  }
}

/**
 * Decodes one envelope's payload according to its method. Never throws. Only the fields the friendly message
 * reads are decoded (the rest of the payload is validated); `raw` is decoded in full when first read. `body` is
 * the frame body `raw.payload` is a view of while it is not the frame's own (see pipeline/frameBody.ts).
 */
export function decodeEnvelope(raw: wire.Message, body?: FrameBody): LiveMessage | DecodeFailure {
  const method = raw.method;
  // One Map lookup finds the picker and the class (and rules out unknown methods).
  const entry = METHOD_ENTRIES.get(method);
  try {
    if (entry === undefined) {
      // The payload is kept: it must be bytes of its own, not a view of a buffer the next frame reuses.
      body?.own();
      const unknown: UnknownMessage = {
        kind: 'message',
        method,
        unknown: true,
        msgId: raw.msgId,
        payload: raw.payload,
      };
      return unknown;
    }
    body?.readable();
  } catch (cause) {
    return frameLost(cause);
  }
  try {
    const payload = raw.payload;
    const reader = new ProtoReader(payload);
    const fields = entry.pick(reader, reader.len);
    reader.endAt(reader.len);
    return makeFriendly(entry, fields, raw.msgId, raw, body, undefined) as LiveMessage;
  } catch (cause) {
    try {
      body?.own();
    } catch (lost) {
      return frameLost(lost);
    }
    return {
      kind: 'decode-failure',
      stage: 'message',
      error: new DouyinLiveError(
        ErrorCodes.MESSAGE_DECODE_FAILED,
        `${method} payload did not decode: ${(cause as Error).message}`,
        { bytes: raw.payload, method, msgId: raw.msgId },
        { cause },
      ),
    };
  }
}

/** The failure value for a frame whose bytes could not be read again (see FrameBody: its input was changed). */
function frameLost(cause: unknown): DecodeFailure {
  if (cause instanceof DouyinLiveError) return { kind: 'decode-failure', stage: 'gzip', error: cause };
  throw cause;
}
