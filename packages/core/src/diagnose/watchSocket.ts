import type { Agent } from 'node:http';
import { Subject } from 'rxjs';
import { liveEnvelopes } from '../pipeline/livePipeline.js';
import { HEARTBEAT_FRAME, PayloadType } from '../protocol/constants.js';
import { openConnection, type ConnectionEnd } from '../session/connection.js';

/** Chat: its first message (with a gift, an ack and a heartbeat answer) ends the watch early. */
export const CHAT_METHOD = 'WebcastChatMessage';
/** Gifts: their absence for a guest is the "gifts withheld" finding. */
export const GIFT_METHOD = 'WebcastGiftMessage';

/** What watching the socket saw; times are ms after the handshake's answer. */
export interface SocketWatch {
  handshakeMs: number;
  opened: boolean;
  end: ConnectionEnd | undefined;
  watchedMs: number;
  frames: number;
  firstFrameMs: number | undefined;
  firstByMethod: Map<string, number>;
  messages: number;
  acksSent: number;
  lastAckMs: number | undefined;
  heartbeatsSent: number;
  heartbeatAnsweredMs: number | undefined;
  users: number;
  maskedUsers: number;
}

/**
 * Opens the push socket and watches it through the live pipeline until everything has been seen (a chat, a
 * gift, an ack, a heartbeat answer), the window ends, or the server closes it.
 */
export function watchSocket(
  url: string,
  headers: Record<string, string>,
  o: {
    handshakeTimeoutMs: number;
    observeMs: number;
    heartbeatIntervalMs: number;
    agent: Agent | undefined;
    now: () => number;
  },
): Promise<SocketWatch> {
  const t0 = o.now();
  let opened = t0;
  const since = () => Math.round(o.now() - opened);
  const w: SocketWatch = {
    handshakeMs: 0,
    opened: false,
    end: undefined,
    watchedMs: 0,
    frames: 0,
    firstFrameMs: undefined,
    firstByMethod: new Map(),
    messages: 0,
    acksSent: 0,
    lastAckMs: undefined,
    heartbeatsSent: 0,
    heartbeatAnsweredMs: undefined,
    users: 0,
    maskedUsers: 0,
  };
  return new Promise((resolve) => {
    const inbound = new Subject<Uint8Array>();
    const timers: NodeJS.Timeout[] = [];
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      for (const t of timers) clearTimeout(t);
      if (w.opened) w.watchedMs = since();
      inbound.complete();
      conn.close(1000);
      resolve(w);
    };
    const complete = () =>
      w.heartbeatAnsweredMs !== undefined &&
      w.firstByMethod.has(CHAT_METHOD) &&
      w.firstByMethod.has(GIFT_METHOD) &&
      w.acksSent > 0;
    const beat = () => {
      if (conn.send(HEARTBEAT_FRAME)) w.heartbeatsSent++;
      timers.push(setTimeout(beat, o.heartbeatIntervalMs));
    };
    inbound
      .pipe(
        liveEnvelopes({
          send: (bytes) => {
            if (conn.send(bytes)) {
              w.acksSent++;
              w.lastAckMs = since();
            }
          },
          onResponse: (item) => {
            if (item.frame.payloadType === PayloadType.HEARTBEAT) w.heartbeatAnsweredMs ??= since();
          },
        }),
      )
      .subscribe((item) => {
        if (item.kind !== 'envelope') return;
        w.messages++;
        if (!w.firstByMethod.has(item.method)) w.firstByMethod.set(item.method, since());
        if (item.method === CHAT_METHOD || item.method === 'WebcastMemberMessage') {
          const m = item.decode();
          if (m.kind === 'message' && 'user' in m && m.user) {
            w.users++;
            if (m.user.masked) w.maskedUsers++;
          }
        }
      });
    const conn = openConnection(
      url,
      { headers, agent: o.agent, handshakeTimeoutMs: o.handshakeTimeoutMs },
      {
        onOpen: () => {
          opened = o.now();
          w.handshakeMs = Math.round(opened - t0);
          w.opened = true;
          timers.push(setTimeout(finish, o.observeMs));
          beat();
        },
        onFrame: (bytes) => {
          w.frames++;
          w.firstFrameMs ??= since();
          inbound.next(bytes);
          if (complete()) finish();
        },
        onEnd: (end) => {
          if (finished) return;
          w.end = end;
          if (!w.opened) w.handshakeMs = Math.round(o.now() - t0);
          finish();
        },
      },
    );
  });
}
