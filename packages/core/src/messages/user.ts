import { inspect } from 'node:util';
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

/** The wire user itself, or how to get it when it is first asked for. */
type UserSource = wire.User | (() => wire.User | undefined);

/**
 * A {@link User} whose friendly fields are plain own properties and whose `raw` is produced on first access (the
 * full wire decode of the message it came from). `toJSON`, spread-free JSON and `util.inspect` show `raw` last,
 * exactly where the plain object it replaces had it.
 */
class WireBackedUser implements User {
  readonly id: string;
  readonly secUid: string;
  readonly displayId: string;
  readonly nickname: string;
  readonly masked: boolean;
  readonly gender: number;
  readonly avatarUrl: string | undefined;
  readonly payLevel: number;
  readonly fansClub: { readonly name: string; readonly level: number } | undefined;
  readonly isAdmin: boolean;
  #source: UserSource;

  constructor(fields: wire.User, source: UserSource) {
    const club = fields.fansClub?.data;
    this.id = fields.id !== '0' ? fields.id : fields.idStr || '0';
    this.secUid = fields.secUid;
    this.displayId = fields.displayId;
    this.nickname = fields.nickname;
    this.masked = isMaskedUser(fields);
    this.gender = fields.gender;
    this.avatarUrl = fields.avatarThumb?.urlList[0];
    this.payLevel = fields.payGrade ? Number(fields.payGrade.level) : 0;
    this.fansClub = club && club.level > 0 ? { name: club.clubName, level: club.level } : undefined;
    this.isAdmin = fields.userAttr?.isAdmin === true;
    this.#source = source;
  }

  /** The decoded wire object. */
  get raw(): wire.User {
    const source = this.#source;
    if (typeof source !== 'function') return source;
    const raw = source() ?? NO_USER;
    this.#source = raw;
    return raw;
  }

  /** The plain-object form, `raw` included (last), as JSON has always shown a user. */
  toJSON(): Record<string, unknown> {
    return { ...this, raw: this.raw } as unknown as Record<string, unknown>;
  }

  [inspect.custom](_depth: number, options: object): string {
    return inspect(this.toJSON(), options);
  }
}

/** Builds the friendly {@link User} from its wire object (an absent user becomes one with default fields). */
export function toUser(raw: wire.User = NO_USER): User {
  return new WireBackedUser(raw, raw);
}

/** {@link toUser} for optional fields. */
export function toOptionalUser(raw: wire.User | undefined): User | undefined {
  return raw === undefined ? undefined : toUser(raw);
}

/**
 * The friendly {@link User} from a partially decoded wire user (only the fields the friendly ones need); `raw`
 * calls `resolve` on first access for the full wire object (undefined there means "absent": the default user).
 */
export function toUserFrom(fields: wire.User | undefined, resolve: () => wire.User | undefined): User {
  return new WireBackedUser(fields ?? NO_USER, resolve);
}

/** {@link toUserFrom} for optional fields. */
export function toOptionalUserFrom(
  fields: wire.User | undefined,
  resolve: () => wire.User | undefined,
): User | undefined {
  return fields === undefined ? undefined : new WireBackedUser(fields, resolve);
}
