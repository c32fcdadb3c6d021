import { performance } from 'node:perf_hooks';
import { BehaviorSubject, ReplaySubject, Subject, type Observable } from 'rxjs';
import { DouyinLiveError, ErrorCodes, isDouyinLiveError } from '../errors.js';
import type * as wire from '../gen/douyin.js';
import type { LiveMessage } from '../messages/types.js';
import type { MessageEnvelope } from '../messages/envelope.js';
import { ackFor } from '../pipeline/ackWith.js';
import { decodeFrame } from '../pipeline/decodeFrames.js';
import { envelopesOf } from '../pipeline/toMessages.js';
import { frameBodyOf, unpackResponse } from '../pipeline/unpackResponses.js';
import type { DecodeFailure, InboundResponse } from '../pipeline/types.js';
import { FrameHeader, HEARTBEAT_FRAME, isGzip, PayloadType } from '../protocol/constants.js';
import type { BrowserProfile } from '../room/pushParams.js';
import { nativeSigner, type Signer } from '../signature/signature.js';
import { pushHeaders, signedPushUrl } from './pushUrl.js';
import { openConnection, type Connection, type ConnectionEnd } from './connection.js';
import { CookieJar } from './cookies.js';
import { resolveSessionOptions, type LiveSessionOptions, type ResolvedSessionOptions } from './options.js';
import { messageStreams, type MessageStreams } from './messageStreams.js';
import { nextBrowserProfile } from './profiles.js';
import { RecentMsgIds } from './recentMsgIds.js';
import { decideOnClose, reconnectDelay } from './reconnect.js';
import { isTransientHttpFailure } from './http.js';
import { isStillLive, resolveRoom, type Resolution, type RoomInfo } from './resolveRoom.js';
import { RoomClient } from './roomClient.js';
import type {
  GapEvent,
  LiveSession,
  RawFrameEvent,
  ResumeState as PublicResumeState,
  SessionOutcome,
  SessionState,
  SessionStats,
} from './types.js';

/** Where the next connection resumes from (§4.4: newest cursor and internal_ext, header values first). */
interface ResumeState {
  cursor: string | undefined;
  internalExt: string | undefined;
  heartbeatDurationMs: number;
}

/** Why the connection loop stopped waiting. */
type Stop =
  | { readonly kind: 'ended' }
  | { readonly kind: 'closed' }
  | { readonly kind: 'failed'; readonly error: DouyinLiveError };

class StopSignal extends Error {
  constructor(readonly stop: Stop) {
    super(stop.kind);
  }
}

/**
 * Joins a Douyin live room as the web player does and keeps it joined: room page → web/enter → im/fetch →
 * signed WebSocket, heartbeats, acks, reconnects with the newest cursor, dedupe by msgId, live-end detection.
 * Starts at once; every stream of the returned session is hot and shared.
 */
export function connectLiveSession(options: LiveSessionOptions): LiveSession {
  return new LiveSessionImpl(resolveSessionOptions(options));
}

/**
 * Where a room pool takes a session's messages, errors, states and room from, called directly instead of through
 * its streams, each before the stream's own subscribers see it.
 */
export interface SessionSink {
  /** Every message after dedupe, decoded (once: the envelope memoises it for the session's own streams). */
  message(message: LiveMessage): void;
  /** Every error the session reports on `errors$`, payload decode failures included, in the same order. */
  error(error: DouyinLiveError): void;
  /** Every change of `state$` (not the initial `resolving`). */
  state(state: SessionState): void;
  /** The room once resolved, as `room$` emits it. */
  room(room: RoomInfo): void;
}

/**
 * {@link connectLiveSession} for a room pool (internal, not exported by the package): the pool needs every message,
 * error and state of every session, and subscribing to `messages$`, `errors$`, `state$` and `room$` cost each
 * session kilobytes of subscriber chains (for every major GC to mark) and Subject hops per message.
 */
export function connectPooledSession(options: LiveSessionOptions, sink: SessionSink): LiveSession {
  return new LiveSessionImpl(resolveSessionOptions(options), sink);
}

class LiveSessionImpl implements LiveSession {
  private readonly envelopes = new Subject<MessageEnvelope>();
  private readonly errors = new Subject<DouyinLiveError>();
  private readonly gaps = new Subject<GapEvent>();
  private readonly stateSubject = new BehaviorSubject<SessionState>('resolving');
  private readonly frames = new Subject<RawFrameEvent>();
  private readonly roomSubject = new ReplaySubject<RoomInfo>(1);
  private readonly seen: RecentMsgIds;
  private readonly jar: CookieJar;
  private readonly client: RoomClient;
  private readonly abort = new AbortController();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly resume: ResumeState;
  private connection: Connection | undefined;
  /** The fingerprint of the next handshake; rotated after a 1013 or repeated failures. */
  private profile: BrowserProfile;
  private connectionNumber = 0;
  private stopWaiter: ((stop: Stop) => void) | undefined;
  private stopped: Stop | undefined;
  private resolvedRoom: RoomInfo | undefined;
  private liveEndPending = false;
  private settle!: (outcome: SessionOutcome) => void;

  readonly stats: SessionStats = {
    connections: 0,
    framesIn: 0,
    framesOut: 0,
    acksSent: 0,
    heartbeatsSent: 0,
    messages: 0,
    duplicatesDropped: 0,
    decodeFailures: 0,
    reconnects: 0,
  };
  readonly loggedIn: boolean;
  readonly done: Promise<SessionOutcome>;
  readonly gaps$: Observable<GapEvent>;
  readonly state$: Observable<SessionState>;
  readonly frames$: Observable<RawFrameEvent>;
  readonly room$: Observable<RoomInfo>;

  constructor(
    private readonly options: ResolvedSessionOptions,
    private readonly sink?: SessionSink,
  ) {
    this.profile = options.profile;
    this.resume = {
      cursor: options.resume?.cursor,
      internalExt: options.resume?.internalExt,
      heartbeatDurationMs: 0,
    };
    this.jar = new CookieJar(options.cookie);
    this.loggedIn = this.jar.get('sessionid') !== undefined;
    this.client = new RoomClient(options, this.jar);
    this.seen = new RecentMsgIds(options.dedupeWindow);
    this.done = new Promise((resolve) => (this.settle = resolve));
    this.gaps$ = this.gaps.asObservable();
    this.state$ = this.stateSubject.asObservable();
    this.frames$ = this.frames.asObservable();
    this.room$ = this.roomSubject.asObservable();

    void this.run();
  }

  /**
   * The message streams and errors$, built on first use: a pool's session, whose own streams nobody reads, never
   * pays for their hundred closures and thirty-odd Observables (a third of a quiet session's heap, marked by every
   * major GC). They derive from the session's Subjects, so building them late changes nothing they emit.
   */
  private get streams(): MessageStreams {
    return (this.derived ??= messageStreams(
      this.envelopes.asObservable(),
      this.errors,
      () => this.stats.decodeFailures++,
    ));
  }
  private derived: MessageStreams | undefined;

  get messages$(): Observable<LiveMessage> {
    return this.streams.messages$;
  }
  get chat$(): LiveSession['chat$'] {
    return this.streams.chat$;
  }
  get gift$(): LiveSession['gift$'] {
    return this.streams.gift$;
  }
  get like$(): LiveSession['like$'] {
    return this.streams.like$;
  }
  get member$(): LiveSession['member$'] {
    return this.streams.member$;
  }
  get social$(): LiveSession['social$'] {
    return this.streams.social$;
  }
  get viewers$(): LiveSession['viewers$'] {
    return this.streams.viewers$;
  }
  get control$(): LiveSession['control$'] {
    return this.streams.control$;
  }
  get errors$(): Observable<DouyinLiveError> {
    return this.streams.errors$;
  }

  get state(): SessionState {
    return this.stateSubject.value;
  }

  get room(): RoomInfo | undefined {
    return this.resolvedRoom;
  }

  get resumeState(): PublicResumeState | undefined {
    const { cursor, internalExt } = this.resume;
    return cursor === undefined ? undefined : { cursor, internalExt };
  }

  async close(): Promise<void> {
    this.stop({ kind: 'closed' });
    await this.done;
  }

  // ---- message flow -------------------------------------------------------------------------------

  /**
   * One inbound frame through the stages of `liveEnvelopes`, in its order (PushFrame, inflate + Response, ack,
   * cursor tracking, envelopes), called as plain functions: an Observable chain per session cost an inner
   * subscription per frame and a Subject hop per stage, garbage that a thousand rooms multiply. The stages never
   * throw (failures are values), as in the pipeline.
   *
   * `borrowed` bytes lie in the connection's reused read buffer: nothing may keep them past this call. A gzipped
   * payload is inflated elsewhere, and its frame body copies the compressed bytes when the call ends (release), so
   * only what would keep a view of the frame (a failure's bytes, a Response decoded in place from an uncompressed
   * payload) starts over on a copy, before anything is sent or counted.
   */
  private receive(bytes: Uint8Array, borrowed: boolean): void {
    const frame = decodeFrame(bytes);
    if (frame.kind === 'decode-failure') return borrowed ? this.receive(copyOf(bytes), false) : this.accept(frame);
    if (borrowed && frame.payload.length > 0 && !isGzip(frame.payload)) return this.receive(copyOf(bytes), false);
    const item = unpackResponse(frame);
    if (item.kind === 'decode-failure') return borrowed ? this.receive(copyOf(bytes), false) : this.accept(item);
    const ack = ackFor(item);
    if (ack !== undefined && this.sendFrame(ack)) this.stats.acksSent++;
    this.track(item);
    try {
      for (const envelope of envelopesOf(item)) this.accept(envelope);
    } finally {
      // What was kept of the frame may inflate it again later: from a copy, not from the read buffer.
      if (borrowed) frameBodyOf(item)?.release();
    }
  }

  /** Dedupe, then hand envelopes to subscribers (undecoded: each stream decodes what it needs); frame failures go to errors$. */
  private accept(item: MessageEnvelope | DecodeFailure): void {
    if (item.kind === 'decode-failure') {
      this.stats.decodeFailures++;
      this.reportError(item.error);
      return;
    }
    // msgId 0 carries no identity; such messages are never treated as repeats.
    if (item.msgId !== '0' && this.seen.check(item.msgId)) {
      this.stats.duplicatesDropped++;
      return;
    }
    this.stats.messages++;
    if (this.sink !== undefined) {
      const decoded = item.decode();
      if (decoded.kind === 'message') this.sink.message(decoded);
      else {
        this.stats.decodeFailures++;
        this.sink.error(decoded.error);
      }
    }
    if (item.method === 'WebcastControlMessage') this.watchLiveEnd(item);
    // Nobody reads a pooled session's own streams as a rule: skip the Subject (its next() allocates an iterator).
    if (this.envelopes.observed) this.envelopes.next(item);
  }

  /** Keeps the newest cursor / internal_ext / heartbeat_duration; header values win (§4.4). */
  private track(item: InboundResponse): void {
    const response = item.response;
    if (response === undefined) {
      if (item.frame.payloadType === PayloadType.CLOSE) this.connection?.close(1000);
      return;
    }
    this.resume.cursor = item.frame.headers[FrameHeader.CURSOR] || response.cursor || this.resume.cursor;
    this.resume.internalExt =
      item.frame.headers[FrameHeader.INTERNAL_EXT] || response.internalExt || this.resume.internalExt;
    if (response.heartbeatDuration !== '0') this.resume.heartbeatDurationMs = Number(response.heartbeatDuration) * 1000;
  }

  private watchLiveEnd(envelope: MessageEnvelope): void {
    const control = envelope.decode();
    if (control.kind !== 'message' || !('liveEnded' in control) || !control.liveEnded || this.liveEndPending) return;
    this.liveEndPending = true;
    void (async () => {
      const room = this.resolvedRoom;
      // Confirm with web/enter before giving up (§4.6): a control message alone has fooled clients before.
      const live = this.options.confirmLiveEnd && room ? await isStillLive(this.client, room) : false;
      this.liveEndPending = false;
      if (live === true) return;
      this.stop({ kind: 'ended' });
    })();
  }

  /** The history batch of im/fetch goes through the same dedupe as pushed messages. */
  private acceptHistory(response: wire.Response): void {
    const frame = {
      kind: 'frame',
      logId: '0',
      seqId: '0',
      payloadType: PayloadType.MSG,
      headers: {},
      payload: new Uint8Array(0),
    } as const;
    const item: InboundResponse = { kind: 'response', frame: { ...frame, raw: {} as wire.PushFrame }, response };
    this.track(item);
    for (const envelope of envelopesOf(item)) this.accept(envelope);
  }

  // ---- lifecycle ----------------------------------------------------------------------------------

  private setState(state: SessionState): void {
    if (this.stateSubject.value === state) return;
    if (!this.streamsClosed) this.sink?.state(state);
    this.stateSubject.next(state);
  }

  /** Reports an error on errors$, to the pool's sink first (as when it was errors$'s first subscriber). */
  private reportError(error: DouyinLiveError): void {
    if (this.streamsClosed) return;
    this.sink?.error(error);
    this.errors.next(error);
  }
  /** True once the session's streams have completed: nothing more is reported, to the sink either. */
  private streamsClosed = false;

  private stop(stop: Stop): void {
    if (this.stopped) return;
    this.stopped = stop;
    this.abort.abort(new StopSignal(stop));
    this.stopWaiter?.(stop);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.stopped) return reject(new StopSignal(this.stopped));
      const signal = this.abort.signal;
      const onAbort = (): void => {
        clearTimeout(timer);
        this.timers.delete(timer);
        reject(signal.reason);
      };
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        // A listener left behind on every slept-through delay piles up on the one session signal.
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      this.timers.add(timer);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private async run(): Promise<void> {
    let outcome: SessionOutcome;
    try {
      await this.connectLoop(await this.enter());
      outcome = { reason: (this.stopped as Stop | undefined)?.kind === 'ended' ? 'ended' : 'closed' };
    } catch (error) {
      const stop = error instanceof StopSignal ? error.stop : this.stopped;
      if (stop && stop.kind !== 'failed') outcome = { reason: stop.kind };
      else {
        const err = stop?.kind === 'failed' ? stop.error : toError(error);
        outcome = { reason: 'failed', error: err };
      }
    }
    this.finish(outcome);
  }

  /**
   * Joins, publishes the room and takes the history batch; returns the push server to connect to. Its own method so
   * that nothing of the resolution outlives it: the history Response (its payloads, kilobytes per room) would stay
   * reachable from `run`'s suspended frame for the life of the session.
   */
  private async enter(): Promise<string | undefined> {
    const resolution = await this.join();
    if (this.stopped) throw new StopSignal(this.stopped);
    this.resolvedRoom = resolution.room;
    this.sink?.room(resolution.room);
    this.roomSubject.next(resolution.room);
    // A resumed session continues from its cursor: the history batch would move it back to "now".
    if (resolution.fetched && !this.options.resume) this.acceptHistory(resolution.fetched);
    return resolution.pushServer;
  }

  /**
   * Resolves the room over HTTP; transient failures (network, timeouts, 5xx, a cut answer) are reported on
   * errors$ and retried with the reconnect policy's backoff, so a bot started before the network is up still
   * joins. Definitive answers (room not found, not live, invalid input) fail at once.
   */
  private async join(): Promise<Resolution> {
    const policy = this.options.reconnect;
    for (let attempt = 0; ; attempt++) {
      try {
        return await resolveRoom(this.client, this.options, this.abort.signal);
      } catch (error) {
        if (this.stopped || !isDouyinLiveError(error) || !isTransientHttpFailure(error) || !policy.enabled) throw error;
        if (attempt >= policy.maxAttempts) {
          throw new DouyinLiveError(
            ErrorCodes.RECONNECT_EXHAUSTED,
            `gave up joining after ${attempt + 1} attempts: ${error.message}`,
            { ...error.context, joinAttempt: attempt + 1 },
            { cause: error },
          );
        }
        const retryInMs = reconnectDelay(policy, attempt, undefined, this.options.random);
        this.reportError(
          new DouyinLiveError(
            error.code,
            `${error.message}; joining again in ${retryInMs} ms`,
            { ...error.context, joinAttempt: attempt + 1, retryInMs },
            { cause: error },
          ),
        );
        await this.sleep(retryInMs);
      }
    }
  }

  private finish(outcome: SessionOutcome): void {
    this.stopped ??= outcome.reason === 'failed' ? { kind: 'failed', error: outcome.error } : { kind: outcome.reason };
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.connection?.close(1000);
    this.connection = undefined;
    this.setState(outcome.reason === 'ended' ? 'ended' : 'closed');
    if (outcome.reason === 'failed') {
      this.reportError(outcome.error);
      this.envelopes.error(outcome.error);
    } else {
      this.envelopes.complete();
    }
    this.streamsClosed = true;
    this.errors.complete();
    this.gaps.complete();
    this.frames.complete();
    this.roomSubject.complete();
    this.stateSubject.complete();
    this.settle(outcome);
  }

  /** Connects, and reconnects by the policy until the live ends, close() is called or the policy gives up. */
  private async connectLoop(pushServer: string | undefined): Promise<void> {
    const policy = this.options.reconnect;
    const bases = pushServer ? [pushServer, ...this.options.endpoints.push] : [...this.options.endpoints.push];
    let attempt = 0;
    let rejections = 0;
    for (let n = 0; ; n++) {
      const base = bases[n % bases.length] ?? this.options.endpoints.push[0]!;
      this.setState(n === 0 ? 'connecting' : 'reconnecting');
      if (n > 0) {
        this.stats.reconnects++;
        if (this.resume.cursor === undefined) {
          const gap: GapEvent = {
            kind: 'gap',
            connection: this.connectionNumber + 1,
            reason: 'no-cursor',
            at: this.options.now(),
          };
          this.gaps.next(gap);
          this.reportError(
            new DouyinLiveError(ErrorCodes.GAP, 'reconnecting without a cursor: messages in between may be missing', {
              connection: gap.connection,
            }),
          );
        }
      }
      const { end, framesReceived } = await this.runConnection(base);
      if (this.stopped) throw new StopSignal(this.stopped);
      if (framesReceived > 0) attempt = 0;
      let closeCode: number | undefined;
      if (end.kind === 'rejected') {
        rejections++;
        this.reportError(end.error);
        if (rejections >= policy.maxHandshakeRejections) throw end.error;
      } else {
        rejections = 0;
        if (end.kind === 'failed') this.reportError(end.error);
        else {
          closeCode = end.code;
          if (decideOnClose(end.code) === 'check-live' && this.resolvedRoom) {
            const live = await isStillLive(this.client, this.resolvedRoom);
            if (live === false) throw new StopSignal({ kind: 'ended' });
          }
          if (end.code !== 1000) {
            this.reportError(
              new DouyinLiveError(
                ErrorCodes.CONNECTION_LOST,
                `connection closed with code ${end.code}${end.reason ? ` (${end.reason})` : ''}`,
                { closeCode: end.code },
              ),
            );
          }
        }
      }
      if (!policy.enabled)
        throw new DouyinLiveError(ErrorCodes.CONNECTION_LOST, 'connection lost and reconnecting is disabled');
      if (attempt >= policy.maxAttempts) {
        throw new DouyinLiveError(ErrorCodes.RECONNECT_EXHAUSTED, `gave up after ${attempt} reconnect attempts`);
      }
      // §4.6: after a 1013 (try again later) or a third failure in a row, come back as another browser.
      if (closeCode === 1013 || attempt >= 2) this.profile = nextBrowserProfile(this.profile);
      this.setState('reconnecting');
      await this.sleep(reconnectDelay(policy, attempt, closeCode, this.options.random));
      attempt++;
    }
  }

  /** Sends a frame on the current connection and records it as outbound. */
  private sendFrame(bytes: Uint8Array): boolean {
    const conn = this.connection;
    if (!conn || !conn.send(bytes)) return false;
    this.stats.framesOut++;
    // Raw-frame events are built only for a subscriber (a recorder): most sessions never read them.
    if (this.frames.observed) {
      this.frames.next({ direction: 'out', connection: this.connectionNumber, at: this.options.now(), bytes });
    }
    return true;
  }

  /** One WebSocket connection, from signing to close. */
  private async runConnection(base: string): Promise<{ end: ConnectionEnd; framesReceived: number }> {
    const room = this.resolvedRoom!;
    // Re-signed on every attempt: the stub covers room_id and user_unique_id, the counter moves on.
    const signer = (this.signer ??= this.options.signer ?? nativeSigner());
    const { url } = await signedPushUrl(
      base,
      {
        roomId: room.roomId,
        userUniqueId: room.userUniqueId,
        profile: this.profile,
        cursor: this.resume.cursor,
        internalExt: this.resume.internalExt,
      },
      signer,
    );
    if (this.stopped) throw new StopSignal(this.stopped);
    await this.options.beforeRequest?.({ kind: 'push', url });
    if (this.stopped) throw new StopSignal(this.stopped);
    const number = ++this.connectionNumber;
    this.stats.connections++;
    let framesReceived = 0;
    // The connection's closures live in this function's context: none of them may use `url` or `room`, or every
    // room would keep its signed push URL (~1 KB) a second time for the life of the connection.
    let settle!: (result: { end: ConnectionEnd; framesReceived: number }) => void;
    const ended = new Promise<{ end: ConnectionEnd; framesReceived: number }>((resolve) => (settle = resolve));
    let heartbeat: NodeJS.Timeout | undefined;
    let watchdog: NodeJS.Timeout | undefined;
    const drop = (t: NodeJS.Timeout | undefined) => {
      if (t === undefined) return;
      clearTimeout(t);
      this.timers.delete(t);
    };
    const clearTimers = () => {
      drop(heartbeat);
      drop(watchdog);
    };
    // The stall watchdog is not re-armed per frame (a clearTimeout + setTimeout per frame, a Timeout object
    // that outlives the young generation, for each of a thousand rooms): frames only stamp the time, and one
    // timer per stall period checks the stamp, re-arming itself for the rest of the period when frames came.
    // The stamp is monotonic, like the timers: a wall-clock step must not look like a stall. Whole milliseconds:
    // a fractional number stored into this closure would allocate a heap number per frame.
    let lastFrameAt = 0;
    const watch = () => {
      drop(watchdog);
      const quietMs = performance.now() - lastFrameAt;
      if (quietMs < this.options.stallTimeoutMs) {
        watchdog = setTimeout(watch, this.options.stallTimeoutMs - quietMs);
        this.timers.add(watchdog);
        return;
      }
      watchdog = undefined;
      this.setState('stalled');
      this.reportError(
        new DouyinLiveError(ErrorCodes.STALLED, `no frame for ${this.options.stallTimeoutMs} ms; reconnecting`, {
          connection: number,
        }),
      );
      conn.terminate();
    };
    const beat = () => {
      if (this.sendFrame(HEARTBEAT_FRAME)) this.stats.heartbeatsSent++;
      const interval = Math.max(this.options.heartbeatIntervalMs, this.resume.heartbeatDurationMs);
      heartbeat = setTimeout(beat, interval);
      this.timers.add(heartbeat);
    };
    const onStop = () => conn.close(1000);
    this.abort.signal.addEventListener('abort', onStop, { once: true });
    const conn = openConnection(
      url,
      {
        headers: pushHeaders(this.jar.header(), this.profile, room.webRid),
        agent: this.options.agent,
        handshakeTimeoutMs: this.options.httpTimeoutMs,
        reuseReadBuffer: true,
      },
      {
        onOpen: (headers, openUrl) => {
          this.frames.next({ direction: 'open', connection: number, at: this.options.now(), url: openUrl, headers });
          this.setState('live');
          lastFrameAt = Math.floor(performance.now());
          watch();
          // jwwsjlm sends the first heartbeat at once.
          beat();
        },
        onFrame: (bytes) => {
          framesReceived++;
          this.stats.framesIn++;
          lastFrameAt = Math.floor(performance.now());
          if (this.stateSubject.value === 'stalled') this.setState('live');
          if (this.frames.observed) {
            // A raw-frame subscriber (a recorder) keeps the bytes: they leave the reused read buffer first.
            const own = copyOf(bytes);
            this.frames.next({ direction: 'in', connection: number, at: this.options.now(), bytes: own });
            this.receive(own, false);
          } else this.receive(bytes, true);
        },
        onEnd: (end) => {
          clearTimers();
          this.abort.signal.removeEventListener('abort', onStop);
          if (this.connection === conn) this.connection = undefined;
          if (end.kind === 'closed') {
            this.frames.next({
              direction: 'close',
              connection: number,
              at: this.options.now(),
              code: end.code,
              reason: end.reason,
            });
          } else {
            this.frames.next({
              direction: 'error',
              connection: number,
              at: this.options.now(),
              code: end.error.code,
              message: end.error.message,
            });
          }
          settle({ end, framesReceived });
        },
      },
    );
    this.connection = conn;
    return ended;
  }

  private signer: Signer | undefined;
}

/** A copy of `bytes` in memory of its own (a Buffer's `slice` would be a view of the same memory). */
function copyOf(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

function toError(error: unknown): DouyinLiveError {
  if (isDouyinLiveError(error)) return error;
  return new DouyinLiveError(
    ErrorCodes.CONNECTION_LOST,
    (error as Error)?.message ?? String(error),
    {},
    { cause: error },
  );
}
