import { methodTypes } from '../gen/douyin.js';
import type * as wire from '../gen/douyin.js';
import { CONTROL_ACTION_LIVE_END } from '../protocol/constants.js';
import type { KnownMethod, MessageMap, RankEntry, SocialKind } from './types.js';
import { toOptionalUserFrom as toOptionalUser, toUserFrom as toUser } from './user.js';
import { WireBackedMessage } from './wireBacked.js';

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

type Base<M extends KnownMethod> = WireBackedMessage<M>;

/** Builds the fields every message shares, from the envelope and the message's `common`. */
function base<M extends KnownMethod>(
  env: EnvelopeFacts,
  raw: { common?: wire.Common | undefined },
  source: RawSource<M>,
): Base<M> {
  const common = raw.common;
  const msgId = env.msgId !== '0' ? env.msgId : (common?.msgId ?? '0');
  return new WireBackedMessage<M>(
    env.method as M,
    msgId,
    common && common.roomId !== '0' ? common.roomId : '',
    common ? Number(common.createTime) : 0,
    methodTypes[env.method],
    source.payload,
    source.raw,
  );
}

const num = Number;
// Object.assign rather than `{ ...base(), ... }`: on Node 20 that spread costs microseconds per message, which
// made the friendly mapping slower than decoding itself (see docs/performance.md).

const SOCIAL_KINDS: Readonly<Record<string, SocialKind>> = { '1': 'follow', '3': 'share' };

/** Mappers read only the fields proto/friendly-fields.json lists (the rest of `raw` may be absent). */
type Mapper<M extends KnownMethod> = (raw: wire.MethodWireMap[M], b: Base<M>) => MessageMap[M];

/** Hand-made mappers, one per method with a friendly shape; users' `raw` resolves through the message's `raw`. */
const mappers: { [M in KnownMethod]?: Mapper<M> } = {
  WebcastChatMessage: (raw, b) => {
    // Chats often carry no common.create_time; event_time (seconds) is set instead.
    const createTime = b.createTime || num(raw.eventTime) * 1000;
    return Object.assign(b, { createTime, user: toUser(raw.user, () => b.raw.user), content: raw.content });
  },
  WebcastGiftMessage: (raw, b) => {
    const g = raw.gift;
    const giftId = raw.giftId !== '0' ? raw.giftId : (g?.id ?? '0');
    return Object.assign(b, {
      user: toUser(raw.user, () => b.raw.user),
      toUser: toOptionalUser(raw.toUser, () => b.raw.toUser),
      giftId,
      gift: {
        id: giftId,
        name: g?.name ?? '',
        diamondCount: g?.diamondCount ?? 0,
        combo: g?.combo ?? false,
        type: g?.type ?? 0,
        imageUrl: g?.image?.urlList[0],
      },
      repeatCount: num(raw.repeatCount),
      comboCount: num(raw.comboCount),
      groupCount: num(raw.groupCount),
      groupId: raw.groupId,
      repeatEnd: raw.repeatEnd === 1,
      totalCount: num(raw.totalCount),
      traceId: raw.traceId,
    });
  },
  WebcastLikeMessage: (raw, b) =>
    Object.assign(b, {
      user: toUser(raw.user, () => b.raw.user),
      count: num(raw.count),
      total: num(raw.total),
    }),
  WebcastMemberMessage: (raw, b) =>
    Object.assign(b, {
      user: toUser(raw.user, () => b.raw.user),
      memberCount: num(raw.memberCount),
      action: num(raw.action),
      enterType: num(raw.enterType),
    }),
  WebcastSocialMessage: (raw, b) =>
    Object.assign(b, {
      user: toUser(raw.user, () => b.raw.user),
      type: SOCIAL_KINDS[raw.action] ?? 'other',
      action: num(raw.action),
      followCount: num(raw.followCount),
      shareType: num(raw.shareType),
      shareTarget: raw.shareTarget,
    }),
  WebcastRoomUserSeqMessage: (raw, b) =>
    Object.assign(b, {
      total: num(raw.total),
      totalUser: num(raw.totalUser),
      totalUserStr: raw.totalUserStr,
      totalPvForAnchor: raw.totalPvForAnchor,
      ranks: raw.ranks.map((c, i): RankEntry => ({
        rank: num(c.rank),
        score: num(c.score),
        user: toOptionalUser(c.user, () => b.raw.ranks[i]?.user),
      })),
    }),
  WebcastControlMessage: (raw, b) => {
    const action = num(raw.action);
    return Object.assign(b, {
      action,
      // 3 is "live ended" everywhere; dycast's status enum also uses 4 for ended.
      liveEnded: action === CONTROL_ACTION_LIVE_END || action === 4,
      tips: raw.tips,
    });
  },
  WebcastFansclubMessage: (raw, b) =>
    Object.assign(b, {
      user: toOptionalUser(raw.user, () => b.raw.user),
      action: raw.action,
      content: raw.content,
    }),
  WebcastEmojiChatMessage: (raw, b) =>
    Object.assign(b, {
      user: toUser(raw.user, () => b.raw.user),
      emojiId: raw.emojiId,
      defaultContent: raw.defaultContent,
      emojiUrl: raw.emojiContent?.pieces[0]?.imageValue?.image?.urlList[0],
    }),
  WebcastRoomStatsMessage: (raw, b) =>
    Object.assign(b, {
      displayShort: raw.displayShort,
      displayMiddle: raw.displayMiddle,
      displayLong: raw.displayLong,
      displayValue: num(raw.displayValue),
      total: num(raw.total),
    }),
  WebcastRoomMessage: (raw, b) =>
    Object.assign(b, {
      content: raw.content,
      roomMessageType: raw.roomMessageType,
    }),
  WebcastRoomRankMessage: (raw, b) =>
    Object.assign(b, {
      ranks: raw.ranks.map((r, i) => ({
        user: toOptionalUser(r.user, () => b.raw.ranks[i]?.user),
        scoreStr: r.scoreStr,
      })),
    }),
  WebcastScreenChatMessage: (raw, b) =>
    Object.assign(b, {
      user: toOptionalUser(raw.user, () => b.raw.user),
      content: raw.content,
    }),
  WebcastUpdateFanTicketMessage: (raw, b) =>
    Object.assign(b, {
      count: num(raw.roomFanTicketCount),
      countText: raw.roomFanTicketCountText,
    }),
};

/**
 * Maps a wire object of `env.method` to its friendly message. `fields` is the full wire object or the partial one
 * from `methodPickers` (the fields the mapper reads); `source` says where `raw` comes from.
 */
export function toFriendly<M extends KnownMethod>(
  fields: wire.MethodWireMap[M],
  env: EnvelopeFacts & { method: M },
  source: RawSource<M> = { raw: fields },
): MessageMap[M] {
  const b = base<M>(env, fields as { common?: wire.Common }, source);
  const mapper = mappers[env.method] as Mapper<M> | undefined;
  const message = mapper ? mapper(fields, b) : (b as unknown as MessageMap[M]);
  lastByMethod.set(env.method, message);
  return message;
}

// The last message of each method (with its users), which keeps their hidden classes alive: V8 holds the shapes
// that the constructors and Object.assign build only weakly, and a full GC that finds none alive drops them and
// deoptimizes the mappers and decoders that embed them ('reason: weak objects' in --trace-deopt).
const lastByMethod = new Map<KnownMethod, unknown>();
