/** Plain `ws` + node:http clients for the simulator tests (no SDK session code: the simulator is under test). */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { WebSocket } from 'ws';
import { ackFor } from '../../packages/core/src/pipeline/ackWith.js';
import { decodeFrame } from '../../packages/core/src/pipeline/decodeFrames.js';
import type { DecodedFrame, InboundResponse } from '../../packages/core/src/pipeline/types.js';
import { unpackResponse } from '../../packages/core/src/pipeline/unpackResponses.js';
import { HEARTBEAT_FRAME } from '../../packages/core/src/protocol/constants.js';
import { buildPushQuery, buildPushUrl, pushQueryObject } from '../../packages/core/src/room/pushParams.js';
import { signatureStub, signStub } from '../../packages/core/src/signature/signature.js';
import type { Simulator } from '@douyin-live/simulator';
import { decodeWire, encodeWire } from '@douyin-live/testing';

/** An HTTP answer. */
export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** GET with optional headers; resolves with the whole answer. */
export function get(url: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The `ttwid` a Set-Cookie header list issues, if any. */
export function ttwidOf(headers: IncomingHttpHeaders): string | undefined {
  for (const line of headers['set-cookie'] ?? []) {
    const m = /^ttwid=([^;]+)/.exec(line);
    if (m) return m[1];
  }
  return undefined;
}

/** Gets a ttwid from `GET /`. */
export async function fetchTtwid(sim: Simulator): Promise<string> {
  const ttwid = ttwidOf((await get(`${sim.httpUrl}/`)).headers);
  if (ttwid === undefined) throw new Error('no ttwid');
  return ttwid;
}

/** What a push URL is built from. */
export interface PushUrlSpec {
  roomId: string;
  userUniqueId?: string;
  cursor?: string;
  /** Replace the signature (e.g. a wrong one); `null` leaves it out. */
  signature?: string | null;
}

/** A correctly signed push URL, built with the room helpers. */
export function pushUrl(sim: Simulator, spec: PushUrlSpec): string {
  const input = { roomId: spec.roomId, userUniqueId: spec.userUniqueId ?? '7319483754668557238' };
  const params = buildPushQuery(spec.cursor === undefined ? input : { ...input, cursor: spec.cursor });
  const signature = spec.signature === undefined ? signStub(signatureStub(pushQueryObject(params))) : spec.signature;
  if (signature === null) return buildPushUrl(sim.wsUrl, params, 'x').replace(/&signature=x$/, '');
  return buildPushUrl(sim.wsUrl, params, signature);
}

/** Options of {@link PushClient}. */
export interface PushClientOptions {
  cookie: string;
  /** Ack every need_ack frame (header internal_ext first). @defaultValue true */
  ack?: boolean;
  /** Send a binary hb frame every this many ms. @defaultValue off */
  heartbeatMs?: number;
  /** Answer pings. @defaultValue true */
  autoPong?: boolean;
}

/** A decoded message as received. */
export interface Received {
  method: string;
  msgId: string;
  payload: Uint8Array;
}

/** A minimal push client: records frames and messages, acks and heartbeats on request. */
export class PushClient {
  readonly ws: WebSocket;
  readonly frames: Array<DecodedFrame | 'undecodable'> = [];
  readonly responses: InboundResponse[] = [];
  readonly failures: string[] = [];
  readonly messages: Received[] = [];
  lastCursor: string | undefined;
  readonly opened: Promise<void>;
  readonly closed: Promise<number>;
  private hb: NodeJS.Timeout | undefined;
  private readonly waiters = new Set<() => void>();

  constructor(url: string, options: PushClientOptions) {
    this.ws = new WebSocket(url, { headers: { Cookie: options.cookie }, autoPong: options.autoPong ?? true });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('unexpected-response', () => reject(new Error('unexpected response')));
      this.ws.once('error', reject);
    });
    this.opened.catch(() => undefined);
    this.closed = new Promise((resolve) => this.ws.once('close', (code: number) => resolve(code)));
    this.ws.on('error', () => undefined);
    this.ws.on('close', () => clearInterval(this.hb));
    if (options.heartbeatMs !== undefined) {
      const ms = options.heartbeatMs;
      void this.opened.then(
        () => {
          this.sendHeartbeat();
          this.hb = setInterval(() => this.sendHeartbeat(), ms);
        },
        () => undefined,
      );
    }
    this.ws.on('message', (data: Buffer) => {
      const frame = decodeFrame(new Uint8Array(data));
      if (frame.kind === 'decode-failure') {
        this.frames.push('undecodable');
        this.failures.push(frame.error.code);
      } else {
        this.frames.push(frame);
        const unpacked = unpackResponse(frame);
        if (unpacked.kind === 'decode-failure') {
          this.failures.push(unpacked.error.code);
        } else if (unpacked.response !== undefined) {
          this.responses.push(unpacked);
          const r = unpacked.response;
          if (frame.payloadType === 'msg') this.lastCursor = frame.headers['im-cursor'] ?? r.cursor;
          for (const m of r.messages) this.messages.push({ method: m.method, msgId: m.msgId, payload: m.payload });
          const ack = options.ack === false ? undefined : ackFor(unpacked);
          if (ack !== undefined && this.ws.readyState === WebSocket.OPEN) this.ws.send(ack);
        }
      }
      for (const w of [...this.waiters]) w();
    });
  }

  /** Sends one binary hb frame. */
  sendHeartbeat(): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(HEARTBEAT_FRAME);
  }

  /** Resolves once `predicate()` holds after some inbound frame (or now). */
  until(predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!predicate()) return;
        done();
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`client condition not met in ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }

  /** Messages of one method. */
  ofMethod(method: string): Received[] {
    return this.messages.filter((m) => m.method === method);
  }

  /** Closes (if open) and waits for the close. */
  async close(): Promise<number> {
    clearInterval(this.hb);
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
    return this.closed;
  }
}

/** Sends an ack frame by hand (for mismatch tests). */
export function ackFrame(logId: string, payload: string): Uint8Array {
  return encodeWire('PushFrame', { logId, payloadType: 'ack', payload: new TextEncoder().encode(payload) });
}

/** Decodes a chat payload into `nickname: content`. */
export function chatLine(payload: Uint8Array): string {
  const chat = decodeWire('ChatMessage', payload);
  return `${chat.user?.nickname ?? ''}: ${chat.content}`;
}

/** A scenario fast enough for tests: one batch every 10 ms. */
export const FAST_SCENARIO = {
  tickMs: 10,
  chatPerSecond: 200,
  giftPerSecond: 50,
  likePerSecond: 50,
  memberPerSecond: 50,
  followPerSecond: 20,
  sharePerSecond: 20,
  statsIntervalMs: 100,
} as const;
