import { DouyinLiveError, ErrorCodes } from '../errors.js';
import { methodTypes, type KnownMethod } from '../gen/douyin.js';
import type * as wire from '../gen/douyin.js';
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
  #decoded: LiveMessage | DecodeFailure | undefined;

  constructor(
    /** The decoded `Message` wire object. */
    readonly raw: wire.Message,
    /** Log id of the frame that carried it. */
    readonly logId: string,
  ) {}

  /** The message's method, e.g. `WebcastChatMessage`. */
  get method(): string {
    return this.raw.method;
  }

  /** The message id (64-bit, as a string). */
  get msgId(): string {
    return this.raw.msgId;
  }

  /** The undecoded payload. */
  get payload(): Uint8Array {
    return this.raw.payload;
  }

  /** Decodes the payload by method (memoised): a typed message, an {@link UnknownMessage}, or a failure value. */
  decode(): LiveMessage | DecodeFailure {
    return (this.#decoded ??= decodeEnvelope(this.raw));
  }
}

/**
 * Decodes one envelope's payload according to its method. Never throws. Only the fields the friendly message
 * reads are decoded (the rest of the payload is validated); `raw` is decoded in full when first read.
 */
export function decodeEnvelope(raw: wire.Message): LiveMessage | DecodeFailure {
  const method = raw.method;
  // One Map lookup finds the picker and the class (and rules out unknown methods).
  const entry = METHOD_ENTRIES.get(method);
  if (entry === undefined) {
    const unknown: UnknownMessage = { kind: 'message', method, unknown: true, msgId: raw.msgId, payload: raw.payload };
    return unknown;
  }
  try {
    const payload = raw.payload;
    const reader = new ProtoReader(payload);
    const fields = entry.pick(reader, reader.len);
    reader.endAt(reader.len);
    return makeFriendly(entry, fields, raw.msgId, payload, undefined) as LiveMessage;
  } catch (cause) {
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
