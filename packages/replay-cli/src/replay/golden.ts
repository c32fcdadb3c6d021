/**
 * Golden files: what a replay of a recording puts out, as NDJSON (one event per line, in emission order), and
 * a readable diff of two such outputs. `douyin-live verify` and the fixture tests pin a recording's decoded
 * behaviour with them.
 */
import { toJsonLine } from '@douyin-live/core';
import { readFile } from 'node:fs/promises';
import type { ReplayOptions } from './options.js';
import { replaySession } from './replaySession.js';

/**
 * Removes every `raw` key (the decoded wire objects, at any depth): the friendly fields are what a golden pins,
 * and the wire objects would double its size.
 */
export function withoutRaw(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutRaw);
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (key !== 'raw') out[key] = withoutRaw(v);
  return out;
}

/**
 * Replays `file` as fast as possible, acks checked, and returns its golden lines, each an object with one key
 * naming the event: `room`, `state` changes, every `message` (friendly fields, no `raw`), every `error` (code
 * and text), `gap`s, and a last `done` with the outcome, the session counters and the ack totals. The output
 * depends on the file alone.
 */
export async function goldenLines(
  file: string,
  options: Pick<ReplayOptions, 'from' | 'to' | 'dedupeWindow'> = {},
): Promise<string[]> {
  const session = replaySession(file, { ...options, speed: 'max', checkAcks: true });
  const lines: string[] = [];
  // One key per line names the event, so no message field can collide with it.
  const push = (event: string, value: unknown): void => void lines.push(toJsonLine({ [event]: value }));
  session.room$.subscribe((room) =>
    push('room', { roomId: room.roomId, webRid: room.webRid, title: room.title, anchor: room.anchor?.nickname }),
  );
  session.state$.subscribe((state) => push('state', state));
  session.messages$.subscribe({ next: (m) => push('message', withoutRaw(m)), error: noop });
  session.errors$.subscribe((e) => push('error', { code: e.code, message: e.message }));
  session.gaps$.subscribe((g) => push('gap', { connection: g.connection, reason: g.reason }));
  const outcome = await session.done;
  const { enabled: _enabled, connections: _connections, ...acks } = session.acks;
  push('done', { reason: outcome.reason, truncated: session.truncated, stats: { ...session.stats }, acks });
  return lines;
}

const noop = (): void => undefined;

/** Reads a golden file into lines (a trailing newline and Windows line ends are fine). */
export async function readGolden(path: string): Promise<string[]> {
  const text = await readFile(path, 'utf8');
  return text.split(/\r?\n/).filter((line, i, all) => line.length > 0 || i < all.length - 1);
}

/** One difference between an expected and an actual golden. */
export interface GoldenHunk {
  /** 1-based line in the expected file (where the actual output departs from it). */
  readonly line: number;
  /** Expected lines missing from the output. */
  readonly removed: readonly string[];
  /** Output lines the expected file does not have. */
  readonly added: readonly string[];
}

/** The result of comparing two goldens. */
export interface GoldenDiff {
  readonly equal: boolean;
  readonly expectedLines: number;
  readonly actualLines: number;
  readonly hunks: readonly GoldenHunk[];
}

/** Lines looked ahead to re-align after an insertion or a removal. */
const RESYNC_WINDOW = 50;

/**
 * Compares two goldens line by line, re-aligning after inserted or removed lines (within a window of
 * {@link RESYNC_WINDOW} lines), so one extra message shows as one hunk rather than as every line after it.
 */
export function diffGolden(expected: readonly string[], actual: readonly string[]): GoldenDiff {
  const hunks: GoldenHunk[] = [];
  let i = 0;
  let j = 0;
  while (i < expected.length || j < actual.length) {
    if (i < expected.length && j < actual.length && expected[i] === actual[j]) {
      i++;
      j++;
      continue;
    }
    const start = i;
    const [di, dj] = realign(expected, actual, i, j);
    hunks.push({ line: start + 1, removed: expected.slice(i, i + di), added: actual.slice(j, j + dj) });
    i += di;
    j += dj;
  }
  return { equal: hunks.length === 0, expectedLines: expected.length, actualLines: actual.length, hunks };
}

/** The smallest (removed, added) counts after which the two sides agree again. */
function realign(expected: readonly string[], actual: readonly string[], i: number, j: number): [number, number] {
  for (let total = 1; total <= 2 * RESYNC_WINDOW; total++) {
    for (let di = Math.max(0, total - RESYNC_WINDOW); di <= Math.min(total, RESYNC_WINDOW); di++) {
      const dj = total - di;
      const ei = i + di;
      const aj = j + dj;
      if (ei > expected.length || aj > actual.length) continue;
      if (ei === expected.length && aj === actual.length) return [di, dj];
      if (ei < expected.length && aj < actual.length && expected[ei] === actual[aj]) return [di, dj];
    }
  }
  // No agreement nearby: report one changed line and move on.
  return [i < expected.length ? 1 : 0, j < actual.length ? 1 : 0];
}

/** At most this many hunks are printed; the rest are counted. */
const MAX_HUNKS_SHOWN = 8;
/** Longest line printed, in characters. */
const MAX_LINE_CHARS = 160;

/** A diff as text a person can read in a CI log: where, which fields changed, and the lines themselves. */
export function formatGoldenDiff(diff: GoldenDiff, expectedName = 'expected', actualName = 'actual'): string {
  if (diff.equal) return `${actualName} matches ${expectedName} (${diff.actualLines} lines)`;
  const changed = diff.hunks.reduce((n, h) => n + Math.max(h.removed.length, h.added.length), 0);
  const out = [
    `${actualName} differs from ${expectedName}: ${diff.hunks.length} place(s), ~${changed} line(s) ` +
      `(expected ${diff.expectedLines} lines, got ${diff.actualLines})`,
  ];
  for (const hunk of diff.hunks.slice(0, MAX_HUNKS_SHOWN)) {
    out.push(`@@ line ${hunk.line} @@`);
    if (hunk.removed.length === 1 && hunk.added.length === 1) {
      for (const field of changedFields(hunk.removed[0]!, hunk.added[0]!)) out.push(`  ~ ${field}`);
    }
    for (const line of hunk.removed.slice(0, 5)) out.push(`- ${clip(line)}`);
    if (hunk.removed.length > 5) out.push(`- … ${hunk.removed.length - 5} more`);
    for (const line of hunk.added.slice(0, 5)) out.push(`+ ${clip(line)}`);
    if (hunk.added.length > 5) out.push(`+ … ${hunk.added.length - 5} more`);
  }
  if (diff.hunks.length > MAX_HUNKS_SHOWN) out.push(`… and ${diff.hunks.length - MAX_HUNKS_SHOWN} more place(s)`);
  return out.join('\n');
}

const clip = (line: string): string =>
  line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}… (${line.length} chars)` : line;

/** `path: old → new` for every leaf that differs between two JSON lines (empty when either is not JSON). */
export function changedFields(expectedLine: string, actualLine: string, limit = 6): string[] {
  let a: unknown;
  let b: unknown;
  try {
    a = JSON.parse(expectedLine);
    b = JSON.parse(actualLine);
  } catch {
    return [];
  }
  const changes: string[] = [];
  const walk = (x: unknown, y: unknown, path: string): void => {
    if (changes.length >= limit) return;
    const objects = typeof x === 'object' && x !== null && typeof y === 'object' && y !== null;
    if (objects && Array.isArray(x) === Array.isArray(y)) {
      const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
      for (const k of keys)
        walk((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
      return;
    }
    if (JSON.stringify(x) !== JSON.stringify(y)) {
      changes.push(`${path || '(line)'}: ${JSON.stringify(x) ?? 'absent'} → ${JSON.stringify(y) ?? 'absent'}`);
    }
  };
  walk(a, b, '');
  return changes;
}
