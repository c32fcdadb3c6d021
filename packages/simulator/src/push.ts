/**
 * One push connection (§4): the history or resume backlog first, then the room's batches as gzip'd `msg` frames
 * with need_ack; acks matched against what was sent; `hb` frames answered and required; WebSocket pings; and the
 * injected faults.
 */
import { gzipSync } from 'node:zlib';
import type { WebSocket } from 'ws';
import { EMPTY_GZIP_BODY, GARBAGE_FRAME } from './frames.js';
import { FrameHeader, HEARTBEAT_FRAME, PayloadType, decodeWire } from '@douyin-live/core';
import { encodeFrame, encodeResponse, type BuiltMessage } from '@douyin-live/testing';
import { bodyInternalExt, encodeCursor, headerInternalExt, parseCursorSeq } from './cursor.js';
import type { ResolvedSimulatorOptions } from './options.js';
import type { HostedRoom } from './rooms.js';
import type { CloseCause, ConnectionRecord, SimulatorStatsRecorder } from './stats.js';
import type { TimelineEntry } from './timeline.js';

/** First log id of connection 1; each connection gets its own range of a billion. */
const LOG_ID_BASE = 7_300_000_000_000_000_000n;
const LOG_IDS_PER_CONNECTION = 1_000_000_000n;

/** How many sent frames are remembered for ack matching (older ones count as unknown). */
const MAX_REMEMBERED_FRAMES = 10_000;

const utf8 = new TextDecoder();

/** What a push session needs. */
export interface PushSessionContext {
  readonly options: ResolvedSimulatorOptions;
  readonly room: HostedRoom;
  readonly stats: SimulatorStatsRecorder;
  /** The connection's record in the stats (already added). */
  readonly record: ConnectionRecord;
  /** `user_unique_id` of the push URL. */
  readonly userUniqueId: string;
}

/** A running push session. */
export interface PushSession {
  /** Ends the session from the server side (the socket is terminated). */
  shutdown(cause: CloseCause): void;
}

/** A pushed message with how it is counted. */
interface Outgoing {
  readonly entry: TimelineEntry;
  readonly message: BuiltMessage;
  readonly resent: boolean;
}

/** What is remembered of a sent frame for ack matching. */
interface SentFrame {
  readonly headerExt: string;
  readonly bodyExt: string;
}

/** Starts pushing to an accepted WebSocket. */
export function startPushSession(ws: WebSocket, ctx: PushSessionContext): PushSession {
  const { options: o, room, stats, record } = ctx;
  const f = o.faults;
  const firstReqMs = o.now();
  const sent = new Map<string, SentFrame>();
  const acked = new Set<string>();
  let frames = 0;
  let lastSeq = 0;
  let state: 'open' | 'stalled' | 'closed' = 'open';
  let hbTimer: NodeJS.Timeout | undefined;
  let pongTimer: NodeJS.Timeout | undefined;
  let pingTimer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;

  const stopTimers = (): void => {
    clearTimeout(hbTimer);
    clearTimeout(pongTimer);
    clearInterval(pingTimer);
    unsubscribe?.();
    unsubscribe = undefined;
  };

  const finish = (cause: CloseCause, code?: number): void => {
    if (state === 'closed') return;
    state = 'closed';
    stopTimers();
    stats.update(() => {
      record.closeCause ??= cause;
    });
    if (code === undefined || code === 1006) ws.terminate();
    else ws.close(code);
  };

  const stall = (): void => {
    // A stalled server keeps the socket open and sends nothing at all: no frames, no hb answers, no pings.
    state = 'stalled';
    stopTimers();
  };

  const armHeartbeatTimer = (): void => {
    clearTimeout(hbTimer);
    if (state !== 'open') return;
    hbTimer = setTimeout(() => finish('heartbeat-timeout'), o.heartbeatTimeoutMs);
  };

  const send = (bytes: Uint8Array): void => {
    ws.send(bytes, { binary: true });
  };

  const sendMessages = (items: readonly Outgoing[]): void => {
    if (state !== 'open' || items.length === 0) return;
    frames += 1;
    const n = frames;
    const logId = String(LOG_ID_BASE + BigInt(record.id) * LOG_IDS_PER_CONNECTION + BigInt(n));
    lastSeq = Math.max(lastSeq, ...items.map((i) => i.entry.seq));
    const now = o.now();
    const ext = { roomId: room.config.roomId, userUniqueId: ctx.userUniqueId, firstReqMs, nowMs: now, seq: lastSeq };
    const headerExt = headerInternalExt(ext, logId);
    const bodyExt = bodyInternalExt(ext);
    const response = encodeResponse({
      messages: items.map((i) => i.message),
      cursor: encodeCursor(lastSeq, now),
      fetchInterval: '0',
      now: String(now),
      internalExt: bodyExt,
      heartbeatDuration: '0',
      needAck: true,
    });
    const frame = encodeFrame({
      response,
      logId,
      seqId: String(n),
      headers: {
        [FrameHeader.CURSOR]: encodeCursor(lastSeq, now),
        [FrameHeader.INTERNAL_EXT]: headerExt,
        [FrameHeader.NOW]: String(now),
        [FrameHeader.LIVE_CURSOR]: 'd-1_u-1',
      },
    });
    send(frame);
    if (sent.size >= MAX_REMEMBERED_FRAMES) sent.delete(sent.keys().next().value as string);
    sent.set(logId, { headerExt, bodyExt });
    stats.update((s) => {
      s.framesSent.msg += 1;
      record.msgFrames += 1;
      const roomLog = (s.messagesSent[room.config.webRid] ??= []);
      for (const i of items) {
        record.msgIds.push(i.message.msgId);
        roomLog.push({
          via: 'push',
          connectionId: record.id,
          seq: i.entry.seq,
          msgId: i.message.msgId,
          method: i.message.method,
          resent: i.resent,
        });
      }
    });
    afterFrame(n, response);
  };

  const sendRaw = (entry: TimelineEntry, bytes: Uint8Array): void => {
    if (state !== 'open') return;
    frames += 1;
    lastSeq = Math.max(lastSeq, entry.seq);
    send(bytes);
    stats.update((s) => {
      s.framesSent.raw += 1;
      record.msgFrames += 1;
    });
    afterFrame(frames, undefined);
  };

  /** Extra frames and connection faults due after the n-th frame. */
  const afterFrame = (n: number, response: Uint8Array | undefined): void => {
    if (f.garbageEvery !== undefined && n % f.garbageEvery === 0) {
      send(GARBAGE_FRAME);
      stats.update((s) => void (s.framesSent.garbage += 1));
    }
    if (f.corruptGzipEvery !== undefined && n % f.corruptGzipEvery === 0 && response !== undefined) {
      send(corruptGzipFrame(response, String(LOG_ID_BASE + BigInt(record.id) * LOG_IDS_PER_CONNECTION - BigInt(n))));
      stats.update((s) => void (s.framesSent.corruptGzip += 1));
    }
    if (!record.faulty) return;
    if (f.dropAfter === n) finish('fault-drop');
    else if (f.closeAfter === n) finish('fault-close', f.closeCode);
    else if (f.stallAfter === n) stall();
  };

  const push = (entries: readonly TimelineEntry[], resent: ReadonlySet<TimelineEntry> = new Set()): void => {
    let batch: Outgoing[] = [];
    const flush = (): void => {
      sendMessages(batch);
      batch = [];
    };
    for (const entry of entries) {
      if (entry.frame !== undefined) {
        flush();
        sendRaw(entry, entry.frame);
        continue;
      }
      // A withheld message still moves the cursor on: the client must not ask for it again.
      lastSeq = Math.max(lastSeq, entry.seq);
      const message = room.messageFor(entry, record.guest, o.maskGuests, o.withholdGiftsFromGuests);
      if (message === undefined) continue;
      batch.push({ entry, message, resent: resent.has(entry) });
      if (batch.length >= o.maxMessagesPerFrame) flush();
    }
    flush();
  };

  const answerHeartbeat = (): void => {
    stats.update((s) => void (s.heartbeats += 1));
    if (state !== 'open') return;
    armHeartbeatTimer();
    send(
      encodeFrame({
        payloadType: PayloadType.HEARTBEAT,
        payload: EMPTY_GZIP_BODY,
        gzip: false,
        headers: { [FrameHeader.COMPRESS_TYPE]: 'gzip' },
      }),
    );
    stats.update((s) => {
      s.hbAnswers += 1;
      s.framesSent.hb += 1;
    });
  };

  const onAck = (logId: string, payload: string): void => {
    const frame = sent.get(logId);
    let reason: 'unknown-log-id' | 'body-internal-ext' | 'wrong-payload' | 'duplicate' | undefined;
    if (frame === undefined) reason = 'unknown-log-id';
    else if (acked.has(logId)) reason = 'duplicate';
    else if (payload === frame.headerExt) reason = undefined;
    else if (payload === frame.bodyExt) reason = 'body-internal-ext';
    else reason = 'wrong-payload';
    if (frame !== undefined) acked.add(logId);
    stats.update((s) =>
      s.acks.push(
        reason === undefined
          ? { connectionId: record.id, logId, matched: true }
          : { connectionId: record.id, logId, matched: false, reason },
      ),
    );
  };

  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary) {
      stats.update((s) => void (s.unknownFrames += 1));
      return;
    }
    let payloadType: string;
    let logId: string;
    let payload: Uint8Array;
    try {
      const frame = decodeWire('PushFrame', new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      payloadType = frame.payloadType;
      logId = frame.logId;
      payload = frame.payload;
    } catch {
      stats.update((s) => void (s.unknownFrames += 1));
      return;
    }
    if (payloadType === PayloadType.HEARTBEAT) answerHeartbeat();
    else if (payloadType === PayloadType.ACK) onAck(logId, utf8.decode(payload));
    else stats.update((s) => void (s.unknownFrames += 1));
  });

  ws.on('ping', (data: Buffer) => {
    // Some clients (saermart, zlowly, f2) send the hb frame as the payload of a WebSocket ping (§4.5).
    if (Buffer.compare(data, HEARTBEAT_FRAME) === 0) answerHeartbeat();
  });

  ws.on('pong', () => {
    clearTimeout(pongTimer);
    pongTimer = undefined;
    stats.update((s) => void (s.pongsReceived += 1));
  });

  ws.on('close', (code: number) => {
    if (state !== 'closed') {
      state = 'closed';
      stopTimers();
    }
    stats.update(() => {
      record.closed = true;
      record.closeCode = code;
      record.closeCause ??= 'client';
    });
  });

  ws.on('error', () => {
    stats.update(() => {
      record.closeCause ??= 'error';
    });
  });

  // Faults due before the first frame.
  if (record.faulty) {
    if (f.dropAfter === 0) finish('fault-drop');
    else if (f.closeAfter === 0) finish('fault-close', f.closeCode);
    else if (f.stallAfter === 0) stall();
  }
  if (state === 'open') {
    armHeartbeatTimer();
    if (o.pingIntervalMs > 0) {
      pingTimer = setInterval(() => {
        if (state !== 'open') return;
        ws.ping();
        stats.update((s) => void (s.pingsSent += 1));
        pongTimer ??= setTimeout(() => finish('pong-timeout'), o.pongTimeoutMs);
      }, o.pingIntervalMs);
    }
    const timeline = room.timeline;
    const resumeSeq = record.resumedAfter;
    if (resumeSeq !== undefined) {
      // A reconnect: what was missed since the cursor, once, after `resend` already-delivered ones.
      lastSeq = resumeSeq;
      const again = timeline.upTo(resumeSeq, f.resend);
      push([...again, ...timeline.after(resumeSeq)], new Set(again));
    } else {
      // A new viewer: the recent messages first, like the real server's first frame.
      push(
        timeline
          .all()
          .filter((e) => e.message !== undefined)
          .slice(-o.historySize),
      );
    }
    if (state === 'open') unsubscribe = timeline.subscribe((entries) => push(entries));
  }

  return { shutdown: (cause) => finish(cause) };
}

/** The resume point a cursor names, when it is one this room can resume from. */
export function resumeSeqOf(cursor: string | undefined, room: HostedRoom): number | undefined {
  const seq = parseCursorSeq(cursor);
  return seq !== undefined && seq <= room.timeline.lastSeq ? seq : undefined;
}

/**
 * A copy of a frame whose payload claims to be gzip but does not inflate: a valid gzip header followed by a
 * deflate block of the reserved type 3.
 */
function corruptGzipFrame(response: Uint8Array, logId: string): Uint8Array {
  const gz = gzipSync(response);
  const corrupt = new Uint8Array(18);
  corrupt.set(gz.subarray(0, 10));
  corrupt.set([0xff, 0xff, 0xff, 0xff], 10);
  return encodeFrame({
    payload: corrupt,
    gzip: false,
    logId,
    headers: { [FrameHeader.COMPRESS_TYPE]: 'gzip' },
  });
}
