/** MD5 helpers for the WebSocket `signature` (§3 of the protocol sheet); thin wrappers over `node:crypto`. */
import { createHash } from 'node:crypto';

/** The raw 16-byte MD5 digest of `data` (strings are hashed as UTF-8). */
export function md5(data: string | Uint8Array): Uint8Array {
  return new Uint8Array(createHash('md5').update(data).digest());
}

/** The lowercase hex MD5 digest (32 characters) of `data` (strings are hashed as UTF-8). */
export function md5Hex(data: string | Uint8Array): string {
  return createHash('md5').update(data).digest('hex');
}
