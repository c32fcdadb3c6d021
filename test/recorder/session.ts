// A generated live session as raw frame events: frames from the project's own builders, acks computed by the
// pipeline's ackFor (so outbound records are the real thing), heartbeats, a reconnect with an error between.
import {
  ackFor,
  decodeFrame,
  HEARTBEAT_FRAME,
  unpackResponse,
  type DecodedFrame,
  type InboundResponse,
} from '@douyin-live/core';
import { encodeFrame, messageFactory } from '@douyin-live/testing';
import type { RawFrameEvent } from '@douyin-live/recorder';

/** Cookie and token values a session might carry; none may appear in a recording. */
export const SECRETS = {
  ttwid: '1%7CttwidSecretValue_0123456789abcdef',
  sessionid: 'sessionidSecret0123456789abcdef',
  msToken: 'msTokenSecret_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_abcdefghijklmnop',
  aBogus: 'aBogusSecretValue0123456789',
} as const;

/** The push URL as a session would build it, secrets included. */
export const PUSH_URL =
  'wss://webcast100-ws-web-lq.douyin.com/webcast/im/push/v2/?app_name=douyin_web&room_id=7400000000000000001' +
  `&user_unique_id=7300000000000000001&signature=sig123456&msToken=${SECRETS.msToken}&a_bogus=${SECRETS.aBogus}`;

/** Handshake response headers, a cookie being set among them. */
export const OPEN_HEADERS = {
  'set-cookie': `ttwid=${SECRETS.ttwid}; Path=/; HttpOnly`,
  'Set-Cookie': `sessionid=${SECRETS.sessionid}`,
  'handshake-status': '0',
  'x-tt-logid': '2024abcdef',
} as const;

/** Viewers appearing in generated frames. */
export const VIEWERS = ['小明', '阿花', '老王', '用户***', 'Alice'] as const;

/** Options of {@link generateSession}. */
export interface GenerateOptions {
  /** Inbound frames. */
  readonly frames: number;
  /** Time of the first event, in ms since the epoch. */
  readonly start?: number;
  /** Frame index at which the first connection drops and a second one opens. */
  readonly reconnectAt?: number;
}

/** Builds the inbound frame number `i` (deterministic, so a test can rebuild it). */
export function inboundFrame(i: number, f = messageFactory({ now: () => 1_700_000_000_000 + i })): Uint8Array {
  const who = VIEWERS[i % VIEWERS.length]!;
  const messages = [
    f.chat(who, `弹幕 ${i}`),
    i % 3 === 0 ? f.gift({ user: who, repeatCount: (i % 5) + 1, groupId: String(i) }) : f.like(who, 3, i * 3),
    i % 4 === 0 ? f.member(who, 100 + i) : f.follow(who, i),
  ];
  return encodeFrame({
    logId: String(7_000_000_000_000_000_000n + BigInt(i)),
    response: { needAck: i % 2 === 0, internalExt: `ext-${i}`, cursor: `c${i}`, messages },
  });
}

/** A whole session: open, frames with acks and heartbeats, a drop and reconnect, a clean close. */
export function generateSession(options: GenerateOptions): RawFrameEvent[] {
  const start = options.start ?? 1_700_000_000_000;
  const reconnectAt = options.reconnectAt ?? Math.floor(options.frames / 2);
  const events: RawFrameEvent[] = [];
  let at = start;
  let connection = 1;
  events.push({ direction: 'open', connection, url: PUSH_URL, headers: OPEN_HEADERS, at });
  const f = messageFactory({ now: () => at });
  for (let i = 0; i < options.frames; i++) {
    at += 7;
    if (i === reconnectAt && i > 0) {
      events.push({
        direction: 'error',
        connection,
        code: 'CONNECTION_LOST',
        message: `socket hang up ${PUSH_URL}`,
        at,
      });
      events.push({ direction: 'close', connection, code: 1006, reason: '', at });
      connection++;
      events.push({ direction: 'open', connection, url: PUSH_URL, headers: OPEN_HEADERS, at: at + 1 });
    }
    const bytes = inboundFrame(i, f);
    events.push({ direction: 'in', connection, bytes, at });
    const ack = ackFor(unpackResponse(decodeFrame(bytes) as DecodedFrame) as InboundResponse);
    if (ack !== undefined) events.push({ direction: 'out', connection, bytes: ack, at: at + 1 });
    if (i % 10 === 9) events.push({ direction: 'out', connection, bytes: HEARTBEAT_FRAME, at: at + 2 });
  }
  events.push({ direction: 'close', connection, code: 1000, reason: 'bye', at: at + 10 });
  return events;
}
