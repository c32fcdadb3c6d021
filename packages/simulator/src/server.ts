/**
 * `startSimulator`: one node:http server on loopback serving the HTTP routes and, on the same port, the push
 * WebSocket (`ws` in `noServer` mode on the server's `upgrade`), so one base URL points a client at everything.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { DouyinLiveError, ErrorCodes, PUSH_PATH } from '@douyin-live/core';
import { newTtwid, parseCookies, ttwidSetCookie } from './cookies.js';
import { checkHandshake, refuseUpgrade } from './handshake.js';
import { httpHandler } from './http.js';
import { resolveSimulatorOptions, type SimulatorOptions } from './options.js';
import { resumeSeqOf, startPushSession, type PushSession } from './push.js';
import { HostedRoom } from './rooms.js';
import { SimulatorStatsRecorder, type ConnectionRecord, type SimulatorStats } from './stats.js';
import type { TimelineEntry } from './timeline.js';

/** A room as the simulator hosts it. */
export interface SimulatorRoomInfo {
  readonly webRid: string;
  readonly roomId: string;
  readonly title: string;
  /** `<httpUrl>/<web_rid>`. */
  readonly pageUrl: string;
}

/** A running simulator. */
export interface Simulator {
  /** HTTP base URL, e.g. `http://127.0.0.1:41234` (pages, web/enter, im/fetch). */
  readonly httpUrl: string;
  /** Push socket URL, e.g. `ws://127.0.0.1:41234/webcast/im/push/v2/` (same port). */
  readonly wsUrl: string;
  /** The port listened on. */
  readonly port: number;
  /** The hosted rooms. */
  readonly rooms: readonly SimulatorRoomInfo[];
  /** Live counters (read only). */
  readonly stats: SimulatorStats;
  /** Resolves once `predicate(stats)` holds; rejects (code TIMEOUT) after `timeoutMs` (default 5 000). */
  waitFor(predicate: (stats: SimulatorStats) => boolean, timeoutMs?: number): Promise<SimulatorStats>;
  /** A room's timeline: every retained message, in room order. Defaults to the first room. */
  timeline(webRid?: string): readonly TimelineEntry[];
  /** Ends a room's live now (ControlMessage action 3; web/enter then says status 4). Defaults to the first room. */
  endLive(webRid?: string): void;
  /** Whether a room's live has ended. Defaults to the first room. */
  liveEnded(webRid?: string): boolean;
  /** Resolves when every room's live has ended. */
  allEnded(): Promise<void>;
  /** Stops the rooms, terminates every socket and closes the server. */
  close(): Promise<void>;
}

/** Starts a simulator; resolves once it listens. Throws INVALID_ARGUMENT for bad options. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const o = resolveSimulatorOptions(options);
  const recorder = new SimulatorStatsRecorder();
  const rooms = o.rooms.map((r) => new HostedRoom(r, o));
  const byWebRid = new Map(rooms.map((r) => [r.config.webRid, r]));
  const byId = new Map(rooms.map((r) => [r.config.roomId, r]));
  const sessions = new Set<PushSession>();
  const timers = new Set<NodeJS.Timeout>();
  let rejectsLeft = o.faults.rejectHandshakes;
  let connectionCount = 0;
  let closing: Promise<void> | undefined;

  const server = createServer();
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  let httpUrl = '';
  let wsUrl = '';

  server.on(
    'request',
    httpHandler({
      options: o,
      stats: recorder,
      roomByWebRid: (webRid) => byWebRid.get(webRid),
      roomById: (roomId) => byId.get(roomId),
      pushUrl: () => wsUrl,
      delay: (ms, fn) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          fn();
        }, ms);
        timers.add(timer);
      },
    }),
  );

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    const url = request.url ?? '/';
    const path = url.split('?')[0] ?? '/';
    const cookies = parseCookies(request.headers.cookie);
    const setCookie = cookies.has('ttwid') ? undefined : ttwidSetCookie(newTtwid(o.now()));
    const refuse = (reason: string): void => {
      recorder.update((s) => s.handshakesRejected.push({ reason, path }));
      refuseUpgrade(socket, setCookie);
    };
    if (closing !== undefined) {
      socket.destroy();
      return;
    }
    if (path !== PUSH_PATH) {
      refuse(`unknown path ${path}`);
      return;
    }
    if (rejectsLeft > 0) {
      rejectsLeft -= 1;
      refuse('rejectHandshakes fault');
      return;
    }
    const verdict = checkHandshake(url, request.headers.cookie, {
      verifySignature: o.verifySignature,
      hasRoom: (roomId) => byId.has(roomId),
    });
    if (!verdict.ok) {
      refuse(verdict.reason);
      return;
    }
    const room = byId.get(verdict.roomId) as HostedRoom;
    // A no-op once the live runs; with `liveStarts: 'on-first-connection'` this is where it begins.
    room.timeline.start();
    wss.handleUpgrade(request, socket, head, (ws: WebSocket) => {
      connectionCount += 1;
      const record: ConnectionRecord = {
        id: connectionCount,
        webRid: room.config.webRid,
        roomId: room.config.roomId,
        guest: verdict.guest,
        cursor: verdict.cursor,
        resumedAfter: resumeSeqOf(verdict.cursor, room),
        faulty: connectionCount <= o.faults.faultConnections,
        msgIds: [],
        msgFrames: 0,
        closeCode: undefined,
        closeCause: undefined,
        closed: false,
      };
      recorder.update((s) => {
        s.handshakesAccepted += 1;
        s.connections.push(record);
      });
      const session = startPushSession(ws, {
        options: o,
        room,
        stats: recorder,
        record,
        userUniqueId: verdict.userUniqueId,
      });
      sessions.add(session);
      ws.once('close', () => sessions.delete(session));
    });
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => {
      reject(
        new DouyinLiveError(
          ErrorCodes.INVALID_ARGUMENT,
          `simulator: cannot listen on ${o.host}:${o.port}`,
          {},
          {
            cause: error,
          },
        ),
      );
    };
    server.once('error', onError);
    server.listen(o.port, o.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  httpUrl = `http://${host}:${port}`;
  wsUrl = `ws://${host}:${port}${PUSH_PATH}`;
  for (const room of rooms) {
    const webRid = room.config.webRid;
    room.timeline.subscribe(() => recorder.update((s) => void (s.roomSeq[webRid] = room.timeline.lastSeq)));
    room.timeline.onEnd(() => recorder.update((s) => void (s.liveEnded[webRid] = true)));
    recorder.update((s) => {
      s.roomSeq[webRid] = 0;
      s.liveEnded[webRid] = false;
    });
    if (o.liveStarts === 'at-listen') room.timeline.start();
  }

  const roomOf = (webRid?: string): HostedRoom => {
    const room = webRid === undefined ? rooms[0] : byWebRid.get(webRid);
    if (room === undefined) {
      throw new DouyinLiveError(ErrorCodes.ROOM_NOT_FOUND, `simulator: no room ${webRid ?? ''}`, { webRid });
    }
    return room;
  };

  return {
    httpUrl,
    wsUrl,
    port,
    rooms: rooms.map((r) => ({
      webRid: r.config.webRid,
      roomId: r.config.roomId,
      title: r.config.title,
      pageUrl: `${httpUrl}/${r.config.webRid}`,
    })),
    stats: recorder.stats,
    waitFor: (predicate, timeoutMs) => recorder.waitFor(predicate, timeoutMs),
    timeline: (webRid) => roomOf(webRid).timeline.all(),
    endLive: (webRid) => roomOf(webRid).timeline.end(),
    liveEnded: (webRid) => roomOf(webRid).timeline.ended,
    allEnded: () =>
      Promise.all(
        rooms.map((r) => (r.timeline.ended ? undefined : new Promise<void>((resolve) => r.timeline.onEnd(resolve)))),
      ).then(() => undefined),
    close: () =>
      (closing ??= (async () => {
        for (const room of rooms) room.timeline.stop();
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        for (const session of [...sessions]) session.shutdown('simulator-closed');
        wss.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })()),
  };
}
