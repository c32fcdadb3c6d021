import type * as wire from '../gen/douyin.js';
import { CONTROL_ACTION_LIVE_END } from '../protocol/constants.js';
import type { KnownMethod, MessageBase, MessageMap, RankEntry, SocialKind } from './types.js';
import { toOptionalUser, toUser } from './user.js';

/** The envelope facts a mapper needs besides the wire object. */
export interface EnvelopeFacts {
  readonly method: KnownMethod;
  readonly msgId: string;
}

type Base<M extends KnownMethod> = MessageBase<M>;

/** Builds the fields every message shares, from the envelope and the message's `common`. */
function base<M extends KnownMethod>(env: EnvelopeFacts, raw: { common?: wire.Common | undefined }): Base<M> {
  const common = raw.common;
  const msgId = env.msgId !== '0' ? env.msgId : (common?.msgId ?? '0');
  return {
    kind: 'message',
    method: env.method as M,
    msgId,
    roomId: common && common.roomId !== '0' ? common.roomId : '',
    createTime: common ? Number(common.createTime) : 0,
    raw: raw as Base<M>['raw'],
  };
}

const num = Number;
// Object.assign rather than `{ ...base(), ... }`: on Node 20 that spread costs microseconds per message, which
// made the friendly mapping slower than decoding itself (see docs/performance.md).

const SOCIAL_KINDS: Readonly<Record<string, SocialKind>> = { '1': 'follow', '3': 'share' };

function toRank(c: wire.Contributor): RankEntry {
  return { rank: num(c.rank), score: num(c.score), user: toOptionalUser(c.user) };
}

/** Hand-made mappers, one per method with a friendly shape. */
const mappers: { [M in KnownMethod]?: (raw: wire.MethodWireMap[M], env: EnvelopeFacts) => MessageMap[M] } = {
  WebcastChatMessage: (raw, env) => {
    const b = base<'WebcastChatMessage'>(env, raw);
    // Chats often carry no common.create_time; event_time (seconds) is set instead.
    const createTime = b.createTime || num(raw.eventTime) * 1000;
    return Object.assign(b, { createTime, user: toUser(raw.user), content: raw.content });
  },
  WebcastGiftMessage: (raw, env) => {
    const g = raw.gift;
    const giftId = raw.giftId !== '0' ? raw.giftId : (g?.id ?? '0');
    return Object.assign(base<'WebcastGiftMessage'>(env, raw), {
      user: toUser(raw.user),
      toUser: toOptionalUser(raw.toUser),
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
  WebcastLikeMessage: (raw, env) =>
    Object.assign(base<'WebcastLikeMessage'>(env, raw), {
      user: toUser(raw.user),
      count: num(raw.count),
      total: num(raw.total),
    }),
  WebcastMemberMessage: (raw, env) =>
    Object.assign(base<'WebcastMemberMessage'>(env, raw), {
      user: toUser(raw.user),
      memberCount: num(raw.memberCount),
      action: num(raw.action),
      enterType: num(raw.enterType),
    }),
  WebcastSocialMessage: (raw, env) =>
    Object.assign(base<'WebcastSocialMessage'>(env, raw), {
      user: toUser(raw.user),
      type: SOCIAL_KINDS[raw.action] ?? 'other',
      action: num(raw.action),
      followCount: num(raw.followCount),
      shareType: num(raw.shareType),
      shareTarget: raw.shareTarget,
    }),
  WebcastRoomUserSeqMessage: (raw, env) =>
    Object.assign(base<'WebcastRoomUserSeqMessage'>(env, raw), {
      total: num(raw.total),
      totalUser: num(raw.totalUser),
      totalUserStr: raw.totalUserStr,
      totalPvForAnchor: raw.totalPvForAnchor,
      ranks: raw.ranks.map(toRank),
    }),
  WebcastControlMessage: (raw, env) => {
    const action = num(raw.action);
    return Object.assign(base<'WebcastControlMessage'>(env, raw), {
      action,
      // 3 is "live ended" everywhere; dycast's status enum also uses 4 for ended.
      liveEnded: action === CONTROL_ACTION_LIVE_END || action === 4,
      tips: raw.tips,
    });
  },
  WebcastFansclubMessage: (raw, env) =>
    Object.assign(base<'WebcastFansclubMessage'>(env, raw), {
      user: toOptionalUser(raw.user),
      action: raw.action,
      content: raw.content,
    }),
  WebcastEmojiChatMessage: (raw, env) =>
    Object.assign(base<'WebcastEmojiChatMessage'>(env, raw), {
      user: toUser(raw.user),
      emojiId: raw.emojiId,
      defaultContent: raw.defaultContent,
      emojiUrl: raw.emojiContent?.pieces[0]?.imageValue?.image?.urlList[0],
    }),
  WebcastRoomStatsMessage: (raw, env) =>
    Object.assign(base<'WebcastRoomStatsMessage'>(env, raw), {
      displayShort: raw.displayShort,
      displayMiddle: raw.displayMiddle,
      displayLong: raw.displayLong,
      displayValue: num(raw.displayValue),
      total: num(raw.total),
    }),
  WebcastRoomMessage: (raw, env) =>
    Object.assign(base<'WebcastRoomMessage'>(env, raw), {
      content: raw.content,
      roomMessageType: raw.roomMessageType,
    }),
  WebcastRoomRankMessage: (raw, env) =>
    Object.assign(base<'WebcastRoomRankMessage'>(env, raw), {
      ranks: raw.ranks.map((r) => ({ user: toOptionalUser(r.user), scoreStr: r.scoreStr })),
    }),
  WebcastScreenChatMessage: (raw, env) =>
    Object.assign(base<'WebcastScreenChatMessage'>(env, raw), {
      user: toOptionalUser(raw.user),
      content: raw.content,
    }),
  WebcastUpdateFanTicketMessage: (raw, env) =>
    Object.assign(base<'WebcastUpdateFanTicketMessage'>(env, raw), {
      count: num(raw.roomFanTicketCount),
      countText: raw.roomFanTicketCountText,
    }),
};

/** Maps a decoded wire object of `env.method` to its friendly message. */
export function toFriendly<M extends KnownMethod>(
  raw: wire.MethodWireMap[M],
  env: EnvelopeFacts & { method: M },
): MessageMap[M] {
  const mapper = mappers[env.method] as ((r: wire.MethodWireMap[M], e: EnvelopeFacts) => MessageMap[M]) | undefined;
  if (mapper) return mapper(raw, env);
  return base<M>(env, raw as { common?: wire.Common }) as MessageMap[M];
}
