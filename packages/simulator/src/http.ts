/**
 * The HTTP side of the simulator (§1, §2.5): `/` (ttwid), `/<web_rid>` (room page), web/enter JSON and the
 * im/fetch protobuf Response. Every answer to a request without a ttwid cookie sets one, as Douyin's do.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ENTER_PATH, IM_FETCH_PATH } from '@douyin-live/core';
import {
  renderEnterJson,
  renderEnterNotFoundJson,
  renderPacePage,
  renderRenderDataPage,
  renderRiskControlPage,
  type RoomFixtureInput,
  encodeResponse,
} from '@douyin-live/testing';
import { newTtwid, requestCookies, ttwidSetCookie, userUniqueIdFor } from './cookies.js';
import { bodyInternalExt, encodeCursor } from './cursor.js';
import type { ResolvedSimulatorOptions } from './options.js';
import type { HostedRoom } from './rooms.js';
import type { SimulatorStatsRecorder } from './stats.js';

/** `room.status` values the simulator reports (§1.5). */
const STATUS_LIVE = 2;
const STATUS_ENDED = 4;

/** How often a polling client should come back, in ms (`Response.fetch_interval`). */
const FETCH_INTERVAL_MS = 1_000;

/** What the HTTP routes need from the simulator. */
export interface HttpContext {
  readonly options: ResolvedSimulatorOptions;
  readonly stats: SimulatorStatsRecorder;
  /** Room by web_rid. */
  roomByWebRid(webRid: string): HostedRoom | undefined;
  /** Room by room id. */
  roomById(roomId: string): HostedRoom | undefined;
  /** The push socket URL (`push_server` of im/fetch). */
  pushUrl(): string;
  /** Runs `fn` after `ms`; the simulator cancels pending ones when it closes. */
  delay(ms: number, fn: () => void): void;
}

/** The `request` handler of the simulator's HTTP server. */
export function httpHandler(ctx: HttpContext): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const url = new URL(request.url ?? '/', 'http://simulator.invalid');
    const path = url.pathname;
    ctx.stats.update((s) => {
      s.httpRequests[path] = (s.httpRequests[path] ?? 0) + 1;
    });
    const now = ctx.options.now();
    const cookies = requestCookies(request);
    let ttwid = cookies.get('ttwid');
    const setCookies: string[] = [];
    // `/` always (re)issues the cookie: it is how clients get one (§1.2 way 1).
    if (ttwid === undefined || ttwid === '' || path === '/') {
      ttwid = newTtwid(now);
      setCookies.push(ttwidSetCookie(ttwid));
    }
    const send = (status: number, type: string, body: string | Uint8Array, extra: string[] = []): void => {
      const cookiesOut = [...setCookies, ...extra];
      response.statusCode = status;
      response.setHeader('Content-Type', type);
      if (cookiesOut.length > 0) response.setHeader('Set-Cookie', cookiesOut);
      response.setHeader('Content-Length', Buffer.byteLength(body));
      response.end(request.method === 'HEAD' ? undefined : body);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      send(405, 'text/plain; charset=utf-8', 'method not allowed');
      return;
    }

    if (path === '/') {
      send(
        200,
        'text/html; charset=utf-8',
        '<!DOCTYPE html><html><head><title>抖音直播</title></head><body></body></html>',
      );
      return;
    }

    if (path === ENTER_PATH) {
      const room = ctx.roomByWebRid(url.searchParams.get('web_rid') ?? '');
      send(
        200,
        'application/json; charset=utf-8',
        room ? renderEnterJson(fixtureOf(room, ttwid)) : renderEnterNotFoundJson(),
      );
      return;
    }

    if (path === IM_FETCH_PATH) {
      const room = ctx.roomById(url.searchParams.get('room_id') ?? '');
      if (room === undefined) {
        send(404, 'text/plain; charset=utf-8', '');
        return;
      }
      const o = ctx.options;
      const guest = (cookies.get('sessionid') ?? '') === '';
      const history = room.timeline
        .all()
        .filter((e) => e.message !== undefined)
        .slice(-o.historySize);
      const delivered = history.flatMap((entry) => {
        const message = room.messageFor(entry, guest, o.maskGuests, o.withholdGiftsFromGuests);
        return message === undefined ? [] : [{ entry, message }];
      });
      const messages = delivered.map((d) => d.message);
      ctx.stats.update((s) => {
        const roomLog = (s.messagesSent[room.config.webRid] ??= []);
        for (const { entry, message } of delivered) {
          roomLog.push({
            via: 'fetch',
            connectionId: 0,
            seq: entry.seq,
            msgId: message.msgId,
            method: message.method,
            resent: false,
          });
        }
      });
      const seq = room.timeline.lastSeq;
      const userUniqueId = url.searchParams.get('user_unique_id') || userUniqueIdFor(ttwid);
      const body = encodeResponse({
        messages: [...messages],
        cursor: encodeCursor(seq, now),
        fetchInterval: String(FETCH_INTERVAL_MS),
        now: String(now),
        internalExt: bodyInternalExt({ roomId: room.config.roomId, userUniqueId, firstReqMs: now, nowMs: now, seq }),
        heartbeatDuration: '0',
        pushServer: ctx.pushUrl(),
        pushServerV2: ctx.pushUrl(),
        historyNoMore: true,
      });
      send(200, 'application/protobuf', body);
      return;
    }

    const webRid = path.slice(1);
    const room = /^[\w.-]+$/.test(webRid) ? ctx.roomByWebRid(webRid) : undefined;
    if (room === undefined) {
      send(404, 'text/html; charset=utf-8', '<!DOCTYPE html><html><body>404</body></html>');
      return;
    }
    const page = room.config.page;
    const answer = (): void => {
      if (page === 'risk') {
        // The bare anti-bot answer to an anonymous first GET: a nonce cookie and no room data.
        send(200, 'text/html; charset=utf-8', renderRiskControlPage('ac_nonce'), [
          `__ac_nonce=0${now.toString(16).padStart(11, '0')}${'0'.repeat(9)}; Path=/; Max-Age=1800`,
        ]);
        return;
      }
      const fixture = fixtureOf(room, ttwid);
      send(
        200,
        'text/html; charset=utf-8',
        page === 'render-data' ? renderRenderDataPage(fixture) : renderPacePage(fixture),
      );
    };
    const slow = ctx.options.faults.slowPage;
    if (slow > 0) ctx.delay(slow, answer);
    else answer();
  };
}

/** The page/JSON fixture input of a room, with the visitor id paired to the ttwid. */
function fixtureOf(room: HostedRoom, ttwid: string | undefined): RoomFixtureInput {
  const c = room.config;
  return {
    roomId: c.roomId,
    webRid: c.webRid,
    status: room.timeline.ended ? STATUS_ENDED : STATUS_LIVE,
    title: c.title,
    anchorNickname: c.anchor.nickname,
    anchorId: c.anchor.id,
    anchorSecUid: c.anchor.secUid,
    userCountStr: c.userCountStr,
    userUniqueId: userUniqueIdFor(ttwid),
  };
}
