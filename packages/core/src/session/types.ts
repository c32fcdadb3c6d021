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
import type { RoomInfo } from './resolveRoom.js';

/** Where a session is in its life. */
export type SessionState = 'resolving' | 'connecting' | 'live' | 'reconnecting' | 'stalled' | 'ended' | 'closed';

/** One raw event of a session's sockets, in order: what a recorder writes. */
export type RawFrameEvent =
  | { readonly direction: 'in' | 'out'; readonly connection: number; readonly at: number; readonly bytes: Uint8Array }
  | {
      readonly direction: 'open';
      readonly connection: number;
      readonly at: number;
      readonly url: string;
      readonly headers: Readonly<Record<string, string>>;
    }
  | {
      readonly direction: 'close';
      readonly connection: number;
      readonly at: number;
      readonly code: number;
      readonly reason: string;
    }
  | {
      readonly direction: 'error';
      readonly connection: number;
      readonly at: number;
      readonly code: string;
      readonly message: string;
    };

/** Continuity between two connections could not be proven: messages in between may be missing. */
export interface GapEvent {
  readonly kind: 'gap';
  /** The connection that follows the gap. */
  readonly connection: number;
  /** Why continuity is unproven. */
  readonly reason: 'no-cursor' | 'history-reset';
  readonly at: number;
}

/**
 * Where a connection resumes from (§4.4): the newest cursor and internal_ext. A session exposes its own as
 * `resumeState`, and takes one as its `resume` option, so another process can pick the room up where it stopped.
 */
export interface ResumeState {
  /** The newest cursor, header value first. */
  readonly cursor: string;
  /** The newest internal_ext, when one was seen. */
  readonly internalExt?: string | undefined;
}

/** Counters of a session, for status lines and tests. */
export interface SessionStats {
  connections: number;
  framesIn: number;
  framesOut: number;
  acksSent: number;
  heartbeatsSent: number;
  messages: number;
  duplicatesDropped: number;
  /** Frames that did not decode, plus message payloads that did not decode once some stream decoded them. */
  decodeFailures: number;
  reconnects: number;
}

/** How a session ended. */
export type SessionOutcome =
  { readonly reason: 'ended' | 'closed' } | { readonly reason: 'failed'; readonly error: DouyinLiveError };

/** A joined live room as Observables. Every stream is hot and shared: subscribing never opens a socket. */
export interface LiveSession {
  /** Every message, typed (unknown methods as `UnknownMessage`), each once, in arrival order. */
  readonly messages$: Observable<LiveMessage>;
  readonly chat$: Observable<ChatMessage>;
  readonly gift$: Observable<GiftMessage>;
  readonly like$: Observable<LikeMessage>;
  readonly member$: Observable<MemberMessage>;
  /** Follows and shares (`type` tells them apart). */
  readonly social$: Observable<SocialMessage>;
  /** Viewer statistics: RoomUserSeq (online now, cumulative) and RoomStats. */
  readonly viewers$: Observable<RoomUserSeqMessage | RoomStatsMessage>;
  readonly control$: Observable<ControlMessage>;
  /**
   * Non-fatal problems (bad frames, undecodable message payloads, failed join and reconnect attempts — a join
   * retried after a transient failure carries `context.retryInMs` —, gaps); a fatal one
   * comes last, then completion. Message payloads are decoded lazily, for the streams that are read: a payload
   * failure shows here once `messages$`, `errors$` itself or the stream of its method decodes it.
   */
  readonly errors$: Observable<DouyinLiveError>;
  /** Explicit continuity gaps across reconnects. */
  readonly gaps$: Observable<GapEvent>;
  /** State changes, starting with the current state. */
  readonly state$: Observable<SessionState>;
  /** Raw frames in and out, connection opens and closes: the recorder's input. */
  readonly frames$: Observable<RawFrameEvent>;
  /** The resolved room (replays the latest to late subscribers). */
  readonly room$: Observable<RoomInfo>;
  /** The resolved room, once known. */
  readonly room: RoomInfo | undefined;
  /** The current state. */
  readonly state: SessionState;
  /** Whether a login cookie (`sessionid`) was given: without it nicknames are masked and gifts may be missing. */
  readonly loggedIn: boolean;
  /** Live counters. */
  readonly stats: Readonly<SessionStats>;
  /**
   * Where the next connection would resume from, or undefined before the first cursor; read it synchronously in a
   * `messages$` subscriber and it covers every message emitted so far.
   */
  readonly resumeState?: ResumeState | undefined;
  /** Resolves when the session is over: the live ended, `close()` was called, or a fatal error (never rejects). */
  readonly done: Promise<SessionOutcome>;
  /** Closes the socket, stops every timer and completes every stream. */
  close(): Promise<void>;
}
