/**
 * The friendly, typed message union. Wire objects (generated, snake_case fields camelCased) stay reachable on
 * `raw`; everything else is built once in `toFriendly.ts`.
 */
import type * as wire from '../gen/douyin.js';
import type { KnownMethod, MethodWireMap } from '../gen/douyin.js';

/** A viewer, sender or anchor, with the fields bots use most. */
export interface User {
  /** Numeric user id as a string (64-bit); `111111` for anonymous web viewers. */
  readonly id: string;
  /** Stable public id (`MS4wLjABAAAA…`), often empty in live messages. */
  readonly secUid: string;
  /** 抖音号 (display id), often empty. */
  readonly displayId: string;
  /** Nickname as sent; masked (`小***`, `用户****`) for sessions that are not logged in. */
  readonly nickname: string;
  /**
   * True when the server hid who this is: the anonymous id 111111, the anonymous flag, or a nickname
   * masked with asterisks. Pass a logged-in cookie to get real nicknames.
   */
  readonly masked: boolean;
  /** Raw gender value (0 unknown, 1 male, 2 female as dycast reads it). */
  readonly gender: number;
  /**
   * First avatar thumbnail URL, if any. Read from the payload on first access (a getter, like `raw`): it is in
   * JSON and `util.inspect` output, but not in `{ ...user }` or `Object.keys(user)`.
   */
  readonly avatarUrl: string | undefined;
  /** Wealth level (财富等级, `pay_grade.level`); 0 when absent. */
  readonly payLevel: number;
  /** Fans-club membership of this room's anchor, when the user has one. */
  readonly fansClub: { readonly name: string; readonly level: number } | undefined;
  /** Whether the user is an admin of the room. */
  readonly isAdmin: boolean;
  /** The decoded wire object. */
  readonly raw: wire.User;
}

/** Fields every known message has. */
export interface MessageBase<M extends KnownMethod> {
  /** Every pipeline item has a `kind`; decoded messages are `message`. */
  readonly kind: 'message';
  /** The envelope's method, e.g. `WebcastChatMessage`: the discriminant of the union. */
  readonly method: M;
  /** Message id (64-bit, as a string): unique per message, the key for dedupe. */
  readonly msgId: string;
  /** Room id (64-bit, as a string), from the message's `common`; empty when absent. */
  readonly roomId: string;
  /** When the server created the message, in ms since the epoch; 0 when the message does not say. */
  readonly createTime: number;
  /**
   * The decoded wire object, decoded in full on first access (a getter). The frame's bytes are inflated into a
   * buffer the next frame reuses; the first `raw` of a message read after that frame inflates its frame again
   * (or copies it out while the buffer still holds it), once per frame.
   */
  readonly raw: MethodWireMap[M];
}

/** A chat message (弹幕). */
export interface ChatMessage extends MessageBase<'WebcastChatMessage'> {
  readonly user: User;
  /** The plain text, emoji as `[name]` codes. */
  readonly content: string;
}

/** The gift's catalogue entry, as carried by a gift message. */
export interface GiftInfo {
  readonly id: string;
  readonly name: string;
  /** Unit price in 抖币 (diamonds). */
  readonly diamondCount: number;
  /** Whether the gift can be sent in combo streaks. */
  readonly combo: boolean;
  readonly type: number;
  readonly imageUrl: string | undefined;
}

/**
 * A gift. Combo gifts arrive repeatedly while a streak grows: `repeatCount` is the running count of the
 * streak, `repeatEnd` marks its last message. Use `giftCombos()` to count each streak once.
 */
export interface GiftMessage extends MessageBase<'WebcastGiftMessage'> {
  readonly user: User;
  readonly toUser: User | undefined;
  readonly giftId: string;
  readonly gift: GiftInfo;
  /** Running count within the streak. */
  readonly repeatCount: number;
  readonly comboCount: number;
  /** Bundle size. */
  readonly groupCount: number;
  /** Streak id ("0" for single sends). */
  readonly groupId: string;
  /** True on the final message of a streak. */
  readonly repeatEnd: boolean;
  /** The sender's cumulative count of this gift, when sent. */
  readonly totalCount: number;
  readonly traceId: string;
}

/** Likes (点赞) from one user. */
export interface LikeMessage extends MessageBase<'WebcastLikeMessage'> {
  readonly user: User;
  /** Likes in this message. */
  readonly count: number;
  /** The room's cumulative likes. */
  readonly total: number;
}

/** A viewer entered the room. */
export interface MemberMessage extends MessageBase<'WebcastMemberMessage'> {
  readonly user: User;
  /** Current viewers as the server counts them. */
  readonly memberCount: number;
  readonly action: number;
  readonly enterType: number;
}

/** What a social message reports. */
export type SocialKind = 'follow' | 'share' | 'other';

/** A follow or a share (telling them apart: `type`). */
export interface SocialMessage extends MessageBase<'WebcastSocialMessage'> {
  readonly user: User;
  /** `follow` (action 1), `share` (action 3) or `other`. */
  readonly type: SocialKind;
  readonly action: number;
  /** On follows: the anchor's follower total (a snapshot). 0 on shares. */
  readonly followCount: number;
  readonly shareType: number;
  readonly shareTarget: string;
}

/** One entry of a ranking list. */
export interface RankEntry {
  readonly rank: number;
  readonly score: number;
  readonly user: User | undefined;
}

/** Viewer statistics and the top-viewer list. */
export interface RoomUserSeqMessage extends MessageBase<'WebcastRoomUserSeqMessage'> {
  /** Viewers online now. */
  readonly total: number;
  /** Cumulative viewers. */
  readonly totalUser: number;
  /** Cumulative viewers as display text, e.g. "10万+". */
  readonly totalUserStr: string;
  /** Cumulative page views as display text, e.g. "43.6万". */
  readonly totalPvForAnchor: string;
  /**
   * The top viewers (up to nine), made from `raw` on first read: an own enumerable getter, so it is in
   * `Object.keys`, spreads and JSON like the other fields; a bot that never reads it never pays for its users.
   */
  readonly ranks: readonly RankEntry[];
}

/** Room control: live end, pauses, bans. */
export interface ControlMessage extends MessageBase<'WebcastControlMessage'> {
  readonly action: number;
  /** True when `action` is 3 (live ended) or 4. */
  readonly liveEnded: boolean;
  readonly tips: string;
}

/** Fans-club event. */
export interface FansclubMessage extends MessageBase<'WebcastFansclubMessage'> {
  readonly user: User | undefined;
  /** 1 upgrade, 2 join (others seen, e.g. a silent 6). */
  readonly action: number;
  readonly content: string;
}

/** A sticker/emoji chat. */
export interface EmojiChatMessage extends MessageBase<'WebcastEmojiChatMessage'> {
  readonly user: User;
  readonly emojiId: string;
  readonly defaultContent: string;
  readonly emojiUrl: string | undefined;
}

/** Audience display statistics. */
export interface RoomStatsMessage extends MessageBase<'WebcastRoomStatsMessage'> {
  readonly displayShort: string;
  readonly displayMiddle: string;
  readonly displayLong: string;
  readonly displayValue: number;
  readonly total: number;
}

/** A system notice in the room. */
export interface RoomMessage extends MessageBase<'WebcastRoomMessage'> {
  readonly content: string;
  readonly roomMessageType: number;
}

/** The room's ranking list. */
export interface RoomRankMessage extends MessageBase<'WebcastRoomRankMessage'> {
  /** Made from `raw` on first read, as {@link RoomUserSeqMessage.ranks}. */
  readonly ranks: readonly { readonly user: User | undefined; readonly scoreStr: string }[];
}

/** A paid or privileged on-screen chat. */
export interface ScreenChatMessage extends MessageBase<'WebcastScreenChatMessage'> {
  readonly user: User | undefined;
  readonly content: string;
}

/** Fan-ticket count update. */
export interface UpdateFanTicketMessage extends MessageBase<'WebcastUpdateFanTicketMessage'> {
  readonly count: number;
  readonly countText: string;
}

/** The messages with a hand-made friendly shape; every other known method is a {@link GenericMessage}. */
export interface FriendlyMessageMap {
  WebcastChatMessage: ChatMessage;
  WebcastGiftMessage: GiftMessage;
  WebcastLikeMessage: LikeMessage;
  WebcastMemberMessage: MemberMessage;
  WebcastSocialMessage: SocialMessage;
  WebcastRoomUserSeqMessage: RoomUserSeqMessage;
  WebcastControlMessage: ControlMessage;
  WebcastFansclubMessage: FansclubMessage;
  WebcastEmojiChatMessage: EmojiChatMessage;
  WebcastRoomStatsMessage: RoomStatsMessage;
  WebcastRoomMessage: RoomMessage;
  WebcastRoomRankMessage: RoomRankMessage;
  WebcastScreenChatMessage: ScreenChatMessage;
  WebcastUpdateFanTicketMessage: UpdateFanTicketMessage;
}

/** A known method without a hand-made shape: the common fields plus the decoded wire object on `raw`. */
export type GenericMessage<M extends KnownMethod> = MessageBase<M>;

/** Every known method's friendly message type: the map behind the union and behind `ofMethod`. */
export type MessageMap = {
  [M in KnownMethod]: M extends keyof FriendlyMessageMap ? FriendlyMessageMap[M] : GenericMessage<M>;
};

/** A message whose method the schema does not know: kept whole, never dropped. */
export interface UnknownMessage {
  readonly kind: 'message';
  readonly method: string;
  readonly unknown: true;
  readonly msgId: string;
  /** The undecoded message payload. */
  readonly payload: Uint8Array;
}

/** Any message of a known method. */
export type KnownMessage = MessageMap[KnownMethod];

/** Every message a live session delivers: the discriminated union (narrow with `ofMethod` or `isMethod`). */
export type LiveMessage = KnownMessage | UnknownMessage;

export type { KnownMethod };
