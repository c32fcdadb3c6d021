import type { Agent } from 'node:http';
import { DouyinLiveError, ErrorCodes } from '../errors.js';
import type { BrowserProfile } from '../room/pushParams.js';
import {
  DEFAULT_SESSION_OPTIONS,
  resolveSessionOptions,
  type LiveSessionOptions,
  type ResolvedSessionOptions,
} from '../session/options.js';
import type { Signer } from '../signature/signature.js';

/** Options of `diagnoseRoom`. Only `room` is required. */
export interface DiagnoseOptions {
  /** The room: a `https://live.douyin.com/<web_rid>` URL, a web_rid, or `{ roomId }`. */
  readonly room: LiveSessionOptions['room'];
  /** A browser cookie string (logged in: `sessionid=…`). @defaultValue none (guest) */
  readonly cookie?: string | undefined;
  /** Where to connect, as for a session (one base URL for the simulator). @defaultValue Douyin's real hosts */
  readonly endpoints?: LiveSessionOptions['endpoints'];
  /** Budget of the whole diagnosis, ms; the socket is watched for what is left of it. @defaultValue 30000 */
  readonly timeoutMs?: number | undefined;
  /**
   * How long to watch the socket at most, ms (less when everything has been seen: frames, every common kind,
   * an ack, a heartbeat answer). @defaultValue 10000
   */
  readonly observeMs?: number | undefined;
  /** Signs the push URL. @defaultValue the native signer */
  readonly signer?: Signer | undefined;
  /** Browser fingerprint. @defaultValue the session's default profile */
  readonly profile?: BrowserProfile | undefined;
  /** An http(s) Agent (proxy) for every request and the WebSocket. @defaultValue none */
  readonly agent?: Agent | undefined;
  /** Clock, ms. @defaultValue `Date.now` */
  readonly now?: (() => number) | undefined;
}

/** The defaults of {@link DiagnoseOptions}. */
export const DEFAULT_DIAGNOSE_OPTIONS = {
  timeoutMs: 30_000,
  observeMs: 10_000,
} as const satisfies Partial<Record<keyof DiagnoseOptions, unknown>>;

/** Options after the one merge: the session options the stages share, plus the budgets. */
export interface ResolvedDiagnoseOptions {
  readonly session: ResolvedSessionOptions;
  readonly timeoutMs: number;
  readonly observeMs: number;
}

/** Merges {@link DiagnoseOptions} with the defaults; throws INVALID_ARGUMENT for a bad budget. */
export function resolveDiagnoseOptions(options: DiagnoseOptions): ResolvedDiagnoseOptions {
  const timeoutMs = options.timeoutMs ?? DEFAULT_DIAGNOSE_OPTIONS.timeoutMs;
  const observeMs = options.observeMs ?? DEFAULT_DIAGNOSE_OPTIONS.observeMs;
  for (const [name, value] of [
    ['timeoutMs', timeoutMs],
    ['observeMs', observeMs],
  ] as const) {
    if (!(value > 0))
      throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, `${name} must be positive`, { [name]: value });
  }
  return {
    // Each HTTP request may take the whole budget, never more.
    session: resolveSessionOptions({
      room: options.room,
      cookie: options.cookie,
      endpoints: options.endpoints,
      signer: options.signer,
      profile: options.profile,
      agent: options.agent,
      now: options.now,
      httpTimeoutMs: Math.min(timeoutMs, DEFAULT_SESSION_OPTIONS.httpTimeoutMs),
    }),
    timeoutMs,
    observeMs,
  };
}
