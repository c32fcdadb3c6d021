import { kindOfMethod } from '@douyin-live/core';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import {
  connectRooms,
  DouyinLiveError,
  ErrorCodes,
  parseRoomInput,
  type PoolMessage,
  type SessionOutcome,
} from '@douyin-live/core';
import { recordSession, type RecorderStats, type SessionRecording } from '@douyin-live/recorder';
import type { Argv } from 'yargs';
import { palette, type Palette } from '../format/pretty.js';
import { parseDuration, parseSize } from '../util/units.js';
import type { CliContext } from '../context.js';
import { poolArgs, poolOptionsFrom, sessionOptionsFrom } from './watch.js';

/** Arguments of `douyin-live record`. */
export interface RecordArgs {
  rooms: string[];
  output: string;
  duration?: string | undefined;
  maxSize?: string | undefined;
  rotateAfter?: string | undefined;
  redactUsers: boolean;
  cookieFile?: string | undefined;
  endpoint?: string | undefined;
  requestInterval?: number | undefined;
  maxJoins?: number | undefined;
}

/** The values of a cookie string (`a=1; b=2` → `['1', '2']`): secrets the recording must never hold. */
export function cookieValues(cookie: string | undefined): string[] {
  if (!cookie) return [];
  return cookie
    .split(/;\s*|\n/)
    .map((pair) => pair.slice(pair.indexOf('=') + 1).trim())
    .filter((v) => v.length > 0);
}

/** The short kind a status line counts a message under (`chat`, `gift`, ... or the method's own name). */
export function messageKind(method: string): string {
  return kindOfMethod(method) ?? method.replace(/^Webcast/, '').replace(/Message$/, '');
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

/** What a status line shows: one room's state, or how many rooms are live. */
interface StatusView {
  readonly elapsedMs: number;
  readonly state: string;
  readonly live: boolean;
  readonly stats: readonly (RecorderStats | undefined)[];
  readonly byKind: ReadonlyMap<string, number>;
}

function statusLine(v: StatusView, p: Palette): string {
  const sum = (pick: (s: RecorderStats) => number) => v.stats.reduce((n, s) => n + (s ? pick(s) : 0), 0);
  const parts = sum((s) => s.paths.length);
  const files = v.stats.length > 1 ? ` (${v.stats.length} files)` : parts > 1 ? ` (${parts} parts)` : '';
  const state = v.live ? p.green(v.state) : p.yellow(v.state);
  return (
    `${p.red('●')} ${state} ${formatElapsed(v.elapsedMs)}  frames ${sum((s) => s.framesIn)}↓ ${sum((s) => s.framesOut)}↑  ` +
    `${p.dim(formatKinds(v.byKind, 5))}  ${formatBytes(sum((s) => s.bytesWritten))}${files}`
  );
}

/** The placeholder of `-o` that becomes each room's name. */
export const ROOM_PLACEHOLDER = '{room}';

/** A room argument as a file name: its web_rid when it has one, with anything but `[\w.-]` replaced. */
export function roomFileName(room: string): string {
  let name = room;
  try {
    name = parseRoomInput(room).webRid ?? room;
  } catch {
    // Not a URL or web_rid: the session will report that; the file name just has to be safe.
  }
  return name.replace(/[^\w.-]/g, '_') || 'room';
}

/**
 * The file each room is recorded to: `{room}` in `output` is replaced by the room's name; a directory (a path
 * ending in `/`, or an existing directory) gets `<room>.dyrec`; otherwise `output` itself, which only one room
 * may have. Throws INVALID_ARGUMENT when two rooms would share a file.
 */
export function outputPaths(output: string, rooms: readonly string[]): Map<string, string> {
  const isDir = output.endsWith('/') || output.endsWith(sep) || (existsSync(output) && statSync(output).isDirectory());
  const paths = new Map<string, string>();
  for (const room of rooms) {
    const name = roomFileName(room);
    const path = output.includes(ROOM_PLACEHOLDER)
      ? output.split(ROOM_PLACEHOLDER).join(name)
      : isDir
        ? join(output, `${name}.dyrec`)
        : output;
    if ([...paths.values()].includes(path)) {
      throw new DouyinLiveError(
        ErrorCodes.INVALID_ARGUMENT,
        rooms.length > 1 && path === output
          ? `with several rooms, -o must be a directory (ending in /) or contain ${ROOM_PLACEHOLDER}`
          : `two rooms would be recorded to the same file: ${path}`,
        { path },
      );
    }
    paths.set(room, path);
  }
  return paths;
}

/** Status lines refresh this often on a terminal, in ms. */
const STATUS_INTERVAL_MS = 1000;

// Cursor up one line, then erase it: the status line is redrawn in place with plain line writes.
const REDRAW = '\u001b[1A\u001b[2K';

/** Registers `record`. */
export function recordCommand(ctx: CliContext) {
  return {
    command: 'record <rooms..>',
    describe: 'Record live rooms’ raw frames to .dyrec files, one per room (crash-safe, no cookies stored)',
    builder: (y: Argv) =>
      poolArgs(y)
        .positional('rooms', {
          type: 'string',
          array: true,
          demandOption: true,
          describe: 'https://live.douyin.com/<web_rid> or web_rid',
        })
        .option('output', {
          alias: 'o',
          type: 'string',
          demandOption: true,
          describe: `the .dyrec file; for several rooms a directory (dir/) or a path with ${ROOM_PLACEHOLDER}`,
        })
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
        .example('$0 record 100000001 -o sim.dyrec --endpoint http://127.0.0.1:8080', 'record the simulator')
        .example('$0 record 261378947940 100000001 -o recordings/', 'two rooms, recordings/<web_rid>.dyrec each'),
    handler: async (args: RecordArgs) => {
      // Reject bad arguments before connecting.
      const durationMs = args.duration !== undefined ? parseDuration(args.duration) : undefined;
      const maxPartBytes = args.maxSize !== undefined ? parseSize(args.maxSize) : 0;
      const maxPartDurationMs = args.rotateAfter !== undefined ? parseDuration(args.rotateAfter) : 0;
      const rooms = [...new Set(args.rooms)];
      const paths = outputPaths(args.output, rooms);
      for (const path of new Set([...paths.values()].map((p) => dirname(p)))) mkdirSync(path, { recursive: true });
      const base = sessionOptionsFrom(args);
      const p = palette(ctx.colour);

      // One pool for every room: joins capped and paced; a room that fails leaves the others recording.
      const pool = connectRooms(rooms, { ...poolOptionsFrom(args), session: base });
      const startedAt = Date.now();
      let writeError: DouyinLiveError | undefined;
      const recordings = new Map<string, SessionRecording>(
        rooms.map((key) => {
          const session = pool.room(key);
          const recording = recordSession(session, paths.get(key)!, {
            pseudonymiseUsers: args.redactUsers,
            secrets: cookieValues(base.cookie),
            maxPartBytes,
            maxPartDurationMs,
            onError: (error) => {
              writeError ??= error;
              void session.close();
            },
          });
          return [key, recording];
        }),
      );
      const byKind = new Map<string, number>();
      const subscription = pool.messages$.subscribe(({ message }: PoolMessage) => {
        const kind = messageKind(message.method);
        byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
      });

      const view = (stats: readonly (RecorderStats | undefined)[]): StatusView => {
        const states = [...pool.states.values()];
        const live = states.filter((s) => s === 'live').length;
        return {
          elapsedMs: Date.now() - startedAt,
          state: rooms.length === 1 ? (states[0] ?? 'closed') : `${live}/${rooms.length} live`,
          live: live > 0,
          stats,
          byKind,
        };
      };
      let drawn = false;
      const draw = () => {
        const line = statusLine(view([...recordings.values()].map((r) => r.stats)), p);
        ctx.out(drawn ? REDRAW + line : line);
        drawn = true;
      };
      // A status line only on a terminal; piped output gets the summary alone.
      const ticker = ctx.colour ? setInterval(draw, STATUS_INTERVAL_MS) : undefined;
      if (ctx.colour) draw();

      const outcomes = Promise.all(rooms.map((key) => pool.room(key).done));
      let durationTimer: NodeJS.Timeout | undefined;
      const stopReason = await Promise.race([
        outcomes.then(stopReasonOf),
        ctx.interrupted().then(() => 'interrupted'),
        ...(durationMs !== undefined
          ? [new Promise<string>((resolve) => (durationTimer = setTimeout(() => resolve('duration'), durationMs)))]
          : []),
      ]);
      clearTimeout(durationTimer);
      if (ticker) clearInterval(ticker);
      // Close the sessions first, so their last close events are recorded; then each file gets its end record.
      await pool.close();
      const stopped = await Promise.allSettled([...recordings.values()].map((r) => r.stop(stopReason)));
      subscription.unsubscribe();
      const failedWrite = stopped.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failedWrite) throw writeError ?? failedWrite.reason;
      const stats = stopped.map((r) => (r as PromiseFulfilledResult<RecorderStats>).value);
      if (drawn) ctx.out(REDRAW + statusLine(view(stats), p));

      rooms.forEach((key, i) => {
        const s = stats[i]!;
        const session = pool.room(key);
        const room = session.room;
        const parts = s.paths.length > 1 ? ` (+${s.paths.length - 1} parts: ${s.paths.slice(1).join(', ')})` : '';
        ctx.out(
          `${p.bold('Recorded')} ${room ? `${room.title || room.roomId} (room ${room.roomId})` : key} to ${paths.get(key)}${parts}`,
        );
        ctx.out(
          `  ${formatElapsed(Date.now() - startedAt)} · frames ${s.framesIn} in, ${s.framesOut} out · ` +
            `${formatBytes(s.bytesFlushed)} written · ${session.stats.connections} connection(s)` +
            (args.redactUsers ? ` · ${s.pseudonyms?.usersReplaced ?? 0} users pseudonymised` : ''),
        );
      });
      ctx.out(`  messages: ${formatKinds(byKind, 12)}`);
      ctx.out(`  stopped: ${stopReason}`);
      const failed = (await outcomes).find(
        (o): o is Extract<SessionOutcome, { reason: 'failed' }> => o.reason === 'failed',
      );
      if (failed) throw failed.error;
    },
  };
}

/** Why recording stopped when every room is over: failed only if all failed, ended if any live ended. */
function stopReasonOf(outcomes: readonly SessionOutcome[]): string {
  if (outcomes.every((o) => o.reason === 'failed')) return 'failed';
  return outcomes.some((o) => o.reason === 'ended') ? 'ended' : 'closed';
}
