/** First byte of a final, unfragmented binary frame with no extension bits: FIN (0x80) | opcode 2 (RFC 6455 §5.2). */
const FIN_BINARY = 0x82;
/** Second byte's mask bit: set on client-to-server frames only; a server's masked frame is a protocol error. */
const MASKED = 0x80;
/** 7-bit length value that announces a 16-bit extended length. */
const LENGTH_16 = 126;

/**
 * Hands `take` the payload of each complete server frame at the start of `bytes[0, to)` that is a whole binary
 * message as the server sends every push frame (FIN, opcode 2, no RSV bits, unmasked, under 64 KiB), and stops at
 * the first thing that is not one: a text, control or fragmented frame, a frame cut off by `to`, a 64-bit length.
 * Also stops when `more()` turns false (checked before each frame). `bytes` must start at a frame boundary, outside
 * a fragmented message. Returns where it stopped: the rest is for a full WebSocket parser.
 *
 * Each payload is a view of `bytes`, valid only during the call to `take`.
 */
export function takeBinaryFrames(
  bytes: Uint8Array,
  to: number,
  take: (payload: Uint8Array) => void,
  more: () => boolean,
): number {
  let pos = 0;
  while (to - pos >= 2 && bytes[pos] === FIN_BINARY) {
    const b1 = bytes[pos + 1]!;
    if ((b1 & MASKED) !== 0) break;
    let length = b1;
    let start = pos + 2;
    if (length === LENGTH_16) {
      if (to - pos < 4) break;
      length = (bytes[pos + 2]! << 8) | bytes[pos + 3]!;
      start = pos + 4;
    } else if (length > LENGTH_16) break;
    const end = start + length;
    if (end > to || !more()) break;
    take(bytes.subarray(start, end));
    pos = end;
  }
  return pos;
}
