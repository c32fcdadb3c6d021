/**
 * The checks of the push socket's upgrade request, done the way the real server does them (§2, §3): a ttwid
 * cookie, a known room_id and a `signature` matching the stub of the signed parameters (checked by this package's
 * own code in `signature.ts`, never by the client's signer). Refusals are answered like Douyin: HTTP 200 (no upgrade) with `handshake-status: 415` and `handshake-msg: DEVICE_BLOCKED`.
 */
import type { Duplex } from 'node:stream';
import { parseCookies } from './cookies.js';
import { signatureStubOf, verifySignature } from './signature.js';

/** What the handshake checks need from the simulator. */
export interface HandshakeContext {
  /** Whether the signature is checked. */
  readonly verifySignature: boolean;
  /** Whether a room with this id exists. */
  hasRoom(roomId: string): boolean;
}

/** An accepted handshake. */
export interface AcceptedHandshake {
  readonly ok: true;
  readonly roomId: string;
  /** `user_unique_id` of the URL (`''` when absent). */
  readonly userUniqueId: string;
  /** The `cursor` URL parameter, when present and non-empty. */
  readonly cursor: string | undefined;
  /** No `sessionid` cookie. */
  readonly guest: boolean;
  readonly ttwid: string;
}

/** A refused handshake. */
export interface RefusedHandshake {
  readonly ok: false;
  readonly reason: string;
}

/** Checks an upgrade request's URL (path + raw query) and Cookie header. */
export function checkHandshake(
  url: string,
  cookieHeader: string | undefined,
  context: HandshakeContext,
): AcceptedHandshake | RefusedHandshake {
  const q = url.indexOf('?');
  const rawQuery = q < 0 ? '' : url.slice(q + 1);
  const params = firstValues(new URLSearchParams(rawQuery));
  const cookies = parseCookies(cookieHeader);
  const ttwid = cookies.get('ttwid');
  if (ttwid === undefined || ttwid === '') return { ok: false, reason: 'missing ttwid cookie' };
  const roomId = params['room_id'];
  if (roomId === undefined || roomId === '') return { ok: false, reason: 'missing room_id' };
  if (!context.hasRoom(roomId)) return { ok: false, reason: `unknown room_id ${roomId}` };
  if (context.verifySignature) {
    const signature = rawParam(rawQuery, 'signature');
    if (signature === undefined || signature === '') return { ok: false, reason: 'missing signature' };
    const verdict = verifySignature(signature, signatureStubOf(params));
    if (!verdict.ok) return { ok: false, reason: `bad signature: ${verdict.reason}` };
  }
  const cursor = params['cursor'];
  return {
    ok: true,
    roomId,
    userUniqueId: params['user_unique_id'] ?? '',
    cursor: cursor === undefined || cursor === '' ? undefined : cursor,
    guest: (cookies.get('sessionid') ?? '') === '',
    ttwid,
  };
}

/** The query as an object, the first value of a repeated name winning (a `null`-prototype object: no `__proto__`). */
function firstValues(query: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, value] of query) if (!(name in out)) out[name] = value;
  return out;
}

/**
 * A query parameter read without form decoding: the client appends `signature` raw, so a `+` in it is a plus,
 * not a space. Percent escapes (a client that did encode it) are still decoded.
 */
export function rawParam(rawQuery: string, name: string): string | undefined {
  for (const part of rawQuery.split('&')) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    if (key !== name) continue;
    const value = eq < 0 ? '' : part.slice(eq + 1);
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  }
  return undefined;
}

/**
 * Answers a refused upgrade the way Douyin does: `200 OK`, no upgrade, the two handshake headers, an empty
 * body; then the socket is closed. A visitor without a ttwid gets one, as on every Douyin answer.
 */
export function refuseUpgrade(socket: Duplex, setCookie: string | undefined): void {
  const lines = [
    'HTTP/1.1 200 OK',
    'handshake-status: 415',
    'handshake-msg: DEVICE_BLOCKED',
    'Content-Length: 0',
    'Connection: close',
  ];
  if (setCookie !== undefined) lines.push(`Set-Cookie: ${setCookie}`);
  socket.end(`${lines.join('\r\n')}\r\n\r\n`);
}
