import type { Agent } from 'node:http';
import { DEFAULT_BROWSER_PROFILE, DEFAULT_PUSH_HOSTS, LIVE_ORIGIN, type BrowserProfile } from '../room/pushParams.js';
import type { Signer } from '../signature/signature.js';
import type { ResumeState } from './types.js';

/** Where the session sends its requests. The defaults are Douyin's real hosts. */
export interface Endpoints {
  /** Base of the room page and of `GET /` for the ttwid cookie. @defaultValue `https://live.douyin.com` */
  readonly page: string;
  /** Base of the web/enter and im/fetch APIs. @defaultValue `https://live.douyin.com` */
  readonly api: string;
  /**
   * WebSocket bases, tried in turn; `'from-fetch'` first uses the push server im/fetch names.
   * @defaultValue the three `webcast100-ws-web-*` hosts
   */
  readonly push: readonly string[];
  /** Whether im/fetch's push_server overrides `push`. @defaultValue true for the real hosts, false for an override */
  readonly usePushServerFromFetch: boolean;
}

/**
 * When and how fast to reconnect — and to retry a join that failed for a transient reason (network down, DNS,
 * timeout, HTTP 5xx, a cut answer): the same backoff, jitter and `maxAttempts`, counted separately.
 */
export interface ReconnectPolicy {
  /** Reconnect at all. @defaultValue true */
  readonly enabled: boolean;
  /** Attempts in a row before giving up with RECONNECT_EXHAUSTED (a successful frame resets the count). @defaultValue 10 */
  readonly maxAttempts: number;
  /** First backoff delay, ms; doubles per failed attempt. @defaultValue 1500 */
  readonly initialDelayMs: number;
  /** Backoff cap, ms. @defaultValue 60000 */
  readonly maxDelayMs: number;
  /** Random extra delay up to this many ms. @defaultValue 1200 */
  readonly jitterMs: number;
  /** Minimum delay per close code (§4.6: 1001 → 2 s, 1012 → 3 s, 1013 → 5 s). */
  readonly closeCodeDelayMs: Readonly<Record<number, number>>;
  /** Handshakes refused in a row (HTTP 200 + DEVICE_BLOCKED) before giving up with HANDSHAKE_REJECTED. @defaultValue 3 */
  readonly maxHandshakeRejections: number;
}

/** Polling while a room is not live yet. */
export interface WaitUntilLiveOptions {
  /** Poll the enter API this often, ms. @defaultValue 30000 */
  readonly pollIntervalMs: number;
}

/** What a session is about to request, as {@link LiveSessionOptions.beforeRequest} sees it. */
export interface HttpRequestInfo {
  /**
   * Which call: §1.2 ttwid, §1.3 room page, §1.4 web/enter, §2.5 im/fetch, or `push`, the WebSocket handshake
   * (every connect and reconnect, so a reconnect storm across many rooms is paced too).
   */
  readonly kind: 'ttwid' | 'page' | 'enter' | 'im-fetch' | 'push';
  /** The full URL. */
  readonly url: string;
}

/**
 * Awaited before every HTTP request and WebSocket handshake of a session; a rejection fails that request. Lets many
 * sessions share one polite rate limit and a cap on simultaneous joins (`connectRooms` injects one).
 */
export type BeforeRequestHook = (request: HttpRequestInfo) => void | Promise<void>;

/** How a session finds its room: a `https://live.douyin.com/<web_rid>` URL, a bare web_rid, or a known room id. */
export type RoomInput = string | { readonly roomId: string; readonly webRid?: string | undefined };

/** Options of `connectLiveSession`. Only `room` is required. */
export interface LiveSessionOptions {
  /** The room to join. */
  readonly room: RoomInput;
  /**
   * A browser cookie string for a logged-in session (e.g. `sessionid=…; ttwid=…`). Without one, nicknames arrive
   * masked and, since 2026-04, gifts may be withheld. @defaultValue none (guest)
   */
  readonly cookie?: string | undefined;
  /** Signs the push URL's stub. @defaultValue a native signer with a per-session counter */
  readonly signer?: Signer | undefined;
  /**
   * Where to connect: one base URL (`http://127.0.0.1:8080` — the simulator) for everything, or explicit endpoints.
   * @defaultValue Douyin's real hosts
   */
  readonly endpoints?: string | Partial<Endpoints> | undefined;
  /** Reconnect policy overrides. */
  readonly reconnect?: Partial<ReconnectPolicy> | undefined;
  /** Heartbeat interval, ms; the server's `heartbeat_duration` can only raise it. @defaultValue 10000 */
  readonly heartbeatIntervalMs?: number | undefined;
  /** No inbound frame for this long → `stalled`, then reconnect. @defaultValue 30000 */
  readonly stallTimeoutMs?: number | undefined;
  /** How many recent msgIds are remembered to drop repeats (bounded memory). @defaultValue 20000 */
  readonly dedupeWindow?: number | undefined;
  /** Wait politely for a room that is not live instead of failing with ROOM_NOT_LIVE. @defaultValue false */
  readonly waitUntilLive?: boolean | Partial<WaitUntilLiveOptions> | undefined;
  /** Browser fingerprint for URL parameters and headers. @defaultValue Chrome 134 on Windows */
  readonly profile?: BrowserProfile | undefined;
  /** An http(s) Agent for every request and the WebSocket (HTTP/SOCKS proxies). @defaultValue none */
  readonly agent?: Agent | undefined;
  /** Timeout of each HTTP request, ms. @defaultValue 10000 */
  readonly httpTimeoutMs?: number | undefined;
  /** Retries of the room page while it is a risk-control page (status unknown). @defaultValue 3 */
  readonly pageRetries?: number | undefined;
  /** Confirm a ControlMessage live-end with the enter API before ending. @defaultValue true */
  readonly confirmLiveEnd?: boolean | undefined;
  /**
   * Awaited before every HTTP request (ttwid, room page, web/enter, im/fetch): a shared rate limiter goes here.
   * @defaultValue none (requests go out at once)
   */
  readonly beforeRequest?: BeforeRequestHook | undefined;
  /**
   * Resume where another session stopped (its `resumeState`): the first connection sends this cursor and
   * internal_ext, and the im/fetch history is not replayed. @defaultValue none (a fresh join)
   */
  readonly resume?: ResumeState | undefined;
  /** Clock, ms since the epoch. @defaultValue `Date.now` */
  readonly now?: (() => number) | undefined;
  /** Random number in [0, 1) for jitter and ids. @defaultValue `Math.random` */
  readonly random?: (() => number) | undefined;
}

/** Every option resolved: what the session actually runs with. */
export interface ResolvedSessionOptions {
  readonly room: RoomInput;
  readonly cookie: string | undefined;
  readonly signer: Signer | undefined;
  readonly endpoints: Endpoints;
  readonly reconnect: ReconnectPolicy;
  readonly heartbeatIntervalMs: number;
  readonly stallTimeoutMs: number;
  readonly dedupeWindow: number;
  readonly waitUntilLive: WaitUntilLiveOptions | undefined;
  readonly profile: BrowserProfile;
  readonly agent: Agent | undefined;
  readonly httpTimeoutMs: number;
  readonly pageRetries: number;
  readonly confirmLiveEnd: boolean;
  readonly beforeRequest: BeforeRequestHook | undefined;
  readonly resume: ResumeState | undefined;
  readonly now: () => number;
  readonly random: () => number;
}

/** The real hosts. */
export const DEFAULT_ENDPOINTS: Endpoints = Object.freeze({
  page: LIVE_ORIGIN,
  api: LIVE_ORIGIN,
  push: DEFAULT_PUSH_HOSTS,
  usePushServerFromFetch: true,
});

/** The defaults of every option, in one place. */
export const DEFAULT_SESSION_OPTIONS = Object.freeze({
  reconnect: Object.freeze({
    enabled: true,
    maxAttempts: 10,
    initialDelayMs: 1500,
    maxDelayMs: 60_000,
    jitterMs: 1200,
    closeCodeDelayMs: Object.freeze({ 1001: 2000, 1012: 3000, 1013: 5000 }),
    maxHandshakeRejections: 3,
  }),
  // jwwsjlm, dycast and rust-srec beat every 10 s; heartbeat_duration can only make it longer.
  heartbeatIntervalMs: 10_000,
  stallTimeoutMs: 30_000,
  dedupeWindow: 20_000,
  waitUntilLive: Object.freeze({ pollIntervalMs: 30_000 }),
  profile: DEFAULT_BROWSER_PROFILE,
  httpTimeoutMs: 10_000,
  pageRetries: 3,
  confirmLiveEnd: true,
}) satisfies Partial<Record<keyof ResolvedSessionOptions, unknown>>;

/** Turns an `endpoints` option into explicit endpoints; one base URL serves page, API and WebSocket. */
export function resolveEndpoints(input: LiveSessionOptions['endpoints']): Endpoints {
  if (input === undefined) return DEFAULT_ENDPOINTS;
  if (typeof input === 'string') {
    const base = input.replace(/\/+$/, '');
    return { page: base, api: base, push: [base.replace(/^http/i, 'ws')], usePushServerFromFetch: false };
  }
  return { ...DEFAULT_ENDPOINTS, usePushServerFromFetch: input.push === undefined, ...input };
}

/** Merges options with the defaults — the one place that happens. */
export function resolveSessionOptions(options: LiveSessionOptions): ResolvedSessionOptions {
  const d = DEFAULT_SESSION_OPTIONS;
  const wait = options.waitUntilLive;
  return {
    room: options.room,
    cookie: options.cookie,
    signer: options.signer,
    endpoints: resolveEndpoints(options.endpoints),
    reconnect: {
      ...d.reconnect,
      ...options.reconnect,
      // Shared unless overridden: an object keyed 1001…1013 gets a ~12 KiB elements store per copy (per room).
      closeCodeDelayMs: options.reconnect?.closeCodeDelayMs
        ? { ...d.reconnect.closeCodeDelayMs, ...options.reconnect.closeCodeDelayMs }
        : d.reconnect.closeCodeDelayMs,
    },
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? d.heartbeatIntervalMs,
    stallTimeoutMs: options.stallTimeoutMs ?? d.stallTimeoutMs,
    dedupeWindow: options.dedupeWindow ?? d.dedupeWindow,
    waitUntilLive: wait ? { ...d.waitUntilLive, ...(wait === true ? {} : wait) } : undefined,
    profile: options.profile ?? d.profile,
    agent: options.agent,
    httpTimeoutMs: options.httpTimeoutMs ?? d.httpTimeoutMs,
    pageRetries: options.pageRetries ?? d.pageRetries,
    confirmLiveEnd: options.confirmLiveEnd ?? d.confirmLiveEnd,
    beforeRequest: options.beforeRequest,
    resume: options.resume,
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
  };
}
