/**
 * The JSON form of a message: what `douyin-live watch --json` prints, one line per message. The relay, the fleet
 * and every JSON export use this one form, so a consumer reading any of them parses the same object.
 */
import type { LiveMessage } from './types.js';

/** The friendly fields of a message for JSON output (the wire object `raw` left out unless asked for). */
export function messageToJson(m: LiveMessage, withRaw = false): Record<string, unknown> {
  if (withRaw || 'unknown' in m) return { ...m };
  const { raw: _raw, ...rest } = m;
  return rest;
}

/** One JSON line: bytes as base64, bigints as strings. */
export function toJsonLine(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
    if (typeof v === 'bigint') return v.toString();
    return v;
  });
}
