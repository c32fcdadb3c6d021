import type { Agent, IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { DouyinLiveError, ErrorCodes } from '../errors.js';

/** How long a polite close may wait for the server's close frame before the socket is dropped, ms. */
const CLOSE_GRACE_MS = 1000;

/** How one WebSocket connection ended. */
export type ConnectionEnd =
  | { readonly kind: 'closed'; readonly code: number; readonly reason: string }
  | { readonly kind: 'rejected'; readonly error: DouyinLiveError }
  | { readonly kind: 'failed'; readonly error: DouyinLiveError };

/** Callbacks of {@link openConnection}. */
export interface ConnectionHandlers {
  /** The handshake succeeded (101); `headers` are the upgrade response's, `url` the one connected to. */
  onOpen(headers: Record<string, string>, url: string): void;
  /** A binary message arrived. */
  onFrame(bytes: Uint8Array): void;
  /** The connection is over; called exactly once. */
  onEnd(end: ConnectionEnd): void;
}

/** A live WebSocket connection. */
export interface Connection {
  /** Sends a binary frame; false when the socket is not open. */
  send(bytes: Uint8Array): boolean;
  /** Closes politely (or terminates when not open). */
  close(code?: number): void;
  /** Drops the socket at once (stall recovery). */
  terminate(): void;
}

/** Options of {@link openConnection}. */
export interface ConnectionOptions {
  readonly headers: Readonly<Record<string, string>>;
  readonly agent?: Agent | undefined;
  readonly handshakeTimeoutMs: number;
}

function flatHeaders(res: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/**
 * Opens the push WebSocket. A handshake answered with anything but 101 becomes a HANDSHAKE_REJECTED error that
 * carries Douyin's `handshake-status` / `handshake-msg` headers (HTTP 200 + DEVICE_BLOCKED for a bad signature),
 * instead of ws's "Unexpected server response".
 */
export function openConnection(url: string, options: ConnectionOptions, handlers: ConnectionHandlers): Connection {
  let ended = false;
  let closeTimer: NodeJS.Timeout | undefined;
  const end = (result: ConnectionEnd) => {
    if (closeTimer) clearTimeout(closeTimer);
    if (ended) return;
    ended = true;
    handlers.onEnd(result);
  };
  const ws = new WebSocket(url, {
    headers: { ...options.headers },
    agent: options.agent,
    perMessageDeflate: false,
    handshakeTimeout: options.handshakeTimeoutMs,
  });
  // 'upgrade' carries the response headers but fires before the socket is OPEN; report the open on 'open' so
  // the first heartbeat sent from onOpen is not silently dropped.
  // The URL as given, for onOpen: ws keeps its own (normalised) copy; a second copy of a ~1 KB signed URL per room
  // is kept only when the two differ.
  const givenUrl = ws.url === url ? undefined : url;
  let upgradeHeaders: Record<string, string> = {};
  ws.on('upgrade', (res) => (upgradeHeaders = flatHeaders(res)));
  ws.on('open', () => {
    const headers = upgradeHeaders;
    // Not kept for the life of the connection (a thousand rooms keep a thousand connections).
    upgradeHeaders = {};
    handlers.onOpen(headers, givenUrl ?? ws.url);
  });
  ws.on('message', (data, isBinary) => {
    if (ended || !isBinary) return;
    handlers.onFrame(
      Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : data,
    );
  });
  ws.on('unexpected-response', (req, res) => {
    const headers = flatHeaders(res);
    const handshakeStatus = headers['handshake-status'];
    const handshakeMsg = headers['handshake-msg'];
    const detail = handshakeMsg
      ? `${handshakeMsg} (handshake-status ${handshakeStatus ?? '?'})`
      : `HTTP ${res.statusCode}`;
    end({
      kind: 'rejected',
      error: new DouyinLiveError(ErrorCodes.HANDSHAKE_REJECTED, `WebSocket handshake refused: ${detail}`, {
        status: res.statusCode,
        ...(handshakeStatus !== undefined ? { handshakeStatus } : {}),
        ...(handshakeMsg !== undefined ? { handshakeMsg } : {}),
      }),
    });
    res.resume();
    req.destroy();
  });
  ws.on('error', (cause) => {
    end({
      kind: 'failed',
      error: new DouyinLiveError(ErrorCodes.CONNECTION_LOST, `WebSocket error: ${cause.message}`, {}, { cause }),
    });
  });
  ws.on('close', (code, reason) => end({ kind: 'closed', code, reason: reason.toString('utf8') }));
  return {
    send: (bytes) => {
      if (ws.readyState !== WebSocket.OPEN) return false;
      ws.send(bytes, { binary: true });
      return true;
    },
    close: (code = 1000) => {
      if (ws.readyState !== WebSocket.OPEN) return ws.terminate();
      ws.close(code);
      // A peer that never answers the close frame must not hold the session open (ws would wait 30 s).
      closeTimer ??= setTimeout(() => ws.terminate(), CLOSE_GRACE_MS);
    },
    terminate: () => ws.terminate(),
  };
}
