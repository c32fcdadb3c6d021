/**
 * `replaySession(file)`: a recording played back as a live session. The recorded inbound frames go through the
 * same `liveEnvelopes()` pipeline a live session runs, are deduped by msgId with the same operator and window,
 * and come out on the same streams, so bot code written against `connectLiveSession` runs unchanged, offline
 * and (with a virtual-time scheduler) deterministically.
 */
import {
  ackFor,
  decodeFrame,
  dedupe,
  DouyinLiveError,
  ErrorCodes,
  isDouyinLiveError,
  liveEnvelopes,
  messageStreams,
  PayloadType,
  type DecodeFailure,
  type ErrorCode,
  type GapEvent,
  type LiveMessage,
  type LiveSession,
  type MessageEnvelope,
  type RawFrameEvent,
  type RoomInfo,
  type SessionOutcome,
  type SessionState,
  type SessionStats,
} from '@douyin-live/core';
import type { FrameRecord, HeaderRecord, RecordedRoom, RecordingRecord, TruncatedRecord } from '@douyin-live/recorder';
import { BehaviorSubject, ReplaySubject, Subject, type Observable } from 'rxjs';
import { AckChecker, type AckCheck, type AckReport } from './acks.js';
import { playbackClock, type PlaybackClock } from './clock.js';
import { resolveReplayOptions, type ReplayOptions, type ResolvedReplayOptions } from './options.js';
import { readRecording } from './parts.js';

/** A recording being played back: every stream of a {@link LiveSession}, plus what only a replay knows. */
export interface ReplaySession extends LiveSession {
  /** The recording being played (its first part). */
  readonly path: string;
  /** The header of the recording's first part, once read. */
  readonly header: HeaderRecord | undefined;
  /** One value per ack compared (with `checkAcks`); completes with the session. */
  readonly acks$: Observable<AckCheck>;
  /** The ack comparison so far; final once `done` resolves. `enabled` is false without `checkAcks`. */
  readonly acks: Readonly<AckReport>;
  /** Recording time of the record being played, in ms since the recording started. */
  readonly position: number;
  /** Approximate bytes of the recording consumed so far (for progress bars). */
  readonly bytesRead: number;
  /** Whether the file turned out to be cut short (its records then end at the cut). */
  readonly truncated: boolean;
  /** The reason in the recording's end record (`end`, `ended`, `interrupted`, `duration`, ...), once read. */
  readonly endReason: string | undefined;
}

/**
 * Plays a `.dyrec` recording through the live pipeline and returns it as a session. It starts at once; the
 * streams are hot, and nothing is emitted before the file has been opened, so subscribe right after the call.
 * Nothing is ever sent. A truncated file plays up to the cut and then reports `RECORDING_INVALID` (with
 * `context.truncated`) on `errors$`; a file that is not a recording fails the session (`done` resolves
 * `{ reason: 'failed' }`, `errors$` carries `RECORDING_INVALID` last).
 *
 * @example
 * ```ts
 * const scheduler = new VirtualTimeScheduler();
 * const session = replaySession('fixtures/busy-room.dyrec', { scheduler });
 * session.gift$.pipe(giftCombos({ emit: 'end', scheduler })).subscribe((c) => console.log(c.total));
 * await session.done; // milliseconds, whatever the recording's length
 * ```
 */
export function replaySession(file: string, options: ReplayOptions = {}): ReplaySession {
  return new ReplaySessionImpl(file, resolveReplayOptions(options));
}

/** Why the replay stopped reading. */
type Stop = 'end-of-recording' | 'to' | 'closed' | 'truncated';

// Rough encoded sizes of records, for the progress estimate only.
const FRAME_RECORD_OVERHEAD_BYTES = 24;
const OTHER_RECORD_BYTES = 96;

const ERROR_CODES = new Set<string>(Object.values(ErrorCodes));

class ReplaySessionImpl implements ReplaySession {
  private readonly envelopes = new Subject<MessageEnvelope>();
  private readonly errors = new Subject<DouyinLiveError>();
  private readonly gaps = new Subject<GapEvent>();
  private readonly stateSubject = new BehaviorSubject<SessionState>('resolving');
  private readonly frames = new Subject<RawFrameEvent>();
  private readonly roomSubject = new ReplaySubject<RoomInfo>(1);
  private readonly ackChecks = new Subject<AckCheck>();
  private readonly inbound = new Subject<Uint8Array>();
  private readonly dedupeInput = new Subject<MessageEnvelope>();
  private readonly checker: AckChecker;
  private readonly openConnections = new Set<number>();
  private clock: PlaybackClock | undefined;
  private resolvedRoom: RoomInfo | undefined;
  private currentConnection = 0;
  // A connection closed and none is open: the next record means the client reconnected.
  private pendingReconnect = false;
  private liveEnded = false;
  private muted = false;
  private closeRequested = false;
  private finished = false;
  private recordedEnd: string | undefined;
  private positionMs = 0;
  private bytes = 0;
  // Envelopes that came out of dedupe (a repeat leaves this unchanged).
  private delivered = 0;
  private wasTruncated = false;
  private headerRecord: HeaderRecord | undefined;
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
  /** A recording does not say whether its session was logged in. */
  readonly loggedIn = false;
  readonly done: Promise<SessionOutcome>;
  readonly messages$: Observable<LiveMessage>;
  readonly chat$;
  readonly gift$;
  readonly like$;
  readonly member$;
  readonly social$;
  readonly viewers$;
  readonly control$;
  readonly errors$: Observable<DouyinLiveError>;
  readonly gaps$: Observable<GapEvent>;
  readonly state$: Observable<SessionState>;
  readonly frames$: Observable<RawFrameEvent>;
  readonly room$: Observable<RoomInfo>;
  readonly acks$: Observable<AckCheck>;

  constructor(
    readonly path: string,
    private readonly options: ResolvedReplayOptions,
  ) {
    this.done = new Promise((resolve) => (this.settle = resolve));
    this.checker = new AckChecker(options.checkAcks, (check) => this.ackChecks.next(check));

    // The streams are derived exactly as the live session derives them.
    ({
      messages$: this.messages$,
      chat$: this.chat$,
      gift$: this.gift$,
      like$: this.like$,
      member$: this.member$,
      social$: this.social$,
      viewers$: this.viewers$,
      control$: this.control$,
      errors$: this.errors$,
    } = messageStreams(this.envelopes.asObservable(), this.errors, () => this.stats.decodeFailures++));
    this.gaps$ = this.gaps.asObservable();
    this.state$ = this.stateSubject.asObservable();
    this.frames$ = this.frames.asObservable();
    this.room$ = this.roomSubject.asObservable();
    this.acks$ = this.ackChecks.asObservable();

    // The live session's front half, without the ack stage: a replay never sends.
    this.inbound
      .pipe(
        liveEnvelopes({
          onResponse: options.checkAcks
            ? (item) => {
                const ack = ackFor(item);
                if (ack !== undefined) this.checker.expect(this.currentConnection, item.frame.logId, ack);
              }
            : undefined,
        }),
      )
      .subscribe((item) => this.accept(item));
    // Core's dedupe operator with the live session's window: the same repeats are dropped.
    this.dedupeInput.pipe(dedupe({ window: options.dedupeWindow })).subscribe((envelope) => this.deliver(envelope));

    void this.run();
  }

  get state(): SessionState {
    return this.stateSubject.value;
  }

  get room(): RoomInfo | undefined {
    return this.resolvedRoom;
  }

  get header(): HeaderRecord | undefined {
    return this.headerRecord;
  }

  get acks(): Readonly<AckReport> {
    return this.checker.report;
  }

  get position(): number {
    return this.positionMs;
  }

  get bytesRead(): number {
    return this.bytes;
  }

  get truncated(): boolean {
    return this.wasTruncated;
  }

  get endReason(): string | undefined {
    return this.recordedEnd;
  }

  async close(): Promise<void> {
    this.closeRequested = true;
    this.clock?.cancel();
    await this.done;
  }

  // ---- reading and timing -------------------------------------------------------------------------

  private async run(): Promise<void> {
    let outcome: SessionOutcome;
    try {
      const stop = await this.play();
      const ended = this.liveEnded || this.recordedEnd === 'ended';
      outcome = { reason: stop !== 'closed' && ended ? 'ended' : 'closed' };
    } catch (error) {
      outcome = { reason: 'failed', error: toError(error, this.path) };
    }
    this.finish(outcome);
  }

  /** Reads and plays every record; resolves with why it stopped. */
  private async play(): Promise<Stop> {
    const { fromMs, toMs } = this.options;
    const records = readRecording(this.path, {
      followParts: this.options.followParts,
      reader: this.options.reader,
      onMissingPart: (error) => this.errors.next(error),
    });
    for await (const { record } of records) {
      if (this.closeRequested) return 'closed';
      if (record.kind === 'header') {
        this.bytes += OTHER_RECORD_BYTES;
        this.onHeader(record);
        continue;
      }
      if (record.kind === 'truncated') {
        this.onTruncated(record);
        return 'truncated';
      }
      const header = this.headerRecord;
      if (header === undefined) throw new DouyinLiveError(ErrorCodes.RECORDING_INVALID, `${this.path} has no header`);
      const offset = record.at - header.recordingStartedAt;
      if (offset > toMs) return 'to';
      this.positionMs = offset;
      // A record may sit a millisecond before the header's start (the recorder starts on its first event).
      this.muted = fromMs > 0 && offset < fromMs;
      if (!this.muted) {
        const wait = this.clock!.until(offset - fromMs);
        if (wait !== undefined) await wait;
        if (this.closeRequested) return 'closed';
      }
      if (record.kind === 'end') {
        if (record.reason === 'rotate') continue;
        this.recordedEnd = record.reason;
        return 'end-of-recording';
      }
      this.onRecord(record);
    }
    return 'end-of-recording';
  }

  private onHeader(header: HeaderRecord): void {
    // Later parts repeat the header; the first one describes the recording.
    if (this.headerRecord !== undefined) return;
    this.headerRecord = header;
    this.clock = playbackClock(this.options.scheduler, this.options.speed);
    if (header.room !== null) {
      this.resolvedRoom = roomInfoOf(header.room, header.openConnections[0]?.url);
      this.roomSubject.next(this.resolvedRoom);
    }
    this.setState('connecting');
    // A later part played alone starts with connections already open.
    for (const c of header.openConnections) {
      this.openConnections.add(c.conn);
      this.currentConnection = c.conn;
      this.stats.connections++;
    }
    if (this.openConnections.size > 0) this.setState('live');
  }

  private onTruncated(record: TruncatedRecord): void {
    if (this.headerRecord === undefined) {
      throw new DouyinLiveError(
        ErrorCodes.RECORDING_INVALID,
        `${this.path} is not a .dyrec recording (it is empty or cut before the end of its header)`,
        { path: this.path, offset: record.at },
      );
    }
    this.wasTruncated = true;
    // Never muted: the caller must learn that the recording is incomplete.
    this.errors.next(
      new DouyinLiveError(
        ErrorCodes.RECORDING_TRUNCATED,
        `${this.path} is cut short at byte ${record.at} (an incomplete record of ${record.tailBytes} bytes follows): replayed up to the cut`,
        { path: this.path, truncated: true, offset: record.at, tailBytes: record.tailBytes },
      ),
    );
  }

  // ---- records ------------------------------------------------------------------------------------

  private onRecord(record: Exclude<RecordingRecord, HeaderRecord | TruncatedRecord | { kind: 'end' }>): void {
    if (this.pendingReconnect) {
      this.pendingReconnect = false;
      if (!this.liveEnded) this.setState('reconnecting');
    }
    switch (record.kind) {
      case 'open': {
        this.bytes += OTHER_RECORD_BYTES;
        this.stats.connections++;
        const reconnect = this.stats.connections > 1;
        if (reconnect) {
          this.stats.reconnects++;
          this.checkResume(record.conn, record.url, record.at);
        }
        this.openConnections.add(record.conn);
        this.currentConnection = record.conn;
        // The header has the room, the push URL has the visitor id.
        if (this.resolvedRoom?.userUniqueId === '') {
          this.resolvedRoom = { ...this.resolvedRoom, userUniqueId: queryParam(record.url, 'user_unique_id') };
        }
        this.emitFrame({
          direction: 'open',
          connection: record.conn,
          at: record.at,
          url: record.url,
          headers: record.headers,
        });
        this.setState('live');
        return;
      }
      case 'in':
        this.bytes += record.bytes.length + FRAME_RECORD_OVERHEAD_BYTES;
        this.stats.framesIn++;
        this.currentConnection = record.conn;
        this.emitFrame(frameEvent(record));
        // Synchronous from here to the subscribers: the pipeline has no async stage.
        this.inbound.next(record.bytes);
        return;
      case 'out':
        this.bytes += record.bytes.length + FRAME_RECORD_OVERHEAD_BYTES;
        this.onOutbound(record);
        return;
      case 'close':
        this.bytes += OTHER_RECORD_BYTES;
        this.emitFrame({
          direction: 'close',
          connection: record.conn,
          at: record.at,
          code: record.code,
          reason: record.reason,
        });
        this.connectionEnded(record.conn);
        if (record.code !== 1000 && !this.liveEnded) {
          this.report(
            new DouyinLiveError(
              ErrorCodes.CONNECTION_LOST,
              `connection closed with code ${record.code}${record.reason ? ` (${record.reason})` : ''}`,
              { closeCode: record.code, connection: record.conn },
            ),
          );
        }
        return;
      case 'error':
        this.bytes += OTHER_RECORD_BYTES;
        this.emitFrame({
          direction: 'error',
          connection: record.conn,
          at: record.at,
          code: record.code,
          message: record.message,
        });
        this.connectionEnded(record.conn);
        this.report(
          new DouyinLiveError(
            ERROR_CODES.has(record.code) ? (record.code as ErrorCode) : ErrorCodes.CONNECTION_LOST,
            record.message,
            { connection: record.conn, recordedCode: record.code },
          ),
        );
        return;
    }
  }

  /** Outbound frames are counted (acks, heartbeats) and, with `checkAcks`, compared; never sent. */
  private onOutbound(record: FrameRecord): void {
    this.stats.framesOut++;
    const frame = decodeFrame(record.bytes);
    if (frame.kind === 'frame') {
      if (frame.payloadType === PayloadType.ACK) this.stats.acksSent++;
      else if (frame.payloadType === PayloadType.HEARTBEAT) this.stats.heartbeatsSent++;
    }
    if (this.options.checkAcks) this.checker.recordedOut(record.conn, record.bytes);
    this.emitFrame(frameEvent(record));
  }

  private connectionEnded(connection: number): void {
    this.openConnections.delete(connection);
    this.checker.connectionEnded(connection);
    if (this.openConnections.size === 0) this.pendingReconnect = true;
  }

  /** A reconnect without a cursor cannot prove continuity: the live session reports a gap, and so do we. */
  private checkResume(connection: number, url: string, at: number): void {
    // No URL (an imported recording): nothing to tell.
    if (!URL.canParse(url) || queryParam(url, 'cursor') !== '') return;
    const gap: GapEvent = { kind: 'gap', connection, reason: 'no-cursor', at };
    if (!this.muted) this.gaps.next(gap);
    this.report(
      new DouyinLiveError(ErrorCodes.GAP, 'reconnecting without a cursor: messages in between may be missing', {
        connection,
      }),
    );
  }

  // ---- message flow (as the live session's accept) -------------------------------------------------

  private accept(item: MessageEnvelope | DecodeFailure): void {
    if (item.kind === 'decode-failure') {
      this.stats.decodeFailures++;
      this.report(item.error);
      return;
    }
    const delivered = this.delivered;
    this.dedupeInput.next(item);
    if (this.delivered === delivered) this.stats.duplicatesDropped++;
  }

  /** The envelopes that survived dedupe. */
  private deliver(envelope: MessageEnvelope): void {
    this.delivered++;
    if (envelope.method === 'WebcastControlMessage') {
      const control = envelope.decode();
      if (control.kind === 'message' && 'liveEnded' in control && control.liveEnded) this.liveEnded = true;
    }
    if (this.muted) return;
    this.stats.messages++;
    this.envelopes.next(envelope);
  }

  private report(error: DouyinLiveError): void {
    if (!this.muted) this.errors.next(error);
  }

  private emitFrame(event: RawFrameEvent): void {
    if (!this.muted) this.frames.next(event);
  }

  private setState(state: SessionState): void {
    if (this.stateSubject.value !== state) this.stateSubject.next(state);
  }

  private finish(outcome: SessionOutcome): void {
    if (this.finished) return;
    this.finished = true;
    this.clock?.cancel();
    this.checker.finish();
    this.setState(outcome.reason === 'ended' ? 'ended' : 'closed');
    this.inbound.complete();
    this.dedupeInput.complete();
    if (outcome.reason === 'failed') {
      this.errors.next(outcome.error);
      this.envelopes.error(outcome.error);
    } else {
      this.envelopes.complete();
    }
    this.errors.complete();
    this.gaps.complete();
    this.frames.complete();
    this.roomSubject.complete();
    this.ackChecks.complete();
    this.stateSubject.complete();
    this.settle(outcome);
  }
}

function frameEvent(record: FrameRecord): RawFrameEvent {
  return { direction: record.kind, connection: record.conn, at: record.at, bytes: record.bytes };
}

/** The session's room from the header's (`userUniqueId` from the push URL, when one is known). */
function roomInfoOf(room: RecordedRoom, url: string | undefined): RoomInfo {
  const anchor = room.anchor;
  const status = typeof room.status === 'number' ? room.status : room.status ? Number(room.status) : undefined;
  return {
    webRid: room.webRid || undefined,
    roomId: room.roomId,
    title: room.title,
    status: Number.isFinite(status) ? status : undefined,
    anchor:
      anchor === undefined
        ? undefined
        : {
            nickname: anchor.nickname,
            ...(anchor.id !== undefined ? { id: anchor.id } : {}),
            ...(anchor.secUid !== undefined ? { secUid: anchor.secUid } : {}),
          },
    viewerCount: undefined,
    streamUrls: undefined,
    userUniqueId: url === undefined ? '' : queryParam(url, 'user_unique_id'),
  };
}

/** A query parameter of a URL, or '' (no such parameter, or no parsable URL). */
function queryParam(url: string, name: string): string {
  try {
    return new URL(url).searchParams.get(name) ?? '';
  } catch {
    return '';
  }
}

function toError(error: unknown, path: string): DouyinLiveError {
  if (isDouyinLiveError(error)) return error;
  return new DouyinLiveError(
    ErrorCodes.RECORDING_INVALID,
    `${path}: ${(error as Error)?.message ?? String(error)}`,
    { path },
    { cause: error },
  );
}
