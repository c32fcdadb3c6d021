import type { Observable } from 'rxjs';
import type { DouyinLiveError } from '../errors.js';
import type {
  ChatMessage,
  ControlMessage,
  GiftMessage,
  LikeMessage,
  LiveMessage,
  MemberMessage,
  RoomStatsMessage,
  RoomUserSeqMessage,
  SocialMessage,
} from '../messages/types.js';
import type { LiveSessionOptions, RoomInput } from '../session/options.js';
import type { LiveSession, SessionState } from '../session/types.js';

/** A message of a pool, tagged with the room it came from. */
export interface PoolMessage<M extends LiveMessage = LiveMessage> {
  /** The room's key in the pool: the string it was added as, or its `key` option. */
  readonly room: string;
  /** The 19-digit room id (64-bit, as a string). */
  readonly roomId: string;
  /** The message, typed as in a single session. */
  readonly message: M;
}

/** A problem of one room, tagged with the room. */
export interface PoolError {
  readonly room: string;
  readonly error: DouyinLiveError;
  /** True for the error that ended the room's session (the room stays in the pool, state `closed`). */
  readonly fatal: boolean;
}

/** Where a room of a pool is: waiting for a join slot, or its session's state. */
export type PoolRoomState = 'queued' | SessionState;

/** A room's state change. */
export interface PoolStateEvent {
  readonly room: string;
  readonly state: PoolRoomState;
}

/** Per-room options: any session option but `room`, plus the key the room goes by in the pool. */
export interface PoolRoomOptions extends Omit<LiveSessionOptions, 'room'> {
  /**
   * The room's key in the pool (tags, `pool.room(key)`, `remove(key)`).
   * @defaultValue the room string as given; for `{ roomId, webRid }` the web_rid, else the room id
   */
  readonly key?: string | undefined;
}

/** One room of `connectRooms`' list: a URL or web_rid, or a room with its own options. */
export type PoolRoom = string | (PoolRoomOptions & { readonly room: RoomInput });

/** Counters of a pool. */
export interface RoomPoolStats {
  /** Rooms in the pool. */
  rooms: number;
  /** Rooms waiting for a join slot. */
  queued: number;
  /** Rooms between their first request and their first live socket. */
  joining: number;
  /** Rooms whose session is live now. */
  live: number;
  /** Messages emitted on `messages$`. */
  messages: number;
  /** HTTP requests let through the shared limiter by this pool. */
  requests: number;
}

/**
 * Many live rooms in one process: one session per room, their messages merged into tagged streams, joins capped
 * and HTTP requests paced by one shared limiter. Every stream is hot and shared; a room failing never disturbs
 * the others.
 */
export interface RoomPool {
  /** Every message of every room, tagged with its room, in arrival order. */
  readonly messages$: Observable<PoolMessage>;
  readonly chat$: Observable<PoolMessage<ChatMessage>>;
  readonly gift$: Observable<PoolMessage<GiftMessage>>;
  readonly like$: Observable<PoolMessage<LikeMessage>>;
  readonly member$: Observable<PoolMessage<MemberMessage>>;
  readonly social$: Observable<PoolMessage<SocialMessage>>;
  readonly viewers$: Observable<PoolMessage<RoomUserSeqMessage | RoomStatsMessage>>;
  readonly control$: Observable<PoolMessage<ControlMessage>>;
  /** Every room's errors, tagged; a room's fatal error has `fatal: true` and ends only that room. */
  readonly errors$: Observable<PoolError>;
  /** State changes of every room; a new subscriber first gets the current state of each room. */
  readonly states$: Observable<PoolStateEvent>;
  /** The current state of each room, by key. */
  readonly states: ReadonlyMap<string, PoolRoomState>;
  /** The keys of the rooms, in the order they were added. */
  readonly rooms: readonly string[];
  /** Live counters. */
  readonly stats: Readonly<RoomPoolStats>;
  /** The session of a room (throws INVALID_ARGUMENT for an unknown key): `pool.room('x').chat$`. */
  room(key: string): LiveSession;
  /** Whether a room with this key is in the pool. */
  has(key: string): boolean;
  /**
   * Adds a room while running and returns its session. A key that is already in the pool is an INVALID_ARGUMENT
   * error unless its session is over, in which case the room is joined afresh.
   */
  add(room: RoomInput, options?: PoolRoomOptions): LiveSession;
  /** Closes a room's session and takes it out of the pool (resolves once it is closed; unknown keys are ignored). */
  remove(key: string): Promise<void>;
  /** Closes every session and completes every stream. */
  close(): Promise<void>;
}
