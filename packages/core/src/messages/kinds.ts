/**
 * Message kinds by name (`chat`, `gift`, ...): what `--only chat,gift` and the relay's `?only=` select.
 */
import { DouyinLiveError, ErrorCodes } from '../errors.js';

/** Message kinds by the methods they select. */
export const MESSAGE_KINDS: Readonly<Record<string, readonly string[]>> = {
  chat: ['WebcastChatMessage', 'WebcastEmojiChatMessage', 'WebcastScreenChatMessage'],
  gift: ['WebcastGiftMessage'],
  like: ['WebcastLikeMessage'],
  member: ['WebcastMemberMessage'],
  social: ['WebcastSocialMessage'],
  viewers: ['WebcastRoomUserSeqMessage', 'WebcastRoomStatsMessage'],
  control: ['WebcastControlMessage'],
  fansclub: ['WebcastFansclubMessage'],
  room: ['WebcastRoomMessage'],
};

/** The kind name of a method (`chat` for `WebcastChatMessage`), or undefined for methods no kind selects. */
export function kindOfMethod(method: string): string | undefined {
  return KIND_BY_METHOD.get(method);
}

const KIND_BY_METHOD = new Map(
  Object.entries(MESSAGE_KINDS).flatMap(([kind, methods]) => methods.map((m) => [m, kind] as const)),
);

/**
 * Parses a kind list such as `chat,gift` (or full `Webcast…` method names) into a method filter; undefined or
 * empty selects everything. An unknown kind is an `INVALID_ARGUMENT` error naming the known ones.
 */
export function methodFilter(only: string | undefined): ((method: string) => boolean) | undefined {
  if (!only) return undefined;
  const methods = new Set<string>();
  for (const kind of only
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)) {
    const list = MESSAGE_KINDS[kind] ?? (kind.startsWith('Webcast') ? [kind] : undefined);
    if (!list)
      throw new DouyinLiveError(
        ErrorCodes.INVALID_ARGUMENT,
        `unknown kind "${kind}" (one of ${Object.keys(MESSAGE_KINDS).join(', ')}, or a Webcast… method)`,
        { kind },
      );
    for (const m of list) methods.add(m);
  }
  return (method) => methods.has(method);
}
