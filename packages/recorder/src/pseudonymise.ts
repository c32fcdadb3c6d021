/**
 * Replaces user identities inside recorded frames with stable pseudonyms, so a recording can be shared as a
 * fixture: PushFrame → gunzip → Response → each message decoded by method → every user's nickname, ids,
 * sec_uid, display id and avatar replaced → re-encoded → re-gzipped. The same input always maps to the same
 * pseudonym within a recording (HMAC-SHA256 under a per-recording random key), so "who said what" survives.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  decodeWire,
  encodeWire,
  isGzip,
  methodTypes,
  PayloadType,
  type wire,
  type WireTypeName,
} from '@douyin-live/core';
import type { RecordedAnchor } from './types.js';

/** Counters of what pseudonymisation touched and what it had to leave alone. */
export interface PseudonymiserStats {
  /** Frames re-encoded with pseudonyms. */
  framesRewritten: number;
  /** Users (and user-like objects) whose identity was replaced. */
  usersReplaced: number;
  /** Messages of a method without a schema, stored as received (they may hold identities). */
  unknownMessages: number;
  /** Frames or messages that did not decode, stored as received. */
  undecodable: number;
}

// Decoded wire objects carry their type's defaults as prototype: that prototype identifies the type.
const USER_PROTO: object = Object.getPrototypeOf(decodeWire('User', new Uint8Array(0))) as object;
const IMAGE_PROTO: object = Object.getPrototypeOf(decodeWire('Image', new Uint8Array(0))) as object;

/** The ids Douyin uses for "nobody" and for every anonymous viewer; kept so masked users stay recognisable. */
const NON_PERSONAL_IDS = new Set(['', '0', '111111']);

// Masked nicknames (`小***`) keep their mask so `isMaskedUser` still recognises them.
const MASKED_NICKNAME = /\*{3,}/;

/** User fields holding a numeric user id (all share one pseudonym space, so `id` and `idStr` still agree). */
const USER_ID_FIELDS = ['id', 'idStr', 'shortId', 'webcastUid', 'specialId'] as const;

/** User fields of free personal text, cleared. */
const USER_CLEARED_TEXT = [
  'signature',
  'birthday',
  'birthdayDescription',
  'telephone',
  'city',
  'locationCity',
  'constellation',
  'remarkName',
  'shareQrcodeUri',
  'bgImgUrl',
  'webRid',
  'verifiedReason',
  'verifiedContent',
  'hotsoonVerifiedReason',
  'desensitizedNickname',
] as const;

/** User sub-objects that identify the account (its own room, Xigua profile, card, location), dropped. */
const USER_DROPPED_OBJECTS = [
  'ownRoom',
  'xiguaInfo',
  'personalCard',
  'poiInfo',
  'authenticationInfo',
  'hostInfo',
  'authorStats',
] as const;

/** Avatar images of a user or user-like object. */
const AVATAR_FIELDS = ['avatarThumb', 'avatarMedium', 'avatarLarge', 'avatarJpg', 'avatar'] as const;

/** Field names that hold a nickname in user-like objects that are not `User` (rank entries, battle users...). */
const NICKNAME_FIELDS = new Set(['nickname', 'nickName', 'userName']);
/** Field names that hold a numeric user id in user-like objects. */
const ID_FIELDS = new Set(['userId', 'userIdStr', 'uid', 'anchorId', 'toUserId', 'fromUserId']);
/** Field names that hold an opaque per-user token. */
const TOKEN_FIELDS = new Set(['secUid', 'openId', 'openIdStr', 'userOpenId']);

type Writable = Record<string, unknown>;

/** Replaces user identities with stable pseudonyms (one instance per recording, one key). */
export class Pseudonymiser {
  /** What has been done so far. */
  readonly stats: PseudonymiserStats = { framesRewritten: 0, usersReplaced: 0, unknownMessages: 0, undecodable: 0 };
  readonly #key: Uint8Array;
  readonly #memo = new Map<string, string>();

  /** @param key HMAC key; random (and never stored) unless given, e.g. for reproducible fixtures. */
  constructor(key: Uint8Array = randomBytes(32)) {
    this.#key = key;
  }

  /** The HMAC of `value` in a namespace, memoised (a room's users repeat constantly). */
  #mac(space: string, value: string): Buffer {
    return createHmac('sha256', this.#key).update(space).update('\0').update(value).digest();
  }

  #memoised(space: string, value: string, make: (mac: Buffer) => string): string {
    const k = `${space}\0${value}`;
    let out = this.#memo.get(k);
    if (out === undefined) {
      out = make(this.#mac(space, value));
      // Bounded: a long session sees many users, and the HMAC is cheap to redo.
      if (this.#memo.size > 100_000) this.#memo.clear();
      this.#memo.set(k, out);
    }
    return out;
  }

  /** A pseudonymous nickname (`user_1a2b3c4d`); a masked one stays masked. */
  nickname(value: string): string {
    if (value === '') return value;
    const name = this.#memoised('nick', value, (mac) => `user_${mac.toString('hex', 0, 4)}`);
    return MASKED_NICKNAME.test(value) ? `${name.slice(0, 7)}***` : name;
  }

  /** A pseudonymous 64-bit id (decimal, 19 digits, below 2^63); "nobody" and anonymous ids are kept. */
  id(value: string): string {
    if (NON_PERSONAL_IDS.has(value)) return value;
    return this.#memoised('id', value, (mac) => {
      // 1e18 + (h mod 8e18) stays within a signed 64-bit field and never collides with the reserved ids.
      const h = mac.readBigUInt64BE(0);
      return String(1_000_000_000_000_000_000n + (h % 8_000_000_000_000_000_000n));
    });
  }

  /** A pseudonymous opaque token in the shape of a sec_uid. */
  token(value: string): string {
    if (value === '') return value;
    return this.#memoised('token', value, (mac) => `MS4wLjABAAAA${mac.toString('base64url', 0, 24)}`);
  }

  /** A pseudonymous display id (the short handle shown on a profile). */
  displayId(value: string): string {
    if (value === '') return value;
    return this.#memoised('display', value, (mac) => `u${mac.toString('hex', 0, 5)}`);
  }

  /** A pseudonymous avatar URL, stable per original URL. */
  avatarUrl(url: string): string {
    if (url === '') return url;
    return `https://avatar.invalid/${this.#memoised('avatar', url, (mac) => mac.toString('hex', 0, 8))}.jpeg`;
  }

  /** A pseudonymous avatar: a URL on a reserved (`.invalid`) host, stable per original image. */
  avatar(image: wire.Image): void {
    const img = image as unknown as Writable;
    const source = image.uri || image.urlList[0] || '';
    if (source === '') return;
    const tag = this.#memoised('avatar', source, (mac) => mac.toString('hex', 0, 8));
    img['uri'] = `avatar/${tag}`;
    img['urlList'] = image.urlList.length > 0 ? [`https://avatar.invalid/${tag}.jpeg`] : image.urlList;
  }

  /** The anchor of a header, pseudonymised like the same user inside the frames. */
  anchor(anchor: RecordedAnchor): RecordedAnchor {
    return {
      nickname: this.nickname(anchor.nickname),
      ...(anchor.id !== undefined ? { id: this.id(anchor.id) } : {}),
      ...(anchor.secUid !== undefined ? { secUid: this.token(anchor.secUid) } : {}),
    };
  }

  /**
   * A recorded frame with every user inside replaced. Frames that do not decode, and frames without a
   * Response (acks, heartbeats, close), come back as they are.
   */
  frame(bytes: Uint8Array): Uint8Array {
    try {
      return this.#frame(bytes);
    } catch {
      // Re-encoding failed on something the decoder accepted: store the frame as received, and count it.
      this.stats.undecodable++;
      return bytes;
    }
  }

  #frame(bytes: Uint8Array): Uint8Array {
    let frame: wire.PushFrame;
    try {
      frame = decodeWire('PushFrame', bytes);
    } catch {
      this.stats.undecodable++;
      return bytes;
    }
    if (frame.payloadType !== PayloadType.MSG || frame.payload.length === 0) return bytes;
    const gzipped = isGzip(frame.payload);
    let response: wire.Response;
    try {
      response = decodeWire('Response', gzipped ? gunzipSync(frame.payload) : frame.payload);
    } catch {
      this.stats.undecodable++;
      return bytes;
    }
    if (response.messages.length === 0) return bytes;
    for (const message of response.messages) {
      const type = (methodTypes as Readonly<Record<string, WireTypeName | undefined>>)[message.method];
      if (type === undefined) {
        this.stats.unknownMessages++;
        continue;
      }
      let decoded: object;
      try {
        decoded = decodeWire(type, message.payload);
      } catch {
        this.stats.undecodable++;
        continue;
      }
      this.walk(decoded);
      // Decoded wire objects are ours to change: the encoder reads own fields and inherited defaults alike.
      (message as unknown as Writable)['payload'] = encodeWire(type, decoded as never);
    }
    const body = encodeWire('Response', response);
    (frame as unknown as Writable)['payload'] = gzipped ? gzipSync(body) : body;
    this.stats.framesRewritten++;
    return encodeWire('PushFrame', frame);
  }

  /**
   * Walks a decoded wire object and replaces identities in place: every `User` (found by its wire type, at any
   * depth: `user`, `toUser`, `operator`, rank `Contributor.user`, text pieces...), and nickname / id fields of
   * user-like objects that are not a `User`.
   */
  walk(value: unknown): void {
    if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return;
    if (Array.isArray(value)) {
      for (const item of value) this.walk(item);
      return;
    }
    const obj = value as Writable;
    if (Object.getPrototypeOf(obj) === USER_PROTO) this.#user(obj as unknown as wire.User);
    else this.#userLike(obj);
    // Only present fields are own properties; defaults sit on the prototype and hold no identities.
    for (const key of Object.keys(obj)) this.walk(obj[key]);
  }

  #user(user: wire.User): void {
    const u = user as unknown as Writable;
    if (user.nickname !== '') u['nickname'] = this.nickname(user.nickname);
    for (const f of USER_ID_FIELDS) {
      const v = user[f];
      if (v !== '' && v !== '0') u[f] = this.id(v);
    }
    if (user.secUid !== '') u['secUid'] = this.token(user.secUid);
    if (user.displayId !== '') u['displayId'] = this.displayId(user.displayId);
    if (user.userOpenId !== '') u['userOpenId'] = this.token(user.userOpenId);
    for (const f of USER_CLEARED_TEXT) if (Object.hasOwn(u, f)) u[f] = '';
    for (const f of USER_DROPPED_OBJECTS) if (Object.hasOwn(u, f)) u[f] = undefined;
    for (const f of AVATAR_FIELDS) {
      const img = u[f];
      if (img !== undefined && Object.getPrototypeOf(img) === IMAGE_PROTO) this.avatar(img as wire.Image);
    }
    this.stats.usersReplaced++;
  }

  #userLike(obj: Writable): void {
    let touched = false;
    for (const key of Object.keys(obj)) {
      const v = obj[key];
      if (typeof v === 'string' && v !== '') {
        if (NICKNAME_FIELDS.has(key)) obj[key] = this.nickname(v);
        else if (ID_FIELDS.has(key)) obj[key] = /^\d+$/.test(v) ? this.id(v) : this.token(v);
        else if (TOKEN_FIELDS.has(key)) obj[key] = this.token(v);
        else if (key === 'displayId') obj[key] = this.displayId(v);
        else if ((AVATAR_FIELDS as readonly string[]).includes(key)) obj[key] = this.avatarUrl(v);
        else continue;
        touched = true;
      } else if ((AVATAR_FIELDS as readonly string[]).includes(key)) {
        if (typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === IMAGE_PROTO) {
          this.avatar(v as wire.Image);
          touched = true;
        }
      }
    }
    if (touched) this.stats.usersReplaced++;
  }
}
