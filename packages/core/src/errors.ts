/**
 * Coded errors. Every error the SDK reports — thrown, emitted on an Observable's error channel or carried as a
 * value in a stream — is a {@link DouyinLiveError} with a stable `code` a caller can switch on.
 */

/** Stable error codes. */
export const ErrorCodes = {
  /** A PushFrame could not be decoded (garbage bytes, truncated input, invalid wire type). */
  FRAME_DECODE_FAILED: 'FRAME_DECODE_FAILED',
  /** A frame's payload looked like gzip but did not inflate (truncated or corrupt). */
  GZIP_FAILED: 'GZIP_FAILED',
  /** A Response (the frame payload) could not be decoded. */
  RESPONSE_DECODE_FAILED: 'RESPONSE_DECODE_FAILED',
  /** One message payload could not be decoded for its method. */
  MESSAGE_DECODE_FAILED: 'MESSAGE_DECODE_FAILED',
  /** The WebSocket handshake was refused (Douyin answers HTTP 200 with handshake-status / handshake-msg). */
  HANDSHAKE_REJECTED: 'HANDSHAKE_REJECTED',
  /** The room does not exist (HTTP 404/410 or an enter API answer without a room). */
  ROOM_NOT_FOUND: 'ROOM_NOT_FOUND',
  /** The room page held no room data (risk control or verification page); the status is unknown. */
  ROOM_STATUS_UNKNOWN: 'ROOM_STATUS_UNKNOWN',
  /** The room is not live. */
  ROOM_NOT_LIVE: 'ROOM_NOT_LIVE',
  /** An HTTP request failed (network error or unexpected status). */
  HTTP_FAILED: 'HTTP_FAILED',
  /** The WebSocket failed or closed unexpectedly. */
  CONNECTION_LOST: 'CONNECTION_LOST',
  /** No inbound frame arrived within the stall timeout. */
  STALLED: 'STALLED',
  /** The reconnect policy gave up. */
  RECONNECT_EXHAUSTED: 'RECONNECT_EXHAUSTED',
  /** Continuity between two connections could not be proven; messages may be missing. */
  GAP: 'GAP',
  /** An option or argument is invalid. */
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  /** A recording file is malformed, truncated or of an unsupported version. */
  RECORDING_INVALID: 'RECORDING_INVALID',
  /** A recording ends in an incomplete record (the recorder was killed): everything before the cut was read. */
  RECORDING_TRUNCATED: 'RECORDING_TRUNCATED',
  /** Writing a recording failed (disk full, file removed, permissions). */
  RECORDING_WRITE_FAILED: 'RECORDING_WRITE_FAILED',
  /** The relay refused a request: missing or wrong token (HTTP 401). */
  UNAUTHORIZED: 'UNAUTHORIZED',
  /** The relay refused a request: a WebSocket from a page of another origin, or a foreign Host (HTTP 403). */
  FORBIDDEN: 'FORBIDDEN',
  /** The relay refused a client: it already serves its maximum number of clients (HTTP 503). */
  TOO_MANY_CLIENTS: 'TOO_MANY_CLIENTS',
  /** A Redis command of the fleet failed (unreachable server, script error, unexpected reply). */
  REDIS_FAILED: 'REDIS_FAILED',
  /** Something awaited did not happen in time (test helpers, polling). */
  TIMEOUT: 'TIMEOUT',
} as const;

/** One of the {@link ErrorCodes}. */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** Extra, machine-readable facts about an error (raw bytes go here, never into the message text). */
export interface ErrorContext {
  /** The raw bytes that failed to decode. */
  bytes?: Uint8Array | undefined;
  /** The message method involved. */
  method?: string | undefined;
  /** The message id involved. */
  msgId?: string | undefined;
  /** The PushFrame log id involved. */
  logId?: string | undefined;
  /** HTTP status involved. */
  status?: number | undefined;
  /** `handshake-status` header of a refused handshake. */
  handshakeStatus?: string | undefined;
  /** `handshake-msg` header of a refused handshake (e.g. DEVICE_BLOCKED). */
  handshakeMsg?: string | undefined;
  /** WebSocket close code. */
  closeCode?: number | undefined;
  /** The errno of a request that failed below HTTP (`ENOTFOUND`, `ECONNREFUSED`, `ETIMEDOUT`, `ECONNRESET`). */
  network?: string | undefined;
  /** Set on a non-fatal join failure: the session tries the join again after this many ms. */
  retryInMs?: number | undefined;
  /** Which join attempt failed (1-based), on join failures. */
  joinAttempt?: number | undefined;
  /** Anything else worth knowing. */
  [key: string]: unknown;
}

const BRAND = Symbol.for('douyin-live.error');

/** The one error class of the SDK. */
export class DouyinLiveError extends Error {
  /** Present on every instance so {@link isDouyinLiveError} works across duplicate installs. */
  readonly [BRAND] = true;

  constructor(
    /** Stable code. */
    readonly code: ErrorCode,
    message: string,
    /** Machine-readable details. */
    readonly context: ErrorContext = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  override get name(): string {
    return `DouyinLiveError[${this.code}]`;
  }
}

/** Structural check that works where `instanceof` fails (two copies of the package). */
export function isDouyinLiveError(value: unknown): value is DouyinLiveError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}
