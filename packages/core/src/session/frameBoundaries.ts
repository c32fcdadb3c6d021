/** The longest WebSocket frame header: 2 bytes, an 8-byte extended length and a 4-byte masking key (RFC 6455 §5.2). */
const MAX_HEADER_BYTES = 14;
/** 2³², for the 64-bit extended payload length. */
const TWO_POW_32 = 0x1_0000_0000;

/**
 * Where a WebSocket byte stream stands (RFC 6455 §5.2), fed the same chunks as the WebSocket's own parser: whether
 * the last chunk ended between frames with no message left open. Only then has a parser that delivers each
 * complete message synchronously kept nothing of the chunk (a frame cut by the chunk's end waits for its rest, and
 * a fragmented message keeps its first parts until its last one arrives).
 */
export class FrameBoundaries {
  /** The current frame's header bytes so far (0 between frames and inside a payload). */
  private readonly header = new Uint8Array(MAX_HEADER_BYTES);
  private headerFill = 0;
  /** Payload bytes of the current frame still to come. */
  private payloadLeft = 0;
  /** True from a data frame without FIN to the continuation frame with it. */
  private fragmented = false;

  /** True when everything fed so far ended on a frame boundary, outside a fragmented message. */
  get atBoundary(): boolean {
    return this.headerFill === 0 && this.payloadLeft === 0 && !this.fragmented;
  }

  /** Follows the stream over `chunk`; returns {@link FrameBoundaries.atBoundary} after it. */
  feed(chunk: Uint8Array): boolean {
    const n = chunk.length;
    let pos = 0;
    while (pos < n) {
      if (this.payloadLeft > 0) {
        const take = Math.min(this.payloadLeft, n - pos);
        pos += take;
        this.payloadLeft -= take;
        continue;
      }
      this.header[this.headerFill++] = chunk[pos++]!;
      if (this.headerFill < this.headerBytes()) continue;
      this.startPayload();
    }
    return this.atBoundary;
  }

  /** The current header's full length, as far as its first two bytes tell (2 until they are in). */
  private headerBytes(): number {
    if (this.headerFill < 2) return 2;
    const b1 = this.header[1]!;
    const length7 = b1 & 0x7f;
    return 2 + (length7 === 126 ? 2 : length7 === 127 ? 8 : 0) + (b1 & 0x80 ? 4 : 0);
  }

  /** A header is complete: note the frame's payload length and whether it opens or closes a fragmented message. */
  private startPayload(): void {
    const h = this.header;
    const fin = (h[0]! & 0x80) !== 0;
    const opcode = h[0]! & 0x0f;
    const length7 = h[1]! & 0x7f;
    let length = length7;
    if (length7 === 126) length = (h[2]! << 8) | h[3]!;
    else if (length7 === 127) {
      length = (((h[2]! << 24) | (h[3]! << 16) | (h[4]! << 8) | h[5]!) >>> 0) * TWO_POW_32;
      length += ((h[6]! << 24) | (h[7]! << 16) | (h[8]! << 8) | h[9]!) >>> 0;
    }
    // Data frames (text 1, binary 2) and continuations (0) open or close a message; control frames (8+) do neither.
    if (opcode < 8) this.fragmented = !fin;
    this.headerFill = 0;
    this.payloadLeft = length;
  }
}
