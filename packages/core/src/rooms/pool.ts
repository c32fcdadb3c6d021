/**
 * `connectRooms`: many live rooms in one process. Each room is an ordinary `LiveSession`; the pool injects one
 * `beforeRequest` hook into every session that first waits for a join slot (a cap on simultaneous joins), then
 * for the shared request limiter, so N joins reach the servers as a paced trickle. The pool merges the sessions'
 * streams into tagged ones and isolates failures: a room that fails ends only itself.
 */
import { Observable, Subject } from 'rxjs';
import { DouyinLiveError, ErrorCodes } from '../errors.js';
import type { HttpRequestInfo, RoomInput } from '../session/options.js';
import { connectPooledSession } from '../session/session.js';
import { STREAM_METHODS } from '../session/messageStreams.js';
import type { LiveSession, SessionState } from '../session/types.js';
import { Broadcast } from './broadcast.js';
import { createJoinGate, type ReleaseJoinSlot } from './joinGate.js';
import { ofPoolMethod } from './ofPoolMethod.js';
import { DEFAULT_ROOM_POOL_OPTIONS, type RoomPoolOptions } from './options.js';
import { createRequestLimiter } from './requestLimiter.js';
import type {
  PoolRoom,
  PoolRoomOptions,
  PoolError,
  PoolMessage,
  RoomPool,
  RoomPoolStats,
  PoolRoomState,
  PoolStateEvent,
} from './types.js';

/** One room of the pool and the pool's bookkeeping around its session. */
interface Entry {
  readonly key: string;
  session: LiveSession;
  /** Aborts the room's waits in the join gate and the limiter (on remove, close, or when the session is over). */
  readonly abort: AbortController;
  /** The join slot while the room holds one. */
  release: ReleaseJoinSlot | undefined;
  /** True once the join is over (live, waiting for the live, or finished): no slot is needed any more. */
  joinDone: boolean;
  /** web/enter calls during the join; a second one means the session is polling for the live. */
  enterCalls: number;
  roomId: string;
  state: PoolRoomState;
  /** False once detached: the session's messages, errors and states no longer reach the pool. */
  attached: boolean;
}

const FINISHED: ReadonlySet<SessionState> = new Set(['closed', 'ended']);

/** The key of a room given without one: the string as given, else its web_rid, else its room id. */
export function roomKeyOf(room: RoomInput): string {
  return typeof room === 'string' ? room : (room.webRid ?? room.roomId);
}

/**
 * Joins many live rooms in one process and keeps them joined. Starts at once; rooms join at most
 * `maxConcurrentJoins` at a time, their HTTP requests paced by one shared limiter. Every stream is hot and shared.
 *
 * ```ts
 * const pool = connectRooms(['261378947940', { room: '100000001', cookie }], { maxConcurrentJoins: 8 });
 * pool.chat$.subscribe(({ room, message }) => console.log(room, message.user.nickname, message.content));
 * pool.room('261378947940').gift$.pipe(giftCombos()).subscribe(...);
 * ```
 */
export function connectRooms(rooms: Iterable<PoolRoom>, options: RoomPoolOptions = {}): RoomPool {
  return new RoomPoolImpl(rooms, options);
}

class RoomPoolImpl implements RoomPool {
  private readonly entries = new Map<string, Entry>();
  /** Every room's messages: the one stream a message goes through (a `Subject` allocated per message). */
  private readonly messageSubject = new Broadcast<PoolMessage>();
  private readonly errorSubject = new Subject<PoolError>();
  private readonly stateSubject = new Subject<PoolStateEvent>();
  private readonly limiter;
  private readonly gate;
  private readonly dedupeWindow: number;
  private readonly counters = { messages: 0, requests: 0 };
  private closing: Promise<void> | undefined;

  readonly messages$: Observable<PoolMessage>;
  readonly chat$;
  readonly gift$;
  readonly like$;
  readonly member$;
  readonly social$;
  readonly viewers$;
  readonly control$;
  readonly errors$: Observable<PoolError>;
  readonly states$: Observable<PoolStateEvent>;

  constructor(
    rooms: Iterable<PoolRoom>,
    private readonly options: RoomPoolOptions,
  ) {
    const d = DEFAULT_ROOM_POOL_OPTIONS;
    this.limiter =
      options.limiter ??
      createRequestLimiter({
        intervalMs: options.requestIntervalMs ?? d.requestIntervalMs,
        jitterMs: options.requestJitterMs ?? d.requestJitterMs,
        burst: options.requestBurst ?? d.requestBurst,
        ...(options.session?.now ? { now: options.session.now } : {}),
        ...(options.session?.random ? { random: options.session.random } : {}),
      });
    this.gate = options.joinGate ?? createJoinGate(options.maxConcurrentJoins ?? d.maxConcurrentJoins);
    this.dedupeWindow = options.dedupeWindow ?? d.dedupeWindow;

    this.messages$ = this.messageSubject.observable;
    this.chat$ = this.messages$.pipe(ofPoolMethod(...STREAM_METHODS.chat$));
    this.gift$ = this.messages$.pipe(ofPoolMethod(...STREAM_METHODS.gift$));
    this.like$ = this.messages$.pipe(ofPoolMethod(...STREAM_METHODS.like$));
    this.member$ = this.messages$.pipe(ofPoolMethod(...STREAM_METHODS.member$));
    this.social$ = this.messages$.pipe(ofPoolMethod(...STREAM_METHODS.social$));
    this.viewers$ = this.messages$.pipe(ofPoolMethod(...STREAM_METHODS.viewers$));
    this.control$ = this.messages$.pipe(ofPoolMethod(...STREAM_METHODS.control$));
    this.errors$ = this.errorSubject.asObservable();
    // Like a BehaviorSubject per room: the current state of every room first, then the changes.
    this.states$ = new Observable<PoolStateEvent>((subscriber) => {
      for (const entry of this.entries.values()) subscriber.next({ room: entry.key, state: entry.state });
      return this.stateSubject.subscribe(subscriber);
    });

    for (const room of rooms) {
      if (typeof room === 'string') this.add(room);
      else {
        const { room: input, ...rest } = room;
        this.add(input, rest);
      }
    }
  }

  get states(): ReadonlyMap<string, PoolRoomState> {
    return new Map([...this.entries.values()].map((e) => [e.key, e.state]));
  }

  get rooms(): readonly string[] {
    return [...this.entries.keys()];
  }

  get stats(): Readonly<RoomPoolStats> {
    let queued = 0;
    let joining = 0;
    let live = 0;
    for (const e of this.entries.values()) {
      if (e.state === 'queued') queued++;
      else if (e.release !== undefined) joining++;
      if (e.state === 'live') live++;
    }
    return { rooms: this.entries.size, queued, joining, live, ...this.counters };
  }

  room(key: string): LiveSession {
    const entry = this.entries.get(key);
    if (entry === undefined) {
      throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, `no room "${key}" in this pool`, { room: key });
    }
    return entry.session;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  add(room: RoomInput, options: PoolRoomOptions = {}): LiveSession {
    if (this.closing) throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, 'the pool is closed');
    const { key: givenKey, ...own } = options;
    const key = givenKey ?? roomKeyOf(room);
    const previous = this.entries.get(key);
    if (previous !== undefined) {
      if (!FINISHED.has(previous.session.state)) {
        throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, `room "${key}" is already in the pool`, { room: key });
      }
      this.detach(previous);
    }
    const shared = this.options.session ?? {};
    const userHook = own.beforeRequest ?? shared.beforeRequest;
    const entry: Entry = {
      key,
      session: undefined as unknown as LiveSession, // set below; the hook may run before connectPooledSession returns
      abort: new AbortController(),
      release: undefined,
      joinDone: false,
      enterCalls: 0,
      roomId: typeof room === 'string' ? '' : room.roomId,
      state: 'queued',
      attached: true,
    };
    this.entries.set(key, entry);
    this.stateSubject.next({ room: key, state: 'queued' });
    entry.session = connectPooledSession(
      {
        ...shared,
        dedupeWindow: own.dedupeWindow ?? shared.dedupeWindow ?? this.dedupeWindow,
        ...own,
        room,
        beforeRequest: async (request) => {
          await this.beforeRequest(entry, request);
          await userHook?.(request);
        },
      },
      // Called by the session directly: one shared Subject for every room, no subscriber chain per session.
      {
        message: (message) => {
          if (!entry.attached) return;
          this.counters.messages++;
          this.messageSubject.next({ room: key, roomId: entry.roomId, message });
        },
        error: (error) => {
          if (!entry.attached) return;
          // A join that waits to retry (network down) gives its slot back; its next request queues for one again.
          if (error.context.retryInMs !== undefined && !entry.joinDone) {
            this.releaseSlot(entry);
            entry.enterCalls = 0; // the retry starts over: its web/enter call is not a poll for the live
          }
          // The session switches to `closed` before it emits its fatal error (and emits nothing after it).
          this.errorSubject.next({ room: key, error, fatal: FINISHED.has(entry.session?.state) });
        },
        state: (state) => {
          if (!entry.attached) return;
          if (state === 'live' || FINISHED.has(state)) this.finishJoin(entry);
          // Until it has a join slot the session says `resolving`; the pool knows better.
          if (entry.release !== undefined || entry.joinDone) this.setState(entry, state);
        },
        room: (info) => {
          if (entry.attached) entry.roomId = info.roomId;
        },
      },
    );
    void entry.session.done.then(() => {
      this.finishJoin(entry);
      entry.abort.abort(new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, `room "${key}" is over`));
    });
    return entry.session;
  }

  async remove(key: string): Promise<void> {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.detach(entry);
    const closed = entry.session.close();
    entry.abort.abort(new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, `room "${key}" was removed from the pool`));
    this.stateSubject.next({ room: key, state: 'closed' });
    await closed;
  }

  close(): Promise<void> {
    return (this.closing ??= (async () => {
      const entries = [...this.entries.values()];
      const closed = entries.map((e) => e.session.close());
      for (const e of entries) e.abort.abort(new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, 'the pool is closed'));
      await Promise.all(closed);
      for (const e of entries) this.detach(e);
      this.messageSubject.complete();
      this.errorSubject.complete();
      this.stateSubject.complete();
    })());
  }

  // ---- per room -----------------------------------------------------------------------------------

  /** The hook every session of the pool awaits before each HTTP request: join slot first, then the pace. */
  private async beforeRequest(entry: Entry, request: HttpRequestInfo): Promise<void> {
    if (!entry.joinDone && entry.release === undefined) {
      entry.release = await this.gate.acquire(entry.abort.signal);
      if (entry.joinDone) {
        // The session finished while queued (its slot is not needed after all).
        this.finishJoin(entry);
      } else this.setState(entry, entry.session.state);
    }
    // resolveRoom calls web/enter again only to poll a room that is not live yet: that wait must not hold a slot.
    if (request.kind === 'enter' && !entry.joinDone && ++entry.enterCalls > 1) this.finishJoin(entry);
    await this.limiter.acquire(entry.abort.signal);
    this.counters.requests++;
  }

  /** Gives the join slot back for good. */
  private finishJoin(entry: Entry): void {
    entry.joinDone = true;
    const release = entry.release;
    entry.release = undefined;
    release?.();
  }

  /** Gives the join slot back for now: the join goes on later and queues again. */
  private releaseSlot(entry: Entry): void {
    const release = entry.release;
    entry.release = undefined;
    release?.();
  }

  private setState(entry: Entry, state: PoolRoomState): void {
    if (entry.state === state) return;
    entry.state = state;
    this.stateSubject.next({ room: entry.key, state });
  }

  private detach(entry: Entry): void {
    entry.attached = false;
  }
}
