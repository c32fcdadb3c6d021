/**
 * The class behind every known friendly message: the friendly fields are plain own properties (set by the
 * mappers in `toFriendly.ts`), `raw` is the full wire decode of the payload, made on first access.
 */
import { inspect } from 'node:util';
import type { KnownMethod, MethodWireMap, WireTypes } from '../gen/douyin.js';
import type { FrameBody } from '../pipeline/frameBody.js';
import { decodeWire, type WireTypeName } from '../wire/codec.js';
import type { MessageBase } from './types.js';

/** What holds a message's payload bytes: its wire `Message` envelope, or any object with the bytes. */
export interface PayloadSource {
  readonly payload: Uint8Array;
}

/** A friendly message whose `raw` is decoded from its payload when first read (then kept). */
export class WireBackedMessage<M extends KnownMethod> implements MessageBase<M> {
  readonly kind = 'message' as const;
  readonly method: M;
  readonly msgId: string;
  readonly roomId: string;
  readonly createTime: number;
  #type: WireTypeName;
  #source: PayloadSource | undefined;
  #body: FrameBody | undefined;
  #raw: MethodWireMap[M] | undefined;
  /** Values of the lazy fields read so far (see LAZY_FIELDS in toFriendly.ts). */
  #lazy: Record<string, unknown> | undefined;

  /**
   * `source.payload` is decoded for `raw` on first access, unless `raw` is given. `body` is the frame body that
   * payload is a view of while it is not the frame's own (see pipeline/frameBody.ts).
   */
  constructor(
    method: M,
    msgId: string,
    roomId: string,
    createTime: number,
    type: WireTypeName,
    source: PayloadSource | undefined,
    body: FrameBody | undefined,
    raw: MethodWireMap[M] | undefined,
  ) {
    this.method = method;
    this.msgId = msgId;
    this.roomId = roomId;
    this.createTime = createTime;
    this.#type = type;
    this.#source = source;
    this.#body = body;
    this.#raw = raw;
  }

  /** The decoded wire object (decoded in full on first access; the payload was validated when the message was made). */
  get raw(): MethodWireMap[M] {
    let raw = this.#raw;
    if (raw === undefined) {
      // `raw` keeps views of the payload (bytes fields): the payload must be the frame's own first.
      this.#body?.own();
      raw = decodeWire(this.#type, this.#source!.payload) as WireTypes[WireTypeName] as MethodWireMap[M];
      this.#raw = raw;
      this.#source = undefined;
      this.#body = undefined;
    }
    return raw;
  }

  /**
   * The payload while `raw` has not been decoded yet (then undefined), readable until the next frame is inflated:
   * what a user of this message reads its avatar URL from (see avatar.ts). Internal.
   */
  static pendingPayload(m: WireBackedMessage<KnownMethod>): Uint8Array | undefined {
    const source = m.#source;
    if (source === undefined) return undefined;
    m.#body?.readable();
    return source.payload;
  }

  /** The value of lazy field `name` of `m`, made from `m.raw` by `make` on first read. Internal. */
  static lazyField(m: WireBackedMessage<KnownMethod>, name: string, make: (raw: object) => unknown): unknown {
    const values = (m.#lazy ??= {});
    if (!(name in values)) values[name] = make(m.raw);
    return values[name];
  }

  /** The wire type of the message's payload. Internal. */
  static wireType(m: WireBackedMessage<KnownMethod>): WireTypeName {
    return m.#type;
  }

  /** The plain-object form, with `raw` right after `createTime` as JSON has always shown a message. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(this)) {
      out[key] = this[key as keyof this];
      if (key === 'createTime') out['raw'] = this.raw;
    }
    return out;
  }

  [inspect.custom](_depth: number, options: object): string {
    return inspect(this.toJSON(), options);
  }
}
