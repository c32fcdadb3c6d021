/**
 * Durations and sizes as people type them on a command line or in options (`90s`, `1h30m`, `100MB`): shared by
 * the commands and the replay library, so the library never reaches up into `commands/`.
 */
import { DouyinLiveError, ErrorCodes } from '@douyin-live/core';

const DURATION_UNITS_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `90s`, `10m`, `1h30m`, `500ms` (a bare number is seconds) into ms. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)/gy)];
  const consumed = parts.reduce((n, p) => n + p[0].length, 0);
  if (parts.length === 0 || consumed !== trimmed.length) {
    throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, `not a duration: "${text}" (try 90s, 10m, 1h30m)`);
  }
  return parts.reduce((ms, p) => ms + Number(p[1]) * DURATION_UNITS_MS[p[2]!]!, 0);
}

// KB/MB/GB are decimal, KiB/MiB/GiB binary, as `ls --si` and `ls -h` tell them apart.
const SIZE_UNITS: Readonly<Record<string, number>> = {
  b: 1,
  k: 1e3,
  kb: 1e3,
  mb: 1e6,
  m: 1e6,
  gb: 1e9,
  g: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** Parses `100MB`, `1.5GiB`, `512k` (a bare number is bytes) into bytes. */
export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = SIZE_UNITS[(m?.[2] || 'b').toLowerCase()];
  if (!m || unit === undefined || Number(m[1]) <= 0) {
    throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, `not a size: "${text}" (try 100MB, 1GiB)`);
  }
  return Math.floor(Number(m[1]) * unit);
}
