import {
  connectLiveSession,
  DouyinLiveError,
  ErrorCodes,
  type LiveMessage,
  type SessionState,
} from '@douyin-live/core';
import { recordSession, type RecorderStats } from '@douyin-live/recorder';
import type { Argv } from 'yargs';
import { palette, type Palette } from '../format/pretty.js';
import type { CliContext } from '../context.js';
import { KIND_METHODS, sessionOptionsFrom } from './watch.js';

/** Arguments of `douyin-live record`. */
export interface RecordArgs {
  room: string;
  output: string;
  duration?: string | undefined;
  maxSize?: string | undefined;
  rotateAfter?: string | undefined;
  redactUsers: boolean;
  cookieFile?: string | undefined;
  endpoint?: string | undefined;
}

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

/** The values of a cookie string (`a=1; b=2` → `['1', '2']`): secrets the recording must never hold. */
export function cookieValues(cookie: string | undefined): string[] {
  if (!cookie) return [];
  return cookie
    .split(/;\s*|\n/)
    .map((pair) => pair.slice(pair.indexOf('=') + 1).trim())
    .filter((v) => v.length > 0);
}

const kindOfMethod = new Map<string, string>(
  Object.entries(KIND_METHODS).flatMap(([kind, methods]) => methods.map((m) => [m, kind] as const)),
);

/** The short kind a status line counts a message under (`chat`, `gift`, ... or the method's own name). */
export function messageKind(method: string): string {
  return kindOfMethod.get(method) ?? method.replace(/^Webcast/, '').replace(/Message$/, '');
}

/** `1h02m03s` style. */
function formatElapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}h${mm}m${ss}s` : `${mm}m${ss}s`;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

function formatKinds(byKind: ReadonlyMap<string, number>, limit: number): string {
  const sorted = [...byKind.entries()].sort((a, b) => b[1] - a[1]);
  const shown = sorted.slice(0, limit).map(([k, n]) => `${k} ${n}`);
  if (sorted.length > limit) shown.push(`+${sorted.length - limit} kinds`);
  return shown.join(' · ') || 'none yet';
}

interface StatusView {
  readonly elapsedMs: number;
  readonly state: SessionState;
  readonly stats: RecorderStats | undefined;
  readonly byKind: ReadonlyMap<string, number>;
}

function statusLine(v: StatusView, p: Palette): string {
  const s = v.stats;
  const frames = s ? `${s.framesIn}↓ ${s.framesOut}↑` : '0↓ 0↑';
  const state = v.state === 'live' ? p.green(v.state) : p.yellow(v.state);
  return (
    `${p.red('●')} ${state} ${formatElapsed(v.elapsedMs)}  frames ${frames}  ${p.dim(formatKinds(v.byKind, 5))}  ` +
    `${formatBytes(s?.bytesWritten ?? 0)}${s && s.paths.length > 1 ? ` (${s.paths.length} parts)` : ''}`
  );
}

/** Status lines refresh this often on a terminal, in ms. */
const STATUS_INTERVAL_MS = 1000;

// Cursor up one line, then erase it: the status line is redrawn in place with plain line writes.
const REDRAW = '\u001b[1A\u001b[2K';

/** Registers `record`. */
export function recordCommand(ctx: CliContext) {
  return {
    command: 'record <room>',
    describe: 'Record a live room’s raw frames to a .dyrec file (crash-safe, no cookies stored)',
    builder: (y: Argv) =>
      y
        .positional('room', {
          type: 'string',
          demandOption: true,
          describe: 'https://live.douyin.com/<web_rid> or web_rid',
        })
        .option('output', { alias: 'o', type: 'string', demandOption: true, describe: 'the .dyrec file to write' })
        .option('duration', { type: 'string', describe: 'stop after this long (90s, 10m, 1h30m)' })
        .option('max-size', { type: 'string', describe: 'start a new numbered part past this size (100MB, 1GiB)' })
        .option('rotate-after', { type: 'string', describe: 'start a new numbered part after this long (1h)' })
        .option('redact-users', {
          type: 'boolean',
          default: false,
          describe: 'replace viewers’ nicknames, ids and avatars with stable pseudonyms (to share as a fixture)',
        })
        .option('cookie-file', { type: 'string', describe: 'file holding a logged-in cookie string (never recorded)' })
        .option('endpoint', { type: 'string', describe: 'send every request to this base URL (the simulator)' })
        .example('$0 record https://live.douyin.com/261378947940 -o session.dyrec --duration 10m', 'ten minutes')
        .example('$0 record 100000001 -o sim.dyrec --endpoint http://127.0.0.1:8080', 'record the simulator'),
    handler: async (args: RecordArgs) => {
      // Reject bad arguments before connecting.
      const durationMs = args.duration !== undefined ? parseDuration(args.duration) : undefined;
      const maxPartBytes = args.maxSize !== undefined ? parseSize(args.maxSize) : 0;
      const maxPartDurationMs = args.rotateAfter !== undefined ? parseDuration(args.rotateAfter) : 0;
      const base = sessionOptionsFrom(args);
      const p = palette(ctx.colour);

      const session = connectLiveSession({ ...base, room: args.room });
      const startedAt = Date.now();
      let writeError: DouyinLiveError | undefined;
      const recording = recordSession(session, args.output, {
        pseudonymiseUsers: args.redactUsers,
        secrets: cookieValues(base.cookie),
        maxPartBytes,
        maxPartDurationMs,
        onError: (error) => {
          writeError = error;
          void session.close();
        },
      });
      const byKind = new Map<string, number>();
      let state: SessionState = session.state;
      const subscriptions = [
        session.messages$.subscribe((m: LiveMessage) => {
          const kind = messageKind(m.method);
          byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
        }),
        session.state$.subscribe((s) => (state = s)),
      ];

      let drawn = false;
      const draw = () => {
        const line = statusLine({ elapsedMs: Date.now() - startedAt, state, stats: recording.stats, byKind }, p);
        ctx.out(drawn ? REDRAW + line : line);
        drawn = true;
      };
      // A status line only on a terminal; piped output gets the summary alone.
      const ticker = ctx.colour ? setInterval(draw, STATUS_INTERVAL_MS) : undefined;
      if (ctx.colour) draw();

      let durationTimer: NodeJS.Timeout | undefined;
      const stopReason = await Promise.race([
        session.done.then((outcome) => (outcome.reason === 'failed' ? 'failed' : outcome.reason)),
        ctx.interrupted().then(() => 'interrupted'),
        ...(durationMs !== undefined
          ? [new Promise<string>((resolve) => (durationTimer = setTimeout(() => resolve('duration'), durationMs)))]
          : []),
      ]);
      clearTimeout(durationTimer);
      if (ticker) clearInterval(ticker);
      // Close the session first, so its last close event is recorded; then the file gets its end record.
      await session.close();
      let stats: RecorderStats;
      try {
        stats = await recording.stop(stopReason);
      } catch (error) {
        throw writeError ?? error;
      } finally {
        for (const s of subscriptions) s.unsubscribe();
      }
      if (drawn) ctx.out(REDRAW + statusLine({ elapsedMs: Date.now() - startedAt, state, stats, byKind }, p));

      const room = session.room;
      const parts =
        stats.paths.length > 1 ? ` (+${stats.paths.length - 1} parts: ${stats.paths.slice(1).join(', ')})` : '';
      ctx.out(
        `${p.bold('Recorded')} ${room ? `${room.title || room.roomId} (room ${room.roomId})` : args.room} to ${args.output}${parts}`,
      );
      ctx.out(
        `  ${formatElapsed(Date.now() - startedAt)} · frames ${stats.framesIn} in, ${stats.framesOut} out · ` +
          `${formatBytes(stats.bytesFlushed)} written · ${session.stats.connections} connection(s)` +
          (args.redactUsers ? ` · ${stats.pseudonyms?.usersReplaced ?? 0} users pseudonymised` : ''),
      );
      ctx.out(`  messages: ${formatKinds(byKind, 12)}`);
      ctx.out(`  stopped: ${stopReason}`);
      const outcome = await session.done;
      if (outcome.reason === 'failed') throw outcome.error;
    },
  };
}
