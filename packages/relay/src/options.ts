/**
 * Options of {@link startRelay}: one defaults object, merged once in {@link resolveRelayOptions}, which also
 * refuses unsafe combinations (a non-loopback interface without a token).
 */
import { DouyinLiveError, ErrorCodes } from '@douyin-live/core';

/** Options of `startRelay`. */
export interface RelayOptions {
  /**
   * Interface to listen on. Anything but loopback requires a `token`.
   * @defaultValue `'127.0.0.1'`
   */
  readonly host?: string | undefined;
  /**
   * Port to listen on (0 picks a free one).
   * @defaultValue `0`
   */
  readonly port?: number | undefined;
  /**
   * A shared secret every route requires, as `Authorization: Bearer <token>` or `?token=<token>`.
   * @defaultValue `undefined` (no token; only allowed on loopback)
   */
  readonly token?: string | undefined;
  /**
   * Page origins (`https://example.com`) whose scripts may open the WebSocket and read `/events` and `/api`;
   * `'*'` allows any. The relay's own pages are always allowed.
   * @defaultValue `[]`
   */
  readonly allowOrigins?: readonly string[] | undefined;
  /**
   * Most clients (WebSocket and SSE together) served at once; more are refused with 503.
   * @defaultValue `1_000`
   */
  readonly maxClients?: number | undefined;
  /**
   * Bytes a client may have queued but not yet written; a client over it is disconnected (WebSocket close
   * 1013), so it never slows the sessions or the other clients.
   * @defaultValue `1_048_576` (1 MiB)
   */
  readonly maxBufferedBytes?: number | undefined;
  /**
   * Events kept in memory for SSE `Last-Event-ID` resume.
   * @defaultValue `10_000`
   */
  readonly eventBufferSize?: number | undefined;
  /**
   * WebSocket pings and SSE `: ping` comments every this many ms; a WebSocket that did not answer the previous
   * ping is terminated.
   * @defaultValue `15_000`
   */
  readonly heartbeatIntervalMs?: number | undefined;
  /**
   * Relay only these message kinds (`chat,gift`, as `watch --only`); clients narrow further with `?only=`.
   * @defaultValue `undefined` (every kind)
   */
  readonly only?: string | undefined;
  /**
   * Rows of the leaderboard events.
   * @defaultValue `10`
   */
  readonly leaderboardTop?: number | undefined;
}

/** The options after the one merge. */
export type ResolvedRelayOptions = {
  readonly [K in Exclude<keyof RelayOptions, 'token' | 'only'>]-?: Exclude<RelayOptions[K], undefined>;
} & { readonly token: string | undefined; readonly only: string | undefined };

/** The defaults of {@link RelayOptions}. */
export const DEFAULT_RELAY_OPTIONS = {
  host: '127.0.0.1',
  port: 0,
  token: undefined,
  allowOrigins: [],
  maxClients: 1_000,
  // 1 MiB: a few thousand messages of backlog, far more than a healthy client ever has queued.
  maxBufferedBytes: 1_048_576,
  eventBufferSize: 10_000,
  // What proxies tolerate between two bytes of an idle stream, with a margin.
  heartbeatIntervalMs: 15_000,
  only: undefined,
  leaderboardTop: 10,
} as const satisfies ResolvedRelayOptions;

/** True for an interface only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** Merges options with {@link DEFAULT_RELAY_OPTIONS} and checks them (INVALID_ARGUMENT when unsafe or invalid). */
export function resolveRelayOptions(options: RelayOptions = {}): ResolvedRelayOptions {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const resolved = { ...DEFAULT_RELAY_OPTIONS, ...defined } as ResolvedRelayOptions;
  if (!isLoopbackHost(resolved.host) && !resolved.token) {
    throw new DouyinLiveError(
      ErrorCodes.INVALID_ARGUMENT,
      `refusing to listen on ${resolved.host} without a token: anybody who can reach it could read the rooms (give a token, or listen on 127.0.0.1)`,
      { host: resolved.host },
    );
  }
  if (resolved.token !== undefined && resolved.token.length === 0) {
    throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, 'the token is empty', {});
  }
  const counts: [string, number, number][] = [
    ['port', resolved.port, 0],
    ['maxClients', resolved.maxClients, 1],
    ['maxBufferedBytes', resolved.maxBufferedBytes, 1],
    ['eventBufferSize', resolved.eventBufferSize, 0],
    ['heartbeatIntervalMs', resolved.heartbeatIntervalMs, 1],
    ['leaderboardTop', resolved.leaderboardTop, 1],
  ];
  for (const [name, value, min] of counts) {
    if (!Number.isInteger(value) || value < min || (name === 'port' && value > 65_535)) {
      throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, `relay option ${name} must be an integer ≥ ${min}`, {
        [name]: value,
      });
    }
  }
  return resolved;
}
