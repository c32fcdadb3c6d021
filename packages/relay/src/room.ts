/**
 * One relayed room on the relay's side: its counters and message rate for `/api/rooms` and the dashboard, and
 * the overlays' server-side state — gift streaks through core's `giftCombos()`, the top gifters through
 * `leaderboard()`, viewers through `viewersOf()` — so every overlay shows the same, correctly counted, numbers.
 */
import {
  giftCombos,
  kindOfMethod,
  leaderboard,
  viewersOf,
  type LiveMessage,
  type PoolRoomState,
  type GiftMessage,
  type RoomStatsMessage,
  type RoomUserSeqMessage,
} from '@douyin-live/core';
import { Subject, type Subscription } from 'rxjs';
import {
  comboEvent,
  leaderboardEvent,
  type RelayAudienceEvent,
  type RelayEvent,
  type RelayLeaderboardEvent,
} from './events.js';

/** Seconds the message rate is averaged over. */
const RATE_WINDOW_S = 10;

/** What `/api/rooms` says about one room. */
export interface RelayRoomSummary {
  /** The room's key (what `?rooms=` selects). */
  readonly room: string;
  readonly state: PoolRoomState | 'unknown';
  /** The 19-digit room id, once resolved. */
  readonly roomId: string | undefined;
  readonly title: string | undefined;
  readonly anchor: string | undefined;
  /** Viewers online now, once a statistics message said. */
  readonly viewers: number | null;
  /** Cumulative likes, once a like arrived. */
  readonly likes: number | null;
  /** Messages relayed. */
  readonly messages: number;
  /** Messages relayed by kind (`chat`, `gift`, ..., `other`). */
  readonly byKind: Readonly<Record<string, number>>;
  /** Messages per second over the last 10 s. */
  readonly rate: number;
  /** Errors reported. */
  readonly errors: number;
}

/** A room's live state on the relay. */
export class RelayRoom {
  state: PoolRoomState | 'unknown' = 'unknown';
  messages = 0;
  errors = 0;
  readonly byKind: Record<string, number> = {};
  private viewers: number | null = null;
  private likes: number | null = null;
  private board: RelayLeaderboardEvent;
  private gifts = new Subject<GiftMessage>();
  private subscriptions: Subscription[] = [];
  // Messages per whole second, the last RATE_WINDOW_S + 1 seconds (the current one is still filling).
  private readonly buckets = new Map<number, number>();

  constructor(
    readonly key: string,
    private readonly emit: (event: RelayEvent) => void,
    private readonly leaderboardTop: number,
    private readonly now: () => number = Date.now,
  ) {
    this.board = { kind: 'leaderboard', room: key, entries: [] };
    this.start();
  }

  private start(): void {
    this.gifts = new Subject<GiftMessage>();
    this.subscriptions = [
      this.gifts.pipe(giftCombos()).subscribe((e) => this.emit(comboEvent(this.key, e))),
      this.gifts.pipe(leaderboard({ top: this.leaderboardTop })).subscribe((board) => {
        this.board = leaderboardEvent(this.key, board);
        this.emit(this.board);
      }),
    ];
  }

  /**
   * Moves to a new state. A room that went live again after it was over (a looped recording, a room re-added
   * to a pool) is a new live: its streaks, board and audience start afresh. Reconnects keep them.
   */
  setState(state: PoolRoomState): void {
    const wasOver = this.state === 'ended' || this.state === 'closed';
    const over = state === 'ended' || state === 'closed';
    this.state = state;
    // The live is over: streaks still open end now (reason `complete`), and the final board is published.
    if (over && !wasOver) this.gifts.complete();
    if (!wasOver || over) return;
    this.close();
    this.board = { kind: 'leaderboard', room: this.key, entries: [] };
    this.viewers = null;
    this.likes = null;
    this.start();
    this.emit(this.board);
    this.emit(this.audience());
  }

  /** Counts a message and feeds the overlays' operators. */
  onMessage(m: LiveMessage): void {
    this.messages += 1;
    const kind = kindOfMethod(m.method) ?? 'other';
    this.byKind[kind] = (this.byKind[kind] ?? 0) + 1;
    const second = Math.floor(this.now() / 1000);
    this.buckets.set(second, (this.buckets.get(second) ?? 0) + 1);
    if (this.buckets.size > RATE_WINDOW_S + 1) this.buckets.delete(this.buckets.keys().next().value as number);
    if ('unknown' in m) return;
    switch (m.method) {
      case 'WebcastGiftMessage':
        this.gifts.next(m);
        break;
      case 'WebcastLikeMessage': {
        // `total` is the room's running count; a message without it still adds its own likes.
        const likes = m.total > 0 ? m.total : (this.likes ?? 0) + m.count;
        this.setAudience(this.viewers, Math.max(likes, this.likes ?? 0));
        break;
      }
      case 'WebcastRoomUserSeqMessage':
      case 'WebcastRoomStatsMessage': {
        const viewers = viewersOf(m as RoomUserSeqMessage | RoomStatsMessage);
        if (viewers !== undefined) this.setAudience(viewers, this.likes);
        break;
      }
      default:
        break;
    }
  }

  private setAudience(viewers: number | null, likes: number | null): void {
    if (viewers === this.viewers && likes === this.likes) return;
    this.viewers = viewers;
    this.likes = likes;
    this.emit(this.audience());
  }

  /** The current audience event (sent to clients that ask for `audience` when they connect). */
  audience(): RelayAudienceEvent {
    return { kind: 'audience', room: this.key, viewers: this.viewers, likes: this.likes };
  }

  /** The current leaderboard event. */
  leaderboard(): RelayLeaderboardEvent {
    return this.board;
  }

  /** Messages per second over the last {@link RATE_WINDOW_S} full seconds. */
  rate(): number {
    const current = Math.floor(this.now() / 1000);
    let sum = 0;
    for (const [second, n] of this.buckets) if (second < current && second >= current - RATE_WINDOW_S) sum += n;
    return sum / RATE_WINDOW_S;
  }

  /** The `/api/rooms` entry, with what the session knows about the room. */
  summary(info: { roomId: string; title: string; anchor: string | undefined } | undefined): RelayRoomSummary {
    return {
      room: this.key,
      state: this.state,
      roomId: info?.roomId,
      title: info?.title,
      anchor: info?.anchor,
      viewers: this.viewers,
      likes: this.likes,
      messages: this.messages,
      byKind: { ...this.byKind },
      rate: this.rate(),
      errors: this.errors,
    };
  }

  /** Ends the streaks (open ones end as `complete`) and stops the operators. */
  close(): void {
    this.gifts.complete();
    for (const s of this.subscriptions) s.unsubscribe();
  }
}
