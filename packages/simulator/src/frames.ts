/**
 * Fixed frame bodies the simulator sends. They live apart from `push.ts` so the public declarations never reach
 * the `ws` types the push session is written against (a consumer would need `@types/ws` to type-check them).
 */

/**
 * The server's answer to a heartbeat (§4.3): a gzip member of two empty deflate blocks, byte for byte as
 * captured in 2026.
 */
export const EMPTY_GZIP_BODY: Uint8Array = Uint8Array.from(
  Buffer.from('1f8b08000000000000ff000000ffff010000ffff0000000000000000', 'hex'),
);

/** What `garbageEvery` sends: a varint tag with the invalid wire type 7, so no protobuf decoder accepts it. */
export const GARBAGE_FRAME: Uint8Array = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f, 0x00);
