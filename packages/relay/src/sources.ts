/**
 * What a relay relays: a room pool from `connectRooms`, or any set of sessions keyed by room (live sessions,
 * replays). Both become one {@link RelayFeed} of tagged streams.
 */
import {
  DouyinLiveError,
  ErrorCodes,
  isDouyinLiveError,
  type LiveSession,
  type PoolError,
  type PoolMessage,
  type PoolStateEvent,
  type RoomPool,
} from '@douyin-live/core';
import { catchError, EMPTY, map, merge, of, type Observable } from 'rxjs';

/** What the relay reads of a session: a live session or a replay satisfies it, and so can a hand-made feed. */
export type RelaySession = Pick<LiveSession, 'messages$' | 'state$' | 'errors$' | 'room'>;

/** The rooms a relay serves: a pool (rooms may be added while it runs) or sessions keyed by room. */
export type RelaySources = RoomPool | ReadonlyMap<string, RelaySession> | Readonly<Record<string, RelaySession>>;

/** The relay's view of its sources: tagged streams and a way to look a room up. */
export interface RelayFeed {
  /** Every message of every room, tagged with the room key. */
  readonly messages$: Observable<PoolMessage>;
  /** State changes of every room (the current state of each first). */
  readonly states$: Observable<PoolStateEvent>;
  /** Every room's errors, tagged. */
  readonly errors$: Observable<PoolError>;
  /** The room keys known now. */
  rooms(): readonly string[];
  /** The session of a room, if the key is known. */
  session(room: string): RelaySession | undefined;
  /** Whether rooms may appear later (a pool), so an unknown room in a query is not an error. */
  readonly dynamic: boolean;
}

/** True for a room pool (as opposed to a map or record of sessions). */
function isPool(sources: RelaySources): sources is RoomPool {
  return typeof (sources as Partial<RoomPool>).room === 'function' && 'states$' in sources;
}

/** Turns any {@link RelaySources} into a {@link RelayFeed}. */
export function relayFeed(sources: RelaySources): RelayFeed {
  if (isPool(sources)) {
    return {
      messages$: sources.messages$,
      states$: sources.states$,
      errors$: sources.errors$,
      rooms: () => sources.rooms,
      session: (room) => (sources.has(room) ? sources.room(room) : undefined),
      dynamic: true,
    };
  }
  const sessions = new Map<string, RelaySession>(
    sources instanceof Map ? sources : Object.entries(sources as Readonly<Record<string, RelaySession>>),
  );
  const entries = [...sessions];
  return {
    // A session's failure is reported once, on errors$; its other streams then just stop for the relay.
    messages$: merge(
      ...entries.map(([room, s]) =>
        s.messages$.pipe(
          map((message): PoolMessage => ({ room, roomId: s.room?.roomId ?? '', message })),
          catchError(() => EMPTY),
        ),
      ),
    ),
    states$: merge(
      ...entries.map(([room, s]) =>
        s.state$.pipe(
          map((state): PoolStateEvent => ({ room, state })),
          catchError(() => EMPTY),
        ),
      ),
    ),
    errors$: merge(
      ...entries.map(([room, s]) =>
        s.errors$.pipe(
          map((error): PoolError => ({ room, error, fatal: false })),
          catchError((error: unknown) => of<PoolError>({ room, error: asDouyinLiveError(error), fatal: true })),
        ),
      ),
    ),
    rooms: () => [...sessions.keys()],
    session: (room) => sessions.get(room),
    dynamic: false,
  };
}

/** An error from a session's error channel as a `DouyinLiveError` (anything else is wrapped). */
function asDouyinLiveError(error: unknown): DouyinLiveError {
  if (isDouyinLiveError(error)) return error;
  return new DouyinLiveError(
    ErrorCodes.CONNECTION_LOST,
    error instanceof Error ? error.message : String(error),
    {},
    {
      cause: error,
    },
  );
}
