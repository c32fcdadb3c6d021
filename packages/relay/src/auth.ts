/**
 * Who may use the relay: the token (header or `?token=`), the Host a browser says it asked for (a loopback relay
 * answers only to loopback names, which stops DNS-rebinding pages), and the Origin of pages opening the
 * WebSocket or reading the API.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { DouyinLiveError, ErrorCodes } from '@douyin-live/core';
import { isLoopbackHost } from './options.js';

/** The token a request carries: `Authorization: Bearer …` or `?token=…`. */
export function tokenOf(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers.authorization;
  const bearer = header?.match(/^Bearer\s+(.+)$/i)?.[1];
  return bearer ?? url.searchParams.get('token') ?? undefined;
}

/** Constant-time comparison (hashes first, so lengths do not leak either). */
function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** The hostname of a Host header (`127.0.0.1:8080` → `127.0.0.1`, `[::1]:80` → `::1`). */
function hostnameOf(host: string): string {
  const bracketed = /^\[([^\]]+)\]/.exec(host);
  return bracketed ? bracketed[1]! : host.replace(/:\d+$/, '');
}

/** What the relay checks on every request. */
export interface AccessPolicy {
  readonly token: string | undefined;
  readonly loopbackOnly: boolean;
  readonly allowOrigins: readonly string[];
}

/**
 * Checks Host and token; throws `FORBIDDEN` or `UNAUTHORIZED` (the server answers 403 / 401). Runs before
 * anything else, on every route, the WebSocket handshake included.
 */
export function checkAccess(req: IncomingMessage, url: URL, policy: AccessPolicy): void {
  const host = req.headers.host ?? '';
  if (policy.loopbackOnly && !isLoopbackHost(hostnameOf(host))) {
    throw new DouyinLiveError(ErrorCodes.FORBIDDEN, `Host "${host}" is not this relay (it listens on loopback only)`, {
      host,
    });
  }
  if (policy.token === undefined) return;
  const given = tokenOf(req, url);
  if (given === undefined) {
    throw new DouyinLiveError(ErrorCodes.UNAUTHORIZED, 'this relay needs a token: ?token=… or Authorization: Bearer …');
  }
  if (!sameSecret(given, policy.token)) throw new DouyinLiveError(ErrorCodes.UNAUTHORIZED, 'wrong token');
}

/**
 * Whether a page of `origin` may use the relay from a script: no Origin (not a browser page), the relay's own
 * pages, or an allowed origin.
 */
export function originAllowed(req: IncomingMessage, policy: AccessPolicy): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (origin === `http://${req.headers.host ?? ''}`) return true;
  return policy.allowOrigins.includes('*') || policy.allowOrigins.includes(origin);
}

/** Throws `FORBIDDEN` for a WebSocket opened by a page of another origin. */
export function checkOrigin(req: IncomingMessage, policy: AccessPolicy): void {
  if (!originAllowed(req, policy)) {
    throw new DouyinLiveError(
      ErrorCodes.FORBIDDEN,
      `Origin "${req.headers.origin}" may not open this relay's WebSocket (start the relay with --allow-origin)`,
      { origin: req.headers.origin },
    );
  }
}
