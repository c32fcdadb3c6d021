import type { Agent, ClientRequestArgs, IncomingMessage } from 'node:http';
import { connect as netConnect, isIP, type NetConnectOpts, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import WebSocket from 'ws';
import { DouyinLiveError, ErrorCodes } from '../errors.js';
import { takeBinaryFrames } from './binaryFrames.js';
import { FrameBoundaries } from './frameBoundaries.js';

/** How long a polite close may wait for the server's close frame before the socket is dropped, ms. */
const CLOSE_GRACE_MS = 1000;
/**
 * Size of a connection's read buffer at first, bytes: enough for the upgrade answer, pings and heartbeat answers,
 * all a quiet room ever reads (every connection holds its buffer while it waits).
 */
const FIRST_READ_BUFFER_BYTES = 1024;
/** Size of a busy connection's read buffer, bytes (Douyin's frames are ~2 KiB on the wire); after a full read. */
const READ_BUFFER_BYTES = 8 * 1024;

/** How one WebSocket connection ended. */
export type ConnectionEnd =
  | { readonly kind: 'closed'; readonly code: number; readonly reason: string }
  | { readonly kind: 'rejected'; readonly error: DouyinLiveError }
  | { readonly kind: 'failed'; readonly error: DouyinLiveError };

/** Callbacks of {@link openConnection}. */
export interface ConnectionHandlers {
  /** The handshake succeeded (101); `headers` are the upgrade response's, `url` the one connected to. */
  onOpen(headers: Record<string, string>, url: string): void;
  /**
   * A binary message arrived. With {@link ConnectionOptions.reuseReadBuffer}, `bytes` may lie in a buffer that the
   * next socket read overwrites: valid during the call only.
   */
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
  /**
   * Reads the socket into one buffer, reused from read to read while nothing holds on to the bytes (between
   * WebSocket frames, no message half-assembled), instead of a new one per read: a thousand rooms read ~4,000
   * times a second, and each fresh buffer counts against V8's heap limits until a full GC frees it. `onFrame`'s
   * bytes are then valid during the call only. Ignored with an `agent` (the agent makes the sockets).
   */
  readonly reuseReadBuffer?: boolean | undefined;
  /** Certificates to trust for wss: instead of the system's (a test server's self-signed one). */
  readonly ca?: string | Buffer | undefined;
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
  let reads: ReusedReads | undefined;
  // TLS as ws decides it, from the URL (its request options do not say).
  const secure = /^(wss|https):/i.test(url);
  const ws: WebSocket = new WebSocket(url, {
    headers: { ...options.headers },
    agent: options.agent,
    perMessageDeflate: false,
    handshakeTimeout: options.handshakeTimeoutMs,
    ...(options.ca !== undefined ? { ca: options.ca } : {}),
    // Each message is handed over before the next read (ws's default, relied on by the reused read buffer).
    allowSynchronousEvents: true,
    ...(options.reuseReadBuffer && options.agent === undefined
      ? {
          createConnection: ((args: ClientRequestArgs) => {
            reads = connectReusingReads(
              args,
              secure,
              () => ws.readyState === WebSocket.OPEN && !ended,
              (bytes) => handlers.onFrame(bytes),
            );
            return reads.socket;
          }) as unknown as typeof netConnect,
        }
      : {}),
  });
  // 'upgrade' carries the response headers but fires before the socket is OPEN; report the open on 'open' so
  // the first heartbeat sent from onOpen is not silently dropped.
  // The URL as given, for onOpen: ws keeps its own (normalised) copy; a second copy of a ~1 KB signed URL per room
  // is kept only when the two differ.
  const givenUrl = ws.url === url ? undefined : url;
  let upgradeHeaders: Record<string, string> = {};
  ws.on('upgrade', (res) => (upgradeHeaders = flatHeaders(res)));
  ws.on('open', () => {
    reads?.opened();
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

/** A socket that reads into a reused buffer, and the hook that starts following its WebSocket frames. */
interface ReusedReads {
  readonly socket: Socket;
  /** The WebSocket is open: from now on the socket carries its frames (ws has taken the upgrade's leftover bytes). */
  opened(): void;
}

/**
 * Connects as ws would (TLS for wss:, with SNI unless the host is an IP), but reads with `onread` into a buffer that
 * is kept for the next read when the bytes just read are no longer needed: the upgrade is done, the WebSocket is
 * open, the socket buffered nothing, and the frames ended with the read (ws has then delivered every message in it
 * and kept no view of it). Otherwise the next read goes to a new buffer and the old one is left to its holders.
 *
 * Once the WebSocket is open, a read that starts between frames with ws holding nothing hands its whole binary
 * frames (every push frame) to `onFrame` itself, and only what follows the last of them (a control frame, a frame
 * the read cut off) goes on to ws through the socket, in order: a push frame costs no stream events, no ws parse and
 * none of the per-frame objects those keep in each connection's long-lived state (arrays, views), which a thousand
 * rooms made survive every scavenge.
 */
function connectReusingReads(
  args: ClientRequestArgs & { servername?: string },
  secure: boolean,
  isOpen: () => boolean,
  onFrame: (bytes: Uint8Array) => void,
): ReusedReads {
  const boundaries = new FrameBoundaries();
  let following = false;
  let buffer = Buffer.allocUnsafeSlow(FIRST_READ_BUFFER_BYTES);
  const onread = {
    buffer: () => buffer,
    callback: (n: number, read: Uint8Array): boolean => {
      // Only while ws holds nothing of the stream: the socket flows (a paused one buffers what comes, for ws), has
      // nothing buffered, and the bytes so far ended on a frame boundary outside a fragmented message.
      const direct =
        following && socket.readableLength === 0 && socket.readableFlowing === true && boundaries.atBoundary;
      const taken = direct ? takeBinaryFrames(read, n, onFrame, isOpen) : 0;
      const more = taken === n || socket.push(Buffer.from(read.buffer, read.byteOffset + taken, n - taken));
      const free = following && isOpen() && socket.readableLength === 0 && boundaries.atBoundary;
      // A read that filled the buffer may have left more waiting: a busy room reads into the larger size.
      if (n === buffer.length && buffer.length < READ_BUFFER_BYTES) buffer = Buffer.allocUnsafeSlow(READ_BUFFER_BYTES);
      else if (!free) buffer = Buffer.allocUnsafeSlow(buffer.length);
      return more;
    },
  };
  const host = args.host ?? args.hostname ?? undefined;
  const socket: Socket = secure
    ? tlsConnect({
        ...(args as object),
        path: undefined,
        servername: args.servername ?? (host === undefined || isIP(host) ? '' : host),
        onread,
      } as TlsConnectionOptions)
    : netConnect({ ...(args as object), path: args.socketPath, onread } as NetConnectOpts);
  return {
    socket,
    opened: () => {
      following = true;
      // After ws's own listener (a listener before it would take the upgrade's leftover bytes, which ws has put
      // back on the socket, from ws), and before they flow: it sees every byte ws's parser sees.
      socket.on('data', (chunk: Buffer) => boundaries.feed(chunk));
    },
  };
}
