import { DouyinLiveError, ErrorCodes } from '../errors.js';
import type * as wire from '../gen/douyin.js';
import { parseEnterResponse, parseRoomPage, type EnterResult, type RoomPageResult } from '../room/parseRoomPage.js';
import { buildEnterQuery, buildImFetchQuery, encodeQuery, ENTER_PATH, IM_FETCH_PATH } from '../room/pushParams.js';
import { decodeWire } from '../wire/codec.js';
import type { CookieJar } from './cookies.js';
import { httpGet, type HttpResponse } from './http.js';
import type { HttpRequestInfo, ResolvedSessionOptions } from './options.js';

/** The HTTP side of joining a room (§1, §2.5): ttwid, room page, web/enter, im/fetch. */
export class RoomClient {
  constructor(
    private readonly options: ResolvedSessionOptions,
    private readonly jar: CookieJar,
  ) {}

  private headers(referer?: string): Record<string, string> {
    const headers: Record<string, string> = {
      'User-Agent': this.options.profile.userAgent,
      Accept: '*/*',
      'Accept-Language': 'zh-CN,zh;q=0.9',
    };
    const cookie = this.jar.header();
    if (cookie) headers['Cookie'] = cookie;
    if (referer) headers['Referer'] = referer;
    return headers;
  }

  private async get(kind: HttpRequestInfo['kind'], url: string, referer?: string): Promise<HttpResponse> {
    // A shared limiter (connectRooms) may hold the request back; the headers are built after the wait.
    await this.options.beforeRequest?.({ kind, url });
    const res = await httpGet(url, {
      headers: this.headers(referer),
      agent: this.options.agent,
      timeoutMs: this.options.httpTimeoutMs,
    });
    this.jar.addFromResponse(res.headers);
    return res;
  }

  /** The page URL of a web_rid (also the Referer of later calls). */
  pageUrl(webRid: string): string {
    return `${this.options.endpoints.page}/${encodeURIComponent(webRid)}`;
  }

  /** Makes sure the jar holds a ttwid: `GET /` sets one (§1.2, way 1). */
  async ensureTtwid(): Promise<void> {
    if (this.jar.get('ttwid')) return;
    const res = await this.get('ttwid', `${this.options.endpoints.page}/`);
    // A server error is a failed request (retried while joining); any other answer may carry the cookie.
    if (res.status >= 500)
      throw new DouyinLiveError(ErrorCodes.HTTP_FAILED, `GET / answered HTTP ${res.status}`, { status: res.status });
  }

  /** Fetches and parses the room page; HTTP 404/410 is the only proof a room does not exist. */
  async page(webRid: string): Promise<RoomPageResult> {
    const res = await this.get('page', this.pageUrl(webRid));
    if (res.status === 404 || res.status === 410) {
      throw new DouyinLiveError(ErrorCodes.ROOM_NOT_FOUND, `room ${webRid} does not exist (HTTP ${res.status})`, {
        status: res.status,
      });
    }
    if (res.status >= 400) {
      throw new DouyinLiveError(ErrorCodes.HTTP_FAILED, `room page answered HTTP ${res.status}`, {
        status: res.status,
      });
    }
    return parseRoomPage(res.body.toString('utf8'));
  }

  /** Calls web/enter for status, title and anchor. */
  async enter(webRid: string, roomId?: string): Promise<EnterResult> {
    const query = buildEnterQuery(webRid, this.options.profile, roomId ? { roomIdStr: roomId } : {});
    const res = await this.get(
      'enter',
      `${this.options.endpoints.api}${ENTER_PATH}?${encodeQuery(query)}`,
      this.pageUrl(webRid),
    );
    // A server error says nothing about the room: it is a failed request (retried while joining), not risk control.
    if (res.status >= 500)
      throw new DouyinLiveError(ErrorCodes.HTTP_FAILED, `web/enter answered HTTP ${res.status}`, {
        status: res.status,
      });
    if (res.status >= 400) return { ok: false, reason: 'risk_control', statusCode: res.status };
    let json: unknown;
    try {
      json = JSON.parse(res.body.toString('utf8'));
    } catch {
      // An empty or non-JSON body is how risk control answers (§1.4).
      return { ok: false, reason: 'risk_control' };
    }
    return parseEnterResponse(json);
  }

  /** Pre-fetches cursor, internal_ext, push server and a first batch of history (§2.5). */
  async imFetch(roomId: string, userUniqueId: string, referer: string): Promise<wire.Response> {
    const query = buildImFetchQuery({ roomId, userUniqueId, profile: this.options.profile });
    const res = await this.get(
      'im-fetch',
      `${this.options.endpoints.api}${IM_FETCH_PATH}?${encodeQuery(query)}`,
      referer,
    );
    if (res.status >= 400)
      throw new DouyinLiveError(ErrorCodes.HTTP_FAILED, `im/fetch answered HTTP ${res.status}`, { status: res.status });
    return decodeWire('Response', res.body);
  }
}
