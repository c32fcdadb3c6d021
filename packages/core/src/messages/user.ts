import { inspect } from 'node:util';
import type * as wire from '../gen/douyin.js';
import { decodeWire } from '../wire/codec.js';
import { avatarUrlIn, USER_SLOT, type UserSlot } from './avatar.js';
import type { KnownMethod, User } from './types.js';
import { WireBackedMessage } from './wireBacked.js';

/** The id Douyin gives every anonymous web viewer. */
export const ANONYMOUS_USER_ID = '111111';

// Masked nicknames keep one or two characters and replace the rest with three or more asterisks (`小***`,
// `用户****`).
const MASK = '***';

/** True when the server hid the user's identity (see {@link User.masked}). */
export function isMaskedUser(raw: wire.User): boolean {
  return raw.id === ANONYMOUS_USER_ID || raw.isAnonymous || raw.nickname.includes(MASK);
}

// Stands in for a message that arrives without its user, so `message.user` is always an object.
const NO_USER: wire.User = decodeWire('User', new Uint8Array(0));

/** The message a user came in: its `raw` holds the full wire user, its payload the avatar until then. */
export type UserOwner = WireBackedMessage<KnownMethod>;

/** The wire user at `slot` of a message's full wire object (undefined when absent). */
function userAt(raw: object, slot: UserSlot): wire.User | undefined {
  const holder = raw as { user?: wire.User; toUser?: wire.User };
  return slot === USER_SLOT ? holder.user : holder.toUser;
}

/**
 * A {@link User} whose friendly fields are plain own properties, except two read on first access: `raw`, the full
 * wire user, taken from the full decode of the message it came in (`owner.raw`), and `avatarUrl`, read from the
 * message's payload bytes until then (see avatar.ts). No closure per user: the owner and the user's place in it
 * are two fields. `toJSON` and `util.inspect` show every field in the order of the plain object this class
 * replaced (`avatarUrl` after `gender`, `raw` last), so JSON output is unchanged.
 */
class WireBackedUser implements User {
  readonly id: string;
  readonly secUid: string;
  readonly displayId: string;
  readonly nickname: string;
  readonly masked: boolean;
  readonly gender: number;
  readonly payLevel: number;
  readonly fansClub: { readonly name: string; readonly level: number } | undefined;
  readonly isAdmin: boolean;
  #raw: wire.User | undefined;
  #owner: UserOwner | undefined;
  #slot: UserSlot;
  #avatar: string | undefined;
  #avatarRead = false;

  constructor(fields: wire.User, raw: wire.User | undefined, owner: UserOwner | undefined, slot: UserSlot) {
    const club = fields.fansClub?.data;
    this.id = fields.id !== '0' ? fields.id : fields.idStr || '0';
    this.secUid = fields.secUid;
    this.displayId = fields.displayId;
    this.nickname = fields.nickname;
    this.masked = isMaskedUser(fields);
    this.gender = fields.gender;
    this.payLevel = fields.payGrade ? Number(fields.payGrade.level) : 0;
    this.fansClub = club && club.level > 0 ? { name: club.clubName, level: club.level } : undefined;
    this.isAdmin = fields.userAttr?.isAdmin === true;
    this.#raw = raw;
    this.#owner = owner;
    this.#slot = slot;
  }

  /** The decoded wire object. */
  get raw(): wire.User {
    let raw = this.#raw;
    if (raw === undefined) {
      raw = userAt(this.#owner!.raw, this.#slot) ?? NO_USER;
      this.#raw = raw;
      this.#owner = undefined;
    }
    return raw;
  }

  /** First avatar thumbnail URL, if any. */
  get avatarUrl(): string | undefined {
    if (this.#avatarRead) return this.#avatar;
    const owner = this.#owner;
    const payload = owner && this.#raw === undefined ? WireBackedMessage.pendingPayload(owner) : undefined;
    const url =
      payload !== undefined
        ? avatarUrlIn(payload, WireBackedMessage.wireType(owner!), this.#slot)
        : this.raw.avatarThumb?.urlList[0];
    this.#avatar = url;
    this.#avatarRead = true;
    return url;
  }

  /** The plain-object form, `raw` included (last), as JSON has always shown a user. */
  toJSON(): Record<string, unknown> {
    // `raw` first: the avatar then comes from it instead of a scan of the payload.
    const raw = this.raw;
    return {
      id: this.id,
      secUid: this.secUid,
      displayId: this.displayId,
      nickname: this.nickname,
      masked: this.masked,
      gender: this.gender,
      avatarUrl: this.avatarUrl,
      payLevel: this.payLevel,
      fansClub: this.fansClub,
      isAdmin: this.isAdmin,
      raw,
    };
  }

  [inspect.custom](_depth: number, options: object): string {
    return inspect(this.toJSON(), options);
  }
}

/** Builds the friendly {@link User} from its wire object (an absent user becomes one with default fields). */
export function toUser(raw: wire.User = NO_USER): User {
  return new WireBackedUser(raw, raw, undefined, USER_SLOT);
}

/** {@link toUser} for optional fields. */
export function toOptionalUser(raw: wire.User | undefined): User | undefined {
  return raw === undefined ? undefined : new WireBackedUser(raw, raw, undefined, USER_SLOT);
}

/**
 * The friendly {@link User} from a partially decoded wire user (only the fields the friendly ones need); its `raw`
 * is the user at `slot` of `owner.raw`, read on first access (absent there: the default user).
 */
export function userOf(fields: wire.User | undefined, owner: UserOwner, slot: UserSlot): User {
  return new WireBackedUser(fields ?? NO_USER, undefined, owner, slot);
}

/** {@link userOf} for optional fields. */
export function optionalUserOf(fields: wire.User | undefined, owner: UserOwner, slot: UserSlot): User | undefined {
  return fields === undefined ? undefined : new WireBackedUser(fields, undefined, owner, slot);
}
