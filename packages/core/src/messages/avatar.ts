/**
 * A user's avatar URL read straight from the payload bytes of the message it came in, for users whose `avatarUrl`
 * is first asked for before the message's `raw` was decoded. The picked decode does not build avatars (an `Image`,
 * its URL list and a ~100-byte URL string per user, which most bots never read); it validates them like every
 * other field it skips, so this scan meets only well-formed bytes. It follows the full decoder's rules: of a
 * singular message field that occurs more than once the last occurrence counts, `urlList[0]` is the first URL (the
 * first occurrence), and a field number under another wire type is an unknown field.
 */
import type { WireTypeName } from '../wire/codec.js';
import { encodeWire } from '../wire/codec.js';
import { ProtoReader } from '../wire/reader.js';

/** Where in its message a user sits: `user` or `toUser` (users of `ranks` are made from `raw`). */
export const USER_SLOT = -1;
/** See {@link USER_SLOT}. */
export const TO_USER_SLOT = -2;

/** A user's place in its message. */
export type UserSlot = typeof USER_SLOT | typeof TO_USER_SLOT;

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

/**
 * Moves `r` to the value (length prefix) of the last (`nth` < 0) or the nth (from 0) occurrence of `tag` before
 * `end`; false when there is none.
 */
function seek(r: ProtoReader, end: number, tag: number, nth = -1): boolean {
  let at = -1;
  while (r.pos < end) {
    const t = r.uint32();
    if (t === tag) {
      at = r.pos;
      if (nth-- === 0) return true;
    }
    r.skipTag(t);
  }
  if (at < 0 || nth >= 0) return false;
  r.pos = at;
  return true;
}

/**
 * The first avatar URL of the user at `slot` of a message of wire type `type`, read from the message's payload
 * (already validated by the picked decode); undefined when the user, the avatar or its URL list is absent.
 */
export function avatarUrlIn(payload: Uint8Array, type: WireTypeName, slot: UserSlot): string | undefined {
  const r = new ProtoReader(payload);
  if (!seek(r, r.len, cachedTag(type, slot === USER_SLOT ? 'user' : 'toUser', {}))) return undefined;
  if (!seek(r, r.delimitedEnd(), cachedTag('User', 'avatarThumb', {}))) return undefined;
  // urlList[0]: the first occurrence of the repeated field, read as the full decoder reads strings.
  return seek(r, r.delimitedEnd(), cachedTag('Image', 'urlList', ['-']), 0) ? r.string() : undefined;
}
