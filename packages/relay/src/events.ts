/**
 * What the relay sends on `/ws` and `/events`: one JSON object per event, discriminated by `kind`. Messages are
 * exactly what `douyin-live watch --json` prints (core's `messageToJson`) with the room key; the other kinds
 * are the relay's own (documented in docs/relay.md).
 */
import type { GiftComboEvent, LeaderboardEntry, PoolRoomState, User } from '@douyin-live/core';

/** A message: `{ kind: 'message', room, method, msgId, ... }`, the `watch --json` object plus `room`. */
export type RelayMessageEvent = { readonly kind: 'message'; readonly room: string; readonly method: string } & Record<
  string,
  unknown
>;

/** A room's state changed. */
export interface RelayStateEvent {
  readonly kind: 'state';
  readonly room: string;
  readonly state: PoolRoomState;
}

/** A room reported a problem; `fatal` ones end that room. */
export interface RelayErrorEvent {
  readonly kind: 'error';
  readonly room: string;
  /** The `DouyinLiveError` code. */
  readonly code: string;
  readonly message: string;
  readonly fatal: boolean;
}

/** The few user fields overlays show. */
export interface RelayUser {
  readonly id: string;
  readonly nickname: string;
  /** True when the server hid who this is (guest sessions): overlays say so. */
  readonly masked: boolean;
  readonly avatarUrl: string | undefined;
}

/** A gift streak began, grew or ended (core's `giftCombos()` run on the relay, so never double-counted). */
export interface RelayComboEvent {
  readonly kind: 'combo';
  readonly room: string;
  readonly type: 'start' | 'progress' | 'end';
  /** The streak's identity (sender, gift, group id). */
  readonly key: string;
  readonly user: RelayUser;
  readonly gift: { readonly id: string; readonly name: string; readonly diamondCount: number };
  /** Gifts in the streak so far (the final count on `end`). */
  readonly count: number;
  /** Diamonds of `count`. */
  readonly diamonds: number;
  /** Why it ended (`end` only). */
  readonly reason?: string | undefined;
}

/** The room's top gifters by diamonds (core's `leaderboard()`), sent whenever the board changes. */
export interface RelayLeaderboardEvent {
  readonly kind: 'leaderboard';
  readonly room: string;
  readonly entries: readonly {
    readonly rank: number;
    readonly user: RelayUser;
    readonly diamonds: number;
    readonly gifts: number;
  }[];
}

/** The room's audience: viewers online now (core's `viewersOf`) and cumulative likes. */
export interface RelayAudienceEvent {
  readonly kind: 'audience';
  readonly room: string;
  /** Viewers online now; `null` until a statistics message said. */
  readonly viewers: number | null;
  /** Cumulative likes; `null` until a like arrived. */
  readonly likes: number | null;
}

/** SSE resume could not be complete: the events after `lastEventId` up to `oldestEventId` fell out of the buffer. */
export interface RelayResumeGapEvent {
  readonly kind: 'resume-gap';
  /** The id the client resumed from. */
  readonly lastEventId: number;
  /** The oldest id still buffered: the events in between are lost to this client. */
  readonly oldestEventId: number;
}

/** Every event of `/ws` and `/events`. */
export type RelayEvent =
  | RelayMessageEvent
  | RelayStateEvent
  | RelayErrorEvent
  | RelayComboEvent
  | RelayLeaderboardEvent
  | RelayAudienceEvent
  | RelayResumeGapEvent;

/** The event kinds the relay derives on its side; clients ask for them with `?only=` (never sent unasked). */
export const DERIVED_KINDS = ['combo', 'leaderboard', 'audience'] as const;

/** One of {@link DERIVED_KINDS}. */
export type DerivedKind = (typeof DERIVED_KINDS)[number];

/** The user fields of a relay event. */
export function relayUser(user: User): RelayUser {
  return { id: user.id, nickname: user.nickname, masked: user.masked, avatarUrl: user.avatarUrl };
}

/** A `giftCombos()` event as a relay event. */
export function comboEvent(room: string, e: GiftComboEvent): RelayComboEvent {
  return {
    kind: 'combo',
    room,
    type: e.type,
    key: e.key,
    user: relayUser(e.user),
    gift: { id: e.gift.id, name: e.gift.name, diamondCount: e.gift.diamondCount },
    count: e.count,
    diamonds: e.diamonds,
    ...(e.type === 'end' ? { reason: e.reason } : {}),
  };
}

/** A `leaderboard()` value as a relay event. */
export function leaderboardEvent(room: string, board: readonly LeaderboardEntry[]): RelayLeaderboardEvent {
  return {
    kind: 'leaderboard',
    room,
    entries: board.map((e) => ({ rank: e.rank, user: relayUser(e.user), diamonds: e.diamonds, gifts: e.gifts })),
  };
}
