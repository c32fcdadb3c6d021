import type * as wire from '../gen/douyin.js';
import { decodeWire } from '../wire/codec.js';
import type { User } from './types.js';

/** The id Douyin gives every anonymous web viewer. */
export const ANONYMOUS_USER_ID = '111111';

// Masked nicknames keep one or two characters and replace the rest with asterisks (`小***`, `用户****`).
const MASKED_NICKNAME = /\*{3,}/;

/** True when the server hid the user's identity (see {@link User.masked}). */
export function isMaskedUser(raw: wire.User): boolean {
  return raw.id === ANONYMOUS_USER_ID || raw.isAnonymous || MASKED_NICKNAME.test(raw.nickname);
}

// Stands in for a message that arrives without its user, so `message.user` is always an object.
const NO_USER: wire.User = decodeWire('User', new Uint8Array(0));

/** Builds the friendly {@link User} from its wire object (an absent user becomes one with default fields). */
export function toUser(raw: wire.User = NO_USER): User {
  const club = raw.fansClub?.data;
  return {
    id: raw.id !== '0' ? raw.id : raw.idStr || '0',
    secUid: raw.secUid,
    displayId: raw.displayId,
    nickname: raw.nickname,
    masked: isMaskedUser(raw),
    gender: raw.gender,
    avatarUrl: raw.avatarThumb?.urlList[0],
    payLevel: raw.payGrade ? Number(raw.payGrade.level) : 0,
    fansClub: club && club.level > 0 ? { name: club.clubName, level: club.level } : undefined,
    isAdmin: raw.userAttr?.isAdmin === true,
    raw,
  };
}

/** {@link toUser} for optional fields. */
export function toOptionalUser(raw: wire.User | undefined): User | undefined {
  return raw === undefined ? undefined : toUser(raw);
}
