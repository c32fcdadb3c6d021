/** The cookies the simulator hands out and reads: `ttwid` (every visitor) and `sessionid` (a logged-in user). */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Lifetime of an issued ttwid, in seconds (Douyin's lasts a year). */
const TTWID_MAX_AGE_S = 365 * 24 * 3600;

/** The cookies of a request, by name (the first value of a repeated name wins). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!cookies.has(name)) cookies.set(name, part.slice(eq + 1).trim());
  }
  return cookies;
}

/** The cookies of an incoming request. */
export function requestCookies(request: IncomingMessage): Map<string, string> {
  return parseCookies(request.headers.cookie);
}

/** A fresh ttwid shaped like Douyin's (`1%7C<43 base64url chars>%7C<seconds>%7C<64 hex>`). */
export function newTtwid(nowMs: number): string {
  const token = randomBytes(32).toString('base64url');
  const seconds = Math.floor(nowMs / 1000);
  const mac = createHash('sha256').update(`${token}|${seconds}`).digest('hex');
  return `1%7C${token}%7C${seconds}%7C${mac}`;
}

/** The `Set-Cookie` value issuing a ttwid. */
export function ttwidSetCookie(ttwid: string): string {
  return `ttwid=${ttwid}; Path=/; Max-Age=${TTWID_MAX_AGE_S}; HttpOnly`;
}

/**
 * The visitor ("odin") id the page hands to the holder of a ttwid: 19 digits starting with 7, stable per ttwid
 * (the pairing §2.4 calls the most conservative `user_unique_id`).
 */
export function userUniqueIdFor(ttwid: string | undefined): string {
  if (ttwid === undefined || ttwid === '') return '7319483754668557238';
  const digest = createHash('md5').update(ttwid).digest();
  return String(7_000_000_000_000_000_000n + (digest.readBigUInt64BE(0) % 1_000_000_000_000_000_000n));
}
