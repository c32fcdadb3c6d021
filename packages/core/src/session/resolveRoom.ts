import { DouyinLiveError, ErrorCodes } from '../errors.js';
import type * as wire from '../gen/douyin.js';
import type { RoomAnchor, StreamUrls } from '../room/parseRoomPage.js';
import { pushServerFromFetch } from '../room/pushParams.js';
import type { RoomInput, ResolvedSessionOptions } from './options.js';
import type { RoomClient } from './roomClient.js';

/** What a session knows about its room once resolved. */
export interface RoomInfo {
  /** The web_rid (page id), when the room was given by URL or web_rid. */
  readonly webRid: string | undefined;
  /** The 19-digit room id used on the WebSocket. */
  readonly roomId: string;
  readonly title: string;
  /** `room.status`: 1 preparing, 2 live, 3 paused, 4 ended; undefined when nothing said. */
  readonly status: number | undefined;
  readonly anchor: RoomAnchor | undefined;
  /** Current viewers as a display string, when known. */
  readonly viewerCount: string | undefined;
  readonly streamUrls: StreamUrls | undefined;
  /** The visitor id used in the push URL and its signature. */
  readonly userUniqueId: string;
}

/** The result of joining over HTTP: room info plus where the WebSocket resumes from. */
export interface Resolution {
  readonly room: RoomInfo;
  /** The im/fetch Response (cursor, internal_ext, push server, history), when the pre-fetch worked. */
  readonly fetched: wire.Response | undefined;
  /** Push base from im/fetch, when it named one. */
  readonly pushServer: string | undefined;
}

/** Splits the `room` option into a web_rid and/or a room id. */
export function parseRoomInput(input: RoomInput): { webRid?: string; roomId?: string } {
  if (typeof input !== 'string')
    return input.webRid ? { roomId: input.roomId, webRid: input.webRid } : { roomId: input.roomId };
  const text = input.trim();
  const url = /^https?:\/\//i.test(text) ? new URL(text) : undefined;
  const webRid = url ? url.pathname.split('/').filter(Boolean)[0] : text;
  if (!webRid || /[\s/?#]/.test(webRid)) {
    throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, `not a live room URL or web_rid: ${input}`);
  }
  return { webRid };
}

/** A random visitor id as rust-srec and biliLive-tools draw it (7.3e18–8.0e18), when the page gives none. */
export function randomUserUniqueId(random: () => number): string {
  const span = 700_000_000_000_000_000n;
  const offset = BigInt(Math.floor(random() * 1e15)) * (span / 1_000_000_000_000_000n);
  return String(7_300_000_000_000_000_000n + offset);
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(signal.reason);
    };
    // The listener goes when the timer fires, or every retry would leave one more on the session's signal.
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Joins a room over HTTP as the web player does: ttwid, room page (retried while it is a risk-control page),
 * web/enter for the authoritative status, then im/fetch. Waits for the live when asked to.
 */
export async function resolveRoom(
  client: RoomClient,
  options: ResolvedSessionOptions,
  signal: AbortSignal,
): Promise<Resolution> {
  const input = parseRoomInput(options.room);
  await client.ensureTtwid();
  let roomId = input.roomId;
  let room: Partial<RoomInfo> & { userUniqueId?: string } = {};
  if (input.webRid) {
    for (let attempt = 0; ; attempt++) {
      const page = await client.page(input.webRid);
      if (page.found) {
        roomId ??= page.roomId;
        room = { title: page.title ?? '', status: page.status, anchor: page.anchor, viewerCount: page.userCount };
        if (page.userUniqueId) room.userUniqueId = page.userUniqueId;
        break;
      }
      // A risk-control page says nothing about the room: retry politely, then rely on web/enter.
      if (attempt >= options.pageRetries) break;
      await sleep(500 * 2 ** attempt, signal);
    }
    for (;;) {
      const enter = await client.enter(input.webRid, roomId);
      if (enter.ok) {
        roomId ??= enter.roomId;
        room = {
          ...room,
          title: enter.title || room.title || '',
          status: enter.status,
          anchor: enter.ownerNickname
            ? { nickname: enter.ownerNickname, ...(enter.ownerId ? { id: enter.ownerId } : {}) }
            : room.anchor,
          viewerCount: enter.viewerCount ?? room.viewerCount,
          streamUrls: enter.streamUrls,
        };
      } else if (enter.reason === 'not_found') {
        throw new DouyinLiveError(ErrorCodes.ROOM_NOT_FOUND, `room ${input.webRid} does not exist`, {
          status: enter.statusCode,
        });
      }
      if (roomId === undefined) {
        throw new DouyinLiveError(
          ErrorCodes.ROOM_STATUS_UNKNOWN,
          `no room data for ${input.webRid} (risk-control pages); try again later or pass a cookie`,
        );
      }
      if (room.status === undefined || room.status === 2) break;
      if (!options.waitUntilLive) {
        throw new DouyinLiveError(
          ErrorCodes.ROOM_NOT_LIVE,
          `room ${input.webRid} is not live (status ${room.status})`,
          { status: room.status },
        );
      }
      await sleep(options.waitUntilLive.pollIntervalMs, signal);
    }
  }
  if (roomId === undefined) throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, 'no room id');
  const userUniqueId = room.userUniqueId ?? randomUserUniqueId(options.random);
  let fetched: wire.Response | undefined;
  try {
    fetched = await client.imFetch(
      roomId,
      userUniqueId,
      input.webRid ? client.pageUrl(input.webRid) : options.endpoints.page,
    );
  } catch {
    // The pre-fetch is optional (§2.5): connect without cursor and internal_ext.
    fetched = undefined;
  }
  const info: RoomInfo = {
    webRid: input.webRid,
    roomId,
    title: room.title ?? '',
    status: room.status,
    anchor: room.anchor,
    viewerCount: room.viewerCount,
    streamUrls: room.streamUrls,
    userUniqueId,
  };
  const pushServer = fetched && options.endpoints.usePushServerFromFetch ? pushServerFromFetch(fetched) : undefined;
  return { room: info, fetched, pushServer };
}

/** Asks web/enter whether the room is still live (live-end confirmation); undefined when it cannot tell. */
export async function isStillLive(client: RoomClient, room: RoomInfo): Promise<boolean | undefined> {
  if (!room.webRid) return undefined;
  try {
    const enter = await client.enter(room.webRid, room.roomId);
    return enter.ok ? enter.live : undefined;
  } catch {
    return undefined;
  }
}
