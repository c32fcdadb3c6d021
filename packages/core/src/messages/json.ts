/**
 * The JSON form of a message: what `douyin-live watch --json` prints, one line per message. The relay, the fleet
 * and every JSON export use this one form, so a consumer reading any of them parses the same object.
 */
import type { LiveMessage } from './types.js';
import { WireBackedMessage } from './wireBacked.js';

/** The friendly fields of a message for JSON output (the wire object `raw` left out unless asked for). */
export function messageToJson(m: LiveMessage, withRaw = false): Record<string, unknown> {
  // A decoded message's `raw` is made on first access: copy the own fields without touching it.
  if (m instanceof WireBackedMessage) return withRaw ? m.toJSON() : friendlyFields(m);
  if (withRaw || 'unknown' in m) return { ...m };
  return friendlyFields(m);
}

function friendlyFields(m: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(m)) if (key !== 'raw') out[key] = m[key as keyof typeof m];
  return out;
}

/** One JSON line: bytes as base64, bigints as strings. */
export function toJsonLine(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
    if (typeof v === 'bigint') return v.toString();
    return v;
  });
}
