/**
 * The inflated Response of one frame, and the wire messages whose payloads are views of it.
 *
 * The per-frame path inflates into one shared buffer (`gunzipShared`): a fresh 5–50 KB buffer per frame was most of
 * the garbage a thousand rooms made. The messages of the frame are decoded from that buffer right away, while it
 * still holds this frame. Whatever outlives the frame reads its bytes through here:
 *
 * - {@link FrameBody.readable} before a read that is done at once (an envelope's decode, an avatar scan). If the
 *   shared buffer has moved on to another frame, the frame is inflated again from its compressed payload, which
 *   the frame already holds.
 * - {@link FrameBody.own} before bytes are handed out to be kept (`response.messages`, `envelope.raw`,
 *   `envelope.payload`, a friendly message's `raw`). The bytes are copied out of the shared buffer while it still
 *   holds this frame, or inflated again otherwise.
 *
 * Either way every message's `payload` is re-pointed at the new bytes. From then on they are the frame's own.
 * Bytes that never came from the shared buffer (a plain payload, a large frame) are the frame's own from the start.
 * The compressed payload is a view of the frame's input; {@link FrameBody.release} copies it when that input is
 * about to be reused (a connection's read buffer).
 */
import { DouyinLiveError, ErrorCodes } from '../errors.js';
import type * as wire from '../gen/douyin.js';
import { gunzip, isShared, sharedWriteCount } from './inflate.js';

/** Marks bytes that are the frame's own (not a view of the shared buffer). */
const OWN = -1;
/** The messages of a body not attached yet (a shared constant: a field initialised to `[]` is an allocation site). */
const NO_MESSAGES: readonly wire.Message[] = Object.freeze([]);

/** A frame's inflated Response bytes, in the shared buffer until {@link FrameBody.own} or a later frame moves them. */
export class FrameBody {
  /**
   * The compressed payload, to inflate again when the shared buffer has moved on (dropped once the bytes are own):
   * a view of the frame, or its bytes as a one-byte string once {@link release} copied them.
   */
  #gzip: Uint8Array | string | undefined;
  #bytes: Uint8Array;
  /** The shared buffer's write count when it held this frame, or {@link OWN}. */
  #written: number;
  #messages: readonly wire.Message[] = NO_MESSAGES;

  /** `bytes` inflated from `gzip` (or the plain payload itself, `gzip` undefined). */
  constructor(gzip: Uint8Array | undefined, bytes: Uint8Array) {
    const shared = gzip !== undefined && isShared(bytes);
    this.#gzip = shared ? gzip : undefined;
    this.#bytes = bytes;
    this.#written = shared ? sharedWriteCount() : OWN;
  }

  /** False while the bytes are a view of the shared buffer. */
  get owned(): boolean {
    return this.#written === OWN;
  }

  /** The wire messages decoded from the bytes, without making the bytes own (internal: see the module doc). */
  get messages(): readonly wire.Message[] {
    return this.#messages;
  }

  /** Records the messages decoded from the bytes (their payloads are views of them). */
  attach(messages: readonly wire.Message[]): void {
    this.#messages = messages;
  }

  /**
   * Called when the frame's input bytes are about to be reused (a connection's read buffer): copies the compressed
   * payload, which a later read of this frame inflates again, unless the bytes are already the frame's own. The copy
   * is a one-byte string (latin1: one char per byte) on the JS heap, not a buffer: no external memory per frame.
   */
  release(): void {
    const gzip = this.#gzip;
    if (this.#written !== OWN && gzip instanceof Uint8Array) this.#gzip = latin1(gzip);
  }

  /** Makes the bytes readable now: inflated again (then own) if the shared buffer holds another frame by now. */
  readable(): void {
    if (this.#written !== OWN && this.#written !== sharedWriteCount()) this.#repoint(this.#inflateAgain());
  }

  /** Makes the bytes the frame's own, so that views of them stay valid whatever is inflated next. */
  own(): void {
    if (this.#written === OWN) return;
    if (this.#written === sharedWriteCount()) {
      const copy = Buffer.allocUnsafe(this.#bytes.length);
      copy.set(this.#bytes);
      this.#repoint(copy);
    } else this.#repoint(this.#inflateAgain());
  }

  /**
   * The frame inflated again from its compressed payload. It inflated before, so it only fails if the input bytes
   * were changed since (a transport that reuses its buffers): a typed error then, not another frame's bytes.
   */
  #inflateAgain(): Uint8Array {
    const kept = this.#gzip!;
    const gzip = typeof kept === 'string' ? Buffer.from(kept, 'latin1') : kept;
    let bytes: Uint8Array | undefined;
    let cause: unknown;
    try {
      bytes = gunzip(gzip);
    } catch (error) {
      cause = error;
    }
    if (bytes === undefined || bytes.length !== this.#bytes.length) {
      throw new DouyinLiveError(
        ErrorCodes.GZIP_FAILED,
        "a frame's payload no longer inflates to what it did: were its input bytes changed after decoding?",
        { bytes: gzip },
        { cause },
      );
    }
    return bytes;
  }

  /** Moves every message's payload view from the current bytes to the same place in `next` (the frame's own). */
  #repoint(next: Uint8Array): void {
    const from = this.#bytes;
    for (const m of this.#messages) {
      const p = m.payload;
      if (p.buffer === from.buffer && p.length > 0) {
        const at = p.byteOffset - from.byteOffset;
        m.payload = next.subarray(at, at + p.length);
      }
    }
    this.#bytes = next;
    this.#written = OWN;
    this.#gzip = undefined;
  }
}

/** `bytes` as a string of one char per byte. */
function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}
