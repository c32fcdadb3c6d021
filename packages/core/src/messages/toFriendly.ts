import { methodPickers, methodTypes } from '../gen/douyin.js';
import type * as wire from '../gen/douyin.js';
import type { ProtoReader } from '../wire/reader.js';
import { decodeWire, type WireTypeName } from '../wire/codec.js';
import { CONTROL_ACTION_LIVE_END } from '../protocol/constants.js';
import type { KnownMethod, MessageMap, RankEntry, SocialKind } from './types.js';
import { TO_USER_SLOT, USER_SLOT } from './avatar.js';
import { optionalUserOf, toOptionalUser, userOf } from './user.js';
import type { FrameBody } from '../pipeline/frameBody.js';
import { WireBackedMessage, type PayloadSource } from './wireBacked.js';

/** The envelope facts a mapper needs besides the wire object. */
export interface EnvelopeFacts {
  readonly method: KnownMethod;
  readonly msgId: string;
}

/**
 * Where a message's `raw` comes from: the payload bytes (decoded in full on first access; the mapper was given a
 * partial decode with only the fields it reads) or the full wire object itself.
 */
export type RawSource<M extends KnownMethod> =
  | { readonly payload: Uint8Array; readonly raw?: undefined }
  | { readonly payload?: undefined; readonly raw: wire.MethodWireMap[M] };

const num = Number;

/** The friendly message under construction: its own fields are assigned once, right after the base fields. */
type Building<M extends KnownMethod> = WireBackedMessage<M> & { createTime: number } & {
  -readonly [K in Exclude<keyof MessageMap[M], keyof WireBackedMessage<M>>]: MessageMap[M][K];
};

/**
 * Fills in the fields of one method's friendly message, in the order JSON has always shown them (after the base
 * class' kind, method, msgId, roomId, createTime). Plain stores, each mapper always in the same order, so all
 * messages of a method share one hidden class and each store is monomorphic: no object literal copied in with
 * Object.assign, no closure per user (a user's `raw` is found through the message's `raw`). Mappers read only
 * the fields proto/friendly-fields.json lists (the rest of `f` may be absent).
 */
type Mapper<M extends KnownMethod> = (f: wire.MethodWireMap[M], m: Building<M>) => void;

const SOCIAL_KINDS: Readonly<Record<string, SocialKind>> = { '1': 'follow', '3': 'share' };

const mappers: { [M in KnownMethod]?: Mapper<M> } = {
  WebcastChatMessage: (f, m) => {
    // Chats often carry no common.create_time; event_time (seconds) is set instead.
    if (!m.createTime) m.createTime = num(f.eventTime) * 1000;
    m.user = userOf(f.user, m, USER_SLOT);
    m.content = f.content;
  },
  WebcastGiftMessage: (f, m) => {
    const g = f.gift;
    const giftId = f.giftId !== '0' ? f.giftId : (g?.id ?? '0');
    m.user = userOf(f.user, m, USER_SLOT);
    m.toUser = optionalUserOf(f.toUser, m, TO_USER_SLOT);
    m.giftId = giftId;
    m.gift = {
      id: giftId,
      name: g?.name ?? '',
      diamondCount: g?.diamondCount ?? 0,
      combo: g?.combo ?? false,
      type: g?.type ?? 0,
      imageUrl: g?.image?.urlList[0],
    };
    m.repeatCount = num(f.repeatCount);
    m.comboCount = num(f.comboCount);
    m.groupCount = num(f.groupCount);
    m.groupId = f.groupId;
    m.repeatEnd = f.repeatEnd === 1;
    m.totalCount = num(f.totalCount);
    m.traceId = f.traceId;
  },
  WebcastLikeMessage: (f, m) => {
    m.user = userOf(f.user, m, USER_SLOT);
    m.count = num(f.count);
    m.total = num(f.total);
  },
  WebcastMemberMessage: (f, m) => {
    m.user = userOf(f.user, m, USER_SLOT);
    m.memberCount = num(f.memberCount);
    m.action = num(f.action);
    m.enterType = num(f.enterType);
  },
  WebcastSocialMessage: (f, m) => {
    m.user = userOf(f.user, m, USER_SLOT);
    m.type = SOCIAL_KINDS[f.action] ?? 'other';
    m.action = num(f.action);
    m.followCount = num(f.followCount);
    m.shareType = num(f.shareType);
    m.shareTarget = f.shareTarget;
  },
  WebcastRoomUserSeqMessage: (f, m) => {
    m.total = num(f.total);
    m.totalUser = num(f.totalUser);
    m.totalUserStr = f.totalUserStr;
    m.totalPvForAnchor = f.totalPvForAnchor;
    // `ranks` (up to nine users) is made from `raw` on first read: see LAZY_FIELDS.
  },
  WebcastControlMessage: (f, m) => {
    const action = num(f.action);
    m.action = action;
    // 3 is "live ended" everywhere; dycast's status enum also uses 4 for ended.
    m.liveEnded = action === CONTROL_ACTION_LIVE_END || action === 4;
    m.tips = f.tips;
  },
  WebcastFansclubMessage: (f, m) => {
    m.user = optionalUserOf(f.user, m, USER_SLOT);
    m.action = f.action;
    m.content = f.content;
  },
  WebcastEmojiChatMessage: (f, m) => {
    m.user = userOf(f.user, m, USER_SLOT);
    m.emojiId = f.emojiId;
    m.defaultContent = f.defaultContent;
    m.emojiUrl = f.emojiContent?.pieces[0]?.imageValue?.image?.urlList[0];
  },
  WebcastRoomStatsMessage: (f, m) => {
    m.displayShort = f.displayShort;
    m.displayMiddle = f.displayMiddle;
    m.displayLong = f.displayLong;
    m.displayValue = num(f.displayValue);
    m.total = num(f.total);
  },
  WebcastRoomMessage: (f, m) => {
    m.content = f.content;
    m.roomMessageType = f.roomMessageType;
  },
  WebcastScreenChatMessage: (f, m) => {
    m.user = optionalUserOf(f.user, m, USER_SLOT);
    m.content = f.content;
  },
  WebcastUpdateFanTicketMessage: (f, m) => {
    m.count = num(f.roomFanTicketCount);
    m.countText = f.roomFanTicketCountText;
  },
};

/**
 * Friendly fields made from the full wire object (`raw`) when first read, instead of with the message: lists of
 * users that only leaderboards read. A RoomUserSeqMessage's nine-entry `ranks` held about half of a frame's users
 * (~5 % of the full decode); a viewer-count bot reads `total` and never pays for it now. Each is an own enumerable getter
 * defined after the mapper's fields (see lazyDescriptors), so keys, spreads and JSON are as before.
 */
const LAZY_FIELDS: { [M in KnownMethod]?: Readonly<Record<string, (raw: wire.MethodWireMap[M]) => unknown>> } = {
  WebcastRoomUserSeqMessage: {
    ranks: (raw): RankEntry[] =>
      raw.ranks.map((r) => ({ rank: num(r.rank), score: num(r.score), user: toOptionalUser(r.user) })),
  },
  WebcastRoomRankMessage: {
    ranks: (raw) => raw.ranks.map((r) => ({ user: toOptionalUser(r.user), scoreStr: r.scoreStr })),
  },
};

/** Everything the decode needs about one known method, found with one lookup by method name. */
export interface MethodEntry<M extends KnownMethod = KnownMethod> {
  readonly method: M;
  /** The wire type of the payload. */
  readonly type: WireTypeName;
  /** The generated picker: the fields the friendly message reads, the rest of the payload validated. */
  readonly pick: (r: ProtoReader, end: number) => wire.MethodWireMap[M];
  /** The method's mapper, if it has a friendly shape beyond the base fields. */
  readonly map: Mapper<M> | undefined;
  /** The method's lazy fields (see LAZY_FIELDS), defined on each message after the mapper's fields. */
  readonly lazy: readonly [string, PropertyDescriptor][];
  /**
   * The last message made, which keeps its hidden class alive: V8 holds it only weakly, and a full GC that finds
   * no instance alive drops it and deoptimizes the code that embeds it ('reason: weak objects').
   */
  last: unknown;
}

/** Every known method's entry, by method name (a Map: one hashed lookup, no prototype keys). */
export const METHOD_ENTRIES: ReadonlyMap<string, MethodEntry> = new Map(
  (Object.keys(methodTypes) as KnownMethod[]).map((method) => {
    const entry: MethodEntry = {
      method,
      type: methodTypes[method],
      pick: methodPickers[method] as MethodEntry['pick'],
      map: mappers[method] as Mapper<KnownMethod> | undefined,
      lazy: lazyDescriptors(LAZY_FIELDS[method] as LazyFields | undefined),
      last: undefined,
    };
    return [method, entry];
  }),
);

type LazyFields = Readonly<Record<string, (raw: never) => unknown>>;

/**
 * One property descriptor per lazy field (an enumerable getter, shared by every message of the method, so they keep
 * one hidden class): the field is an own property where the mapper would have stored it, and `Object.keys`,
 * spreads and JSON see it; reading it makes the value from `raw`, once.
 */
function lazyDescriptors(fields: LazyFields | undefined): readonly [string, PropertyDescriptor][] {
  if (fields === undefined) return [];
  return Object.entries(fields).map(([name, make]) => [
    name,
    {
      get(this: WireBackedMessage<KnownMethod>) {
        return WireBackedMessage.lazyField(this, name, make as (raw: object) => unknown);
      },
      enumerable: true,
      configurable: true,
    },
  ]);
}

/**
 * Builds the friendly message of `entry`'s method from its picked (or full) wire object `f`. `raw` is decoded from
 * `source.payload` on first access unless given; `body` is the frame body that payload is a view of while it is
 * not the frame's own (see pipeline/frameBody.ts).
 */
export function makeFriendly<M extends KnownMethod>(
  entry: MethodEntry<M>,
  f: wire.MethodWireMap[M],
  msgId: string,
  source: PayloadSource | undefined,
  body: FrameBody | undefined,
  raw: wire.MethodWireMap[M] | undefined,
): MessageMap[M] {
  const c = (f as { common?: wire.Common }).common;
  if (msgId === '0' && c !== undefined && raw === undefined && source !== undefined) {
    // An envelope without an id (the picked `common` leaves msgId out: real envelopes always carry it). The id is
    // the payload's common.msg_id: decode the payload in full now, and keep that as `raw`.
    body?.own();
    raw = decodeWire(entry.type, source.payload) as wire.MethodWireMap[M];
  }
  const common = raw !== undefined ? (raw as { common?: wire.Common }).common : c;
  const m = new WireBackedMessage<M>(
    entry.method,
    msgId !== '0' ? msgId : (common?.msgId ?? '0'),
    c && c.roomId !== '0' ? c.roomId : '',
    c ? num(c.createTime) : 0,
    entry.type,
    source,
    body,
    raw,
  );
  const map = entry.map;
  if (map !== undefined) map(f, m as Building<M>);
  for (const [name, descriptor] of entry.lazy) Object.defineProperty(m, name, descriptor);
  entry.last = m;
  return m as unknown as MessageMap[M];
}

/**
 * Maps a wire object of `env.method` to its friendly message. `fields` is the full wire object or the partial one
 * from `methodPickers` (the fields the mapper reads); `source` says where `raw` comes from.
 */
export function toFriendly<M extends KnownMethod>(
  fields: wire.MethodWireMap[M],
  env: EnvelopeFacts & { method: M },
  source: RawSource<M> = { raw: fields },
): MessageMap[M] {
  const entry = METHOD_ENTRIES.get(env.method) as unknown as MethodEntry<M>;
  const bytes = source.payload !== undefined ? { payload: source.payload } : undefined;
  return makeFriendly(entry, fields, env.msgId, bytes, undefined, source.raw);
}
