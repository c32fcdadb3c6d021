/**
 * URL parameters of the three endpoints a session talks to: the WebSocket push URL (§2.2), the room web/enter API
 * (§1.4) and the im/fetch pre-fetch (§2.5). Every builder returns ordered `[name, value]` pairs, because the
 * order is part of what a real browser looks like.
 */
import { randomInt } from 'node:crypto';

import { DouyinLiveError, ErrorCodes } from '../errors.js';

/** `webcast_sdk_version` (and `update_version_code`) sent by current clients; it is hashed into the signature. */
export const DEFAULT_WEBCAST_SDK_VERSION = '1.0.15';

/** `version_code` of the web client; hashed into the signature. */
export const VERSION_CODE = '180800';

/** Douyin's web app id (`aid`); hashed into the signature. */
export const AID = '6383';

/** `app_name` of the web client. */
export const APP_NAME = 'douyin_web';

/** Path of the WebSocket push endpoint. */
export const PUSH_PATH = '/webcast/im/push/v2/';

/** Path of the HTTP pre-fetch / polling endpoint (also sent as `im_path` in the push URL). */
export const IM_FETCH_PATH = '/webcast/im/fetch/';

/** Path of the room web/enter API. */
export const ENTER_PATH = '/webcast/room/web/enter/';

/** Origin of the live site: the `host` URL parameter, the `Origin` header and the base of the HTTP APIs. */
export const LIVE_ORIGIN = 'https://live.douyin.com';

/** Push hosts in current use (§2.1); the im/fetch answer is the authoritative source (see {@link pushServerFromFetch}). */
export const DEFAULT_PUSH_HOSTS = [
  'wss://webcast100-ws-web-lq.douyin.com',
  'wss://webcast100-ws-web-hl.douyin.com',
  'wss://webcast100-ws-web-lf.douyin.com',
] as const;

/** `heartbeatDuration` URL parameter sent by every client (the server then picks the interval). */
export const DEFAULT_HEARTBEAT_DURATION = 0;

/** `need_persist_msg_count`: how many recent messages the server replays on connect. */
export const NEED_PERSIST_MSG_COUNT = '15';

/** Length of a random `msToken` (dycast and rust-srec use 184; saermart 182; jwwsjlm 172). */
export const DEFAULT_MS_TOKEN_LENGTH = 184;

/** WebSocket scheme for each scheme an im/fetch push server may be written with. */
const WS_SCHEME_OF: Readonly<Record<string, string>> = {
  'https:': 'wss:',
  'wss:': 'wss:',
  'http:': 'ws:',
  'ws:': 'ws:',
};

/** The 64 characters a random `msToken` is drawn from (`[A-Za-z0-9-_]`). */
const MS_TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The browser a session pretends to be; it feeds the `screen_*`, `browser_*` and `tz_name` parameters. */
export interface BrowserProfile {
  /** Full `User-Agent`; `browser_version` is the text after `Mozilla/`, and the handshake header must match it. */
  readonly userAgent: string;
  /** `screen_width`, in CSS pixels. */
  readonly screenWidth: number;
  /** `screen_height`, in CSS pixels. */
  readonly screenHeight: number;
  /** `browser_language` (and `language` on web/enter). */
  readonly language: string;
  /** `browser_platform`, e.g. `Win32`. */
  readonly platform: string;
  /** `tz_name`, an IANA time zone. */
  readonly timezone: string;
}

/** Chrome 134 on Windows 10, 1920×1080, zh-CN, Asia/Shanghai: the profile of the accepted handshake of §2.6. */
export const DEFAULT_BROWSER_PROFILE: BrowserProfile = Object.freeze({
  userAgent:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/134.0.0.0 Safari/537.36',
  screenWidth: 1920,
  screenHeight: 1080,
  language: 'zh-CN',
  platform: 'Win32',
  timezone: 'Asia/Shanghai',
});

/** Input of {@link buildPushQuery}. */
export interface PushQueryInput {
  /** The 19-digit room id (never the web_rid). */
  roomId: string;
  /** The visitor id; must be identical to the one hashed into the signature. */
  userUniqueId: string;
  /** Cursor from im/fetch or the last Response; the parameter is left out when absent. */
  cursor?: string;
  /** `internal_ext` from im/fetch or the last Response; the parameter is left out when absent. */
  internalExt?: string;
  /**
   * `webcast_sdk_version` and `update_version_code`.
   * @defaultValue {@link DEFAULT_WEBCAST_SDK_VERSION}
   */
  sdkVersion?: string;
  /**
   * Browser fingerprint.
   * @defaultValue {@link DEFAULT_BROWSER_PROFILE}
   */
  profile?: BrowserProfile;
  /**
   * `heartbeatDuration` parameter.
   * @defaultValue {@link DEFAULT_HEARTBEAT_DURATION}
   */
  heartbeatDuration?: number;
}

/** Input of {@link buildImFetchQuery}. */
export interface ImFetchQueryInput {
  /** The 19-digit room id. */
  roomId: string;
  /** The visitor id (same as on the push URL). */
  userUniqueId: string;
  /**
   * Cursor to resume from.
   * @defaultValue `''` (first fetch)
   */
  cursor?: string;
  /**
   * `internal_ext` to resume from.
   * @defaultValue `''` (first fetch)
   */
  internalExt?: string;
  /**
   * Browser fingerprint.
   * @defaultValue {@link DEFAULT_BROWSER_PROFILE}
   */
  profile?: BrowserProfile;
  /**
   * `msToken`.
   * @defaultValue a fresh {@link randomMsToken}
   */
  msToken?: string;
  /**
   * `a_bogus` HTTP signature.
   * @defaultValue `''` (sometimes optional, §1.2; pass a real one when you have a signer)
   */
  aBogus?: string;
}

/** Optional parameters of {@link buildEnterQuery}. */
export interface EnterQueryExtra {
  /**
   * `room_id_str`, when the room id is already known.
   * @defaultValue `''`
   */
  roomIdStr?: string;
  /**
   * `enter_from`; `page_refresh`, `web_live` and `link_share` all work.
   * @defaultValue `'web_live'`
   */
  enterFrom?: string;
  /**
   * `msToken`.
   * @defaultValue a fresh {@link randomMsToken}
   */
  msToken?: string;
  /**
   * `a_bogus` HTTP signature.
   * @defaultValue `''`
   */
  aBogus?: string;
}

/** The fields of an im/fetch `Response` that name push servers (fields 14, 10 and 13). */
export interface FetchPushServers {
  /** `push_server_v2` (field 14), tried first. */
  pushServerV2: string;
  /** `push_server` (field 10). */
  pushServer: string;
  /** `proxy_server` (field 13), tried last. */
  proxyServer: string;
}

/** `browser_version` as Douyin's web client sends it: the User-Agent without its leading `Mozilla/`. */
export function browserVersionOf(userAgent: string): string {
  return userAgent.startsWith('Mozilla/') ? userAgent.slice('Mozilla/'.length) : userAgent;
}

/**
 * The push URL parameters of §2.2, in that (jwwsjlm's) order, without `signature`. `cursor` and `internal_ext`
 * are included only when given (an empty string is sent as an empty value); the server accepts a URL without
 * them (rust-srec), and synthetic values buy nothing.
 */
export function buildPushQuery(input: PushQueryInput): Array<[string, string]> {
  const profile = input.profile ?? DEFAULT_BROWSER_PROFILE;
  const sdkVersion = input.sdkVersion ?? DEFAULT_WEBCAST_SDK_VERSION;
  const heartbeatDuration = input.heartbeatDuration ?? DEFAULT_HEARTBEAT_DURATION;
  const params: Array<[string, string]> = [
    ['app_name', APP_NAME],
    ['version_code', VERSION_CODE],
    ['webcast_sdk_version', sdkVersion],
    ['update_version_code', sdkVersion],
    ['compress', 'gzip'],
    ['device_platform', 'web'],
    ['cookie_enabled', 'true'],
    ['screen_width', String(profile.screenWidth)],
    ['screen_height', String(profile.screenHeight)],
    ['browser_language', profile.language],
    ['browser_platform', profile.platform],
    ['browser_name', 'Mozilla'],
    ['browser_version', browserVersionOf(profile.userAgent)],
    ['browser_online', 'true'],
    ['tz_name', profile.timezone],
  ];
  if (input.cursor !== undefined) params.push(['cursor', input.cursor]);
  if (input.internalExt !== undefined) params.push(['internal_ext', input.internalExt]);
  params.push(
    ['host', LIVE_ORIGIN],
    ['aid', AID],
    ['live_id', '1'],
    ['did_rule', '3'],
    ['endpoint', 'live_pc'],
    ['support_wrds', '1'],
    ['user_unique_id', input.userUniqueId],
    ['im_path', IM_FETCH_PATH],
    ['identity', 'audience'],
    ['need_persist_msg_count', NEED_PERSIST_MSG_COUNT],
    ['insert_task_id', ''],
    ['live_reason', ''],
    ['room_id', input.roomId],
    ['heartbeatDuration', String(heartbeatDuration)],
  );
  return params;
}

/** The parameters as a plain object keyed by URL name (the input of `signatureStub`); the first value wins. */
export function pushQueryObject(params: ReadonlyArray<readonly [string, string]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of params) {
    if (!Object.prototype.hasOwnProperty.call(out, name)) {
      Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
    }
  }
  return out;
}

/** Percent-encodes `[name, value]` pairs into a query string (spaces as `%20`, as browsers send them here). */
export function encodeQuery(params: ReadonlyArray<readonly [string, string]>): string {
  return params.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&');
}

/**
 * The full push URL: `<base>/webcast/im/push/v2/?<encoded params>&signature=<signature>`. The signature is
 * appended last and raw (its `+` and `/` are not percent-encoded, §2.2 row 32); a `signature` already in
 * `params` is dropped.
 */
export function buildPushUrl(
  base: string,
  params: ReadonlyArray<readonly [string, string]>,
  signature: string,
): string {
  if (!/^[A-Za-z0-9+/=]+$/.test(signature)) {
    throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, 'The signature may only hold base64 characters', {
      signature,
    });
  }
  if (!/^wss?:\/\//i.test(base)) {
    throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, 'The push base must be a ws:// or wss:// URL', { base });
  }
  const trimmed = base.replace(/\/+$/, '');
  const root = trimmed.endsWith(PUSH_PATH.slice(0, -1)) ? `${trimmed}/` : `${trimmed}${PUSH_PATH}`;
  const query = encodeQuery(params.filter(([name]) => name !== 'signature'));
  return `${root}?${query}${query === '' ? '' : '&'}signature=${signature}`;
}

/**
 * Query of `GET https://live.douyin.com/webcast/room/web/enter/` (§1.4). `browser_name`/`browser_version` are
 * sent as `Mozilla` + the UA text, the same as on the push URL.
 */
export function buildEnterQuery(
  webRid: string,
  profile: BrowserProfile = DEFAULT_BROWSER_PROFILE,
  extra: EnterQueryExtra = {},
): Array<[string, string]> {
  return [
    ['aid', AID],
    ['app_name', APP_NAME],
    ['live_id', '1'],
    ['device_platform', 'web'],
    ['language', profile.language],
    ['enter_from', extra.enterFrom ?? 'web_live'],
    ['cookie_enabled', 'true'],
    ['screen_width', String(profile.screenWidth)],
    ['screen_height', String(profile.screenHeight)],
    ['browser_language', profile.language],
    ['browser_platform', profile.platform],
    ['browser_name', 'Mozilla'],
    ['browser_version', browserVersionOf(profile.userAgent)],
    ['web_rid', webRid],
    ['room_id_str', extra.roomIdStr ?? ''],
    ['enter_source', ''],
    ['is_need_double_stream', 'false'],
    ['insert_task_id', ''],
    ['live_reason', ''],
    ['msToken', extra.msToken ?? randomMsToken()],
    ['a_bogus', extra.aBogus ?? ''],
  ];
}

/** Query of `GET https://live.douyin.com/webcast/im/fetch/` (§2.5), in jwwsjlm's order, protobuf response. */
export function buildImFetchQuery(input: ImFetchQueryInput): Array<[string, string]> {
  const profile = input.profile ?? DEFAULT_BROWSER_PROFILE;
  return [
    ['resp_content_type', 'protobuf'],
    ['did_rule', '3'],
    ['device_id', ''],
    ['app_name', APP_NAME],
    ['endpoint', 'live_pc'],
    ['support_wrds', '1'],
    ['user_unique_id', input.userUniqueId],
    ['identity', 'audience'],
    ['need_persist_msg_count', NEED_PERSIST_MSG_COUNT],
    ['insert_task_id', ''],
    ['live_reason', ''],
    ['room_id', input.roomId],
    ['version_code', VERSION_CODE],
    ['last_rtt', '0'],
    ['live_id', '1'],
    ['aid', AID],
    ['fetch_rule', '1'],
    ['cursor', input.cursor ?? ''],
    ['internal_ext', input.internalExt ?? ''],
    ['device_platform', 'web'],
    ['cookie_enabled', 'true'],
    ['screen_width', String(profile.screenWidth)],
    ['screen_height', String(profile.screenHeight)],
    ['browser_language', profile.language],
    ['browser_platform', profile.platform],
    ['browser_name', 'Mozilla'],
    ['browser_version', browserVersionOf(profile.userAgent)],
    ['browser_online', 'true'],
    ['tz_name', profile.timezone],
    ['msToken', input.msToken ?? randomMsToken()],
    ['a_bogus', input.aBogus ?? ''],
  ];
}

/** A random `msToken` of `[A-Za-z0-9-_]` characters; nobody reports random tokens being rejected (§1.2). */
export function randomMsToken(length: number = DEFAULT_MS_TOKEN_LENGTH): string {
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, 'msToken length must be a non-negative integer', {
      length,
    });
  }
  let token = '';
  for (let k = 0; k < length; k++) token += MS_TOKEN_ALPHABET.charAt(randomInt(MS_TOKEN_ALPHABET.length));
  return token;
}

/**
 * The push base URL named by an im/fetch Response, tried in jwwsjlm's order `push_server_v2` → `push_server` →
 * `proxy_server`: the first entry of a `,`/`;` list, `https://` turned into `wss://` (`http://` into `ws://`), a
 * bare host given `wss://`, and any path stripped (`buildPushUrl` adds {@link PUSH_PATH}). `undefined` when none
 * is usable.
 */
export function pushServerFromFetch(response: FetchPushServers): string | undefined {
  for (const candidate of [response.pushServerV2, response.pushServer, response.proxyServer]) {
    const first = (candidate ?? '')
      .split(/[,;]/)
      .map((entry) => entry.trim())
      .find((entry) => entry !== '');
    if (first === undefined) continue;
    const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(first) ? first : `wss://${first}`;
    let url: URL;
    try {
      url = new URL(withScheme);
    } catch {
      continue;
    }
    const scheme = WS_SCHEME_OF[url.protocol];
    if (scheme === undefined || url.host === '') continue;
    return `${scheme}//${url.host}`;
  }
  return undefined;
}
