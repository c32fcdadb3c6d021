/**
 * What the simulator saw and did, for tests to assert on, plus {@link SimulatorStatsRecorder.waitFor} so a test
 * can await "3 acks received" without sleeping.
 */
import { EventEmitter } from 'node:events';
import { DouyinLiveError, ErrorCodes } from '@douyin-live/core';

/** Kinds of server → client frames. */
export type SentFrameKind = 'msg' | 'hb' | 'garbage' | 'corruptGzip' | 'raw';

/** One message delivered to a client: pushed on a connection, or in an im/fetch answer. */
export interface SentMessage {
  /** How it went out. */
  readonly via: 'push' | 'fetch';
  /** Connection it went to (0 for im/fetch). */
  readonly connectionId: number;
  /** Room sequence number. */
  readonly seq: number;
  /** `Message.msg_id`. */
  readonly msgId: string;
  /** `Message.method`. */
  readonly method: string;
  /** Whether this was a re-send of an already-delivered message (`resend` option). */
  readonly resent: boolean;
}

/** One ack a client sent. */
export interface AckRecord {
  readonly connectionId: number;
  /** The ack frame's `log_id`. */
  readonly logId: string;
  /** True when the log id names a frame pushed on this connection and the payload is its `im-internal_ext`. */
  readonly matched: boolean;
  /** Why it did not match. */
  readonly reason?: 'unknown-log-id' | 'body-internal-ext' | 'wrong-payload' | 'duplicate';
}

/** Why a connection ended, as far as the server knows. */
export type CloseCause =
  'client' | 'heartbeat-timeout' | 'pong-timeout' | 'fault-drop' | 'fault-close' | 'simulator-closed' | 'error';

/** One WebSocket connection. */
export interface ConnectionRecord {
  /** 1, 2, … in handshake order. */
  readonly id: number;
  readonly webRid: string;
  readonly roomId: string;
  /** No `sessionid` cookie: masked nicknames (and maybe no gifts). */
  readonly guest: boolean;
  /** The `cursor` URL parameter, when any. */
  readonly cursor: string | undefined;
  /** The room sequence the connection resumed after (a cursor this simulator issued), else `undefined`. */
  readonly resumedAfter: number | undefined;
  /** Whether drop/stall/close faults apply to it. */
  readonly faulty: boolean;
  /** Message ids pushed to it, in order. */
  readonly msgIds: string[];
  /** `msg` frames pushed to it. */
  msgFrames: number;
  /** Close code seen by the server (1006 when the socket was cut). */
  closeCode: number | undefined;
  /** Who or what ended it. */
  closeCause: CloseCause | undefined;
  /** Whether it is closed. */
  closed: boolean;
}

/** A refused handshake. */
export interface RejectedHandshake {
  readonly reason: string;
  readonly path: string;
}

/** Everything counted; read it, never write it. */
export interface SimulatorStats {
  /** Frames sent, by kind. */
  readonly framesSent: Record<SentFrameKind, number>;
  /** Sequence number of the newest message of each room's timeline, per web_rid (grows with nobody connected). */
  readonly roomSeq: Record<string, number>;
  /** Whether each room's live has ended, per web_rid. */
  readonly liveEnded: Record<string, boolean>;
  /** Messages delivered (pushed, or in im/fetch answers), in order, per web_rid. */
  readonly messagesSent: Record<string, SentMessage[]>;
  /** Acks received, in order. */
  readonly acks: AckRecord[];
  /** `hb` frames received from clients. */
  heartbeats: number;
  /** `hb` frames sent back. */
  hbAnswers: number;
  /** WebSocket pings sent. */
  pingsSent: number;
  /** Pongs received. */
  pongsReceived: number;
  /** Frames from clients that were neither hb nor ack, or did not decode. */
  unknownFrames: number;
  /** Every connection, in handshake order. */
  readonly connections: ConnectionRecord[];
  /** Handshakes accepted. */
  handshakesAccepted: number;
  /** Handshakes refused, with the reason. */
  readonly handshakesRejected: RejectedHandshake[];
  /** HTTP requests (not upgrades) by path. */
  readonly httpRequests: Record<string, number>;
}

/** Holds the stats and tells waiters when they change. */
export class SimulatorStatsRecorder {
  /** The live stats object. */
  readonly stats: SimulatorStats = {
    framesSent: { msg: 0, hb: 0, garbage: 0, corruptGzip: 0, raw: 0 },
    roomSeq: {},
    liveEnded: {},
    messagesSent: {},
    acks: [],
    heartbeats: 0,
    hbAnswers: 0,
    pingsSent: 0,
    pongsReceived: 0,
    unknownFrames: 0,
    connections: [],
    handshakesAccepted: 0,
    handshakesRejected: [],
    httpRequests: {},
  };

  /** Emits `change` after every update. */
  readonly events = new EventEmitter().setMaxListeners(0);

  /** Applies an update and notifies waiters. */
  update(change: (stats: SimulatorStats) => void): void {
    change(this.stats);
    this.events.emit('change', this.stats);
  }

  /**
   * Resolves once `predicate(stats)` holds (checked now and after every change); rejects with a
   * `DouyinLiveError` (code TIMEOUT) after `timeoutMs`.
   */
  waitFor(predicate: (stats: SimulatorStats) => boolean, timeoutMs = 5_000): Promise<SimulatorStats> {
    if (predicate(this.stats)) return Promise.resolve(this.stats);
    return new Promise((resolve, reject) => {
      const onChange = (): void => {
        if (!predicate(this.stats)) return;
        cleanup();
        resolve(this.stats);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new DouyinLiveError(ErrorCodes.TIMEOUT, `simulator: condition not met within ${timeoutMs} ms`, {
            timeoutMs,
          }),
        );
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.events.off('change', onChange);
      };
      this.events.on('change', onChange);
    });
  }
}
