/**
 * Builders of what Douyin serves over HTTP, for tests and the simulator: live pages in the current `__pace_f`
 * format (§1.3.1) and the old `RENDER_DATA` format, a risk-control page, and web/enter JSON bodies (§1.4).
 * They reproduce the traps the sheet describes (a category list before `roomStore`, several escaping levels,
 * `&` as `\u0026`, text rows split across chunks, the visitor id three times).
 */

/** What a fixture room looks like. */
export interface RoomFixtureInput {
  /** The 19-digit room id. */
  roomId: string;
  /**
   * The visitor ("odin") id the page hands out.
   * @defaultValue `'7319483754668557238'`
   */
  userUniqueId?: string;
  /**
   * `room.status` (§1.5).
   * @defaultValue `2` (live)
   */
  status?: number;
  /**
   * Room title.
   * @defaultValue `'模拟直播间'`
   */
  title?: string;
  /**
   * Anchor nickname.
   * @defaultValue `'模拟主播'`
   */
  anchorNickname?: string;
  /**
   * Current viewers as Douyin formats them.
   * @defaultValue `'1.2万'`
   */
  userCountStr?: string;
  /**
   * The web_rid in the page URL.
   * @defaultValue `'261378947940'`
   */
  webRid?: string;
  /**
   * Anchor user id.
   * @defaultValue `'98765432109'`
   */
  anchorId?: string;
  /**
   * Anchor sec_uid.
   * @defaultValue `'MS4wLjABAAAAsimulatedanchorsecuid0000000000000000'`
   */
  anchorSecUid?: string;
}

/** Defaults of {@link RoomFixtureInput}. */
export const DEFAULT_ROOM_FIXTURE = {
  userUniqueId: '7319483754668557238',
  status: 2,
  title: '模拟直播间',
  anchorNickname: '模拟主播',
  userCountStr: '1.2万',
  webRid: '261378947940',
  anchorId: '98765432109',
  anchorSecUid: 'MS4wLjABAAAAsimulatedanchorsecuid0000000000000000',
} as const satisfies Required<Omit<RoomFixtureInput, 'roomId'>>;

/** Kinds of page {@link renderRiskControlPage} builds. */
export type RiskControlPageKind = 'ac_nonce' | 'verify';

/** The 3-digit categories listed before `roomStore` (the §1.3.1 first-match trap). */
const TRAP_CATEGORIES = [
  { id_str: '101', title: '游戏', type: 1 },
  { id_str: '102', title: '娱乐', type: 1 },
  { id_str: '103', title: '知识', type: 1 },
] as const;

/** Server time stamped into fixtures (ms); fixed so fixtures are reproducible. */
const FIXTURE_NOW_MS = 1_790_000_000_000;

type Room = Required<RoomFixtureInput>;

function withDefaults(input: RoomFixtureInput): Room {
  return { ...DEFAULT_ROOM_FIXTURE, ...input };
}

/** A live page in the current format: `self.__pace_f.push([1,"<id>:<payload>\n"])` rows, one per `<script>`. */
export function renderPacePage(input: RoomFixtureInput): string {
  const room = withDefaults(input);
  const live = room.status === 2;
  const odin = {
    user_id: '0',
    user_type: 12,
    user_is_auth: 0,
    user_unique_id: room.userUniqueId,
  };
  const roomInfo = {
    roomId: room.roomId,
    web_rid: room.webRid,
    room: {
      id_str: room.roomId,
      status: room.status,
      status_str: String(room.status),
      title: room.title,
      user_count_str: room.userCountStr,
      cover: { url_list: [avatarUrl('cover', room.roomId)] },
      ...(live ? { stream_url: streamUrl(room.roomId) } : {}),
      owner: anchorJson(room),
    },
    anchor: anchorJson(room),
  };
  const state = {
    state: {
      // Comes first on the real page: its id_str/title are the first ones in the HTML.
      homeStore: { recommendCategoryData: TRAP_CATEGORIES },
      roomStore: { roomInfo, isLiving: live },
      userStore: { odin, isLogin: false },
      linkmicStore: { linkmicList: [] },
    },
  };
  const notice = `欢迎来到${room.title}!\n文明发言 & "理性" 消费\n规则详见公告`;
  const noticeHalf = Math.floor(notice.length / 2);
  const chunks = [
    '1:I["(app-pages-browser)/./src/app/(live)/[webRid]/page.tsx",["static/chunks/app/live/page-8c1e.js"],"default"]\n',
    '2:I{"id":"5931","chunks":["static/chunks/5931-2b7d.js"],"name":"RoomProvider","async":false}\n',
    `3:${JSON.stringify(['$', '$L2', null, { odin, lang: 'zh-CN' }])}\n`,
    // A text row: the header in one chunk, its text cut across the next two.
    `4:T${notice.length.toString(16)},`,
    notice.slice(0, noticeHalf),
    notice.slice(noticeHalf),
    `5:${JSON.stringify(['$', 'div', null, { className: 'room-notice', children: '$4' }])}\n`,
    `6:${JSON.stringify(['$', '$L1', null, state])}\n`,
  ];
  const config = htmlAttribute(JSON.stringify({ user_unique_id: room.userUniqueId, aid: 6383, region: 'cn' }));
  return [
    '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"/>',
    `<title>${escapeHtml(room.anchorNickname)}的抖音直播间 - 抖音直播</title>`,
    '<script id="LIVE_SSR_DATA_ID" type="application/json">{"ab":{"live_web_player_v2":1,"pc_gift_panel":2}}</script>',
    '</head><body><div id="root"></div>',
    '<script>(self.__pace_f=self.__pace_f||[]).push([0])</script>',
    ...chunks.map((chunk) => `<script>self.__pace_f.push([1,${jsStringLiteral(chunk)}])</script>`),
    `<div hidden id="douyin-web-config" data-value="${config}"></div>`,
    '</body></html>',
  ].join('');
}

/** A live page in the old format: `<script id="RENDER_DATA" type="application/json">` with URL-encoded JSON. */
export function renderRenderDataPage(input: RoomFixtureInput): string {
  const room = withDefaults(input);
  const data = {
    app: {
      initialState: {
        roomStore: {
          roomInfo: {
            roomId: room.roomId,
            web_rid: room.webRid,
            room: {
              id_str: room.roomId,
              status: room.status,
              title: room.title,
              user_count_str: room.userCountStr,
              ...(room.status === 2 ? { stream_url: streamUrl(room.roomId) } : {}),
            },
            anchor: anchorJson(room),
          },
        },
      },
      odin: { user_id: '0', user_unique_id: room.userUniqueId },
    },
  };
  return [
    '<!DOCTYPE html><html><head><meta charset="utf-8"/><title>抖音直播</title></head><body><div id="root"></div>',
    `<script id="RENDER_DATA" type="application/json">${encodeURIComponent(JSON.stringify(data))}</script>`,
    '</body></html>',
  ].join('');
}

/**
 * A page without room data: `ac_nonce` is the bare anti-bot answer to a first anonymous GET (served with a
 * `Set-Cookie: __ac_nonce=…`), `verify` a captcha middle page (“验证”). Both come with HTTP 200.
 */
export function renderRiskControlPage(kind: RiskControlPageKind = 'ac_nonce'): string {
  if (kind === 'verify') {
    return [
      '<!DOCTYPE html><html><head><meta charset="utf-8"/><title>验证码中间页</title></head><body>',
      '<div id="captcha_container">请完成下列验证后继续</div>',
      '<script src="https://lf-cdn-tos.bytescm.com/obj/static/secsdk/captcha/secsdk-captcha.js"></script>',
      '</body></html>',
    ].join('');
  }
  return [
    '<html><head><meta charset="UTF-8"></head><body>',
    '<script>var __ac_nonce = document.cookie.match(/__ac_nonce=([^;]+)/);',
    'window.byted_acrawler && window.byted_acrawler.init({aid: 99999999, dfp: 0});',
    "document.cookie = '__ac_signature=' + window.byted_acrawler.sign('', __ac_nonce) + '; path=/';",
    'location.reload();</script></body></html>',
  ].join('');
}

/**
 * A web/enter JSON body (§1.4) as text, with 64-bit `id` fields as raw JSON numbers like the real one. A live
 * room (status 2) carries `owner` and stream URLs in `data.data[0]`; any other status is rendered like the
 * captured ended room (`status` 4 there): no `owner` (the anchor only in `data.user`) and `data.room_status` 2.
 */
export function renderEnterJson(input: RoomFixtureInput): string {
  const room = withDefaults(input);
  const live = room.status === 2;
  const entry = {
    id_str: room.roomId,
    id: room.roomId,
    status: room.status,
    status_str: String(room.status),
    title: room.title,
    user_count_str: room.userCountStr,
    cover: { url_list: [avatarUrl('cover', room.roomId)] },
    like_count: 0,
    stats: {
      total_user_desp: '',
      like_count: 0,
      total_user_str: room.userCountStr,
      user_count_str: room.userCountStr,
    },
    room_view_stats: {
      is_hidden: false,
      display_short: room.userCountStr,
      display_middle: room.userCountStr,
      display_long: `${room.userCountStr}在线观众`,
      display_value: 12_000,
    },
    ...(live ? { owner: anchorJson(room) } : {}),
    admin_user_ids: [],
    admin_user_ids_str: [],
    room_auth: { Chat: true, Danmaku: false, Gift: true, Digg: true, LuckMoney: true },
    ...(live ? { stream_url: streamUrl(room.roomId) } : {}),
    basis: { next_ping: 300, is_customize_audio_room: false },
  };
  const body = {
    data: {
      data: [entry],
      enter_room_id: room.roomId,
      room_status: live ? 0 : 2,
      user: { ...anchorJson(room), id: room.anchorId },
      qrcode_url: '',
      partition_road_map: {},
      web_stream_url: live ? streamUrl(room.roomId) : {},
    },
    extra: { now: FIXTURE_NOW_MS },
    status_code: 0,
  };
  // Real bodies carry 64-bit ids as JSON numbers next to their *_str twins; readers must use the strings.
  return JSON.stringify(body).replace(/"id":"(\d+)"/g, '"id":$1');
}

/** The web/enter body for a room that does not exist: `status_code` 4001038 and no `data.data`. */
export function renderEnterNotFoundJson(): string {
  return JSON.stringify({ data: {}, extra: { now: FIXTURE_NOW_MS }, status_code: 4001038 });
}

/** A risk-controlled web/enter body: `status_code` 0 with an empty `data.data`. */
export function renderEnterRiskJson(): string {
  return JSON.stringify({
    data: { data: [], enter_room_id: '', room_status: 0 },
    extra: { now: FIXTURE_NOW_MS },
    status_code: 0,
  });
}

function anchorJson(room: Room): Record<string, unknown> {
  return {
    id_str: room.anchorId,
    sec_uid: room.anchorSecUid,
    nickname: room.anchorNickname,
    avatar_thumb: { url_list: [avatarUrl('avatar', room.anchorId)] },
    follow_info: { follow_status: 0, follow_status_str: '0' },
  };
}

/** A CDN-looking URL with a query string, so `&` (written `\u0026` on the page) is exercised. */
function avatarUrl(kind: string, id: string): string {
  return `https://p3-pc.douyinpic.com/img/${kind}/${id}~100x100.jpeg?from=3067671334&x-expires=1790000000&x-signature=sim`;
}

function streamUrl(roomId: string): Record<string, unknown> {
  const flv = (quality: string): string =>
    `https://pull-flv-l26.douyincdn.com/stage/stream-${roomId}_${quality}.flv?expire=1790000000&sign=sim`;
  const hls = (quality: string): string =>
    `https://pull-hls-l26.douyincdn.com/stage/stream-${roomId}_${quality}.m3u8?expire=1790000000&sign=sim`;
  const streamData = {
    common: { session_id: 'sim-session' },
    data: {
      origin: {
        main: {
          flv: flv('or4'),
          hls: hls('or4'),
          // JSON inside a JSON string inside the page: the deepest escaping level of §1.3.1.
          sdk_params: JSON.stringify({ VCodec: 'h264', resolution: '1920x1080', vbitrate: 6_000_000 }),
        },
      },
    },
  };
  return {
    flv_pull_url: { FULL_HD1: flv('uhd'), HD1: flv('hd'), SD1: flv('ld'), SD2: flv('sd') },
    hls_pull_url_map: { FULL_HD1: hls('uhd'), HD1: hls('hd'), SD1: hls('ld'), SD2: hls('sd') },
    default_resolution: 'FULL_HD1',
    stream_orientation: 1,
    live_core_sdk_data: { pull_data: { stream_data: JSON.stringify(streamData) } },
    pull_datas: {},
  };
}

/** A JS string literal safe inside `<script>`, escaped the way the page is (`&` → `\u0026`, `<` → `\u003c`). */
function jsStringLiteral(value: string): string {
  return JSON.stringify(value).replace(
    /[&<>\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function htmlAttribute(value: string): string {
  return escapeHtml(value).replace(/"/g, '&quot;');
}
