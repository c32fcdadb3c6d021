/**
 * Options of the local Douyin simulator: one defaults object per option group, merged exactly once in
 * {@link resolveSimulatorOptions}.
 */
import { DouyinLiveError, ErrorCodes } from '@douyin-live/core';
import { definedOnly } from './merge.js';
import type { ScenarioSourceOptions } from './scenario.js';
import type { SimulatorSourceFactory } from './source.js';

/** Which room page `GET /<web_rid>` serves. */
export type RoomPageFormat = 'current' | 'render-data' | 'risk';

/** The anchor of a simulated room. */
export interface AnchorOptions {
  /** Display name. */
  readonly nickname: string;
  /** Numeric user id (64-bit, as a string). @defaultValue derived from the room id */
  readonly id?: string | undefined;
  /** `sec_uid`. @defaultValue `MS4wLjABAAAA` + the id */
  readonly secUid?: string | undefined;
}

/** One simulated room. */
export interface RoomOptions {
  /** The web_rid in `https://live.douyin.com/<web_rid>`. */
  readonly webRid: string;
  /** The 19-digit room id (what the push URL and the signature carry). */
  readonly roomId: string;
  /** Room title. @defaultValue `'模拟直播间'` */
  readonly title?: string | undefined;
  /** The anchor. @defaultValue `{ nickname: '模拟主播' }` */
  readonly anchor?: AnchorOptions | undefined;
  /** Current viewers as the page and web/enter show them. @defaultValue `'1.2万'` */
  readonly userCountStr?: string | undefined;
  /** Page format of this room. @defaultValue the simulator's {@link SimulatorOptions.page} */
  readonly page?: RoomPageFormat | undefined;
  /** The seeded scenario that generates the room's messages (ignored when `source` is given). */
  readonly scenario?: ScenarioSourceOptions | undefined;
  /** Where the room's messages come from instead of the scenario (e.g. a recording). */
  readonly source?: SimulatorSourceFactory | undefined;
}

/** Options of `startSimulator`. Every fault option applies per connection unless its doc says otherwise. */
export interface SimulatorOptions {
  /** Interface to listen on. @defaultValue `'127.0.0.1'` (loopback only) */
  readonly host?: string | undefined;
  /** TCP port; 0 picks a free one. @defaultValue `0` */
  readonly port?: number | undefined;
  /** The rooms to host; when absent, one room is built from the single-room shorthand below. */
  readonly rooms?: readonly RoomOptions[] | undefined;
  /** Shorthand: web_rid of the single room. @defaultValue `'261378947940'` */
  readonly webRid?: string | undefined;
  /** Shorthand: room id of the single room. @defaultValue `'7400000000000000001'` */
  readonly roomId?: string | undefined;
  /** Shorthand: title of the single room. @defaultValue `'模拟直播间'` */
  readonly title?: string | undefined;
  /** Shorthand: anchor of the single room. @defaultValue `{ nickname: '模拟主播' }` */
  readonly anchor?: AnchorOptions | undefined;
  /** Shorthand: scenario of the single room. @defaultValue the scenario defaults */
  readonly scenario?: ScenarioSourceOptions | undefined;
  /** Shorthand: message source of the single room (instead of the scenario). */
  readonly source?: SimulatorSourceFactory | undefined;
  /** Room page format: the current `__pace_f` stream, the old `RENDER_DATA` script, or a risk-control page. @defaultValue `'current'` */
  readonly page?: RoomPageFormat | undefined;
  /** Check the push URL `signature` (§3) on the handshake. @defaultValue `true` */
  readonly verifySignature?: boolean | undefined;
  /** Playback speed of every room's source (2 = twice as fast). @defaultValue `1` */
  readonly speed?: number | undefined;
  /**
   * When each room's live starts: as the simulator starts listening (a real live runs whether anyone watches),
   * or when that room's first push socket is accepted (a short scripted live then cannot be over before a slow
   * client has joined).
   * @defaultValue `'at-listen'`
   */
  readonly liveStarts?: LiveStart | undefined;
  /** A client that sends no `hb` frame for this long is dropped (1006). @defaultValue `30_000` */
  readonly heartbeatTimeoutMs?: number | undefined;
  /** Interval of WebSocket pings; 0 disables them. @defaultValue `10_000` */
  readonly pingIntervalMs?: number | undefined;
  /** A client that has not answered a ping within this time is terminated (1006). @defaultValue `20_000` */
  readonly pongTimeoutMs?: number | undefined;
  /** How many recent messages a new connection (no cursor) and im/fetch get first. @defaultValue `5` */
  readonly historySize?: number | undefined;
  /** Largest number of messages in one frame (backlogs are split). @defaultValue `50` */
  readonly maxMessagesPerFrame?: number | undefined;
  /** How many messages each room keeps for resume; older ones are forgotten. @defaultValue `10_000` */
  readonly retainMessages?: number | undefined;
  /** Mask nicknames and user ids (`小***`, id 111111) for connections without a `sessionid` cookie. @defaultValue `true` */
  readonly maskGuests?: boolean | undefined;
  /** Send no gift messages to connections without a `sessionid` cookie (Douyin since 2026-04). @defaultValue `false` */
  readonly withholdGiftsFromGuests?: boolean | undefined;
  /** Fault: terminate the socket (no close frame, client sees 1006) after this many `msg` frames. @defaultValue off */
  readonly dropAfter?: number | undefined;
  /** Fault: after this many `msg` frames, send nothing more (no frames, no hb answers, no pings). @defaultValue off */
  readonly stallAfter?: number | undefined;
  /** Fault: close with {@link SimulatorOptions.closeCode} after this many `msg` frames. @defaultValue off */
  readonly closeAfter?: number | undefined;
  /** Close code of `closeAfter`; 1006 terminates the socket instead (it cannot be sent). @defaultValue `1001` */
  readonly closeCode?: number | undefined;
  /** How many connections (the first ones, in handshake order) get drop/stall/close faults. @defaultValue `1` */
  readonly faultConnections?: number | undefined;
  /** Fault (every connection): after every n-th `msg` frame, an extra frame that is not a PushFrame. @defaultValue off */
  readonly garbageEvery?: number | undefined;
  /** Fault (every connection): after every n-th `msg` frame, an extra copy whose gzip payload is corrupt. @defaultValue off */
  readonly corruptGzipEvery?: number | undefined;
  /** Fault (global counter): the next k handshakes are refused with 200 + DEVICE_BLOCKED. @defaultValue `0` */
  readonly rejectHandshakes?: number | undefined;
  /** On a reconnect with a cursor, re-send this many already-delivered messages first. @defaultValue `0` */
  readonly resend?: number | undefined;
  /** Delay of room page answers, in ms. @defaultValue `0` */
  readonly slowPage?: number | undefined;
  /** Clock in ms (cursor timestamps, `now` fields). @defaultValue `Date.now` */
  readonly now?: (() => number) | undefined;
}

/** Defaults of the room fields. */
export const DEFAULT_ROOM_OPTIONS = {
  title: '模拟直播间',
  anchor: { nickname: '模拟主播' },
  userCountStr: '1.2万',
} as const satisfies Pick<Required<RoomOptions>, 'title' | 'anchor' | 'userCountStr'>;

/** When a room's live starts: see {@link SimulatorOptions.liveStarts}. */
export type LiveStart = 'at-listen' | 'on-first-connection';

/** Defaults of {@link SimulatorOptions}. */
export const DEFAULT_SIMULATOR_OPTIONS = {
  host: '127.0.0.1',
  port: 0,
  webRid: '261378947940',
  roomId: '7400000000000000001',
  page: 'current',
  verifySignature: true,
  speed: 1,
  liveStarts: 'at-listen',
  heartbeatTimeoutMs: 30_000,
  pingIntervalMs: 10_000,
  pongTimeoutMs: 20_000,
  historySize: 5,
  maxMessagesPerFrame: 50,
  retainMessages: 10_000,
  maskGuests: true,
  withholdGiftsFromGuests: false,
  closeCode: 1001,
  faultConnections: 1,
  rejectHandshakes: 0,
  resend: 0,
  slowPage: 0,
  now: Date.now,
} as const satisfies Partial<Required<SimulatorOptions>>;

/** A room with every field filled in. */
export interface ResolvedRoom {
  readonly webRid: string;
  readonly roomId: string;
  readonly title: string;
  readonly anchor: { readonly nickname: string; readonly id: string; readonly secUid: string };
  readonly userCountStr: string;
  readonly page: RoomPageFormat;
  readonly scenario: ScenarioSourceOptions;
  readonly source: SimulatorSourceFactory | undefined;
}

/** Fault options after the merge (`undefined` = off). */
export interface ResolvedFaults {
  readonly dropAfter: number | undefined;
  readonly stallAfter: number | undefined;
  readonly closeAfter: number | undefined;
  readonly closeCode: number;
  readonly faultConnections: number;
  readonly garbageEvery: number | undefined;
  readonly corruptGzipEvery: number | undefined;
  readonly rejectHandshakes: number;
  readonly resend: number;
  readonly slowPage: number;
}

/** Simulator options after the one merge. */
export interface ResolvedSimulatorOptions {
  readonly host: string;
  readonly port: number;
  readonly rooms: readonly ResolvedRoom[];
  readonly verifySignature: boolean;
  readonly speed: number;
  readonly liveStarts: LiveStart;
  readonly heartbeatTimeoutMs: number;
  readonly pingIntervalMs: number;
  readonly pongTimeoutMs: number;
  readonly historySize: number;
  readonly maxMessagesPerFrame: number;
  readonly retainMessages: number;
  readonly maskGuests: boolean;
  readonly withholdGiftsFromGuests: boolean;
  readonly faults: ResolvedFaults;
  readonly now: () => number;
}

// ws refuses to send these (reserved, or meaningful only locally); 1006 is handled by terminating.
const UNSENDABLE_CLOSE_CODES = new Set([1004, 1005, 1015]);

/** Merges options with {@link DEFAULT_SIMULATOR_OPTIONS} and validates them; throws INVALID_ARGUMENT. */
export function resolveSimulatorOptions(options: SimulatorOptions = {}): ResolvedSimulatorOptions {
  const o = { ...DEFAULT_SIMULATOR_OPTIONS, ...definedOnly(options) };
  const page = o.page;
  const roomInputs: readonly RoomOptions[] = o.rooms ?? [
    { webRid: o.webRid, roomId: o.roomId, title: o.title, anchor: o.anchor, scenario: o.scenario, source: o.source },
  ];
  if (roomInputs.length === 0) invalid('at least one room is needed', { rooms: 0 });
  const rooms = roomInputs.map((r) => resolveRoom(r, page));
  for (const key of ['webRid', 'roomId'] as const) {
    const seen = new Set<string>();
    for (const r of rooms) {
      if (seen.has(r[key])) invalid(`two rooms share the ${key} ${r[key]}`, { [key]: r[key] });
      seen.add(r[key]);
    }
  }
  if (!(o.speed > 0)) invalid('speed must be positive', { speed: o.speed });
  for (const key of [
    'port',
    'heartbeatTimeoutMs',
    'pingIntervalMs',
    'pongTimeoutMs',
    'historySize',
    'retainMessages',
    'faultConnections',
    'rejectHandshakes',
    'resend',
    'slowPage',
  ] as const) {
    nonNegativeInteger(key, o[key]);
  }
  if (!Number.isInteger(o.maxMessagesPerFrame) || o.maxMessagesPerFrame < 1) {
    invalid('maxMessagesPerFrame must be at least 1', { maxMessagesPerFrame: o.maxMessagesPerFrame });
  }
  for (const key of ['dropAfter', 'stallAfter', 'closeAfter'] as const) {
    if (o[key] !== undefined) nonNegativeInteger(key, o[key]);
  }
  if (o.liveStarts !== 'at-listen' && o.liveStarts !== 'on-first-connection') {
    invalid("liveStarts must be 'at-listen' or 'on-first-connection'", { liveStarts: o.liveStarts });
  }
  for (const key of ['garbageEvery', 'corruptGzipEvery'] as const) {
    const v = o[key];
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) invalid(`${key} must be at least 1`, { [key]: v });
  }
  if (
    !Number.isInteger(o.closeCode) ||
    o.closeCode < 1000 ||
    o.closeCode > 4999 ||
    UNSENDABLE_CLOSE_CODES.has(o.closeCode)
  ) {
    invalid('closeCode must be a sendable close code (1000–4999, not 1004/1005/1015; 1006 terminates)', {
      closeCode: o.closeCode,
    });
  }
  return {
    host: o.host,
    port: o.port,
    rooms,
    verifySignature: o.verifySignature,
    speed: o.speed,
    liveStarts: o.liveStarts,
    heartbeatTimeoutMs: o.heartbeatTimeoutMs,
    pingIntervalMs: o.pingIntervalMs,
    pongTimeoutMs: o.pongTimeoutMs,
    historySize: o.historySize,
    maxMessagesPerFrame: o.maxMessagesPerFrame,
    retainMessages: o.retainMessages,
    maskGuests: o.maskGuests,
    withholdGiftsFromGuests: o.withholdGiftsFromGuests,
    faults: {
      dropAfter: o.dropAfter,
      stallAfter: o.stallAfter,
      closeAfter: o.closeAfter,
      closeCode: o.closeCode,
      faultConnections: o.faultConnections,
      garbageEvery: o.garbageEvery,
      corruptGzipEvery: o.corruptGzipEvery,
      rejectHandshakes: o.rejectHandshakes,
      resend: o.resend,
      slowPage: o.slowPage,
    },
    now: o.now,
  };
}

function resolveRoom(r: RoomOptions, page: RoomPageFormat): ResolvedRoom {
  if (!/^[\w.-]+$/.test(r.webRid)) invalid('webRid must be a plain path segment', { webRid: r.webRid });
  if (!/^[1-9]\d{0,19}$/.test(r.roomId)) invalid('roomId must be a decimal id', { roomId: r.roomId });
  const anchor: AnchorOptions = r.anchor ?? DEFAULT_ROOM_OPTIONS.anchor;
  const anchorId = anchor.id ?? String(BigInt(r.roomId) % 100_000_000_000n);
  return {
    webRid: r.webRid,
    roomId: r.roomId,
    title: r.title ?? DEFAULT_ROOM_OPTIONS.title,
    anchor: { nickname: anchor.nickname, id: anchorId, secUid: anchor.secUid ?? `MS4wLjABAAAA${anchorId}` },
    userCountStr: r.userCountStr ?? DEFAULT_ROOM_OPTIONS.userCountStr,
    page: r.page ?? page,
    scenario: r.scenario ?? {},
    source: r.source,
  };
}

function nonNegativeInteger(key: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) invalid(`${key} must be a non-negative integer`, { [key]: value });
}

function invalid(message: string, context: Record<string, unknown>): never {
  throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, `simulator: ${message}`, context);
}
