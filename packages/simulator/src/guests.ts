/**
 * What an anonymous viewer (no `sessionid` cookie) gets: the same messages with every sender masked the way
 * Douyin masks them (`小***`, user id 111111), and, by option, no gifts (§1.2, §6).
 */
import { methodTypes, type KnownMethod, type wire, ANONYMOUS_USER_ID, decodeWire, encodeWire } from '@douyin-live/core';
import type { BuiltMessage } from '@douyin-live/testing';

/** Method of gift messages (withheld from guests by option). */
export const GIFT_METHOD = 'WebcastGiftMessage';

/** A nickname as guests see it: the first character and three asterisks. */
export function maskNickname(nickname: string): string {
  const first = Array.from(nickname)[0] ?? '';
  return `${first}***`;
}

/**
 * The message as a guest receives it: its `user` re-encoded masked. Messages without a user, of unknown methods
 * or that do not decode are returned unchanged.
 */
export function maskMessage(message: BuiltMessage): BuiltMessage {
  if (!Object.hasOwn(methodTypes, message.method)) return message;
  const type = methodTypes[message.method as KnownMethod];
  let decoded: { user?: wire.User };
  try {
    decoded = decodeWire(type, message.payload) as { user?: wire.User };
  } catch {
    return message;
  }
  const user = decoded.user;
  if (user === undefined || !Object.hasOwn(decoded, 'user')) return message;
  // Decoded objects keep their defaults on a shared prototype, so the mask is layered on top, never spread.
  const masked = Object.create(user) as wire.User;
  masked.nickname = maskNickname(user.nickname);
  masked.id = ANONYMOUS_USER_ID;
  masked.idStr = ANONYMOUS_USER_ID;
  masked.secUid = '';
  masked.displayId = '';
  decoded.user = masked;
  return { method: message.method, msgId: message.msgId, payload: encodeWire(type, decoded as never) };
}
