import { closeSync, existsSync, openSync, statSync, writeSync } from 'node:fs';
import {
  DouyinLiveError,
  ErrorCodes,
  giftCombos,
  MESSAGE_KINDS,
  messageToJson,
  methodFilter,
  toJsonLine,
  type LiveMessage,
} from '@douyin-live/core';
import { partPath } from '@douyin-live/recorder';
import { VirtualTimeScheduler } from 'rxjs';
import type { Argv } from 'yargs';
import type { CliContext } from '../context.js';
import { csvHeader, csvRow } from '../format/csv.js';
import {
  danmakuCommentOf,
  danmakuCommentOfCombo,
  danmakuEncoder,
  type DanmakuComment,
  type DanmakuEncoder,
  type DanmakuStats,
} from '../replay/danmaku.js';
import {
  parseResolution,
  parseSignedDuration,
  resolveDanmakuOptions,
  type DanmakuNicknames,
  type DanmakuOptions,
  type DanmakuOverflow,
} from '../replay/danmakuOptions.js';
import { parseOffset } from '../replay/options.js';
import { replaySession } from '../replay/replaySession.js';

/** Arguments of `douyin-live export`. */
export interface ExportArgs {
  file: string;
  format: 'jsonl' | 'csv' | 'ass' | 'srt';
  output: string;
  only?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  progress?: boolean | undefined;
  // Danmaku (ass, srt) only:
  offset?: string | undefined;
  videoStart?: string | undefined;
  duration?: string | undefined;
  lanes?: number | undefined;
  fontSize?: number | undefined;
  font?: string | undefined;
  resolution?: string | undefined;
  width?: number | undefined;
  height?: number | undefined;
  nicknames?: DanmakuNicknames | undefined;
  overflow?: DanmakuOverflow | undefined;
  maxDelay?: string | undefined;
  opacity?: number | undefined;
}

/** The danmaku options that only shape scrolling ASS comments, by their CLI names. */
const ASS_ONLY_ARGS = [
  'lanes',
  'fontSize',
  'font',
  'resolution',
  'width',
  'height',
  'overflow',
  'maxDelay',
  'opacity',
] as const satisfies readonly (keyof ExportArgs)[];

/** The options that only the danmaku formats (`ass`, `srt`) take. */
const DANMAKU_ARGS = [
  'offset',
  'videoStart',
  'duration',
  'nicknames',
  ...ASS_ONLY_ARGS,
] as const satisfies readonly (keyof ExportArgs)[];

/**
 * A gift streak whose end marker never came is judged over after this much silence, in ms, for danmaku (core's
 * default, 10 s, would show the comment long after the gifts; Douyin repeats a growing streak about every second).
 */
const DANMAKU_GIFT_STREAK_TIMEOUT_MS = 3000;

/** Kinds the danmaku formats include when `--only` is not given: what viewers wrote. */
const DANMAKU_DEFAULT_ONLY = 'chat';

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * The danmaku options the export arguments ask for (`--offset`, `--lanes`, `--resolution`, ...), without the
 * `--video-start` shift (that needs the recording's header); throws `INVALID_ARGUMENT` for bad values or for
 * danmaku options given with `jsonl` / `csv`.
 */
export function danmakuOptionsFromArgs(args: ExportArgs): DanmakuOptions {
  if (args.format !== 'ass' && args.format !== 'srt') {
    const given = DANMAKU_ARGS.filter((name) => args[name] !== undefined);
    if (given.length > 0) {
      throw new DouyinLiveError(
        ErrorCodes.INVALID_ARGUMENT,
        `${given.map((n) => `--${kebab(n)}`).join(', ')} only apply to --format ass or srt`,
        { options: given },
      );
    }
    return {};
  }
  if (args.format === 'srt') {
    const given = ASS_ONLY_ARGS.filter((name) => args[name] !== undefined);
    if (given.length > 0) {
      throw new DouyinLiveError(
        ErrorCodes.INVALID_ARGUMENT,
        `${given.map((n) => `--${kebab(n)}`).join(', ')} only apply to --format ass (SRT cues have no lanes or fonts)`,
        { options: given },
      );
    }
  }
  const size = args.resolution !== undefined ? parseResolution(args.resolution) : undefined;
  if (size !== undefined && (args.width !== undefined || args.height !== undefined)) {
    throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, 'give --resolution or --width/--height, not both', {
      resolution: args.resolution,
    });
  }
  return {
    width: size?.width ?? args.width,
    height: size?.height ?? args.height,
    fontSize: args.fontSize,
    lanes: args.lanes,
    durationMs: args.duration !== undefined ? parseOffset('duration', args.duration) : undefined,
    offsetMs: args.offset !== undefined ? parseSignedDuration(args.offset) : undefined,
    nicknames: args.nicknames,
    overflow: args.overflow,
    maxDelayMs: args.maxDelay !== undefined ? parseOffset('max-delay', args.maxDelay) : undefined,
    opacity: args.opacity,
    font: args.font,
  };
}

/** `--video-start` as ms since the epoch: an ISO date-time or a number of ms. */
export function parseVideoStart(text: string): number {
  const ms = /^\d+$/.test(text.trim()) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms)) {
    throw new DouyinLiveError(
      ErrorCodes.INVALID_ARGUMENT,
      `video-start must be a date-time such as 2026-12-04T19:00:05Z (or ms since 1970), got "${text}"`,
      { videoStart: text },
    );
  }
  return ms;
}

/** The closing summary of a danmaku export: what was written, delayed and dropped, and why. */
export function describeDanmakuStats(stats: DanmakuStats, output: string): string {
  const notes: string[] = [];
  if (stats.delayed > 0) {
    notes.push(`${stats.delayed} delayed by up to ${(stats.maxDelayMs / 1000).toFixed(2)} s (every lane busy)`);
  }
  if (stats.droppedBusy > 0) notes.push(`${stats.droppedBusy} dropped (every lane busy)`);
  if (stats.droppedBeforeStart > 0) notes.push(`${stats.droppedBeforeStart} dropped (before the video starts)`);
  return `exported ${stats.written} of ${stats.comments} comments to ${output}${notes.length > 0 ? `: ${notes.join(', ')}` : ''}`;
}

/** Output is written in blocks of about this many bytes (synchronously: the replay waits for the disk). */
const WRITE_BLOCK_BYTES = 256 * 1024;
/** The progress bar is redrawn at most this often, in ms. */
const PROGRESS_INTERVAL_MS = 200;
const BAR_WIDTH = 30;

/** Bytes of a recording, all parts. */
export function recordingSize(path: string): number {
  let total = 0;
  for (let n = 0; ; n++) {
    const part = partPath(path, n);
    if (!existsSync(part)) break;
    total += statSync(part).size;
  }
  return total;
}

/** `[#########---------]  45%  120.3/270.0 MB  1,234,567 messages` */
export function progressBar(done: number, total: number, messages: number): string {
  const share = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(share * BAR_WIDTH);
  const mb = (n: number) => (n / 1e6).toFixed(1);
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${String(Math.round(share * 100)).padStart(3)}%  ${mb(Math.min(done, total))}/${mb(total)} MB  ${messages.toLocaleString('en-US')} messages`;
}

/** Registers `export`. */
export function exportCommand(ctx: CliContext) {
  return {
    command: 'export <file>',
    describe:
      'Write the messages of a recording to a JSON-lines or CSV file, or as danmaku subtitles (ASS scrolling comments, SRT) to burn onto the recorded video',
    builder: (y: Argv) =>
      y
        .positional('file', { type: 'string', demandOption: true, describe: 'the .dyrec recording (first part)' })
        .option('format', {
          choices: ['jsonl', 'csv', 'ass', 'srt'] as const,
          demandOption: true,
          describe: 'output format (ass: scrolling danmaku in lanes; srt: one cue per comment)',
        })
        .option('output', { alias: 'o', type: 'string', demandOption: true, describe: 'file to write (- = stdout)' })
        .option('only', {
          type: 'string',
          describe: `only these kinds: ${Object.keys(MESSAGE_KINDS).join(',')} (ass/srt default: ${DANMAKU_DEFAULT_ONLY})`,
        })
        .option('from', { type: 'string', describe: 'start this far into the recording (90s, 5m)' })
        .option('to', { type: 'string', describe: 'stop this far into the recording (90s, 5m)' })
        .option('progress', {
          type: 'boolean',
          describe: 'progress bar on stderr (default: when stderr is a terminal)',
        })
        .option('offset', {
          type: 'string',
          // One value, taken even when it starts with a minus (`--offset -12.5s`), instead of parsed as flags.
          nargs: 1,
          describe: 'ass/srt: shift comment times by this much, may be negative (-12.5s; default 0)',
        })
        .option('video-start', {
          type: 'string',
          describe: 'ass/srt: when the video started (ISO date-time); shifts times to match it, on top of --offset',
        })
        .option('duration', { type: 'string', describe: 'ass/srt: time each comment is on screen (default 8s)' })
        .option('lanes', { type: 'number', describe: 'ass: scrolling lanes from the top (default: the top half)' })
        .option('font-size', { type: 'number', describe: 'ass: font size in px (default: height/24)' })
        .option('font', { type: 'string', describe: 'ass: font family (default "Microsoft YaHei", with fallback)' })
        .option('resolution', { type: 'string', describe: 'ass: video size, WIDTHxHEIGHT (default 1920x1080)' })
        .option('width', { type: 'number', describe: 'ass: video width in px (default 1920)' })
        .option('height', { type: 'number', describe: 'ass: video height in px (default 1080)' })
        .option('nicknames', {
          choices: ['all', 'unmasked', 'none'] as const,
          describe: "ass/srt: whose nicknames precede their text (default unmasked: not masked guests' 夜*** stubs)",
        })
        .option('overflow', {
          choices: ['delay', 'drop'] as const,
          describe: 'ass: when every lane is busy, wait for one (up to --max-delay) or drop (default delay)',
        })
        .option('max-delay', { type: 'string', describe: 'ass: longest wait for a free lane (default 3s)' })
        .option('opacity', { type: 'number', describe: 'ass: comment opacity, above 0 up to 1 (default 1)' })
        .example(
          '$0 export session.dyrec --format ass --resolution 1280x720 --offset -3s -o chat.ass',
          'danmaku for a 720p video that started 3 s after the recording; burn with ffmpeg -vf ass=chat.ass',
        )
        .example(
          '$0 export session.dyrec --format csv --only chat,gift -o chat.csv',
          'chat and gifts for a spreadsheet',
        )
        .example('$0 export session.dyrec --format jsonl -o - | jq .method', 'JSON lines to a pipe'),
    handler: async (args: ExportArgs) => {
      const danmaku = args.format === 'ass' || args.format === 'srt';
      const keep = methodFilter(args.only ?? (danmaku ? DANMAKU_DEFAULT_ONLY : undefined));
      const from = args.from !== undefined ? parseOffset('from', args.from) : undefined;
      const to = args.to !== undefined ? parseOffset('to', args.to) : undefined;
      const danmakuOptions = danmakuOptionsFromArgs(args);
      const videoStartMs = args.videoStart !== undefined ? parseVideoStart(args.videoStart) : undefined;
      // Bad values fail here, before the output file is created.
      if (danmaku) resolveDanmakuOptions(danmakuOptions);
      if (!existsSync(args.file)) {
        throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, `no such file: ${args.file}`, { path: args.file });
      }
      const toStdout = args.output === '-';
      const fd = toStdout ? undefined : openSync(args.output, 'w');
      let block: string[] = [];
      let blockBytes = 0;
      const flush = () => {
        if (block.length === 0) return;
        if (fd === undefined) for (const line of block) ctx.out(line);
        else writeSync(fd, `${block.join('\n')}\n`);
        block = [];
        blockBytes = 0;
      };
      const write = (line: string) => {
        block.push(line);
        blockBytes += line.length;
        if (blockBytes >= WRITE_BLOCK_BYTES) flush();
      };
      if (args.format === 'csv') write(csvHeader());

      // Gifts become one comment per combo streak, counted by core's giftCombos; its timeouts (lost end
      // markers) need the recording's own clock, which a virtual-time scheduler gives at full speed.
      const comboGifts = danmaku && (keep === undefined || keep('WebcastGiftMessage'));
      const scheduler = comboGifts ? new VirtualTimeScheduler() : undefined;
      const session = replaySession(args.file, { speed: 'max', from, to, ...(scheduler ? { scheduler } : {}) });
      // Ctrl-C, or the reader of `-o -` going away (`| head`), ends the export early and quietly.
      void ctx.interrupted().then(() => session.close());
      // Made once the recording's header is known (--video-start is relative to its start; the title is its room's).
      let encoder: DanmakuEncoder | undefined;
      const danmakuEncoderFor = (): DanmakuEncoder => {
        if (encoder !== undefined) return encoder;
        const header = session.header;
        const shiftMs =
          videoStartMs !== undefined && header !== undefined ? header.recordingStartedAt - videoStartMs : 0;
        encoder = danmakuEncoder(
          args.format as 'ass' | 'srt',
          { ...danmakuOptions, offsetMs: (danmakuOptions.offsetMs ?? 0) + shiftMs },
          header?.room?.title ? `${header.room.title} (douyin-live danmaku)` : undefined,
        );
        if (encoder.head !== '') write(encoder.head);
        return encoder;
      };
      const showProgress = args.progress ?? process.stderr.isTTY === true;
      const total = showProgress ? recordingSize(args.file) : 0;
      let written = 0;
      let lastDraw = 0;
      const draw = (final = false) => {
        const now = Date.now();
        if (!final && now - lastDraw < PROGRESS_INTERVAL_MS) return;
        lastDraw = now;
        process.stderr.write(`\r${progressBar(final ? total : session.bytesRead, total, written)}${final ? '\n' : ''}`);
      };
      session.errors$.subscribe((e) => {
        if (showProgress) process.stderr.write('\r\u001b[2K');
        ctx.err(`! ${e.message}`);
      });
      const addComment = (comment: DanmakuComment) => {
        const piece = danmakuEncoderFor().add(comment);
        if (piece === undefined) return;
        written++;
        write(piece);
        if (showProgress) draw();
      };
      if (scheduler !== undefined) {
        session.gift$
          .pipe(giftCombos({ emit: 'end', scheduler, timeoutMs: DANMAKU_GIFT_STREAK_TIMEOUT_MS }))
          .subscribe((combo) => {
            // An end marker ends a streak at the frame playing now; a timeout at the virtual time it fired,
            // which is recording time counted from --from (position then already shows the next frame).
            const atMs = combo.reason === 'timeout' ? scheduler.now() + (from ?? 0) : session.position;
            addComment(danmakuCommentOfCombo(combo, atMs));
          });
      }
      session.messages$.subscribe({
        next: (m: LiveMessage) => {
          if (keep && !keep(m.method)) return;
          if (danmaku) {
            if (comboGifts && m.method === 'WebcastGiftMessage') return;
            const comment = danmakuCommentOf(m, session.position);
            if (comment !== undefined) addComment(comment);
          } else {
            written++;
            write(
              args.format === 'csv'
                ? csvRow(m, session.position)
                : toJsonLine({ ms: session.position, ...messageToJson(m) }),
            );
            if (showProgress) draw();
          }
        },
        error: () => undefined,
      });
      try {
        const outcome = await session.done;
        // A recording without comments still gets a valid (empty) script.
        if (danmaku && outcome.reason !== 'failed') danmakuEncoderFor();
        flush();
        if (outcome.reason === 'failed') throw outcome.error;
      } finally {
        if (fd !== undefined) closeSync(fd);
      }
      if (showProgress) draw(true);
      const truncated = session.truncated ? ' (the recording is truncated)' : '';
      if (encoder !== undefined) {
        // Always on stderr, also with -o -: how many comments were delayed or dropped is part of the result.
        ctx.err(`${describeDanmakuStats(encoder.stats, toStdout ? 'stdout' : args.output)}${truncated}`);
      } else if (!toStdout) {
        ctx.err(`exported ${written} messages to ${args.output}${truncated}`);
      }
    },
  };
}
