/**
 * Room resolution from what Douyin serves over HTTP (§1.3–§1.5 of the protocol sheet): the live page HTML
 * (`https://live.douyin.com/<web_rid>`) and the web/enter JSON. Both parsers are total: they return a value
 * describing what was (or was not) found and never throw.
 */

/** The anchor as far as the page or web/enter names them. */
export interface RoomAnchor {
  /** Display name. */
  nickname: string;
  /** First avatar thumbnail URL. */
  avatarUrl?: string;
  /** Numeric user id, as a string (64-bit). */
  id?: string;
  /** `sec_uid` (`MS4wLjABAAAA…`). */
  secUid?: string;
}

/** Room data read from a live page. */
export interface RoomPageFound {
  found: true;
  /** The 19-digit room id to put in the push URL (not the web_rid). */
  roomId: string;
  /** The visitor ("odin") id the page assigned to this ttwid; the most conservative `user_unique_id`. */
  userUniqueId?: string;
  /** `room.status`: 1 preparing, 2 live, 3 paused, 4 ended (§1.5). */
  status?: number;
  /** Room title. */
  title?: string;
  /** The anchor. */
  anchor?: RoomAnchor;
  /** Current viewers as Douyin formats them (e.g. `1.2万`). */
  userCount?: string;
  /** Which page format the data came from. */
  format: 'pace_f' | 'render_data' | 'regex';
}

/** A live page without room data. */
export interface RoomPageNotFound {
  found: false;
  /**
   * `risk_control`: a verification / anti-bot page (retry, other IP, cookie); `offline_marker`: the page says the
   * room is not live; `no_room_data`: nothing recognisable. None of them proves the room does not exist.
   */
  reason: 'risk_control' | 'no_room_data' | 'offline_marker';
  /** Human-readable detail. */
  detail: string;
}

/** Result of {@link parseRoomPage}. */
export type RoomPageResult = RoomPageFound | RoomPageNotFound;

/** Pull-stream URLs of a room, keyed by quality name (`FULL_HD1`, `HD1`, `SD1`, `SD2`, `ORIGIN`, …). */
export interface StreamUrls {
  /** FLV URLs. */
  flv: Record<string, string>;
  /** HLS (m3u8) URLs. */
  hls: Record<string, string>;
}

/** A web/enter answer that describes a room. */
export interface EnterRoom {
  ok: true;
  /** The 19-digit room id. */
  roomId: string;
  /** `data.data[0].status` (§1.5). */
  status: number;
  /** True when `status === 2`. */
  live: boolean;
  /** Room title (`''` when absent). */
  title: string;
  /** Anchor nickname (`''` when absent). */
  ownerNickname: string;
  /** Anchor user id. */
  ownerId?: string;
  /** Anchor `sec_uid`. */
  ownerSecUid?: string;
  /** Current viewers as a string. */
  viewerCount?: string;
  /** Pull-stream URLs (empty maps for an ended room). */
  streamUrls: StreamUrls;
  /** A visitor id, when the answer carries one (`data.user_unique_id`; not seen in captures so far). */
  userUniqueId?: string;
}

/** A web/enter answer without a room. */
export interface EnterFailure {
  ok: false;
  /**
   * `not_found`: `status_code` 4001038; `risk_control`: empty body, empty `data.data` or another non-zero
   * `status_code` (status unknown, retry); `malformed`: a room entry without the fields every room has.
   */
  reason: 'not_found' | 'risk_control' | 'malformed';
  /** `status_code` when the body had one. */
  statusCode?: number;
}

/** Result of {@link parseEnterResponse}. */
export type EnterResult = EnterRoom | EnterFailure;

/** web/enter `status_code` of a room that does not exist (jwwsjlm #53). */
export const ENTER_STATUS_NOT_FOUND = 4001038;

/** `room.status` of a live room (§1.5). */
export const ROOM_STATUS_LIVE = 2;

/** `room.status` of an ended room (§1.5). */
export const ROOM_STATUS_ENDED = 4;

/** Texts a page shows when the room is not live (jwwsjlm). */
const OFFLINE_MARKERS = ['直播已结束', '暂未开播', '未开播'] as const;

/** Traces of an anti-bot or verification page (the first anonymous GET, a captcha middle page, …). */
const RISK_MARKERS = ['__ac_nonce', '__ac_signature', '验证', 'captcha', 'verifycenter'] as const;

/** How deep the search for the state object goes into a parsed row (real rows nest about 10 levels). */
const MAX_SEARCH_DEPTH = 64;

/** How many times an escaped JSON string inside a row is decoded in the search for `roomStore`. */
const MAX_NESTED_DECODES = 6;

/** Parses a live page, trying the current `__pace_f` stream, the old `RENDER_DATA` script, then a regex. */
export function parseRoomPage(html: string): RoomPageResult {
  try {
    if (typeof html !== 'string' || html === '') {
      return { found: false, reason: 'no_room_data', detail: 'empty page' };
    }
    return fromPaceStream(html) ?? fromRenderData(html) ?? fromRegex(html) ?? notFound(html);
  } catch (error) {
    // Every step is written not to throw; this is the last line of the "never throws" promise.
    return { found: false, reason: 'no_room_data', detail: `page could not be parsed: ${String(error)}` };
  }
}

/** Reads a web/enter JSON body (already `JSON.parse`d) into an {@link EnterResult}; never throws. */
export function parseEnterResponse(json: unknown): EnterResult {
  try {
    return enterResult(json);
  } catch {
    return { ok: false, reason: 'malformed' };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Current format: the `self.__pace_f.push([1,"<id>:<payload>\n"])` stream (§1.3.1)

function fromPaceStream(html: string): RoomPageFound | undefined {
  const chunks = paceChunks(html);
  if (chunks.length === 0) return undefined;
  // Rows may be split across chunks, so the chunks are joined back into the stream they were cut from.
  const stream = chunks.join('');
  for (const row of paceRows(stream)) {
    if (row.kind !== 'json' || !row.payload.includes('roomStore')) continue;
    const state = findState(safeJsonParse(row.payload), 0);
    const result = state && fromState(state, 'pace_f', html);
    if (result) return result;
  }
  // A row that did not parse as a whole (cut short, odd escaping): cut the roomStore object out of the text.
  const roomStore = cutObjectAfter(stream, '"roomStore":');
  if (roomStore !== undefined) return fromState({ roomStore }, 'pace_f', html);
  return undefined;
}

/** The decoded string of every `self.__pace_f.push([1,"…"])`, in page order. */
function paceChunks(html: string): string[] {
  const chunks: string[] = [];
  const push = /self\.__pace_f\.push\(\s*\[\s*(\d+)\s*,\s*"/g;
  for (let match = push.exec(html); match !== null; match = push.exec(html)) {
    const open = push.lastIndex - 1;
    const close = endOfStringLiteral(html, open);
    if (close === undefined) break;
    push.lastIndex = close + 1;
    if (match[1] !== '1') continue; // 0 = bootstrap, 2 = form state, 3 = binary: no room data
    const text = decodeJsString(html.slice(open, close + 1));
    if (text !== undefined) chunks.push(text);
  }
  return chunks;
}

/** Index of the quote that closes the string literal opened at `open`, or `undefined` when unterminated. */
function endOfStringLiteral(text: string, open: number): number | undefined {
  const quote = text[open];
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === quote) return i;
  }
  return undefined;
}

/** Decodes a quoted JS string literal: as JSON when it is valid JSON (the usual case), else by hand. */
function decodeJsString(literal: string): string | undefined {
  const parsed = safeJsonParse(literal);
  if (typeof parsed === 'string') return parsed;
  return unescapeJs(literal.slice(1, -1));
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  r: '\r',
  t: '\t',
  b: '\b',
  f: '\f',
  v: '\v',
  0: '\0',
};

/** JS string escapes JSON does not allow (`\x41`, `\'`, `\v`, `\0`, `\u{…}`, line continuations). */
function unescapeJs(body: string): string | undefined {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body.charAt(i);
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body.charAt(++i);
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      out += simple;
    } else if (e === 'x' || (e === 'u' && body[i + 1] !== '{')) {
      const digits = body.slice(i + 1, i + 1 + (e === 'x' ? 2 : 4));
      if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length !== (e === 'x' ? 2 : 4)) return undefined;
      out += String.fromCharCode(parseInt(digits, 16));
      i += digits.length;
    } else if (e === 'u') {
      const close = body.indexOf('}', i);
      const codePoint = close < 0 ? NaN : parseInt(body.slice(i + 2, close), 16);
      if (!Number.isInteger(codePoint) || codePoint > 0x10ffff) return undefined;
      out += String.fromCodePoint(codePoint);
      i = close;
    } else if (e === '\r') {
      if (body[i + 1] === '\n') i++; // line continuation
    } else if (e !== '\n' && e !== '\u2028' && e !== '\u2029') {
      out += e; // \" \' \\ \/ and identity escapes
    }
  }
  return out;
}

interface PaceRow {
  id: string;
  kind: 'json' | 'text' | 'other';
  payload: string;
}

/**
 * Splits the stream into rows. JSON rows end at `\n` (JSON has no raw newlines); a text row `<id>:T<hexlen>,` is
 * followed by `hexlen` characters of raw text that may hold anything, newlines included.
 */
function paceRows(stream: string): PaceRow[] {
  const rows: PaceRow[] = [];
  const head = /([0-9a-fA-F]+):/y;
  const textHead = /T([0-9a-fA-F]+),/y;
  let pos = 0;
  while (pos < stream.length) {
    head.lastIndex = pos;
    const match = head.exec(stream);
    if (match === null) {
      // Not a row start (a stray fragment): resynchronise at the next line.
      const next = stream.indexOf('\n', pos);
      pos = next < 0 ? stream.length : next + 1;
      continue;
    }
    const id = match[1] ?? '';
    const body = head.lastIndex;
    textHead.lastIndex = body;
    const text = textHead.exec(stream);
    if (text !== null) {
      const start = textHead.lastIndex;
      const end = endOfTextRow(stream, start, parseInt(text[1] ?? '0', 16));
      rows.push({ id, kind: 'text', payload: stream.slice(start, end) });
      pos = end;
      continue;
    }
    const newline = stream.indexOf('\n', body);
    const end = newline < 0 ? stream.length : newline;
    const payload = stream.slice(body, end);
    const first = payload.charAt(0);
    rows.push({ id, kind: first === '[' || first === '{' || first === '"' ? 'json' : 'other', payload });
    pos = end + 1;
  }
  return rows;
}

/**
 * End of a text row. The sheet counts its length in characters; React counts UTF-8 bytes. Both readings are
 * tried and the one that lands on the next row (or the end) wins; characters when neither does.
 */
function endOfTextRow(stream: string, start: number, length: number): number {
  const byChars = Math.min(stream.length, start + length);
  if (isRowBoundary(stream, byChars)) return byChars;
  let bytes = 0;
  let i = start;
  while (i < stream.length && bytes < length) {
    const codePoint = stream.codePointAt(i) ?? 0;
    bytes += codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
    i += codePoint >= 0x10000 ? 2 : 1;
  }
  return isRowBoundary(stream, i) ? i : byChars;
}

function isRowBoundary(stream: string, at: number): boolean {
  if (at >= stream.length) return true;
  const head = /[0-9a-fA-F]+:/y;
  head.lastIndex = at;
  return head.test(stream);
}

/**
 * Finds the state object (the one holding `roomStore`) in a parsed row; string values that are themselves
 * escaped JSON holding `roomStore` are decoded and searched too.
 */
function findState(value: unknown, depth: number, decodes = 0): Record<string, unknown> | undefined {
  if (depth > MAX_SEARCH_DEPTH) return undefined;
  if (typeof value === 'string') {
    if (decodes >= MAX_NESTED_DECODES || !value.includes('roomStore')) return undefined;
    return findState(safeJsonParse(value), depth + 1, decodes + 1);
  }
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = findState(item, depth + 1, decodes);
      if (found) return found;
    }
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  if (isRecord(value.roomStore)) return value;
  for (const key of Object.keys(value)) {
    const found = findState(value[key], depth + 1, decodes);
    if (found) return found;
  }
  return undefined;
}

/**
 * Cuts the JSON object that starts right after `marker` out of `text` and parses it; the marker is also looked
 * for with one to three levels of backslash escaping removed.
 */
function cutObjectAfter(text: string, marker: string): unknown {
  let current = text;
  for (let level = 0; level < 4; level++) {
    const at = current.indexOf(marker);
    if (at >= 0) {
      const open = at + marker.length;
      const close = endOfJsonObject(current, open);
      if (close !== undefined) {
        const parsed = safeJsonParse(current.slice(open, close + 1));
        if (isRecord(parsed)) return parsed;
      }
    }
    const unescaped = current.replace(/\\(["\\/])/g, '$1');
    if (unescaped === current) break;
    current = unescaped;
  }
  return undefined;
}

/** Index of the `}` balancing the `{` at `open` (skipping JSON strings), or `undefined`. */
function endOfJsonObject(text: string, open: number): number | undefined {
  if (text[open] !== '{') return undefined;
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = endOfStringLiteral(text, i);
      if (end === undefined) return undefined;
      i = end;
    } else if (c === '{' || c === '[') {
      depth++;
    } else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return c === '}' ? i : undefined;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Old format: <script id="RENDER_DATA" type="application/json">URL-encoded JSON</script>

function fromRenderData(html: string): RoomPageFound | undefined {
  const match = /<script\b[^>]*\bid=["']?RENDER_DATA["']?[^>]*>([\s\S]*?)<\/script>/i.exec(html);
  if (!match) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(match[1]?.trim() ?? '');
  } catch {
    return undefined;
  }
  const data = safeJsonParse(decoded);
  const app = isRecord(data) && isRecord(data.app) ? data.app : data;
  const initialState = pick(app, 'initialState');
  if (!isRecord(initialState)) return undefined;
  const uid = text(pick(app, 'odin', 'user_unique_id'));
  return fromState(initialState, 'render_data', html, uid);
}

// ---------------------------------------------------------------------------------------------------------------
// Last resort: the regex saermart and zlowly use, on the raw HTML

function fromRegex(html: string): RoomPageFound | undefined {
  const match = /roomId\\*"\s*:\s*\\*"(\d+)\\*"/.exec(html);
  const roomId = match?.[1];
  if (roomId === undefined || !isRoomId(roomId)) return undefined;
  const result: RoomPageFound = { found: true, roomId, format: 'regex' };
  const uid = uidFromText(html);
  if (uid !== undefined) result.userUniqueId = uid;
  // jwwsjlm's pattern: the room's id_str is directly followed by its status.
  const status = new RegExp(
    `id_str\\\\*"\\s*:\\s*\\\\*"${roomId}\\\\*"\\s*,\\s*\\\\*"status\\\\*"\\s*:\\s*(\\d+)`,
  ).exec(html);
  if (status?.[1] !== undefined) result.status = Number(status[1]);
  return result;
}

/** A `user_unique_id` anywhere in the text: escaped any number of times or HTML-entity-escaped. */
function uidFromText(html: string): string | undefined {
  return /user_unique_id(?:\\*"|&quot;)\s*:\s*(?:\\*"|&quot;)(\d+)/.exec(html)?.[1];
}

function notFound(html: string): RoomPageNotFound {
  const offline = OFFLINE_MARKERS.find((marker) => html.includes(marker));
  if (offline !== undefined) {
    return { found: false, reason: 'offline_marker', detail: `no room data; the page says "${offline}"` };
  }
  const risk = RISK_MARKERS.find((marker) => html.toLowerCase().includes(marker.toLowerCase()));
  if (risk !== undefined) {
    return {
      found: false,
      reason: 'risk_control',
      detail: `no room data; looks like a verification page (found "${risk}"), the room status is unknown`,
    };
  }
  return {
    found: false,
    reason: 'no_room_data',
    detail: `no __pace_f room state, RENDER_DATA or roomId in ${html.length} characters of HTML`,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Shared: reading the state object (same shape in both page formats)

function fromState(
  state: Record<string, unknown>,
  format: RoomPageFound['format'],
  html: string,
  fallbackUid?: string,
): RoomPageFound | undefined {
  const roomInfo = pick(state, 'roomStore', 'roomInfo');
  const room = pick(roomInfo, 'room');
  const roomId = text(pick(roomInfo, 'roomId')) ?? text(pick(room, 'id_str'));
  if (roomId === undefined || !isRoomId(roomId)) return undefined;

  const result: RoomPageFound = { found: true, roomId, format };
  const uid = text(pick(state, 'userStore', 'odin', 'user_unique_id')) ?? fallbackUid ?? uidFromText(html);
  if (uid !== undefined) result.userUniqueId = uid;
  const status = statusOf(pick(room, 'status'));
  if (status !== undefined) result.status = status;
  const title = text(pick(room, 'title'));
  if (title !== undefined) result.title = title;
  const userCount = text(pick(room, 'user_count_str')) ?? text(pick(room, 'stats', 'user_count_str'));
  if (userCount !== undefined) result.userCount = userCount;
  const anchor = anchorOf(pick(roomInfo, 'anchor')) ?? anchorOf(pick(room, 'owner'));
  if (anchor !== undefined) result.anchor = anchor;
  return result;
}

function anchorOf(user: unknown): RoomAnchor | undefined {
  const nickname = text(pick(user, 'nickname'));
  if (nickname === undefined) return undefined;
  const anchor: RoomAnchor = { nickname };
  const avatarUrl = text(pick(user, 'avatar_thumb', 'url_list', 0));
  if (avatarUrl !== undefined) anchor.avatarUrl = avatarUrl;
  const id = text(pick(user, 'id_str'));
  if (id !== undefined) anchor.id = id;
  const secUid = text(pick(user, 'sec_uid'));
  if (secUid !== undefined) anchor.secUid = secUid;
  return anchor;
}

// ---------------------------------------------------------------------------------------------------------------
// web/enter (§1.4)

function enterResult(json: unknown): EnterResult {
  if (json === undefined || json === null || json === '') return { ok: false, reason: 'risk_control' };
  if (!isRecord(json)) return { ok: false, reason: 'malformed' };
  const statusCode = typeof json.status_code === 'number' ? json.status_code : undefined;
  if (statusCode === ENTER_STATUS_NOT_FOUND) return { ok: false, reason: 'not_found', statusCode };
  if (statusCode !== undefined && statusCode !== 0) return { ok: false, reason: 'risk_control', statusCode };

  const data = json.data;
  const rooms = pick(data, 'data');
  const room = Array.isArray(rooms) ? rooms[0] : undefined;
  if (!isRecord(room)) {
    // An empty body or an empty data.data: risk control, or a VR/special room the web cannot show.
    return statusCode === undefined
      ? { ok: false, reason: 'risk_control' }
      : { ok: false, reason: 'risk_control', statusCode };
  }

  const roomId = text(room.id_str) ?? text(pick(data, 'enter_room_id'));
  const status = statusOf(room.status) ?? statusFromRoomStatus(pick(data, 'room_status'));
  if (roomId === undefined || !isRoomId(roomId) || status === undefined) {
    return statusCode === undefined
      ? { ok: false, reason: 'malformed' }
      : { ok: false, reason: 'malformed', statusCode };
  }

  // An ended room has no owner in data.data[0]; the anchor is then only in data.user.
  const owner = isRecord(room.owner) ? room.owner : pick(data, 'user');
  const result: EnterRoom = {
    ok: true,
    roomId,
    status,
    live: status === ROOM_STATUS_LIVE,
    title: text(room.title) ?? '',
    ownerNickname: text(pick(owner, 'nickname')) ?? '',
    streamUrls: streamUrlsOf(room.stream_url),
  };
  const ownerId = text(pick(owner, 'id_str'));
  if (ownerId !== undefined) result.ownerId = ownerId;
  const ownerSecUid = text(pick(owner, 'sec_uid'));
  if (ownerSecUid !== undefined) result.ownerSecUid = ownerSecUid;
  const viewerCount = text(room.user_count_str) ?? text(pick(room, 'stats', 'user_count_str'));
  if (viewerCount !== undefined) result.viewerCount = viewerCount;
  const uid = text(pick(data, 'user_unique_id'));
  if (uid !== undefined) result.userUniqueId = uid;
  return result;
}

/** `data.room_status` uses other codes (0 live, 2 ended); mapped onto `room.status` when that is missing. */
function statusFromRoomStatus(value: unknown): number | undefined {
  const code = statusOf(value);
  return code === 0 ? ROOM_STATUS_LIVE : code === 2 ? ROOM_STATUS_ENDED : undefined;
}

function streamUrlsOf(streamUrl: unknown): StreamUrls {
  const urls: StreamUrls = {
    flv: stringMap(pick(streamUrl, 'flv_pull_url')),
    hls: stringMap(pick(streamUrl, 'hls_pull_url_map')),
  };
  // The origin quality hides in a JSON string (ihmily adds it as ORIGIN).
  const streamData = pick(streamUrl, 'live_core_sdk_data', 'pull_data', 'stream_data');
  const origin = typeof streamData === 'string' ? pick(safeJsonParse(streamData), 'data', 'origin', 'main') : undefined;
  const originFlv = text(pick(origin, 'flv'));
  if (originFlv !== undefined) urls.flv.ORIGIN = originFlv;
  const originHls = text(pick(origin, 'hls'));
  if (originHls !== undefined) urls.hls.ORIGIN = originHls;
  return urls;
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(value)) return out;
  for (const [key, url] of Object.entries(value)) {
    if (typeof url === 'string' && url !== '') out[key] = url;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Small total helpers

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Follows a path of keys / indexes; `undefined` as soon as a step is missing. */
function pick(value: unknown, ...path: Array<string | number>): unknown {
  let current = value;
  for (const step of path) {
    if (typeof step === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[step];
    } else {
      if (!isRecord(current) || !Object.prototype.hasOwnProperty.call(current, step)) return undefined;
      current = current[step];
    }
  }
  return current;
}

/** A non-empty string, else `undefined` (numbers are not converted: 64-bit ids lose precision as numbers). */
function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function statusOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

/** Room ids are decimal digit strings; `0` means "no room". */
function isRoomId(value: string): boolean {
  return /^\d+$/.test(value) && !/^0+$/.test(value);
}

function safeJsonParse(textValue: string): unknown {
  try {
    return JSON.parse(textValue) as unknown;
  } catch {
    return undefined;
  }
}
