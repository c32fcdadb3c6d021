/**
 * A user's avatar URL read straight from the payload bytes of the message it came in, for users whose `avatarUrl`
 * is first asked for before the message's `raw` was decoded. The picked decode does not build avatars (an `Image`,
 * its URL list and a ~100-byte URL string per user, which most bots never read); it validates them like every
 * other field it skips, so this scan meets only well-formed bytes. It follows the full decoder's rules: of a
 * singular message field that occurs more than once the last occurrence counts, the n-th element of a repeated
 * one is its n-th occurrence, `urlList[0]` is the first URL, and a field number under another wire type is an
 * unknown field.
 */
import type { WireTypeName } from '../wire/codec.js';
import { encodeWire } from '../wire/codec.js';
import { ProtoReader } from '../wire/reader.js';

/** Where in its message a user sits: `user`, `toUser`, or (0 and up) the user of `ranks[slot]`. */
export const USER_SLOT = -1;
/** See {@link USER_SLOT}. */
export const TO_USER_SLOT = -2;

/** The element type of `ranks` in the message types that have one. */
const RANK_TYPES: Partial<Record<WireTypeName, WireTypeName>> = {
  RoomUserSeqMessage: 'Contributor',
  RoomRankMessage: 'RoomRank',
};

/** The tag the generated encoder writes for `field` of `type` (field numbers come from the schema, not from here). */
function tagOf(type: WireTypeName, field: string, value: unknown): number {
  return new ProtoReader(encodeWire(type, { [field]: value } as never)).uint32();
}

const tags = new Map<string, number>();

function cachedTag(type: WireTypeName, field: string, value: unknown): number {
  const key = `${type}.${field}`;
  let tag = tags.get(key);
  if (tag === undefined) tags.set(key, (tag = tagOf(type, field, value)));
  return tag;
}

// Scanning state (module slots, so a lookup allocates nothing): the read position, and the end of the field that
// the last findLast / findNth found.
let pos = 0;
let foundEnd = 0;

/** Reads a varint at `pos` as the reader's uint32 does: its low 32 bits (the bytes are known to be well formed). */
function varint(buf: Uint8Array): number {
  let b = buf[pos++]!;
  if (b < 0x80) return b;
  let v = b & 0x7f;
  let shift = 7;
  do {
    b = buf[pos++]!;
    if (shift < 32) v += (b & 0x7f) * 2 ** shift;
    shift += 7;
  } while (b >= 0x80);
  return v >>> 0;
}

/** Skips the value of a field with wire type `wt` at `pos` (a group up to its matching end). */
function skip(buf: Uint8Array, wt: number): void {
  if (wt === 0) while (buf[pos++]! >= 0x80);
  else if (wt === 2) {
    const n = varint(buf); // read before `pos` (which it moves) is
    pos += n;
  } else if (wt === 1) pos += 8;
  else if (wt === 5) pos += 4;
  else if (wt === 3) {
    // Bounded by the buffer too: validated bytes never need it, but a scan must never spin.
    for (let depth = 1; depth > 0 && pos < buf.length;) {
      const t = varint(buf);
      if ((t & 7) === 3) depth++;
      else if ((t & 7) === 4) depth--;
      else skip(buf, t & 7);
    }
  }
}

/** Start of the last occurrence of length-delimited `tag` in [pos, end), or -1; its end is left in foundEnd. */
function findLast(buf: Uint8Array, end: number, tag: number): number {
  let start = -1;
  while (pos < end) {
    const t = varint(buf);
    if (t !== tag) {
      skip(buf, t & 7);
      continue;
    }
    const n = varint(buf);
    start = pos;
    pos += n;
    foundEnd = pos;
  }
  return start;
}

/** Start of the n-th (from 0) occurrence of length-delimited `tag` in [pos, end), or -1; end in foundEnd. */
function findNth(buf: Uint8Array, end: number, tag: number, n: number): number {
  while (pos < end) {
    const t = varint(buf);
    if (t !== tag) {
      skip(buf, t & 7);
      continue;
    }
    const length = varint(buf);
    if (n-- === 0) {
      foundEnd = pos + length;
      return pos;
    }
    pos += length;
  }
  return -1;
}

/**
 * The first avatar URL of the user at `slot` of a message of wire type `type`, read from the message's payload
 * (already validated by the picked decode); undefined when the user, the avatar or its URL list is absent.
 */
export function avatarUrlIn(payload: Uint8Array, type: WireTypeName, slot: number): string | undefined {
  pos = 0;
  let start: number;
  if (slot === USER_SLOT) start = findLast(payload, payload.length, cachedTag(type, 'user', {}));
  else if (slot === TO_USER_SLOT) start = findLast(payload, payload.length, cachedTag(type, 'toUser', {}));
  else {
    const rankType = RANK_TYPES[type];
    if (rankType === undefined) return undefined;
    start = findNth(payload, payload.length, cachedTag(type, 'ranks', [{}]), slot);
    if (start < 0) return undefined;
    pos = start;
    start = findLast(payload, foundEnd, cachedTag(rankType, 'user', {}));
  }
  if (start < 0) return undefined;
  pos = start;
  start = findLast(payload, foundEnd, cachedTag('User', 'avatarThumb', {}));
  if (start < 0) return undefined;
  pos = start;
  const end = foundEnd;
  const urlTag = cachedTag('Image', 'urlList', ['-']);
  while (pos < end) {
    const t = varint(payload);
    if (t !== urlTag) {
      skip(payload, t & 7);
      continue;
    }
    const n = varint(payload);
    return utf8(payload, pos, pos + n);
  }
  return undefined;
}

/** UTF-8 text of `bytes[start, end)`, invalid sequences as U+FFFD (the reader's `string()` gives the same text). */
function utf8(bytes: Uint8Array, start: number, end: number): string {
  const text = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return text.toString('utf8', start, end);
}
